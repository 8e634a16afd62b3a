using System;
using System.Collections.Generic;
using System.Linq;
using System.Runtime.InteropServices;
using System.Threading;
using System.Threading.Tasks;

namespace SimilarItemRecommender;

internal static class LibcRandom
{
    public static readonly object Gate = new();

    [DllImport("libc.so.6", EntryPoint = "srandom")]
    public static extern void Seed(uint seed);

    [DllImport("libc.so.6", EntryPoint = "random")]
    public static extern int Next();
}

public sealed record Item(int Id, string Category, float[] Vector);

public sealed class NeighbourIndex(IReadOnlyList<Item> items)
{
    private readonly Lock _lock = new();
    private readonly float[] _scores = new float[items.Count];

    public int[] TopK(Item query, int k)
    {
        using (_lock.EnterScope())
        {
            for (int i = 0; i < items.Count; i++)
            {
                float dot = 0, norm = 0;
                var v = items[i].Vector;
                for (int d = 0; d < v.Length; d++) { dot += v[d] * query.Vector[d]; norm += v[d] * v[d]; }
                _scores[i] = i == query.Id ? float.MinValue : dot / MathF.Sqrt(norm + 1e-9f);
            }
            var order = Enumerable.Range(0, items.Count).ToArray();
            Array.Sort((float[])_scores.Clone(), order);
            return order.Reverse().Take(k).ToArray();
        }
    }
}

public sealed class ServingStats
{
    private readonly Lock _lock = new();
    private int _queries;
    private int _sameCategory;

    public void Record(int sameCategoryHits)
    {
        using (_lock.EnterScope())
        {
            _queries++;
            _sameCategory += sameCategoryHits;
        }
    }

    public double Precision(int k) => _sameCategory / (double)(_queries * k);
}

public static class Program
{
    private const int Dim = 32;

    public static void Main()
    {
        string[] categories = { "books", "games", "audio", "garden", "kitchen", "toys" };
        var items = Enumerable.Range(0, 6000).Select(i => new Item(i, categories[i % categories.Length], new float[Dim])).ToList();
        var coBought = items.Select(it => Enumerable.Range(1, 8).Select(s => (it.Id + s * categories.Length) % items.Count).ToArray()).ToArray();

        LibcRandom.Seed(20261206);
        Parallel.ForEach(items, item =>
        {
            lock (LibcRandom.Gate)
            {
                for (int d = 0; d < Dim; d++) item.Vector[d] = (LibcRandom.Next() % 2001 - 1000) / 1000f;
                for (int epoch = 0; epoch < 40; epoch++)
                {
                    foreach (int pos in coBought[item.Id])
                    {
                        var p = items[pos].Vector;
                        var n = items[LibcRandom.Next() % items.Count].Vector;
                        for (int d = 0; d < Dim; d++) item.Vector[d] += 0.01f * (p[d] - n[d]);
                    }
                }
            }
        });

        var index = new NeighbourIndex(items);
        var stats = new ServingStats();
        var queries = items.Where(i => i.Id % 15 == 0).ToList();
        var recommendations = new int[items.Count][];
        Parallel.ForEach(queries, q =>
        {
            int[] top = index.TopK(q, 10);
            recommendations[q.Id] = top;
            stats.Record(top.Count(id => items[id].Category == q.Category));
        });

        Console.WriteLine($"items: {items.Count}, queries: {queries.Count}, same-category precision@10: {stats.Precision(10):F3}");
        Console.WriteLine($"item 0 -> {string.Join(", ", recommendations[0])}");
    }
}
