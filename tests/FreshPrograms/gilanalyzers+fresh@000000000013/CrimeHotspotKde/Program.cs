using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;

namespace CrimeHotspotKde;

public readonly record struct Incident(double X, double Y, int Category, int Month);

public readonly record struct LayerSummary(int Layer, double Peak, int PeakCell, int HotCells);

public sealed class KdeEngine
{
    public const int Size = 160;
    private const int Bandwidth = 12;

    // Three scratch surfaces shared by all layers; a layer borrows the one its stripe owns.
    private readonly object[] _stripeLocks = { new object(), new object(), new object() };
    private readonly double[][] _surfaces;

    public KdeEngine() => _surfaces = _stripeLocks.Select(_ => new double[Size * Size]).ToArray();

    public LayerSummary Evaluate(int layer, IReadOnlyList<Incident> incidents)
    {
        int stripe = layer % _stripeLocks.Length;
        lock (_stripeLocks[stripe])
        {
            double[] surface = _surfaces[stripe];
            Array.Clear(surface);
            foreach (Incident incident in incidents)
            {
                int cx = (int)incident.X, cy = (int)incident.Y;
                for (int y = Math.Max(0, cy - Bandwidth); y <= Math.Min(Size - 1, cy + Bandwidth); y++)
                    for (int x = Math.Max(0, cx - Bandwidth); x <= Math.Min(Size - 1, cx + Bandwidth); x++)
                    {
                        double dx = (x + 0.5 - incident.X) / Bandwidth, dy = (y + 0.5 - incident.Y) / Bandwidth;
                        double u = dx * dx + dy * dy;
                        if (u < 1) surface[y * Size + x] += 15.0 / 16.0 * (1 - u) * (1 - u);
                    }
            }
            double[] sorted = (double[])surface.Clone();
            Array.Sort(sorted);
            double median = sorted[sorted.Length / 2], peak = sorted[^1];
            int peakCell = Array.IndexOf(surface, peak);
            return new LayerSummary(layer, peak, peakCell, surface.Count(v => v > median + 0.25 * (peak - median)));
        }
    }
}

public static class Program
{
    private const int Coarse = 80, Radius = 3, Permutations = 48, Workers = 4;
    private static readonly string[] Categories = { "burglary", "theft", "assault", "vandalism", "vehicle" };

    public static void Main()
    {
        List<Incident> incidents = Generate(36_000);
        var byLayer = incidents.GroupBy(i => i.Category * 6 + i.Month).OrderBy(g => g.Key).Select(g => g.ToList()).ToArray();

        var engine = new KdeEngine();
        var summaries = new LayerSummary[byLayer.Length];
        Parallel.For(0, byLayer.Length, layer => summaries[layer] = engine.Evaluate(layer, byLayer[layer]));
        foreach (var group in summaries.GroupBy(s => s.Layer / 6))
        {
            LayerSummary top = group.MaxBy(s => s.Peak);
            Console.WriteLine($"{Categories[group.Key],-10} peak {top.Peak,8:F2} in month {top.Layer % 6 + 1} at cell ({top.PeakCell % KdeEngine.Size},{top.PeakCell / KdeEngine.Size}), hot cells {group.Sum(s => s.HotCells)}");
        }

        var counts = new double[Coarse * Coarse];
        foreach (Incident i in incidents) counts[(int)(i.Y / 2) * Coarse + (int)(i.X / 2)]++;

        var (mean, sd) = Moments(counts);
        var z = new double[counts.Length];
        Parallel.For(0, Coarse, row =>
        {
            for (int col = 0; col < Coarse; col++) z[row * Coarse + col] = GetisOrd(counts, row, col, mean, sd);
        });

        var maxima = new double[Workers][];
        var threads = new Thread[Workers];
        for (int w = 0; w < Workers; w++)
        {
            int worker = w;
            threads[w] = new Thread(() =>
            {
                var rng = new Random(9000 + worker);
                var shuffled = (double[])counts.Clone();
                maxima[worker] = new double[Permutations / Workers];
                for (int p = 0; p < maxima[worker].Length; p++)
                {
                    rng.Shuffle(shuffled);
                    double max = double.MinValue;
                    for (int row = 0; row < Coarse; row++)
                        for (int col = 0; col < Coarse; col++) max = Math.Max(max, GetisOrd(shuffled, row, col, mean, sd));
                    maxima[worker][p] = max;
                }
            });
            threads[w].Start();
        }
        foreach (Thread t in threads) t.Join();

        double[] nullMax = maxima.SelectMany(m => m).Order().ToArray();
        double critical = nullMax[(int)(nullMax.Length * 0.95)];
        int significant = z.Count(v => v > critical);
        Console.WriteLine($"Gi* critical value (max-statistic, {Permutations} permutations): {critical:F3}; significant cells: {significant}");
        foreach (int cell in Enumerable.Range(0, z.Length).OrderByDescending(c => z[c]).Take(5))
            Console.WriteLine($"  hotspot ({cell % Coarse,2},{cell / Coarse,2}) z = {z[cell]:F2}, incidents {counts[cell]}");
    }

    private static (double Mean, double Sd) Moments(double[] x)
    {
        double mean = x.Average();
        return (mean, Math.Sqrt(x.Sum(v => v * v) / x.Length - mean * mean));
    }

    private static double GetisOrd(double[] x, int row, int col, double mean, double s)
    {
        int n = x.Length, w = 0;
        double sum = 0;
        for (int r = Math.Max(0, row - Radius); r <= Math.Min(Coarse - 1, row + Radius); r++)
            for (int c = Math.Max(0, col - Radius); c <= Math.Min(Coarse - 1, col + Radius); c++) { sum += x[r * Coarse + c]; w++; }
        return (sum - mean * w) / (s * Math.Sqrt((n * (double)w - (double)w * w) / (n - 1)));
    }

    private static List<Incident> Generate(int count)
    {
        var rng = new Random(77);
        (double X, double Y, double Spread)[] centres = { (40, 50, 6), (118, 32, 9), (80, 120, 5), (30, 140, 11), (135, 130, 7) };
        var list = new List<Incident>(count);
        while (list.Count < count)
        {
            int category = rng.Next(Categories.Length);
            var (cx, cy, spread) = rng.NextDouble() < 0.55 ? centres[(category + rng.Next(2)) % centres.Length] : (rng.NextDouble() * 160, rng.NextDouble() * 160, 40.0);
            double r = spread * Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())), a = rng.NextDouble() * 2 * Math.PI;
            double x = cx + r * Math.Cos(a), y = cy + r * Math.Sin(a);
            if (x >= 0 && y >= 0 && x < KdeEngine.Size && y < KdeEngine.Size) list.Add(new Incident(x, y, category, rng.Next(6)));
        }
        return list;
    }
}
