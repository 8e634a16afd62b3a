using System.Text;

namespace CodeMetricsTool;

public sealed record FileMetrics(string Path, int Lines, int Tokens, int Cyclomatic, int MaxNesting);

public sealed class DuplicateIndex
{
    private readonly object _sync = new();
    private readonly Dictionary<ulong, List<string>> _shingles = new();

    public void Register(string path, string text)
    {
        lock (_sync)
        {
            string[] lines = text.Split('\n');
            for (int i = 0; i + 5 <= lines.Length; i++)
            {
                ulong hash = 14695981039346656037UL;
                for (int j = i; j < i + 5; j++)
                    foreach (char c in lines[j].Trim()) hash = (hash ^ c) * 1099511628211UL;
                if (!_shingles.TryGetValue(hash, out var owners)) _shingles[hash] = owners = new List<string>();
                if (!owners.Contains(path)) owners.Add(path);
            }
        }
    }

    public int DuplicatedShingles() { lock (_sync) return _shingles.Values.Count(o => o.Count > 1); }
}

public static class Program
{
    private static readonly string[] Branching = ["if", "while", "for", "foreach", "case", "catch", "&&", "||", "?"];

    public static async Task Main()
    {
        string root = Path.Combine(Path.GetTempPath(), "code-metrics-" + Environment.ProcessId);
        Directory.CreateDirectory(root);
        var paths = new List<string>();
        for (int i = 0; i < 90; i++)
        {
            string path = Path.Combine(root, $"Service{i:D2}.cs");
            File.WriteAllText(path, GenerateSource(i));
            paths.Add(path);
        }

        string[] texts = await Task.WhenAll(paths.Select(p => File.ReadAllTextAsync(p)));

        var duplicates = new DuplicateIndex();
        Parallel.ForEach(Enumerable.Range(0, paths.Count), i => duplicates.Register(paths[i], texts[i]));

        FileMetrics[] metrics = await Task.WhenAll(paths.Select((p, i) => AnalyzeAsync(p, texts[i])));

        var worst = metrics.OrderByDescending(m => m.Cyclomatic).ThenBy(m => m.Path, StringComparer.Ordinal).First();
        Console.WriteLine($"{metrics.Length} files, {metrics.Sum(m => m.Lines)} lines, {metrics.Sum(m => m.Tokens)} tokens");
        Console.WriteLine($"most complex: {Path.GetFileName(worst.Path)} cc={worst.Cyclomatic} nesting={worst.MaxNesting}");
        Console.WriteLine($"duplicated 5-line shingles: {duplicates.DuplicatedShingles()}");
        Directory.Delete(root, recursive: true);

        static async Task<FileMetrics> AnalyzeAsync(string path, string text)
        {
            int tokens = 0, cyclomatic = 1, depth = 0, maxDepth = 0, lines = 1;
            var word = new StringBuilder();
            foreach (char c in text)
            {
                if (c == '\n') lines++;
                if (char.IsLetterOrDigit(c) || c == '_' || c == '&' || c == '|' || c == '?') { word.Append(c); continue; }
                if (word.Length > 0)
                {
                    tokens++;
                    if (Array.IndexOf(Branching, word.ToString()) >= 0) cyclomatic++;
                    word.Clear();
                }
                if (c == '{') maxDepth = Math.Max(maxDepth, ++depth);
                else if (c == '}') depth--;
                if (!char.IsWhiteSpace(c)) tokens++;
            }
            string report = $"{{\"path\":\"{Path.GetFileName(path)}\",\"lines\":{lines},\"cc\":{cyclomatic}}}";
            await File.WriteAllTextAsync(path + ".metrics.json", report);
            return new FileMetrics(path, lines, tokens, cyclomatic, maxDepth);
        }
    }

    private static string GenerateSource(int seed)
    {
        var rng = new Random(seed * 31 + 7);
        var sb = new StringBuilder($"namespace Generated;\npublic class Service{seed:D2}\n{{\n");
        for (int m = 0; m < 60; m++)
        {
            sb.Append($"    public int Method{m}(int x)\n    {{\n");
            int branches = rng.Next(0, 6);
            for (int b = 0; b < branches; b++)
                sb.Append($"        if (x > {b * 10} && x % {b + 2} == 0) {{ x += {rng.Next(1, 9)}; }}\n");
            sb.Append("        for (int i = 0; i < x; i++) { x -= i; }\n");
            sb.Append("        return x;\n    }\n");
        }
        return sb.Append("}\n").ToString();
    }
}
