using System.Globalization;
using System.Text;

namespace CsvStatsProfiler;

// Data-quality profiler for an ETL landing zone: for every CSV file, infers column types,
// computes quantiles and distinct counts, and flags suspicious columns.
public static class Program
{
    public static async Task Main()
    {
        CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
        string landing = Path.Combine(Path.GetTempPath(), $"landing-{Environment.ProcessId}");
        Directory.CreateDirectory(landing);
        try
        {
            var files = LandingZone.Write(landing, files: 8, rows: 3000, seed: 21);
            var reader = new TableReader();
            List<Table> tables = await reader.ReadAllAsync(files);

            var profiler = new ColumnProfiler();
            var jobs = new ProfileJobs(profiler);
            ColumnProfile[] profiles = jobs.ProfileAll(tables);
            int suspicious = jobs.CheckAll(tables);

            foreach (var p in profiles.Where(p => p.Table == "extract-0.csv"))
            {
                Console.WriteLine($"{p.Table}/{p.Column,-9} {p.Kind,-7} distinct {p.Distinct,5}  p50 {p.P50,10:F2}  p99 {p.P99,10:F2}");
            }
            Console.WriteLine($"tables: {tables.Count}, columns profiled: {profiles.Length}, suspicious: {suspicious}");
        }
        finally
        {
            Directory.Delete(landing, recursive: true);
        }
    }
}

public sealed record Table(string Name, string[] Header, List<string[]> Rows);
public sealed record ColumnProfile(string Table, string Column, string Kind, int Distinct, double P50, double P99);

public static class LandingZone
{
    public static List<string> Write(string dir, int files, int rows, int seed)
    {
        var rng = new Random(seed);
        var paths = new List<string>();
        for (int f = 0; f < files; f++)
        {
            var sb = new StringBuilder("id,amount,country,score,comment\n");
            for (int r = 0; r < rows; r++)
            {
                string amount = rng.NextDouble() < 0.01 ? "N/A" : (rng.NextDouble() * 1000 * (f + 1)).ToString("F2");
                string country = new[] { "DE", "FR", "NL", "BE", "PL" }[rng.Next(5)];
                sb.Append(r).Append(',').Append(amount).Append(',').Append(country).Append(',')
                  .Append(rng.Next(0, 100)).Append(',').Append("note ").Append(rng.Next(50)).Append('\n');
            }
            string path = Path.Combine(dir, $"extract-{f}.csv");
            File.WriteAllText(path, sb.ToString());
            paths.Add(path);
        }
        return paths;
    }
}

public sealed class TableReader
{
    public async Task<List<Table>> ReadAllAsync(IEnumerable<string> paths)
    {
        var tables = new List<Table>();
        await Parallel.ForEachAsync(paths, new ParallelOptions { MaxDegreeOfParallelism = 3 }, async (path, ct) =>
        {
            string text = await File.ReadAllTextAsync(path, ct);
            var lines = text.Split('\n', StringSplitOptions.RemoveEmptyEntries);
            var table = new Table(Path.GetFileName(path), lines[0].Split(','), lines.Skip(1).Select(l => l.Split(',')).ToList());
            lock (tables)
            {
                tables.Add(table);
            }
        });
        return tables.OrderBy(t => t.Name, StringComparer.Ordinal).ToList();
    }
}
