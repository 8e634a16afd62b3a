using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using System.Threading;
using System.Threading.Tasks;

namespace ExoplanetTransitSearch;

public sealed record LightCurve(string Star, double[] Time, double[] Flux);

public sealed record TransitCandidate(string Star, double Period, double DurationHours, double DepthPpm, double Power);

public interface ITransitSearcher
{
    Task<TransitCandidate> SearchAsync(LightCurve curve, CancellationToken cancellationToken);
}

/// <summary>Box least squares (Kovács et al. 2002) over a fixed period grid, with reusable bin buffers.</summary>
public sealed class BoxLeastSquaresSearcher : ITransitSearcher
{
    private const int Bins = 200, MaxWidth = 12;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly double[] _periods;
    private readonly double[] _binSum = new double[Bins];
    private readonly int[] _binCount = new int[Bins];

    public BoxLeastSquaresSearcher(double minPeriod, double maxPeriod, int count) =>
        _periods = Enumerable.Range(0, count)
            .Select(i => minPeriod * Math.Pow(maxPeriod / minPeriod, i / (count - 1.0)))
            .ToArray();

    public async Task<TransitCandidate> SearchAsync(LightCurve curve, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            double mean = curve.Flux.Average();
            var best = new TransitCandidate(curve.Star, 0, 0, 0, double.MinValue);
            foreach (double period in _periods)
            {
                Array.Clear(_binSum);
                Array.Clear(_binCount);
                for (int i = 0; i < curve.Time.Length; i++)
                {
                    double cycles = curve.Time[i] / period;
                    int bin = (int)((cycles - Math.Floor(cycles)) * Bins);
                    _binSum[bin] += curve.Flux[i] - mean;
                    _binCount[bin]++;
                }
                for (int start = 0; start < Bins; start++)
                {
                    double s = 0;
                    int n = 0;
                    for (int w = 1; w <= MaxWidth; w++)
                    {
                        int b = (start + w - 1) % Bins;
                        s += _binSum[b];
                        n += _binCount[b];
                        double r = (double)n / curve.Time.Length;
                        if (n == 0 || r >= 1) continue;
                        double power = s * s / (r * (1 - r));
                        if (power > best.Power && s < 0)
                            best = new TransitCandidate(curve.Star, period, w * period / Bins * 24, -s / n / mean * 1e6, power);
                    }
                }
            }
            return best;
        }
        finally
        {
            _gate.Release();
        }
    }
}

public static class Survey
{
    public static async Task<string[]> WriteSectorAsync(string dir, int stars)
    {
        var paths = new List<string>();
        for (int k = 0; k < stars; k++)
        {
            var rng = new Random(4200 + k);
            double period = 1.2 + 8 * rng.NextDouble(), depth = k % 4 == 3 ? 0 : 0.0015 + 0.006 * rng.NextDouble();
            double duration = 0.06 + 0.1 * rng.NextDouble(), epoch = period * rng.NextDouble();
            var sb = new StringBuilder("time,flux\n");
            for (int i = 0; i < 3200; i++)
            {
                double t = i * 0.02;
                double phase = ((t - epoch) % period + period) % period;
                double noise = Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble());
                double flux = 1.0 + 0.0008 * noise + 0.0004 * Math.Sin(t / 3.1) - (phase < duration ? depth : 0);
                sb.Append(CultureInfo.InvariantCulture, $"{t:F4},{flux:F6}\n");
            }
            string path = Path.Combine(dir, $"TIC-{90210 + k}.csv");
            await File.WriteAllTextAsync(path, sb.ToString());
            paths.Add(path);
        }
        return paths.ToArray();
    }

    public static LightCurve Parse(string path, string text)
    {
        var rows = text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Skip(1)
            .Select(line => line.Split(','))
            .Select(f => (T: double.Parse(f[0], CultureInfo.InvariantCulture), F: double.Parse(f[1], CultureInfo.InvariantCulture)))
            .ToArray();
        return new LightCurve(Path.GetFileNameWithoutExtension(path), rows.Select(r => r.T).ToArray(), rows.Select(r => r.F).ToArray());
    }
}

public static class Program
{
    public static async Task Main()
    {
        string dir = Path.Combine(Path.GetTempPath(), $"bls-sector-{Environment.ProcessId}");
        Directory.CreateDirectory(dir);
        try
        {
            string[] paths = await Survey.WriteSectorAsync(dir, stars: 12);
            string[] texts = await Task.WhenAll(paths.Select(p => File.ReadAllTextAsync(p)));
            var curves = paths.Zip(texts, Survey.Parse).ToList();

            ITransitSearcher searcher = new BoxLeastSquaresSearcher(1.0, 10.0, count: 1500);
            var candidates = new List<TransitCandidate>();
            TransitCandidate? strongest = null;
            await Parallel.ForEachAsync(curves, async (curve, ct) =>
            {
                var candidate = await searcher.SearchAsync(curve, ct);
                lock (candidates)
                {
                    candidates.Add(candidate);
                    if (strongest is null || candidate.Power > strongest.Power) strongest = candidate;
                }
            });

            foreach (var c in candidates.OrderBy(c => c.Star, StringComparer.Ordinal))
                Console.WriteLine($"{c.Star}: P = {c.Period:F3} d, duration {c.DurationHours:F1} h, depth {c.DepthPpm:F0} ppm");
            Console.WriteLine($"strongest signal: {strongest!.Star} (P = {strongest.Period:F3} d)");
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
