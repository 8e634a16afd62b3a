using System;
using System.IO;
using System.Linq;
using System.Text;
using System.Threading;
using System.Threading.Tasks;

namespace WildfireSpreadModel;

public enum Fuel : byte { Rock, Grass, Shrub, Timber }

public sealed record EnsembleMember(int Id, double WindFromDeg, double WindSpeed, int IgnitionX, int IgnitionY);

public sealed record BurnResult(int Member, int BurnedCells, int Steps, byte[] Scar);

public sealed class Landscape
{
    public const int Size = 200;
    public readonly Fuel[] Fuels = new Fuel[Size * Size];
    public readonly double[] Elevation = new double[Size * Size];
    public readonly double[] Moisture = new double[Size * Size];

    public Landscape(int seed)
    {
        var rng = new Random(seed);
        var hills = Enumerable.Range(0, 9).Select(_ => (X: rng.Next(Size), Y: rng.Next(Size), H: 80 + rng.Next(220), R: 20 + rng.Next(40))).ToArray();
        for (int y = 0; y < Size; y++)
            for (int x = 0; x < Size; x++)
            {
                int i = y * Size + x;
                Elevation[i] = hills.Sum(h => h.H * Math.Exp(-((x - h.X) * (x - h.X) + (y - h.Y) * (y - h.Y)) / (2.0 * h.R * h.R)));
                double noise = Math.Sin(x * 0.21 + y * 0.05) + Math.Cos(y * 0.17 - x * 0.08) + rng.NextDouble() * 0.6;
                Fuels[i] = Math.Abs(x - 120 + 0.3 * y) < 2 ? Fuel.Rock : noise > 1.1 ? Fuel.Timber : noise > 0.1 ? Fuel.Shrub : noise > -1.5 ? Fuel.Grass : Fuel.Rock;
            }
    }
}

public static class Program
{
    private static readonly double[] SpreadBase = { 0, 0.36, 0.26, 0.18 };
    private static readonly int[] BurnTime = { 0, 2, 3, 5 };

    public static async Task Main()
    {
        var land = new Landscape(seed: 8);
        var statsLock = new object();
        int flammable = 0;
        Parallel.For(0, Landscape.Size, y =>
        {
            int rowCount = 0;
            for (int x = 0; x < Landscape.Size; x++)
            {
                int i = y * Landscape.Size + x;
                double north = y > 0 ? land.Elevation[i - Landscape.Size] : land.Elevation[i];
                land.Moisture[i] = Math.Clamp(0.08 + 0.0006 * land.Elevation[i] + 0.002 * (north - land.Elevation[i]), 0.03, 0.35);
                if (land.Fuels[i] != Fuel.Rock) rowCount++;
            }
            lock (statsLock)
            {
                flammable += rowCount;
            }
        });
        Console.WriteLine($"landscape {Landscape.Size}x{Landscape.Size}, flammable cells {flammable}");

        EnsembleMember[] members = Enumerable.Range(0, 16).Select(m => new EnsembleMember(m, 200 + 12 * (m % 6), 3 + m % 4 * 2.5, 40 + m % 3 * 4, 150 - m % 5 * 3)).ToArray();
        var results = new BurnResult[members.Length];
        int half = members.Length / 2;
        var firstHalf = new Thread(() =>
        {
            for (int m = 0; m < half; m++) results[m] = Simulate(land, members[m]);
        });
        var secondHalf = new Thread(() =>
        {
            for (int m = half; m < members.Length; m++) results[m] = Simulate(land, members[m]);
        });
        firstHalf.Start();
        secondHalf.Start();
        firstHalf.Join();
        secondHalf.Join();

        var probability = new double[Landscape.Size * Landscape.Size];
        foreach (BurnResult r in results)
            for (int i = 0; i < probability.Length; i++) probability[i] += r.Scar[i] / (double)results.Length;
        foreach (BurnResult r in results)
            Console.WriteLine($"member {r.Member,2}: wind {members[r.Member].WindFromDeg,3:F0} deg {members[r.Member].WindSpeed,4:F1} m/s  burned {r.BurnedCells * 0.09,7:F1} ha in {r.Steps,3} steps");
        Console.WriteLine($"cells burned in >= 25% of members: {probability.Count(p => p >= 0.25)}; in >= 50%: {probability.Count(p => p >= 0.5)}");

        string dir = Path.Combine(Path.GetTempPath(), "wildfire-" + Environment.ProcessId);
        Directory.CreateDirectory(dir);
        string[] maps = results.Select(r => AsciiMap(r.Scar)).ToArray();
        long written = 0;
        await Task.WhenAll(maps.Select(async (map, m) =>
        {
            await File.WriteAllTextAsync(Path.Combine(dir, $"scar-{m:D2}.txt"), map);
            Interlocked.Add(ref written, map.Length);
        }));
        Console.WriteLine($"wrote {maps.Length} scar maps, {written} characters");
        Directory.Delete(dir, recursive: true);
    }

    private static BurnResult Simulate(Landscape land, EnsembleMember member)
    {
        const int n = Landscape.Size;
        var rng = new Random(1000 + member.Id);
        var remaining = new int[n * n];
        var scar = new byte[n * n];
        double windTo = (member.WindFromDeg + 180) * Math.PI / 180, wx = Math.Sin(windTo), wy = -Math.Cos(windTo);
        int start = member.IgnitionY * n + member.IgnitionX, burned = 1, step = 0;
        remaining[start] = 5;
        scar[start] = 1;
        var burning = new System.Collections.Generic.List<int> { start };
        for (; burning.Count > 0 && step < 500; step++)
        {
            var next = new System.Collections.Generic.List<int>();
            foreach (int cell in burning)
            {
                int cx = cell % n, cy = cell / n;
                for (int dy = -1; dy <= 1; dy++)
                    for (int dx = -1; dx <= 1; dx++)
                    {
                        int x = cx + dx, y = cy + dy, target = y * n + x;
                        if ((dx | dy) == 0 || x < 0 || y < 0 || x >= n || y >= n || scar[target] != 0 || land.Fuels[target] == Fuel.Rock) continue;
                        double distance = Math.Sqrt(dx * dx + dy * dy);
                        double wind = Math.Exp(0.09 * member.WindSpeed * (dx * wx + dy * wy) / distance);
                        double slope = Math.Exp(3.5 * Math.Clamp((land.Elevation[target] - land.Elevation[cell]) / (30 * distance), -0.5, 0.5));
                        double p = SpreadBase[(int)land.Fuels[target]] * wind * slope * (1 - 2.2 * land.Moisture[target]) / distance;
                        if (rng.NextDouble() < p) { scar[target] = 1; remaining[target] = BurnTime[(int)land.Fuels[target]]; next.Add(target); burned++; }
                    }
                if (--remaining[cell] > 0) next.Add(cell);
            }
            burning = next;
        }
        return new BurnResult(member.Id, burned, step, scar);
    }

    private static string AsciiMap(byte[] scar)
    {
        var sb = new StringBuilder();
        for (int y = 0; y < Landscape.Size; y += 4)
        {
            for (int x = 0; x < Landscape.Size; x += 2) sb.Append(scar[y * Landscape.Size + x] != 0 ? '#' : '.');
            sb.Append('\n');
        }
        return sb.ToString();
    }
}
