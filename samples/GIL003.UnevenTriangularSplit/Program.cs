using System;
using System.Threading;

// GIL003: a triangular workload (row j costs j steps) split statically into equal index ranges, one thread per core.
// The last range holds most of the work, so the other threads finish early and wait.
// The fix Parallel.For over the whole range lets the scheduler balance it (thread-local sums merged once per worker).
public static class Sample
{
    public const int FullSize = 80_000;

    public static long Run() => Run(FullSize);

    public static long Run(int n)
    {
        int threadCount = Environment.ProcessorCount;
        long total = 0;
        int chunk = n / threadCount;
        var threads = new Thread[threadCount];
        for (int t = 0; t < threadCount; t++)
        {
            int id = t;
            int start = id * chunk;
            int end = id == threadCount - 1 ? n : start + chunk;
            threads[t] = new Thread(() =>
            {
                long local = 0;
                for (int j = start; j < end; j++)
                {
                    for (int k = 0; k < j; k++)
                    {
                        local += (j ^ k) & 7;
                    }
                }

                Interlocked.Add(ref total, local);
            });
            threads[t].Start();
        }

        for (int t = 0; t < threadCount; t++)
        {
            threads[t].Join();
        }

        return total;
    }
}

public static class Program
{
    public static void Main() => Console.WriteLine("triangular checksum: " + Sample.Run());
}
