using System.Collections;
using System.Diagnostics;

namespace SegmentedPrimeSieve;

/// <summary>
/// Counts primes below N with a segmented sieve and streams twin-prime counts per segment to a
/// small reporting queue that a consumer drains and prints.
/// </summary>
internal sealed class SegmentReportQueue
{
    private readonly Queue<(int Segment, int Twins)> _items = new();
    private readonly object _sync = new();
    private bool _completed;

    public void Publish(int segment, int twins)
    {
        lock (_sync)
        {
            _items.Enqueue((segment, twins));
            Monitor.Pulse(_sync);
        }
    }

    public void Complete()
    {
        lock (_sync)
        {
            _completed = true;
            Monitor.PulseAll(_sync);
        }
    }

    public bool TryTake(out (int Segment, int Twins) item)
    {
        lock (_sync)
        {
            while (_items.Count == 0 && !_completed)
            {
                Monitor.Wait(_sync);
            }
            return _items.TryDequeue(out item);
        }
    }
}

internal static class Program
{
    private static void Main(string[] args)
    {
        int limit = args.Length > 0 ? int.Parse(args[0]) : 20_000_000;
        int segments = Environment.ProcessorCount * 4;
        int segmentSize = limit / segments + 1;
        int[] basePrimes = SimpleSieve((int)Math.Sqrt(limit) + 1);

        var queue = new SegmentReportQueue();
        long twinTotal = 0;
        var consumer = new Thread(() =>
        {
            while (queue.TryTake(out var item))
            {
                twinTotal += item.Twins;
            }
        });
        consumer.Start();

        var sw = Stopwatch.StartNew();
        var counts = new int[segments];
        var tasks = new Task[segments];
        for (int s = 0; s < segments; s++)
        {
            int segment = s;
            tasks[s] = Task.Factory.StartNew(() =>
            {
                long low = (long)segment * segmentSize;
                long high = Math.Min(limit, low + segmentSize);
                var composite = new BitArray((int)(high - low));
                foreach (int p in basePrimes)
                {
                    long start = Math.Max((long)p * p, (low + p - 1) / p * p);
                    for (long m = start; m < high; m += p)
                    {
                        composite[(int)(m - low)] = true;
                    }
                }
                int count = 0, twins = 0;
                for (long n = Math.Max(2, low); n < high; n++)
                {
                    if (composite[(int)(n - low)]) continue;
                    count++;
                    if (n + 2 < high && !composite[(int)(n + 2 - low)]) twins++;
                }
                counts[segment] = count;
                queue.Publish(segment, twins);
            }, TaskCreationOptions.LongRunning);
        }
        Task.WaitAll(tasks);
        queue.Complete();
        consumer.Join();

        Console.WriteLine($"{counts.Sum()} primes below {limit:N0} ({twinTotal} twin pairs inside segments) in {sw.ElapsedMilliseconds} ms");
    }

    private static int[] SimpleSieve(int limit)
    {
        var composite = new bool[limit + 1];
        var primes = new List<int>();
        for (int i = 2; i <= limit; i++)
        {
            if (composite[i]) continue;
            primes.Add(i);
            for (long j = (long)i * i; j <= limit; j += i) composite[j] = true;
        }
        return primes.ToArray();
    }
}
