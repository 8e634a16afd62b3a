using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace AccessLogReport;

public sealed record ShardSummary(string Shard, int Requests, int Errors, double P95Millis, string TopPath);

/// <summary>
/// Nightly report: reads the access-log shards written by each front-end node, summarises each one and
/// writes a per-shard CSV next to a combined summary.
/// </summary>
public static class Program
{
    private static readonly string[] Paths = ["/api/orders", "/api/users", "/api/cart", "/health", "/api/search", "/static/app.js"];

    public static async Task Main(string[] args)
    {
        int shardCount = args.Length > 0 ? int.Parse(args[0]) : 6;
        string workDir = Path.Combine(Path.GetTempPath(), "access-log-report");
        Directory.CreateDirectory(workDir);
        var shardFiles = WriteSampleShards(workDir, shardCount, linesPerShard: 20_000);

        var sw = Stopwatch.StartNew();

        // Pull every shard in at once; the files live on the NFS share so this is mostly waiting.
        string[] contents = await Task.WhenAll(shardFiles.Select(f => File.ReadAllTextAsync(f)));

        var tasks = shardFiles.Zip(contents, (file, text) => SummariseShardAsync(Path.GetFileNameWithoutExtension(file), text, workDir));
        ShardSummary[] summaries = await Task.WhenAll(tasks);

        foreach (var s in summaries)
        {
            Console.WriteLine($"{s.Shard}: {s.Requests} requests, {s.Errors} errors, p95 {s.P95Millis:F1} ms, top {s.TopPath}");
        }
        Console.WriteLine($"Report done in {sw.ElapsedMilliseconds} ms");
    }

    private static async Task<ShardSummary> SummariseShardAsync(string shard, string text, string outputDir)
    {
        var latencies = new List<double>();
        var hits = new Dictionary<string, int>();
        int errors = 0;
        foreach (var raw in text.Split('\n'))
        {
            if (!LogLine.TryParse(raw, out var line))
            {
                continue;
            }
            latencies.Add(line.Millis);
            hits[line.Path] = hits.GetValueOrDefault(line.Path) + 1;
            if (line.Status >= 500)
            {
                errors++;
            }
        }

        latencies.Sort();
        double p95 = latencies.Count == 0 ? 0 : latencies[(int)(latencies.Count * 0.95)];
        string top = hits.OrderByDescending(kv => kv.Value).First().Key;

        var csv = new StringBuilder("path,hits\n");
        foreach (var (path, count) in hits.OrderBy(kv => kv.Key))
        {
            csv.Append(path).Append(',').Append(count).Append('\n');
        }
        await File.WriteAllTextAsync(Path.Combine(outputDir, shard + ".summary.csv"), csv.ToString());

        return new ShardSummary(shard, latencies.Count, errors, p95, top);
    }

    private static List<string> WriteSampleShards(string dir, int count, int linesPerShard)
    {
        var files = new List<string>();
        var start = new DateTime(2026, 11, 2, 0, 0, 0, DateTimeKind.Utc);
        for (int s = 0; s < count; s++)
        {
            var rng = new Random(s);
            var sb = new StringBuilder();
            for (int i = 0; i < linesPerShard; i++)
            {
                var ts = start.AddSeconds(i * 3 + rng.Next(3)).ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);
                int status = rng.Next(100) < 3 ? 503 : 200;
                string ms = (rng.NextDouble() * rng.Next(1, 200)).ToString("F1", CultureInfo.InvariantCulture);
                sb.Append(ts).Append(rng.Next(4) == 0 ? " POST " : " GET ").Append(Paths[rng.Next(Paths.Length)])
                  .Append(' ').Append(status).Append(' ').Append(rng.Next(200, 9000)).Append(' ').Append(ms).Append('\n');
            }
            string file = Path.Combine(dir, $"node{s:D2}.log");
            File.WriteAllText(file, sb.ToString());
            files.Add(file);
        }
        return files;
    }
}
