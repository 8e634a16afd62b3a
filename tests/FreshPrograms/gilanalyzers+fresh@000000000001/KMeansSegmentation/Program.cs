using System.Diagnostics;

namespace KMeansSegmentation;

/// <summary>
/// Customer segmentation: k-means over behavioural feature vectors exported from the warehouse.
/// </summary>
public sealed class KMeans
{
    private readonly int _k;
    private readonly int _maxIterations;
    private readonly object _assignLock = new();

    public KMeans(int k, int maxIterations)
    {
        _k = k;
        _maxIterations = maxIterations;
    }

    public (double[][] Centroids, int[] Labels, double Inertia) Fit(double[][] points)
    {
        int dims = points[0].Length;
        var centroids = points.Take(_k).Select(p => (double[])p.Clone()).ToArray();
        var labels = new int[points.Length];
        double inertia = 0;

        for (int iteration = 0; iteration < _maxIterations; iteration++)
        {
            int changed = 0;
            Parallel.For(0, points.Length, i =>
            {
                lock (_assignLock)
                {
                    int best = 0;
                    double bestDist = double.MaxValue;
                    for (int c = 0; c < _k; c++)
                    {
                        double d = 0;
                        for (int j = 0; j < dims; j++)
                        {
                            double diff = points[i][j] - centroids[c][j];
                            d += diff * diff;
                        }
                        if (d < bestDist)
                        {
                            bestDist = d;
                            best = c;
                        }
                    }
                    if (labels[i] != best)
                    {
                        labels[i] = best;
                        changed++;
                    }
                }
            });

            // Cluster sizes and inertia for the log line.
            var sizes = new int[_k];
            inertia = 0;
            var statsLock = new object();
            Parallel.For(0, points.Length, i =>
            {
                double dist = SquaredDistance(points[i], centroids[labels[i]]);
                lock (statsLock)
                {
                    sizes[labels[i]]++;
                    inertia += dist;
                }
            });

            centroids = Recompute(points, labels, dims);
            Console.WriteLine($"iter {iteration}: {changed} moved, inertia {inertia:F1}, sizes [{string.Join(",", sizes)}]");
            if (changed == 0)
            {
                break;
            }
        }

        return (centroids, labels, inertia);
    }

    private double[][] Recompute(double[][] points, int[] labels, int dims)
    {
        var sums = new double[_k][];
        var counts = new int[_k];
        for (int c = 0; c < _k; c++) sums[c] = new double[dims];
        var mergeLock = new object();

        Parallel.For(0, points.Length,
            () => (Sums: new double[_k * dims], Counts: new int[_k]),
            (i, _, local) =>
            {
                int c = labels[i];
                local.Counts[c]++;
                for (int j = 0; j < dims; j++) local.Sums[c * dims + j] += points[i][j];
                return local;
            },
            local =>
            {
                lock (mergeLock)
                {
                    for (int c = 0; c < _k; c++)
                    {
                        counts[c] += local.Counts[c];
                        for (int j = 0; j < dims; j++) sums[c][j] += local.Sums[c * dims + j];
                    }
                }
            });

        for (int c = 0; c < _k; c++)
        {
            for (int j = 0; j < dims; j++) sums[c][j] /= Math.Max(1, counts[c]);
        }
        return sums;
    }

    private static double SquaredDistance(double[] a, double[] b)
    {
        double d = 0;
        for (int j = 0; j < a.Length; j++) d += (a[j] - b[j]) * (a[j] - b[j]);
        return d;
    }
}

public static class Program
{
    public static void Main(string[] args)
    {
        int n = args.Length > 0 ? int.Parse(args[0]) : 20_000;
        var rng = new Random(17);
        var points = new double[n][];
        for (int i = 0; i < n; i++)
        {
            int segment = i % 6;
            points[i] = Enumerable.Range(0, 24).Select(j => segment * (j % 3 + 1) + rng.NextDouble() * 2).ToArray();
        }

        var sw = Stopwatch.StartNew();
        var (centroids, _, inertia) = new KMeans(k: 6, maxIterations: 8).Fit(points);
        Console.WriteLine($"k-means on {n} points: {centroids.Length} centroids, inertia {inertia:F1}, {sw.ElapsedMilliseconds} ms");
    }
}
