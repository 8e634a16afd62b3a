using System.Collections.Concurrent;
using System.Diagnostics;

namespace RecommendationCacheWarmer;

public interface ICacheClient
{
    Task SetAsync(string key, string value);
    Task<string?> GetAsync(string key);
}

/// <summary>In-process stand-in for the Redis client: a dictionary plus a network-ish delay.</summary>
public sealed class FakeRemoteCache : ICacheClient
{
    private readonly ConcurrentDictionary<string, string> _store = new();

    public async Task SetAsync(string key, string value)
    {
        await Task.Delay(2);
        _store[key] = value;
    }

    public async Task<string?> GetAsync(string key)
    {
        await Task.Delay(2);
        return _store.TryGetValue(key, out var v) ? v : null;
    }

    public int Count => _store.Count;
}

public sealed record Product(int Id, string Category, float[] Embedding);

/// <summary>
/// Deploy-time job: pre-computes "customers also viewed" lists (top-10 by cosine similarity) and category
/// centroids, and pushes them to the cache before the new web nodes take traffic.
/// </summary>
public static class Program
{
    private static readonly object CentroidLock = new();

    public static async Task Main(string[] args)
    {
        int productCount = args.Length > 0 ? int.Parse(args[0]) : 2500;
        var products = Generate(productCount, dims: 48);
        var cache = new FakeRemoteCache();
        var sw = Stopwatch.StartNew();

        var centroids = new Dictionary<string, float[]>();
        var categories = products.Select(p => p.Category).Distinct().ToList();
        Parallel.ForEach(categories, category =>
        {
            lock (CentroidLock)
            {
                var members = products.Where(p => p.Category == category).ToList();
                var centroid = new float[members[0].Embedding.Length];
                foreach (var m in members)
                    for (int d = 0; d < centroid.Length; d++) centroid[d] += m.Embedding[d] / members.Count;
                centroids[category] = centroid;
            }
        });

        // Category-to-category similarity for the "browse" page; keep to one job per core.
        var throttle = new SemaphoreSlim(Environment.ProcessorCount);
        var categorySimilarity = new ConcurrentDictionary<(string, string), float>();
        await Task.WhenAll(categories.Select(async a =>
        {
            await throttle.WaitAsync();
            try
            {
                await Task.Run(() =>
                {
                    foreach (var b in categories) categorySimilarity[(a, b)] = Cosine(centroids[a], centroids[b]);
                });
            }
            finally
            {
                throttle.Release();
            }
        }));

        var hot = products.Take(200).ToList();
        var warmups = hot.Select(async product =>
        {
            var similar = products
                .Where(other => other.Id != product.Id)
                .Select(other => (other.Id, Score: Cosine(product.Embedding, other.Embedding)))
                .OrderByDescending(x => x.Score)
                .Take(10)
                .Select(x => x.Id);
            await cache.SetAsync($"also-viewed:{product.Id}", string.Join(',', similar));
        });
        await Task.WhenAll(warmups);
        Console.WriteLine($"Warmed {cache.Count} keys ({centroids.Count} centroids, {categorySimilarity.Count} category pairs) in {sw.ElapsedMilliseconds} ms");

        // Smoke check: read a few keys back the way the web nodes will.
        var probes = hot.Take(10).Select(p => cache.GetAsync($"also-viewed:{p.Id}"));
        var values = await Task.WhenAll(probes);
        Console.WriteLine($"{values.Count(v => v is not null)}/{values.Length} probes hit");
    }

    private static float Cosine(float[] a, float[] b)
    {
        float dot = 0, na = 0, nb = 0;
        for (int i = 0; i < a.Length; i++)
        {
            dot += a[i] * b[i];
            na += a[i] * a[i];
            nb += b[i] * b[i];
        }
        return dot / MathF.Sqrt(na * nb);
    }

    private static List<Product> Generate(int count, int dims)
    {
        var rng = new Random(44);
        string[] categories = ["audio", "cameras", "kitchen", "garden", "toys", "books", "sports", "office"];
        return Enumerable.Range(0, count).Select(i => new Product(
            i, categories[i % categories.Length],
            Enumerable.Range(0, dims).Select(d => (float)(rng.NextDouble() - 0.5 + (d % categories.Length == i % categories.Length ? 1 : 0))).ToArray())).ToList();
    }
}
