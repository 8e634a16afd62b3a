using System.Diagnostics;
using System.Text;

// Summarises a day of service logs: level counts and the most frequent message words.
var lines = LogSource.Generate(60_000, seed: 17);
var stopwatch = Stopwatch.StartNew();

var analyzer = new LogAnalyzer();
analyzer.CountWords(lines);
var levels = analyzer.CountLevels(lines);

Console.WriteLine($"analysed {lines.Count} lines in {stopwatch.ElapsedMilliseconds} ms");
foreach (var (level, count) in levels.OrderBy(kv => kv.Key))
    Console.WriteLine($"  {level,-5} {count,7}");
foreach (var (word, count) in analyzer.TopWords(8))
    Console.WriteLine($"  {word,-12} {count,7}");

static class LogSource
{
    static readonly string[] Levels = { "DEBUG", "INFO", "WARN", "ERROR" };
    static readonly string[] Words =
    {
        "request", "timeout", "user", "session", "cache", "miss", "db", "query", "retry", "socket",
        "closed", "payment", "order", "latency", "slow", "auth", "token", "expired", "upstream", "gateway",
    };

    public static List<string> Generate(int count, int seed)
    {
        var rng = new Random(seed);
        var result = new List<string>(count);
        var sb = new StringBuilder();
        for (int i = 0; i < count; i++)
        {
            sb.Clear();
            sb.Append("2024-05-01T").Append((i / 3600 % 24).ToString("00")).Append(':')
              .Append((i / 60 % 60).ToString("00")).Append(':').Append((i % 60).ToString("00"))
              .Append(' ').Append(Levels[rng.Next(Levels.Length)]).Append(" svc-").Append(rng.Next(12)).Append(" -");
            int n = 6 + rng.Next(10);
            for (int w = 0; w < n; w++)
                sb.Append(' ').Append(Words[rng.Next(Words.Length)]).Append(rng.Next(4) == 0 ? "," : "");
            result.Add(sb.ToString());
        }
        return result;
    }
}

sealed class LogAnalyzer
{
    private readonly object _sync = new();
    private readonly Dictionary<string, int> _wordCounts = new(StringComparer.Ordinal);
    private int _processed;

    public void CountWords(IReadOnlyList<string> lines)
    {
        Parallel.ForEach(lines, line =>
        {
            lock (_sync)
            {
                int dash = line.IndexOf(" - ", StringComparison.Ordinal);
                var message = line.AsSpan(dash + 3);
                foreach (var range in message.Split(' '))
                {
                    var token = message[range].Trim(',');
                    if (token.Length < 3) continue;
                    var word = token.ToString().ToLowerInvariant();
                    _wordCounts[word] = _wordCounts.TryGetValue(word, out var c) ? c + 1 : 1;
                }
            }

            int done = Interlocked.Increment(ref _processed);
            if (done % 20_000 == 0)
            {
                lock (_sync)
                {
                    Console.WriteLine($"  ... {done} lines");
                }
            }
        });
    }

    public Dictionary<string, int> CountLevels(IReadOnlyList<string> lines)
    {
        var totals = new Dictionary<string, int>();
        Parallel.ForEach(
            lines,
            () => new Dictionary<string, int>(),
            (line, _, local) =>
            {
                int start = line.IndexOf(' ') + 1;
                int end = line.IndexOf(' ', start);
                var level = line[start..end];
                local[level] = local.TryGetValue(level, out var c) ? c + 1 : 1;
                return local;
            },
            local =>
            {
                lock (totals)
                {
                    foreach (var (k, v) in local)
                        totals[k] = totals.TryGetValue(k, out var c) ? c + v : v;
                }
            });
        return totals;
    }

    public IEnumerable<(string Word, int Count)> TopWords(int n) =>
        _wordCounts.OrderByDescending(kv => kv.Value).ThenBy(kv => kv.Key).Take(n).Select(kv => (kv.Key, kv.Value));
}
