using System;
using System.Threading;

// GIL003: an array of raw threads, one per core, each summing the squares of its slice.
// The slices are even, so the fix (Parallel.For over the same partitions) is about not hand-rolling threads,
// not about speed: AFTER should be as fast as BEFORE.
public static class Sample
{
    public const int FullSize = 1_000_000_000;

    public static long Run() => Run(FullSize);

    public static long Run(int n)
    {
        int threadCount = Environment.ProcessorCount;
        var partial = new long[threadCount];
        int chunk = n / threadCount;
        var threads = new Thread[threadCount];
        for (int t = 0; t < threadCount; t++)
        {
            int id = t;
            int start = id * chunk;
            int end = id == threadCount - 1 ? n : start + chunk;
            threads[t] = new Thread(() =>
            {
                long sum = 0;
                for (int i = start; i < end; i++)
                {
                    sum += (long)i * i % 1_000_003;
                }

                partial[id] = sum;
            });
        }

        foreach (var thread in threads)
        {
            thread.Start();
        }

        foreach (var thread in threads)
        {
            thread.Join();
        }

        long total = 0;
        foreach (var p in partial)
        {
            total += p;
        }

        return total;
    }
}

public static class Program
{
    public static void Main() => Console.WriteLine("sum of squares mod 1000003: " + Sample.Run());
}
