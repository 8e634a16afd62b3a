using System.Runtime.CompilerServices;

namespace RecommendationScorer;

internal sealed class ItemCatalog
{
    public ItemCatalog(int items, int dims, int seed)
    {
        var rng = new Random(seed);
        Embeddings = new float[items][];
        for (int i = 0; i < items; i++)
        {
            Embeddings[i] = new float[dims];
            for (int d = 0; d < dims; d++) Embeddings[i][d] = (float)(rng.NextDouble() * 2 - 1);
        }
    }

    public float[][] Embeddings { get; }
}

internal sealed class SimilarityScorer
{
    private readonly ItemCatalog _catalog;
    private long _served;

    public SimilarityScorer(ItemCatalog catalog) => _catalog = catalog;

    public long Served => Interlocked.Read(ref _served);

    [MethodImpl(MethodImplOptions.Synchronized)]
    public int[] TopItems(float[] profile, int n)
    {
        var scores = new (float Score, int Item)[_catalog.Embeddings.Length];
        float pn = MathF.Sqrt(profile.Sum(v => v * v));
        for (int i = 0; i < scores.Length; i++)
        {
            var e = _catalog.Embeddings[i];
            float dot = 0, en = 0;
            for (int d = 0; d < e.Length; d++) { dot += e[d] * profile[d]; en += e[d] * e[d]; }
            scores[i] = (dot / (MathF.Sqrt(en) * pn + 1e-6f), i);
        }
        Array.Sort(scores, (a, b) => b.Score.CompareTo(a.Score));
        return scores.Take(n).Select(s => s.Item).ToArray();
    }

    [MethodImpl(MethodImplOptions.Synchronized)]
    public void RecordServed(int count)
    {
        _served += count;
    }
}

internal static class Reranker
{
    public static int[] Diversify(int[] candidates, ItemCatalog catalog, int keep)
    {
        var chosen = new List<int> { candidates[0] };
        while (chosen.Count < keep)
        {
            int best = -1; float bestMin = float.NegativeInfinity;
            foreach (var c in candidates)
            {
                if (chosen.Contains(c)) continue;
                float minDist = float.PositiveInfinity;
                foreach (var s in chosen)
                {
                    float dist = 0;
                    var a = catalog.Embeddings[c]; var b = catalog.Embeddings[s];
                    for (int d = 0; d < a.Length; d++) dist += (a[d] - b[d]) * (a[d] - b[d]);
                    minDist = MathF.Min(minDist, dist);
                }
                if (minDist > bestMin) { bestMin = minDist; best = c; }
            }
            chosen.Add(best);
        }
        return chosen.ToArray();
    }
}

internal static class Program
{
    private static async Task Main()
    {
        var catalog = new ItemCatalog(items: 20_000, dims: 48, seed: 1);
        var scorer = new SimilarityScorer(catalog);
        var rng = new Random(2);
        var users = Enumerable.Range(0, 24)
            .Select(_ => Enumerable.Range(0, 48).Select(_ => (float)(rng.NextDouble() * 2 - 1)).ToArray())
            .ToArray();

        var candidates = new int[users.Length][];
        Parallel.For(0, users.Length, u =>
        {
            candidates[u] = scorer.TopItems(users[u], 200);
            scorer.RecordServed(candidates[u].Length);
        });

        var outDir = Directory.CreateTempSubdirectory("recs").FullName;
        var writes = Enumerable.Range(0, users.Length).Select(async u =>
        {
            var final = Reranker.Diversify(candidates[u], catalog, 20);
            await File.WriteAllTextAsync(Path.Combine(outDir, $"user{u}.txt"), string.Join(',', final));
        });
        await Task.WhenAll(writes);

        Console.WriteLine($"served {scorer.Served} candidates to {users.Length} users");
        Console.WriteLine("user0: " + File.ReadAllText(Path.Combine(outDir, "user0.txt")));
        Directory.Delete(outDir, true);
    }
}
