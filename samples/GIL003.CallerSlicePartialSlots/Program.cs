using System;
using System.Threading;

// GIL003: counts the pairs of points closer than a radius (the all-pairs loop "each point against the earlier ones"
// of a neighbour search). The rows are split by hand into equal slices, one per core: the calling thread counts slice 0
// itself, a started thread counts each other slice, each slice writes its count to its own slot partial[id], and the
// slots are summed after the joins. Row i compares against i earlier points, so the later slices hold most of the
// pairs (on two cores: three quarters in the second slice) and the other threads finish early and wait.
// The first code action (GIL003.ParallelForRange) runs Parallel.For over the whole row range with a count per worker
// (localInit/localFinally), so the scheduler balances the rows; each worker adds its count into partial[0], and the
// sum over the slots is the same.
public static class Sample
{
    /// <summary>Full size: points, about 2 s of single-core work.</summary>
    public const int FullSize = 56_000;

    private const double Radius = 0.01;

    public static long Run() => Run(FullSize);

    public static long Run(int pointCount)
    {
        var xs = new double[pointCount];
        var ys = new double[pointCount];
        ulong state = 0x9E3779B97F4A7C15;
        for (int i = 0; i < pointCount; i++)
        {
            xs[i] = NextUnit(ref state);
            ys[i] = NextUnit(ref state);
        }

        int workers = Environment.ProcessorCount;
        int slice = pointCount / workers;
        var partial = new long[workers];

        void CountSlice(int id)
        {
            int from = id * slice;
            int to = id == workers - 1 ? pointCount : from + slice;
            long close = 0;
            for (int i = from; i < to; i++)
            {
                double x = xs[i];
                double y = ys[i];
                for (int j = 0; j < i; j++)
                {
                    double dx = xs[j] - x;
                    double dy = ys[j] - y;
                    if (dx * dx + dy * dy < Radius * Radius)
                    {
                        close++;
                    }
                }
            }

            partial[id] = close;
        }

        var threads = new Thread[workers];
        for (int t = 1; t < workers; t++)
        {
            int id = t;
            threads[t] = new Thread(() => CountSlice(id));
            threads[t].Start();
        }

        CountSlice(0);
        for (int t = 1; t < workers; t++)
        {
            threads[t].Join();
        }

        long total = 0;
        foreach (long count in partial)
        {
            total += count;
        }

        return total;
    }

    /// <summary>SplitMix64, scaled to [0, 1).</summary>
    private static double NextUnit(ref ulong state)
    {
        ulong z = state += 0x9E3779B97F4A7C15;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EB;
        z ^= z >> 31;
        return (z >> 11) * (1.0 / (1UL << 53));
    }
}

public static class Program
{
    public static void Main() => Console.WriteLine("close pairs: " + Sample.Run());
}
