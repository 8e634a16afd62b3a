using System.Globalization;
using System.Text;

namespace SensorFusionBackfill;

// Background backfill for a building-monitoring service: re-parses archived sensor exports
// (CSV text), runs a complementary filter per device to fuse accelerometer and gyro
// readings, and stores the fused tilt series.
public static class Program
{
    public static void Main()
    {
        CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
        var archive = ArchiveGenerator.Create(devices: 24, samplesPerDevice: 2500, seed: 10);

        var parser = new NativeCsvParser();
        var parsed = archive.AsParallel().AsOrdered()
            .Select(a => (a.Device, Samples: parser.Parse(a.Csv)))
            .ToList();

        var recent = new RecentReadings(capacity: 32);
        var fuser = new BackfillRunner(alpha: 0.98, recent);
        FusedSeries[] fused = fuser.RunAll(parsed);

        foreach (var s in fused.Take(4))
        {
            Console.WriteLine($"{s.Device}: samples {s.Tilt.Length}, final tilt {s.Tilt[^1]:F4} rad, max {s.Tilt.Max():F4}");
        }
        Console.WriteLine($"devices fused: {fused.Length}");
        Console.WriteLine($"mean final tilt: {fused.Average(f => f.Tilt[^1]):F5}");
        Console.WriteLine($"recent buffer: {recent.Count} readings");
    }
}

public sealed record ArchivedExport(string Device, string Csv);
public readonly record struct Sample(double T, double Ax, double Az, double Gy);
public sealed record FusedSeries(string Device, double[] Tilt);

public static class ArchiveGenerator
{
    public static List<ArchivedExport> Create(int devices, int samplesPerDevice, int seed)
    {
        var rng = new Random(seed);
        var list = new List<ArchivedExport>();
        for (int d = 0; d < devices; d++)
        {
            var sb = new StringBuilder();
            double tilt = 0;
            for (int i = 0; i < samplesPerDevice; i++)
            {
                double t = i * 0.01;
                double rate = 0.2 * Math.Sin(t * (0.5 + d * 0.05));
                tilt += rate * 0.01;
                double ax = Math.Sin(tilt) + (rng.NextDouble() - 0.5) * 0.1;
                double az = Math.Cos(tilt) + (rng.NextDouble() - 0.5) * 0.1;
                double gy = rate + 0.01 + (rng.NextDouble() - 0.5) * 0.02;
                sb.Append(t.ToString("F2")).Append(';').Append(ax.ToString("F5")).Append(';')
                  .Append(az.ToString("F5")).Append(';').Append(gy.ToString("F5")).Append('\n');
            }
            list.Add(new ArchivedExport($"dev-{d:D2}", sb.ToString()));
        }
        return list;
    }
}

// Keeps the last readings for the live dashboard.
public sealed class RecentReadings(int capacity)
{
    private readonly Queue<(string Device, double Tilt)> _ring = new();
    private readonly object _gate = new();

    public int Count { get { lock (_gate) return _ring.Count; } }

    public void Push(string device, double tilt)
    {
        lock (_gate)
        {
            _ring.Enqueue((device, tilt));
            if (_ring.Count > capacity) _ring.Dequeue();
        }
    }
}
