using System.Text;

namespace CustomerEtlMerge;

public sealed record RawCustomer(int SourceId, string Name, string Street, string City, string Email);
public sealed record CleanCustomer(int SourceId, string Key, string Name, string Address, string Email);

public sealed class CustomerNormalizer
{
    private readonly object _sync = new();
    private readonly Dictionary<string, CleanCustomer> _byKey = new();
    private readonly TextWriter _rejects;
    private int _duplicates;

    public CustomerNormalizer(TextWriter rejects) => _rejects = rejects;

    public int Unique => _byKey.Count;
    public int Duplicates => _duplicates;

    public void Ingest(RawCustomer raw)
    {
        if (!raw.Email.Contains('@'))
        {
            Reject(raw, "bad email");
            return;
        }
        Normalize(raw);
    }

    private void Normalize(RawCustomer raw)
    {
        lock (_sync)
        {
            var name = Canonical(raw.Name);
            var address = Canonical(raw.Street.Replace("Str.", "Strasse").Replace("St.", "Street")) + ", " + Canonical(raw.City);
            var key = Phonetic(name) + "|" + Phonetic(address);
            if (_byKey.ContainsKey(key)) { _duplicates++; return; }
            _byKey[key] = new CleanCustomer(raw.SourceId, key, name, address, raw.Email.Trim().ToLowerInvariant());
        }
    }

    private void Reject(RawCustomer raw, string reason)
    {
        var line = $"{raw.SourceId};{raw.Name};{reason}";
        lock (_rejects)
        {
            _rejects.WriteLine(line);
        }
    }

    private static string Canonical(string s)
    {
        var sb = new StringBuilder(s.Length);
        foreach (var ch in s.Normalize(NormalizationForm.FormD))
        {
            if (char.GetUnicodeCategory(ch) == System.Globalization.UnicodeCategory.NonSpacingMark) continue;
            if (char.IsLetterOrDigit(ch)) sb.Append(char.ToUpperInvariant(ch));
            else if (sb.Length > 0 && sb[^1] != ' ') sb.Append(' ');
        }
        return sb.ToString().Trim();
    }

    private static string Phonetic(string s)
    {
        var sb = new StringBuilder();
        char last = '\0';
        foreach (var ch in s)
        {
            char code = ch switch
            {
                'B' or 'F' or 'P' or 'V' => '1',
                'C' or 'G' or 'J' or 'K' or 'Q' or 'S' or 'X' or 'Z' => '2',
                'D' or 'T' => '3', 'L' => '4', 'M' or 'N' => '5', 'R' => '6',
                ' ' => ' ', _ => '0',
            };
            if (code != last && code != '0') sb.Append(code);
            last = code;
        }
        return sb.ToString();
    }
}

public static class Program
{
    public static void Main()
    {
        var rng = new Random(12);
        string[] first = { "Jörg", "Anna", "Zoë", "Mikael", "Renée", "Søren", "Ana", "Jorg" };
        string[] last = { "Müller", "Mueller", "Schmidt", "Åberg", "Lefèvre", "Nowak" };
        string[] streets = { "Hauptstr. 5", "Main St. 12", "Bahnhofstr. 1", "Rue de Rivoli 7" };
        string[] cities = { "Zürich", "Berlin", "Paris", "Kraków" };
        var raw = Enumerable.Range(0, 40_000).Select(i => new RawCustomer(i,
            first[rng.Next(first.Length)] + " " + last[rng.Next(last.Length)],
            streets[rng.Next(streets.Length)], cities[rng.Next(cities.Length)],
            rng.Next(50) == 0 ? "n/a" : $"user{i}@example.com")).ToArray();

        var rejects = new StringWriter();
        var normalizer = new CustomerNormalizer(rejects);
        Parallel.ForEach(raw, normalizer.Ingest);
        Console.WriteLine($"unique {normalizer.Unique}, duplicates {normalizer.Duplicates}, rejects {rejects.ToString().Split('\n').Length - 1}");

        // second source: legacy CSV batches validated on the pool
        var batches = raw.Chunk(5000).ToArray();
        var invalidPerBatch = new int[batches.Length];
        var remaining = new StrongBox(batches.Length);
        using var allDone = new ManualResetEventSlim(false);
        for (int b = 0; b < batches.Length; b++)
        {
            ThreadPool.QueueUserWorkItem(static state =>
            {
                var (batch, slot, counts, left, done) = state;
                int bad = 0;
                foreach (var c in batch)
                {
                    var decomposed = c.Name.Normalize(NormalizationForm.FormD);
                    if (decomposed.Length != c.Name.Length && c.Name.Normalize(NormalizationForm.FormC) != c.Name) bad++;
                    if (Encoding.UTF8.GetByteCount(c.Street + c.City) > 64) bad++;
                }
                counts[slot] = bad;
                if (Interlocked.Decrement(ref left.Value) == 0) done.Set();
            }, (batches[b], b, invalidPerBatch, remaining, allDone), preferLocal: false);
        }
        allDone.Wait();
        Console.WriteLine($"non-NFC names per batch: {string.Join(",", invalidPerBatch)}");
    }
}

public sealed class StrongBox(int value) { public int Value = value; }
