using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;

namespace BasketRuleMiner;

public readonly record struct Basket(int Id, int[] Items);

public sealed record AssociationRule(int[] Antecedent, int Consequent, double Support, double Confidence, double Lift);

public sealed class ProductCatalog
{
    private readonly ReaderWriterLockSlim _lock = new();
    private readonly Dictionary<int, string> _names = new();

    public void Register(int id, string name)
    {
        _lock.EnterWriteLock();
        try { _names[id] = name; }
        finally { _lock.ExitWriteLock(); }
    }

    public string NameOf(int id)
    {
        _lock.EnterReadLock();
        try
        {
            return _names.TryGetValue(id, out string? name) ? name : "sku-" + id;
        }
        finally
        {
            _lock.ExitReadLock();
        }
    }
}

// Counts how many baskets contain each candidate itemset of one size. One table for the whole run, shards of baskets
// are counted from the worker pool.
public sealed class SupportCounter(HashSet<long> candidates, int size)
{
    private readonly ReaderWriterLockSlim _tableLock = new();
    private readonly Dictionary<long, int> _support = new();

    public static long Key(ReadOnlySpan<int> items)
    {
        long key = 0;
        for (int i = 0; i < items.Length; i++) key |= (long)items[i] << (10 * i);
        return key;
    }

    public void CountShard(Basket[] shard)
    {
        _tableLock.EnterWriteLock();
        try
        {
            Span<int> chosen = stackalloc int[3];
            foreach (Basket basket in shard)
                Enumerate(basket.Items, 0, 0, chosen);
        }
        finally
        {
            _tableLock.ExitWriteLock();
        }
    }

    private void Enumerate(int[] items, int start, int depth, Span<int> chosen)
    {
        if (depth == size)
        {
            long key = Key(chosen[..size]);
            if (candidates.Contains(key)) _support[key] = _support.GetValueOrDefault(key) + 1;
            return;
        }
        for (int i = start; i <= items.Length - (size - depth); i++)
        {
            chosen[depth] = items[i];
            Enumerate(items, i + 1, depth + 1, chosen);
        }
    }

    public IReadOnlyDictionary<long, int> Support => _support;
}

public static class Program
{
    private const int ItemCount = 1000;
    private const double MinSupport = 0.015;

    public static void Main()
    {
        var catalog = new ProductCatalog();
        string[] planted = { "bread", "butter", "jam", "pasta", "passata", "parmesan", "tortilla chips", "salsa", "lager" };
        for (int i = 0; i < ItemCount; i++) catalog.Register(i, i < planted.Length ? planted[i] : $"sku-{i:D3}");

        Basket[] baskets = GenerateBaskets(60_000, seed: 1234);
        int minCount = (int)(MinSupport * baskets.Length);

        var itemCounts = new int[ItemCount];
        Parallel.ForEach(baskets, () => new int[ItemCount], (basket, _, local) =>
        {
            foreach (int item in basket.Items) local[item]++;
            return local;
        }, local =>
        {
            lock (itemCounts)
            {
                for (int i = 0; i < ItemCount; i++) itemCounts[i] += local[i];
            }
        });

        int[] frequent = Enumerable.Range(0, ItemCount).Where(i => itemCounts[i] >= minCount).ToArray();
        Console.WriteLine($"{baskets.Length} baskets, {frequent.Length} frequent items (min count {minCount})");

        Basket[][] shards = baskets.Chunk(2_500).ToArray();
        var pairCandidates = new HashSet<long>();
        foreach (int a in frequent) foreach (int b in frequent) if (a < b) pairCandidates.Add(SupportCounter.Key(new[] { a, b }));
        var pairs = new SupportCounter(pairCandidates, 2);
        Parallel.ForEach(shards, pairs.CountShard);
        var frequentPairs = pairs.Support.Where(kv => kv.Value >= minCount).ToDictionary(kv => kv.Key, kv => kv.Value);

        var tripleCandidates = new HashSet<long>();
        foreach (long p in frequentPairs.Keys)
            foreach (int c in frequent)
            {
                int a = (int)(p & 1023), b = (int)(p >> 10);
                if (c > b && frequentPairs.ContainsKey(SupportCounter.Key(new[] { a, c })) && frequentPairs.ContainsKey(SupportCounter.Key(new[] { b, c })))
                    tripleCandidates.Add(SupportCounter.Key(new[] { a, b, c }));
            }
        var triples = new SupportCounter(tripleCandidates, 3);
        Parallel.ForEach(shards, triples.CountShard);
        Console.WriteLine($"{frequentPairs.Count} frequent pairs, {tripleCandidates.Count} triple candidates");

        var rules = new List<AssociationRule>();
        foreach (var (key, count) in triples.Support.Where(kv => kv.Value >= minCount))
        {
            int[] items = { (int)(key & 1023), (int)((key >> 10) & 1023), (int)(key >> 20) };
            for (int k = 0; k < 3; k++)
            {
                int[] lhs = items.Where((_, j) => j != k).ToArray();
                double confidence = (double)count / frequentPairs[SupportCounter.Key(lhs)];
                double lift = confidence / ((double)itemCounts[items[k]] / baskets.Length);
                rules.Add(new AssociationRule(lhs, items[k], (double)count / baskets.Length, confidence, lift));
            }
        }

        IEnumerable<string> lines = rules.OrderByDescending(r => r.Lift).ThenBy(r => r.Consequent).Take(8)
            .AsParallel().AsOrdered()
            .Select(r => $"{string.Join(" + ", r.Antecedent.Select(catalog.NameOf)),-28} => {catalog.NameOf(r.Consequent),-16} supp {r.Support:F4} conf {r.Confidence:F3} lift {r.Lift:F1}");
        foreach (string line in lines) Console.WriteLine(line);
    }

    private static Basket[] GenerateBaskets(int count, int seed)
    {
        var rng = new Random(seed);
        int[][] bundles = { new[] { 0, 1, 2 }, new[] { 3, 4, 5 }, new[] { 6, 7, 8 } };
        var result = new Basket[count];
        for (int id = 0; id < count; id++)
        {
            var items = new SortedSet<int>();
            if (rng.NextDouble() < 0.12) foreach (int i in bundles[rng.Next(bundles.Length)]) if (rng.NextDouble() < 0.9) items.Add(i);
            int size = 5 + rng.Next(11);
            while (items.Count < size) items.Add(9 + (int)(Math.Pow(rng.NextDouble(), 2.2) * (ItemCount - 9)));
            result[id] = new Basket(id, items.ToArray());
        }
        return result;
    }
}
