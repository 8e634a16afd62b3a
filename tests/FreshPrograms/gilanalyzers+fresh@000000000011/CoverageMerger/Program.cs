using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using System.Threading.Tasks;

namespace CoverageMerger;

// Merges lcov tracefiles from a sharded test run into one per-source-file summary.
public sealed record ParsedReport(string Shard, Dictionary<string, Dictionary<int, long>> Hits, int Records);

public sealed record FileRow(string Source, int Lines, int Covered, long TotalHits);

public static class Program
{
    public static async Task Main()
    {
        string dir = Path.Combine(Path.GetTempPath(), "coverage-merger-" + Environment.ProcessId);
        string outDir = Path.Combine(dir, "summaries");
        Directory.CreateDirectory(outDir);
        try
        {
            var paths = new List<string>();
            for (int shard = 0; shard < 24; shard++)
            {
                string path = Path.Combine(dir, $"shard-{shard:D2}.info");
                await File.WriteAllTextAsync(path, FakeTracefile(shard));
                paths.Add(path);
            }

            string[] texts = await Task.WhenAll(paths.Select(p => File.ReadAllTextAsync(p)));

            ParsedReport[] reports = await Task.WhenAll(
                paths.Select((p, i) => ParseReportAsync(Path.GetFileNameWithoutExtension(p), texts[i], outDir)));

            var sources = reports.SelectMany(r => r.Hits.Keys).Distinct().OrderBy(s => s, StringComparer.Ordinal).ToList();
            var rows = new List<FileRow>();
            Parallel.ForEach(sources, source =>
            {
                var merged = new Dictionary<int, long>();
                foreach (var report in reports)
                {
                    if (!report.Hits.TryGetValue(source, out var lines)) continue;
                    foreach (var (line, hits) in lines)
                        merged[line] = merged.GetValueOrDefault(line) + hits;
                }
                var row = new FileRow(source, merged.Count, merged.Count(kv => kv.Value > 0), merged.Values.Sum());
                lock (rows)
                {
                    rows.Add(row);
                }
            });

            rows.Sort((a, b) => string.CompareOrdinal(a.Source, b.Source));
            foreach (var row in rows.Take(8))
                Console.WriteLine($"{row.Source,-28} {row.Covered,4}/{row.Lines,-4} {100.0 * row.Covered / row.Lines,6:F1}%  hits {row.TotalHits}");
            int totalLines = rows.Sum(r => r.Lines), covered = rows.Sum(r => r.Covered);
            Console.WriteLine($"{rows.Count} files, {reports.Sum(r => r.Records)} records, line coverage {100.0 * covered / totalLines:F2}%");
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    private static async Task<ParsedReport> ParseReportAsync(string shard, string text, string outDir)
    {
        var hits = new Dictionary<string, Dictionary<int, long>>();
        Dictionary<int, long>? current = null;
        int records = 0;
        foreach (var raw in text.Split('\n'))
        {
            var line = raw.Trim();
            if (line.StartsWith("SF:", StringComparison.Ordinal))
            {
                string source = line[3..].Replace('\\', '/').ToLowerInvariant();
                if (!hits.TryGetValue(source, out current)) hits[source] = current = new Dictionary<int, long>();
            }
            else if (line.StartsWith("DA:", StringComparison.Ordinal) && current is not null)
            {
                int comma = line.IndexOf(',');
                int number = int.Parse(line.AsSpan(3, comma - 3), CultureInfo.InvariantCulture);
                long count = long.Parse(line.AsSpan(comma + 1), CultureInfo.InvariantCulture);
                current[number] = current.GetValueOrDefault(number) + count;
            }
            else if (line == "end_of_record")
            {
                records++;
                current = null;
            }
        }
        var summary = new StringBuilder();
        foreach (var (source, lines) in hits.OrderBy(h => h.Key, StringComparer.Ordinal))
            summary.Append(source).Append(' ').Append(lines.Count(l => l.Value > 0)).Append('/').Append(lines.Count).Append('\n');
        await File.WriteAllTextAsync(Path.Combine(outDir, shard + ".txt"), summary.ToString());
        return new ParsedReport(shard, hits, records);
    }

    private static string FakeTracefile(int shard)
    {
        var rng = new Random(shard * 7919);
        var sb = new StringBuilder();
        sb.Append("TN:shard").Append(shard).Append('\n');
        for (int f = 0; f < 140; f++)
        {
            if (rng.NextDouble() < 0.3) continue;
            sb.Append("SF:src\\Module").Append(f / 10).Append("\\File").Append(f).Append(".cs\n");
            int lineCount = 120 + (f * 37) % 200;
            for (int l = 1; l <= lineCount; l++)
            {
                long count = (l * 13 + f) % 9 == 0 || rng.NextDouble() < 0.35 ? 0 : rng.Next(1, 500);
                sb.Append("DA:").Append(l).Append(',').Append(count).Append('\n');
            }
            sb.Append("end_of_record\n");
        }
        return sb.ToString();
    }
}
