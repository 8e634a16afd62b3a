using System;
using System.Threading.Tasks;

// GIL001: estimates pi by counting random points inside the unit quarter circle, in batches run by Parallel.For.
// Every batch does all its sampling while holding the one shared lock, so the "parallel" loop runs on one core at a
// time. Each point comes from a per-index SplitMix64 hash, so the count of hits is the same however the batches are
// scheduled. The fix (GIL001.ThreadLocal) counts in a local per worker (localInit/localFinally) and takes the lock
// once per worker to add it to the total.
public static class Sample
{
    /// <summary>Full size: batches, about 2 s of single-core work on the reference machine.</summary>
    public const int FullSize = 6000;

    public const int PointsPerBatch = 50_000;

    private static readonly object Gate = new object();
    private static long hits;

    /// <summary>The harness entry: hits among FullSize × PointsPerBatch points.</summary>
    public static long Run() => Run(FullSize);

    public static long Run(int batches)
    {
        hits = 0;
        Parallel.For(0, batches, batch =>
        {
            lock (Gate)
            {
                long inside = 0;
                for (int k = 0; k < PointsPerBatch; k++)
                {
                    ulong bits = Mix((ulong)batch * PointsPerBatch + (ulong)k);
                    double x = (bits >> 32) / 4294967296.0;
                    double y = (bits & 0xFFFFFFFFUL) / 4294967296.0;
                    if (x * x + y * y <= 1.0)
                    {
                        inside++;
                    }
                }

                hits += inside;
            }
        });
        return hits;
    }

    /// <summary>SplitMix64 finaliser: a good 64-bit hash of the point's index.</summary>
    private static ulong Mix(ulong z)
    {
        z += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}

public static class Program
{
    public static void Main()
    {
        long hits = Sample.Run();
        double pi = 4.0 * hits / ((double)Sample.FullSize * Sample.PointsPerBatch);
        Console.WriteLine($"hits={hits} pi~{pi:F6}");
    }
}
