using System.Diagnostics;
using System.Text;

namespace SearchIndexBuilder;

public sealed record Document(int Id, string Title, string Body);

public interface ITokenizer
{
    IEnumerable<string> Tokenize(string text);
}

/// <summary>Lower-cases, splits on non-letters and applies a crude suffix-stripping stemmer.</summary>
public sealed class StemmingTokenizer : ITokenizer
{
    private static readonly string[] Suffixes = ["ingly", "ations", "ation", "ness", "ing", "edly", "ed", "ly", "es", "s"];

    public IEnumerable<string> Tokenize(string text)
    {
        var word = new StringBuilder();
        foreach (char ch in text)
        {
            if (char.IsLetter(ch))
            {
                word.Append(char.ToLowerInvariant(ch));
                continue;
            }
            if (word.Length > 2)
            {
                yield return Stem(word.ToString());
            }
            word.Clear();
        }
        if (word.Length > 2)
        {
            yield return Stem(word.ToString());
        }
    }

    private static string Stem(string word)
    {
        foreach (var suffix in Suffixes)
        {
            if (word.Length > suffix.Length + 2 && word.EndsWith(suffix, StringComparison.Ordinal))
            {
                return word[..^suffix.Length];
            }
        }
        return word;
    }
}

/// <summary>An inverted index: term to the documents (and term frequency) that contain it.</summary>
public sealed class InvertedIndex
{
    private readonly Dictionary<string, Dictionary<int, int>> _postings = new(StringComparer.Ordinal);
    private readonly ReaderWriterLockSlim _rw = new();
    private readonly ITokenizer _tokenizer;

    public InvertedIndex(ITokenizer tokenizer) => _tokenizer = tokenizer;

    public int TermCount => _postings.Count;

    public void AddAll(IEnumerable<Document> documents)
    {
        Parallel.ForEach(documents, doc =>
        {
            _rw.EnterWriteLock();
            try
            {
                foreach (var term in _tokenizer.Tokenize(doc.Title + " " + doc.Body))
                {
                    if (!_postings.TryGetValue(term, out var docs))
                    {
                        _postings[term] = docs = new Dictionary<int, int>();
                    }
                    docs[doc.Id] = docs.GetValueOrDefault(doc.Id) + 1;
                }
            }
            finally
            {
                _rw.ExitWriteLock();
            }
        });
    }

    public int[] Search(string query)
    {
        var terms = _tokenizer.Tokenize(query).ToList();
        _rw.EnterReadLock();
        try
        {
            return terms
                .Select(t => _postings.TryGetValue(t, out var docs) ? docs.Keys : Enumerable.Empty<int>())
                .Aggregate((a, b) => a.Intersect(b))
                .OrderBy(id => id)
                .ToArray();
        }
        finally
        {
            _rw.ExitReadLock();
        }
    }
}

public static class Program
{
    private static readonly string[] Words =
        ["harbour", "lighting", "engineered", "rotation", "darkness", "quickly", "markets", "painted", "stations", "rivers",
         "folding", "gardens", "measured", "signals", "kindness", "traders", "towering", "blankets", "counted", "voyages"];

    public static void Main(string[] args)
    {
        int count = args.Length > 0 ? int.Parse(args[0]) : 8000;
        var rng = new Random(2);
        var docs = Enumerable.Range(0, count).Select(i => new Document(
            i,
            Words[rng.Next(Words.Length)] + " " + Words[rng.Next(Words.Length)],
            string.Join(' ', Enumerable.Range(0, 120).Select(_ => Words[rng.Next(Words.Length)]))))
            .ToList();

        var sw = Stopwatch.StartNew();
        var index = new InvertedIndex(new StemmingTokenizer());
        index.AddAll(docs);
        Console.WriteLine($"Indexed {count} documents ({index.TermCount} terms) in {sw.ElapsedMilliseconds} ms");

        string[] queries = ["harbour lights", "painted gardens", "counting signals", "kind traders"];
        var hits = new int[queries.Length];
        Parallel.For(0, queries.Length, q => hits[q] = index.Search(queries[q]).Length);
        for (int q = 0; q < queries.Length; q++)
        {
            Console.WriteLine($"  '{queries[q]}': {hits[q]} hits");
        }
    }
}
