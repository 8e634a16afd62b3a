using System.Diagnostics;

namespace TokenizerService;

public sealed class CorpusTokenizer
{
    private static readonly object BpeLock = new();
    private readonly ReaderWriterLockSlim _statsLock = new();
    private readonly Dictionary<(int, int), int> _bigramCounts = new();
    private readonly Dictionary<string, int> _stopwords;

    public CorpusTokenizer(IEnumerable<string> stopwords)
    {
        _stopwords = stopwords.Select((w, i) => (w, i)).ToDictionary(p => p.w, p => p.i);
    }

    public int DistinctBigrams => _bigramCounts.Count;

    public int[][] TokenizeAll(IReadOnlyList<string> documents)
    {
        var result = new int[documents.Count][];
        Parallel.ForEach(Enumerable.Range(0, documents.Count), i =>
        {
            lock (BpeLock)
            {
                result[i] = LegacyBpe.Encode(documents[i]);
            }
        });
        return result;
    }

    public void CountBigrams(int[][] tokenised)
    {
        Parallel.For(0, tokenised.Length, d =>
        {
            var tokens = tokenised[d];
            _statsLock.EnterWriteLock();
            try
            {
                for (int i = 0; i + 1 < tokens.Length; i++)
                {
                    var key = (tokens[i], tokens[i + 1]);
                    _bigramCounts[key] = _bigramCounts.GetValueOrDefault(key) + 1;
                }
                for (int i = 0; i + 2 < tokens.Length; i += 2)
                {
                    var skip = (tokens[i], -tokens[i + 2]);
                    _bigramCounts[skip] = _bigramCounts.GetValueOrDefault(skip) + 1;
                }
            }
            finally
            {
                _statsLock.ExitWriteLock();
            }
        });
    }

    public bool IsStopword(string word)
    {
        _statsLock.EnterReadLock();
        try
        {
            return _stopwords.ContainsKey(word);
        }
        finally
        {
            _statsLock.ExitReadLock();
        }
    }
}

public static class Program
{
    public static void Main()
    {
        var rng = new Random(8);
        string[] vocab = "the of and model token parallel thread lock data stream query index vector cache merge split".Split(' ');
        var documents = Enumerable.Range(0, 3000)
            .Select(_ => string.Join(' ', Enumerable.Range(0, 60 + rng.Next(120)).Select(_ => vocab[rng.Next(vocab.Length)])))
            .ToList();

        var sw = Stopwatch.StartNew();
        var tokenizer = new CorpusTokenizer(new[] { "the", "of", "and" });
        var tokenised = tokenizer.TokenizeAll(documents);
        tokenizer.CountBigrams(tokenised);
        var kept = documents[0].Split(' ').Count(w => !tokenizer.IsStopword(w));

        Console.WriteLine($"{documents.Count} documents, {tokenised.Sum(t => t.Length)} tokens, vocab {LegacyBpe.VocabularySize}");
        Console.WriteLine($"{tokenizer.DistinctBigrams} distinct bigrams; doc 0 keeps {kept} words; {sw.ElapsedMilliseconds} ms");
    }
}
