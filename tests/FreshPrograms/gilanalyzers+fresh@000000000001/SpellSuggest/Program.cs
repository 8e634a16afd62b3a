using System.Diagnostics;

namespace SpellSuggest;

/// <summary>
/// Suggestion service for the support-ticket editor: for every unknown word, the closest dictionary words
/// by edit distance. Used by the nightly pass that pre-computes suggestions for the ticket backlog.
/// </summary>
public static class Suggester
{
    private static readonly object DistanceLock = new();
    private static int[] _row = new int[64];
    private static int[] _previous = new int[64];

    private static readonly Dictionary<string, string[]> Cache = new(StringComparer.Ordinal);
    private static readonly object CacheLock = new();

    public static string[] Suggest(string word, IReadOnlyList<string> dictionary)
    {
        lock (CacheLock)
        {
            if (Cache.TryGetValue(word, out var cached))
            {
                return cached;
            }
        }

        string[] suggestions;
        lock (DistanceLock)
        {
            var scored = new List<(string Candidate, int Distance)>();
            foreach (var candidate in dictionary)
            {
                if (Math.Abs(candidate.Length - word.Length) > 2) continue;
                int d = Distance(word, candidate);
                if (d <= 2) scored.Add((candidate, d));
            }
            suggestions = scored.OrderBy(s => s.Distance).ThenBy(s => s.Candidate, StringComparer.Ordinal).Take(3).Select(s => s.Candidate).ToArray();
        }

        lock (CacheLock)
        {
            Cache[word] = suggestions;
        }
        return suggestions;
    }

    // Two-row Levenshtein using the shared row buffers.
    private static int Distance(string a, string b)
    {
        if (_row.Length <= b.Length)
        {
            _row = new int[b.Length + 1];
            _previous = new int[b.Length + 1];
        }
        for (int j = 0; j <= b.Length; j++) _previous[j] = j;
        for (int i = 1; i <= a.Length; i++)
        {
            _row[0] = i;
            for (int j = 1; j <= b.Length; j++)
            {
                int cost = a[i - 1] == b[j - 1] ? 0 : 1;
                _row[j] = Math.Min(Math.Min(_row[j - 1] + 1, _previous[j] + 1), _previous[j - 1] + cost);
            }
            (_row, _previous) = (_previous, _row);
        }
        return _previous[b.Length];
    }
}

public static class Program
{
    public static void Main(string[] args)
    {
        int tickets = args.Length > 0 ? int.Parse(args[0]) : 300;
        var rng = new Random(4);
        const string letters = "etaoinshrdlucmfwypvbgkqjxz";
        var dictionary = Enumerable.Range(0, 20_000)
            .Select(_ => new string(Enumerable.Range(0, 4 + rng.Next(6)).Select(_ => letters[(int)(letters.Length * Math.Pow(rng.NextDouble(), 2))]).ToArray()))
            .Distinct()
            .ToList();
        var known = dictionary.ToHashSet(StringComparer.Ordinal);

        var unknownWords = Enumerable.Range(0, tickets)
            .Select(_ => dictionary[rng.Next(dictionary.Count)])
            .Select(w => w.Length > 4 ? w.Remove(rng.Next(w.Length), 1) + letters[rng.Next(5)] : w + "q")
            .Where(w => !known.Contains(w))
            .ToList();

        var sw = Stopwatch.StartNew();
        int withSuggestion = 0;
        Parallel.ForEach(unknownWords, word =>
        {
            if (Suggester.Suggest(word, dictionary).Length > 0)
            {
                Interlocked.Increment(ref withSuggestion);
            }
        });
        Console.WriteLine($"{unknownWords.Count} unknown words, {withSuggestion} with suggestions, {sw.ElapsedMilliseconds} ms");
    }
}
