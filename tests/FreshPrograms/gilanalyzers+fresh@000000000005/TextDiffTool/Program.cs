using System.Runtime.CompilerServices;

namespace TextDiffTool;

public enum EditKind { Keep, Insert, Delete }

public readonly record struct Edit(EditKind Kind, string Line);

public static class LineDiff
{
    public static List<Edit> Diff(string[] a, string[] b)
    {
        var lcs = new int[a.Length + 1, b.Length + 1];
        for (int i = a.Length - 1; i >= 0; i--)
            for (int j = b.Length - 1; j >= 0; j--)
                lcs[i, j] = a[i] == b[j] ? lcs[i + 1, j + 1] + 1 : Math.Max(lcs[i + 1, j], lcs[i, j + 1]);

        var edits = new List<Edit>();
        int x = 0, y = 0;
        while (x < a.Length && y < b.Length)
        {
            if (a[x] == b[y]) { edits.Add(new Edit(EditKind.Keep, a[x])); x++; y++; }
            else if (lcs[x + 1, y] >= lcs[x, y + 1]) edits.Add(new Edit(EditKind.Delete, a[x++]));
            else edits.Add(new Edit(EditKind.Insert, b[y++]));
        }
        while (x < a.Length) edits.Add(new Edit(EditKind.Delete, a[x++]));
        while (y < b.Length) edits.Add(new Edit(EditKind.Insert, b[y++]));
        return edits;
    }
}

public sealed class SimilarityScorer
{
    private int[] _row = new int[0];
    private int[] _previous = new int[0];

    [MethodImpl(MethodImplOptions.Synchronized)]
    public double Similarity(string a, string b)
    {
        if (_row.Length < b.Length + 1) { _row = new int[b.Length + 1]; _previous = new int[b.Length + 1]; }
        Array.Clear(_previous, 0, b.Length + 1);
        for (int i = 1; i <= a.Length; i++)
        {
            for (int j = 1; j <= b.Length; j++)
                _row[j] = a[i - 1] == b[j - 1] ? _previous[j - 1] + 1 : Math.Max(_previous[j], _row[j - 1]);
            (_row, _previous) = (_previous, _row);
        }
        return 2.0 * _previous[b.Length] / (a.Length + b.Length);
    }
}

public sealed record DiffJob(int Document, string[] Before, string[] After);

public static class Program
{
    private static readonly string[] Vocabulary = { "the", "parser", "returns", "a", "node", "when", "input", "is", "valid", "otherwise", "an", "error", "value" };

    public static void Main()
    {
        var rng = new Random(5);
        var revisions = Enumerable.Range(0, 24).Select(d => MakeRevisions(rng, lines: 500, count: 4)).ToList();
        var jobs = revisions.SelectMany((revs, d) => revs.Zip(revs.Skip(1), (a, b) => new DiffJob(d, a, b))).ToList();

        var diffs = new List<Edit>[jobs.Count];
        int remaining = jobs.Count;
        using var allDone = new ManualResetEventSlim(false);
        for (int i = 0; i < jobs.Count; i++)
        {
            ThreadPool.QueueUserWorkItem(index =>
            {
                diffs[index] = LineDiff.Diff(jobs[index].Before, jobs[index].After);
                if (Interlocked.Decrement(ref remaining) == 0) allDone.Set();
            }, i, preferLocal: false);
        }
        allDone.Wait();

        var finals = revisions.Select(r => string.Join("\n", r[^1])).ToArray();
        var scorer = new SimilarityScorer();
        var pairs = from i in Enumerable.Range(0, finals.Length) from j in Enumerable.Range(i + 1, finals.Length - i - 1) select (i, j);
        var similarPairs = new List<(int, int, double)>();
        Parallel.ForEach(pairs, pair =>
        {
            string a = finals[pair.i][..Math.Min(1200, finals[pair.i].Length)];
            string b = finals[pair.j][..Math.Min(1200, finals[pair.j].Length)];
            double sim = scorer.Similarity(a, b);
            if (sim > 0.55)
            {
                lock (similarPairs)
                {
                    similarPairs.Add((pair.i, pair.j, sim));
                }
            }
        });

        int inserted = diffs.Sum(d => d.Count(e => e.Kind == EditKind.Insert));
        int deleted = diffs.Sum(d => d.Count(e => e.Kind == EditKind.Delete));
        Console.WriteLine($"{jobs.Count} diffs: +{inserted} -{deleted}");
        Console.WriteLine($"similar final revisions: {similarPairs.Count}");
        foreach (var (i, j, s) in similarPairs.OrderByDescending(p => p.Item3).ThenBy(p => p.Item1).ThenBy(p => p.Item2).Take(3))
            Console.WriteLine($"  doc {i} ~ doc {j}: {s:F3}");
    }

    private static List<string[]> MakeRevisions(Random rng, int lines, int count)
    {
        var current = Enumerable.Range(0, lines)
            .Select(_ => string.Join(" ", Enumerable.Range(0, 3 + rng.Next(4)).Select(_ => Vocabulary[rng.Next(Vocabulary.Length)])))
            .ToList();
        var result = new List<string[]> { current.ToArray() };
        for (int r = 1; r < count; r++)
        {
            for (int e = 0; e < lines / 10; e++)
            {
                int at = rng.Next(current.Count);
                if (rng.Next(2) == 0) current.RemoveAt(at);
                else current.Insert(at, "edited " + Vocabulary[rng.Next(Vocabulary.Length)] + " " + r);
            }
            result.Add(current.ToArray());
        }
        return result;
    }
}
