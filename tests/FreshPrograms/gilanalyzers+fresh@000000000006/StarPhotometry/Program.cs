using System.Runtime.CompilerServices;

namespace StarPhotometry;

public sealed class MeasurementLog
{
    private readonly List<(int Frame, int Star, double Magnitude)> _rows = new();

    [MethodImpl(MethodImplOptions.Synchronized)]
    public void Record(int frame, int star, double magnitude) => _rows.Add((frame, star, magnitude));

    public IReadOnlyList<(int Frame, int Star, double Magnitude)> Rows => _rows;
}

public sealed class PhotometryPipeline
{
    private readonly IPsfFitter _fitter;
    private readonly MeasurementLog _log;

    public PhotometryPipeline(IPsfFitter fitter, MeasurementLog log)
    {
        _fitter = fitter;
        _log = log;
    }

    public static void EstimateBackgrounds(Frame[] frames)
    {
        void Estimate(int parity)
        {
            for (int i = parity; i < frames.Length; i += 2)
            {
                var sorted = (float[])frames[i].Pixels.Clone();
                double lo = double.MinValue, hi = double.MaxValue, median = 0;
                for (int pass = 0; pass < 3; pass++)
                {
                    var kept = sorted.Where(p => p > lo && p < hi).ToArray();
                    Array.Sort(kept);
                    median = kept[kept.Length / 2];
                    double sd = Math.Sqrt(kept.Average(p => (p - median) * (p - median)));
                    lo = median - 3 * sd; hi = median + 3 * sd;
                }
                frames[i].Background = median;
            }
        }

        var even = new Thread(() => Estimate(0));
        var odd = new Thread(() => Estimate(1));
        even.Start();
        odd.Start();
        even.Join();
        odd.Join();
    }

    public void Measure(Frame[] frames, IReadOnlyList<(double X, double Y, double Flux)> catalogue)
    {
        var jobs = from f in Enumerable.Range(0, frames.Length)
                   from s in Enumerable.Range(0, catalogue.Count)
                   select (f, s);
        Parallel.ForEach(jobs, job =>
        {
            var (x, y, _) = catalogue[job.s];
            PsfFit fit = _fitter.Fit(frames[job.f], x + 0.3, y - 0.2);
            double mag = 25 - 2.5 * Math.Log10(Math.Max(fit.Flux, 1e-6));
            _log.Record(job.f, job.s, mag);
        });
    }
}

public static class Program
{
    public static void Main()
    {
        var rng = new Random(3);
        var catalogue = Enumerable.Range(0, 16)
            .Select(_ => (X: 12 + rng.NextDouble() * 100, Y: 12 + rng.NextDouble() * 100, Flux: 2000 + rng.NextDouble() * 20000))
            .ToList();
        Frame[] frames = Enumerable.Range(0, 6).Select(i => Frame.Synthetic(128, 128, catalogue, seed: 100 + i)).ToArray();

        using var stop = new ManualResetEventSlim(false);
        int beats = 0;
        var heartbeat = new Thread(() =>
        {
            while (!stop.Wait(50)) Interlocked.Increment(ref beats);
        }) { IsBackground = true, Name = "heartbeat" };
        heartbeat.Start();

        PhotometryPipeline.EstimateBackgrounds(frames);
        var log = new MeasurementLog();
        var pipeline = new PhotometryPipeline(new GaussianPsfFitter(), log);
        pipeline.Measure(frames, catalogue);

        stop.Set();
        heartbeat.Join();

        Console.WriteLine($"backgrounds: {string.Join(", ", frames.Select(f => f.Background.ToString("F1")))}");
        foreach (var star in log.Rows.GroupBy(r => r.Star).OrderBy(g => g.Key).Take(6))
        {
            double mean = star.Average(r => r.Magnitude);
            double sd = Math.Sqrt(star.Average(r => (r.Magnitude - mean) * (r.Magnitude - mean)));
            Console.WriteLine($"star {star.Key,2}: mag {mean:F3} +/- {sd:F3} (catalogue {25 - 2.5 * Math.Log10(catalogue[star.Key].Flux):F3})");
        }
        Console.WriteLine($"measurements: {log.Rows.Count}");
    }
}
