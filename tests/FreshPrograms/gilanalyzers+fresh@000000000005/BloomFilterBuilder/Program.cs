namespace BloomFilterBuilder;

public sealed class BloomFilter
{
    private readonly ulong[] _bits;
    private readonly int _hashes;
    public int BitCount { get; }

    public BloomFilter(int bitCount, int hashes) { BitCount = bitCount; _hashes = hashes; _bits = new ulong[(bitCount + 63) / 64]; }

    public static ulong Hash(string key, ulong seed)
    {
        ulong h = 0xcbf29ce484222325UL ^ seed;
        for (int round = 0; round < 8; round++)
            foreach (char c in key)
            {
                h ^= c;
                h *= 0x100000001b3UL;
                h ^= h >> 29;
            }
        return h;
    }

    public void Add(string key)
    {
        ulong h1 = Hash(key, 17), h2 = Hash(key, 0x9e3779b97f4a7c15UL) | 1;
        for (int i = 0; i < _hashes; i++)
        {
            int bit = (int)((h1 + (ulong)i * h2) % (ulong)BitCount);
            _bits[bit >> 6] |= 1UL << (bit & 63);
        }
    }

    public bool MightContain(string key)
    {
        ulong h1 = Hash(key, 17), h2 = Hash(key, 0x9e3779b97f4a7c15UL) | 1;
        for (int i = 0; i < _hashes; i++)
        {
            int bit = (int)((h1 + (ulong)i * h2) % (ulong)BitCount);
            if ((_bits[bit >> 6] & (1UL << (bit & 63))) == 0) return false;
        }
        return true;
    }

    public void UnionWith(BloomFilter other) { for (int i = 0; i < _bits.Length; i++) _bits[i] |= other._bits[i]; }
}

public sealed class ShardedBuilder
{
    private readonly Thread[] _threads;
    private readonly BloomFilter[] _partials;
    private readonly IReadOnlyList<string> _keys;

    public ShardedBuilder(IReadOnlyList<string> keys, int shards, int bitCount, int hashes)
    {
        _keys = keys;
        _threads = new Thread[shards];
        _partials = Enumerable.Range(0, shards).Select(_ => new BloomFilter(bitCount, hashes)).ToArray();
    }

    public BloomFilter Build()
    {
        for (int s = 0; s < _threads.Length; s++)
        {
            int shard = s;
            _threads[s] = new Thread(() =>
            {
                for (int i = shard; i < _keys.Count; i += _threads.Length) _partials[shard].Add(_keys[i]);
            });
            _threads[s].Start();
        }
        foreach (var t in _threads) t.Join();
        for (int s = 1; s < _partials.Length; s++) _partials[0].UnionWith(_partials[s]);
        return _partials[0];
    }
}

public static class Program
{
    private static string Url(Random rng) => $"https://{(char)('a' + rng.Next(26))}{rng.Next(100_000)}.example.org/{rng.Next(1_000_000):x}/index?page={rng.Next(50)}";

    public static void Main()
    {
        var rng = new Random(1234);
        var seen = Enumerable.Range(0, 300_000).Select(_ => Url(rng)).ToList();
        var blocked = Enumerable.Range(0, 200_000).Select(_ => Url(rng)).ToList();

        var seenFilter = new ShardedBuilder(seen, shards: 4, bitCount: 4_000_000, hashes: 9).Build();

        var halves = new[] { new BloomFilter(2_000_000, 9), new BloomFilter(2_000_000, 9) };
        var stripeLocks = new[] { new object(), new object() };
        Parallel.ForEach(blocked, url =>
        {
            int stripe = url.Length & 1;
            lock (stripeLocks[stripe])
            {
                halves[stripe].Add(url);
            }
        });

        var probes = Enumerable.Range(0, 150_000).Select(_ => Url(rng)).ToList();
        var seenSet = new HashSet<string>(seen);
        var falsePositivesByLength = new Dictionary<int, int>();
        Parallel.For(0, probes.Count, i =>
        {
            string probe = probes[i];
            if (seenFilter.MightContain(probe) && !seenSet.Contains(probe))
            {
                lock (falsePositivesByLength)
                {
                    falsePositivesByLength[probe.Length] = falsePositivesByLength.GetValueOrDefault(probe.Length) + 1;
                }
            }
        });

        int blockedHits = blocked.Count(u => halves[u.Length & 1].MightContain(u));
        int fp = falsePositivesByLength.Values.Sum();
        Console.WriteLine($"blocked filter recall: {blockedHits}/{blocked.Count}");
        Console.WriteLine($"seen filter false positives: {fp}/{probes.Count} ({100.0 * fp / probes.Count:F3}%)");
        foreach (var (len, n) in falsePositivesByLength.OrderByDescending(kv => kv.Value).ThenBy(kv => kv.Key).Take(3))
            Console.WriteLine($"  length {len}: {n}");
    }
}
