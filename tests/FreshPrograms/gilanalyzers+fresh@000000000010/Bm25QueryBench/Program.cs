using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Threading.Tasks;

namespace Bm25QueryBench;

public readonly record struct Posting(int Doc, int Tf);

public sealed class InvertedIndex
{
    public Dictionary<string, List<Posting>> Postings { get; } = new(StringComparer.Ordinal);
    public required int[] DocLengths { get; init; }
    public double AverageLength => DocLengths.Average();
}

public sealed class Bm25Scorer(InvertedIndex index, double k1 = 1.2, double b = 0.75)
{
    private readonly object _sync = new();
    private readonly double[] _accumulators = new double[index.DocLengths.Length];
    private readonly double _avgdl = index.AverageLength;

    // The accumulator array is reused between queries to avoid allocating one per query.
    public (int Doc, double Score)[] TopK(IReadOnlyList<string> terms, int k)
    {
        lock (_sync)
        {
            Array.Clear(_accumulators);
            int n = _accumulators.Length;
            foreach (string term in terms)
            {
                if (!index.Postings.TryGetValue(term, out var list)) continue;
                double idf = Math.Log(1 + (n - list.Count + 0.5) / (list.Count + 0.5));
                foreach (Posting p in list)
                {
                    double norm = k1 * (1 - b + b * index.DocLengths[p.Doc] / _avgdl);
                    _accumulators[p.Doc] += idf * p.Tf * (k1 + 1) / (p.Tf + norm);
                }
            }
            return _accumulators.Select((score, doc) => (doc, score))
                .Where(x => x.score > 0)
                .OrderByDescending(x => x.score).ThenBy(x => x.doc)
                .Take(k).ToArray();
        }
    }
}

public static class Program
{
    static string Word(int rank) => "w" + rank.ToString("x");

    // Zipf-ish rank: small ranks are common words.
    static int ZipfRank(Random rng, int vocabulary) => (int)Math.Min(vocabulary - 1, Math.Exp(rng.NextDouble() * Math.Log(vocabulary)) - 1);

    public static void Main()
    {
        const int docs = 5000, vocabulary = 6000, queries = 600;
        var rng = new Random(77);
        var corpus = new string[docs][];
        for (int d = 0; d < docs; d++)
        {
            corpus[d] = new string[60 + rng.Next(180)];
            for (int t = 0; t < corpus[d].Length; t++) corpus[d][t] = Word(ZipfRank(rng, vocabulary));
        }

        var sw = Stopwatch.StartNew();
        var index = new InvertedIndex { DocLengths = corpus.Select(c => c.Length).ToArray() };
        var mergeGate = new object();
        Parallel.For(0, docs,
            () => new Dictionary<string, List<Posting>>(StringComparer.Ordinal),
            (d, _, local) =>
            {
                foreach (var g in corpus[d].GroupBy(t => t))
                {
                    if (!local.TryGetValue(g.Key, out var list)) local[g.Key] = list = new List<Posting>();
                    list.Add(new Posting(d, g.Count()));
                }
                return local;
            },
            local =>
            {
                lock (mergeGate)
                {
                    foreach (var (term, list) in local)
                    {
                        if (!index.Postings.TryGetValue(term, out var global)) index.Postings[term] = global = new List<Posting>();
                        global.AddRange(list);
                    }
                }
            });
        foreach (var list in index.Postings.Values) list.Sort((x, y) => x.Doc.CompareTo(y.Doc));
        Console.Error.WriteLine($"indexed {docs} docs, {index.Postings.Count} terms in {sw.ElapsedMilliseconds} ms");

        var querySet = Enumerable.Range(0, queries)
            .Select(q => (Id: q, Terms: Enumerable.Range(0, 2 + q % 3).Select(_ => Word(ZipfRank(rng, vocabulary / 4))).ToArray()))
            .ToList();

        var scorer = new Bm25Scorer(index);
        var results = new List<(int Query, int TopDoc, double TopScore)>();
        sw.Restart();
        Parallel.ForEach(querySet, q =>
        {
            var top = scorer.TopK(q.Terms, 10);
            if (top.Length == 0) return;
            lock (results) results.Add((q.Id, top[0].Doc, top[0].Score));
        });
        Console.Error.WriteLine($"ran {queries} queries in {sw.ElapsedMilliseconds} ms");

        results.Sort((x, y) => x.Query.CompareTo(y.Query));
        double meanTop = results.Average(r => r.TopScore);
        Console.WriteLine($"answered {results.Count} queries, mean top score {meanTop:F4}");
        foreach (var r in results.Take(5)) Console.WriteLine($"  q{r.Query}: doc {r.TopDoc} ({r.TopScore:F3})");
    }
}
