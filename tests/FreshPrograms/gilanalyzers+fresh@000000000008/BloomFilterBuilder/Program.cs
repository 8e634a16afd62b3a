using System.Text;

namespace BloomFilterBuilder;

public sealed record Shard(int Id, string[] Keys);

public sealed class BloomFilter(int bitCount, int hashCount)
{
    private readonly ulong[] _bits = new ulong[(bitCount + 63) / 64];

    public int HashCount => hashCount;

    public void AddRange(IReadOnlyList<string> keys)
    {
        Monitor.Enter(_bits);
        try
        {
            foreach (string key in keys)
            {
                (ulong h1, ulong h2) = Hash(key);
                for (int i = 0; i < hashCount; i++)
                {
                    ulong bit = (h1 + (ulong)i * h2) % (ulong)bitCount;
                    _bits[bit >> 6] |= 1UL << (int)(bit & 63);
                }
            }
        }
        finally
        {
            Monitor.Exit(_bits);
        }
    }

    public bool MightContain(string key)
    {
        (ulong h1, ulong h2) = Hash(key);
        for (int i = 0; i < hashCount; i++)
        {
            ulong bit = (h1 + (ulong)i * h2) % (ulong)bitCount;
            if ((_bits[bit >> 6] & (1UL << (int)(bit & 63))) == 0) return false;
        }
        return true;
    }

    private static (ulong, ulong) Hash(string key)
    {
        ulong a = 14695981039346656037UL, b = 0x9E3779B97F4A7C15UL;
        foreach (byte c in Encoding.UTF8.GetBytes(key))
        {
            a = (a ^ c) * 1099511628211UL;
            b = (b ^ c) * 0xBF58476D1CE4E5B9UL;
            b ^= b >> 31;
        }
        return (a, b | 1);
    }
}

public static class Program
{
    private static readonly Lock StatsLock = new();
    private static int _shardsLoaded;
    private static long _keysLoaded;

    public static void Main()
    {
        var shards = Enumerable.Range(0, 16)
            .Select(s => new Shard(s, Enumerable.Range(0, 25_000).Select(k => $"user:{s}:{k * 7 + 3}@example.org").ToArray()))
            .ToList();

        var filter = new BloomFilter(bitCount: 4_000_000, hashCount: 7);
        Parallel.ForEach(shards, shard =>
        {
            filter.AddRange(shard.Keys);
            lock (StatsLock)
            {
                _shardsLoaded++;
                _keysLoaded += shard.Keys.Length;
            }
        });

        string[] probes = Enumerable.Range(0, 400_000).Select(i => $"user:{i % 16}:{i * 7 + 5}@example.org").ToArray();
        int chunks = Environment.ProcessorCount;
        int chunkSize = (probes.Length + chunks - 1) / chunks;
        var tasks = new Task<int>[chunks];
        for (int c = 0; c < chunks; c++)
        {
            int from = c * chunkSize, to = Math.Min(probes.Length, from + chunkSize);
            tasks[c] = Task.Factory.StartNew(() =>
            {
                int falsePositives = 0;
                for (int i = from; i < to; i++)
                    if (filter.MightContain(probes[i])) falsePositives++;
                return falsePositives;
            }, TaskCreationOptions.LongRunning);
        }
        Task.WaitAll(tasks);

        int fp = tasks.Sum(t => t.Result);
        bool allPresent = shards.All(s => s.Keys.All(filter.MightContain));
        Console.WriteLine($"loaded {_keysLoaded} keys from {_shardsLoaded} shards, k={filter.HashCount}");
        Console.WriteLine($"all inserted keys found: {allPresent}");
        Console.WriteLine($"false positive rate {fp / (double)probes.Length:P3} over {probes.Length} probes");
    }
}
