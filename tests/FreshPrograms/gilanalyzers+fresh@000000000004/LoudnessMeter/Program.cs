using System.Globalization;

namespace LoudnessMeter;

public sealed record Track(string Title, float[] Left, float[] Right, int SampleRate);
public sealed record LoudnessReport(string Title, double IntegratedLufs, double PeakDb);

public sealed class Meter(string sidecarDir)
{
    private int _measured;
    public int Measured => Volatile.Read(ref _measured);

    // ITU-R BS.1770 style: K-weighting (shelf + high-pass), 400 ms blocks, absolute and relative gating
    public async Task<LoudnessReport> MeasureAsync(Track track)
    {
        var blocks = new List<double>();
        int blockLen = track.SampleRate * 4 / 10, hop = blockLen / 4;
        var kl = KWeight(track.Left);
        var kr = KWeight(track.Right);
        for (int start = 0; start + blockLen <= kl.Length; start += hop)
        {
            double sum = 0;
            for (int i = start; i < start + blockLen; i++) sum += kl[i] * kl[i] + kr[i] * kr[i];
            blocks.Add(-0.691 + 10 * Math.Log10(sum / blockLen + 1e-12));
        }
        var gated = blocks.Where(b => b > -70).ToList();
        double relative = gated.Count == 0 ? -70 : 10 * Math.Log10(gated.Average(b => Math.Pow(10, b / 10))) - 10;
        var final = gated.Where(b => b > relative).DefaultIfEmpty(-70).Average();
        double peak = 20 * Math.Log10(Math.Max(track.Left.Max(MathF.Abs), track.Right.Max(MathF.Abs)));
        var report = new LoudnessReport(track.Title, final, peak);

        await File.WriteAllTextAsync(Path.Combine(sidecarDir, track.Title + ".lufs"),
            string.Create(CultureInfo.InvariantCulture, $"{report.IntegratedLufs:F2};{report.PeakDb:F2}"));
        Interlocked.Increment(ref _measured);
        return report;
    }

    public async Task<(string Title, double Lufs)> ReadSidecarAsync(string path)
    {
        var text = await File.ReadAllTextAsync(path);
        return (Path.GetFileNameWithoutExtension(path), double.Parse(text.Split(';')[0], CultureInfo.InvariantCulture));
    }

    private static double[] KWeight(float[] x)
    {
        var y = Biquad(x, 1.53512485958697, -2.69169618940638, 1.19839281085285, -1.69065929318241, 0.73248077421585);
        return Biquad(y, 1.0, -2.0, 1.0, -1.99004745483398, 0.99007225036621);
    }

    private static double[] Biquad<T>(IReadOnlyList<T> x, double b0, double b1, double b2, double a1, double a2) where T : IConvertible
    {
        var y = new double[x.Count];
        double x1 = 0, x2 = 0, y1 = 0, y2 = 0;
        for (int i = 0; i < x.Count; i++)
        {
            double xi = x[i].ToDouble(CultureInfo.InvariantCulture);
            double yi = b0 * xi + b1 * x1 + b2 * x2 - a1 * y1 - a2 * y2;
            x2 = x1; x1 = xi; y2 = y1; y1 = yi;
            y[i] = yi;
        }
        return y;
    }
}

public static class Program
{
    public static async Task Main()
    {
        var dir = Directory.CreateTempSubdirectory("lufs").FullName;
        var meter = new Meter(dir);
        var rng = new Random(16);
        var tracks = Enumerable.Range(0, 8).Select(t =>
        {
            int n = 48000 * 6;
            var l = new float[n]; var r = new float[n];
            double gain = 0.1 + 0.1 * t;
            for (int i = 0; i < n; i++)
            {
                l[i] = (float)(gain * Math.Sin(2 * Math.PI * (110 + 40 * t) * i / 48000) + 0.02 * (rng.NextDouble() - 0.5));
                r[i] = (float)(gain * Math.Sin(2 * Math.PI * (165 + 40 * t) * i / 48000));
            }
            return new Track($"track{t:00}", l, r, 48000);
        }).ToList();

        bool finished = false;
        var ticker = new Thread(() =>
        {
            while (!Volatile.Read(ref finished))
            {
                Console.WriteLine($"  measured {meter.Measured}/{tracks.Count}");
                Thread.Sleep(200);
            }
        }) { IsBackground = true };
        ticker.Start();

        var reports = await Task.WhenAll(tracks.Select(meter.MeasureAsync));
        Volatile.Write(ref finished, true);
        foreach (var r in reports)
            Console.WriteLine($"{r.Title}: {r.IntegratedLufs,7:F2} LUFS, peak {r.PeakDb,6:F2} dBFS");

        var sidecars = Directory.GetFiles(dir, "*.lufs").Order().Select(meter.ReadSidecarAsync);
        var reread = await Task.WhenAll(sidecars);
        Console.WriteLine($"re-read {reread.Length} sidecars, loudest {reread.MaxBy(s => s.Lufs).Title}");
        Directory.Delete(dir, true);
    }
}
