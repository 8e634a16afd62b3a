using System;
using System.Collections.Generic;
using System.Threading.Tasks;

// GIL001: counts and sums the primes below a limit (trial division by odd numbers up to the square root), fanned out
// by hand the way code written before Parallel.For does it: one Task.Run per block of numbers, collected in a list and
// waited for with Task.WaitAll. Each task holds the one shared lock for its whole block — the trial divisions and the
// update of the shared totals — so the tasks run one at a time whatever the core count. Count and sum are integer
// additions, so the totals do not depend on the order the blocks finish in. The fix moves the block's computation
// out of the lock; only the update of the shared totals stays under it.
public static class Sample
{
    /// <summary>Full size: the limit (primes below it), about 2 s of single-core work.</summary>
    public const int FullSize = 9_000_000;

    private const int BlockSize = 100_000;

    private static readonly object Gate = new object();
    private static long primeCount;
    private static long primeSum;

    public static string Run() => Run(FullSize);

    public static string Run(int limit)
    {
        primeCount = 0;
        primeSum = 0;
        var tasks = new List<Task>();
        for (int start = 2; start < limit; start += BlockSize)
        {
            int from = start;
            int to = Math.Min(limit, start + BlockSize);
            tasks.Add(Task.Run(() =>
            {
                lock (Gate)
                {
                    long count = 0;
                    long sum = 0;
                    for (int n = from; n < to; n++)
                    {
                        if (IsPrime(n))
                        {
                            count++;
                            sum += n;
                        }
                    }

                    primeCount += count;
                    primeSum += sum;
                }
            }));
        }

        Task.WaitAll(tasks.ToArray());
        return primeCount + " primes, sum " + primeSum;
    }

    private static bool IsPrime(int n)
    {
        if (n < 4)
        {
            return n >= 2;
        }

        if (n % 2 == 0)
        {
            return false;
        }

        for (int d = 3; d <= n / d; d += 2)
        {
            if (n % d == 0)
            {
                return false;
            }
        }

        return true;
    }
}

public static class Program
{
    public static void Main() => Console.WriteLine("primes below " + Sample.FullSize + ": " + Sample.Run());
}
