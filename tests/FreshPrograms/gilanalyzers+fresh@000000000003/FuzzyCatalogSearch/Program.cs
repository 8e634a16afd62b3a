namespace FuzzyCatalogSearch;

public static class Program
{
    public static async Task Main()
    {
        string dir = Path.Combine(Path.GetTempPath(), "fuzzy-catalog-" + Environment.ProcessId);
        Directory.CreateDirectory(dir);
        try
        {
            var shards = await CatalogFiles.WriteShardsAsync(dir, shardCount: 6, itemsPerShard: 700, seed: 3);
            var loader = new ShardLoader();
            var catalog = await loader.LoadAllAsync(shards);

            var queries = new[] { "wireles keybord", "usb-c hubb", "noise cancelling headphone", "ergonmic mouse", "4k monitr 27" };
            var searcher = new FuzzySearcher(catalog);
            var log = new QueryLog(Path.Combine(dir, "queries.log"));

            var answers = await searcher.SearchManyAsync(queries, log);
            foreach (var a in answers)
            {
                Console.WriteLine($"{a.Query,-28} -> {a.Best} (distance {a.Distance})");
            }
            Console.WriteLine($"catalog items: {catalog.Count}");
            Console.WriteLine($"log lines:     {File.ReadAllLines(log.Path).Length}");
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}

public sealed record Answer(string Query, string Best, int Distance);

public static class CatalogFiles
{
    private static readonly string[] Brands = ["Acme", "Northwind", "Contoso", "Fabrikam", "Tailspin"];
    private static readonly string[] Nouns = ["wireless keyboard", "usb-c hub", "noise cancelling headphones", "ergonomic mouse", "4k monitor 27", "laptop stand", "webcam", "desk lamp"];

    public static async Task<string[]> WriteShardsAsync(string dir, int shardCount, int itemsPerShard, int seed)
    {
        var rng = new Random(seed);
        var paths = new string[shardCount];
        for (int s = 0; s < shardCount; s++)
        {
            var lines = new List<string>();
            for (int i = 0; i < itemsPerShard; i++)
            {
                lines.Add($"{Brands[rng.Next(Brands.Length)]} {Nouns[rng.Next(Nouns.Length)]} model {rng.Next(100, 999)}");
            }
            paths[s] = Path.Combine(dir, $"shard-{s}.txt");
            await File.WriteAllLinesAsync(paths[s], lines);
        }
        return paths;
    }
}

public sealed class ShardLoader
{
    public async Task<List<string>> LoadAllAsync(IEnumerable<string> paths)
    {
        var reads = paths.Select(LoadShardAsync);
        string[][] shards = await Task.WhenAll(reads);
        return shards.SelectMany(s => s).ToList();
    }

    private static async Task<string[]> LoadShardAsync(string path)
    {
        string[] lines = await File.ReadAllLinesAsync(path);
        return lines.Select(l => l.Trim().ToLowerInvariant()).Where(l => l.Length > 0).ToArray();
    }
}
