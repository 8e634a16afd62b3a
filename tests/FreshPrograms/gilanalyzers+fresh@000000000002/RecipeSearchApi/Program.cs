using System.Diagnostics;

namespace RecipeSearchApi;

internal static class Program
{
    private static async Task Main(string[] args)
    {
        int requestCount = args.Length > 0 ? int.Parse(args[0]) : 400;
        var recipes = RecipeCatalog.Sample(2500, seed: 3);
        string vectorDir = Directory.CreateTempSubdirectory("recipe-vectors-").FullName;

        // Warm-up: precompute the embedding of every recipe and persist it for the similarity endpoint.
        var sw = Stopwatch.StartNew();
        await Task.WhenAll(recipes.Select(async recipe =>
        {
            float[] vector = HashingEmbedder.Embed(recipe.Title + " " + recipe.Ingredients, dimensions: 256);
            var bytes = new byte[vector.Length * sizeof(float)];
            Buffer.BlockCopy(vector, 0, bytes, 0, bytes.Length);
            await File.WriteAllBytesAsync(Path.Combine(vectorDir, $"{recipe.Id}.vec"), bytes);
        }));
        Console.WriteLine($"embedded {recipes.Count} recipes in {sw.ElapsedMilliseconds} ms");

        var controller = new SearchController(new Bm25Index(recipes), new ResponseCache(capacity: 64));
        string[] queries = { "garlic chicken", "vegan curry", "lemon cake", "spicy noodles", "mushroom risotto", "tomato soup basil" };

        sw.Restart();
        await Parallel.ForEachAsync(Enumerable.Range(0, requestCount), async (i, ct) =>
        {
            var response = controller.Search(queries[i % queries.Length] + (i % 5 == 0 ? " quick" : ""), top: 10);
            await Task.Yield();
            if (i % 100 == 0) Console.WriteLine($"request {i}: {response.Hits.Count} hits, first {response.Hits.FirstOrDefault()?.Title}");
        });
        Console.WriteLine($"{requestCount} requests in {sw.ElapsedMilliseconds} ms, cache hits {controller.CacheHits}");
    }
}
