using System.Diagnostics;

namespace SequenceAligner;

public sealed class ReadMapper
{
    private readonly string _reference;
    private readonly int _seedLength;
    private readonly Mutex _alignMutex = new();
    private readonly object _bestLock = new();
    private Thread[] _workers = Array.Empty<Thread>();
    private Dictionary<string, List<int>>[] _partialIndexes = Array.Empty<Dictionary<string, List<int>>>();

    public Dictionary<string, List<int>> SeedIndex { get; } = new();
    public List<(int Read, int Score, int Position)> Alignments { get; } = new();
    public (int Read, int Score) Best { get; private set; } = (-1, int.MinValue);

    public ReadMapper(string reference, int seedLength)
    {
        _reference = reference;
        _seedLength = seedLength;
    }

    public void BuildSeedIndex(int workerCount)
    {
        _workers = new Thread[workerCount];
        _partialIndexes = new Dictionary<string, List<int>>[workerCount];
        int span = _reference.Length / workerCount;
        for (int w = 0; w < workerCount; w++)
        {
            int slot = w, from = w * span, to = w == workerCount - 1 ? _reference.Length - _seedLength : (w + 1) * span;
            _workers[w] = new Thread(() =>
            {
                var local = new Dictionary<string, List<int>>();
                for (int i = from; i < to; i++)
                {
                    var seed = _reference.Substring(i, _seedLength);
                    if (!local.TryGetValue(seed, out var hits)) local[seed] = hits = new List<int>();
                    hits.Add(i);
                }
                _partialIndexes[slot] = local;
            });
            _workers[w].Start();
        }
        foreach (var worker in _workers) worker.Join();
        foreach (var partial in _partialIndexes)
            foreach (var (seed, hits) in partial)
                if (SeedIndex.TryGetValue(seed, out var all)) all.AddRange(hits); else SeedIndex[seed] = hits;
    }

    public void MapAll(IReadOnlyList<string> reads)
    {
        Parallel.For(0, reads.Count, r =>
        {
            var read = reads[r];
            var candidates = SeedIndex.GetValueOrDefault(read[.._seedLength]) ?? new List<int>();
            (int Read, int Score, int Position) mine;
            _alignMutex.WaitOne();
            try
            {
                int bestScore = int.MinValue, bestPos = -1;
                foreach (var pos in candidates.Take(8))
                {
                    int start = Math.Max(0, pos - 20), len = Math.Min(read.Length + 40, _reference.Length - start);
                    int score = SmithWaterman(read, _reference.AsSpan(start, len));
                    if (score > bestScore) { bestScore = score; bestPos = start; }
                }
                mine = (r, bestScore, bestPos);
                Alignments.Add(mine);
            }
            finally
            {
                _alignMutex.ReleaseMutex();
            }
            lock (_bestLock)
            {
                if (mine.Score > Best.Score) Best = (mine.Read, mine.Score);
            }
        });
    }

    private static int SmithWaterman(string a, ReadOnlySpan<char> b)
    {
        var prev = new int[b.Length + 1];
        var cur = new int[b.Length + 1];
        int best = 0;
        for (int i = 1; i <= a.Length; i++)
        {
            for (int j = 1; j <= b.Length; j++)
            {
                int diag = prev[j - 1] + (a[i - 1] == b[j - 1] ? 2 : -1);
                cur[j] = Math.Max(0, Math.Max(diag, Math.Max(prev[j] - 2, cur[j - 1] - 2)));
                best = Math.Max(best, cur[j]);
            }
            (prev, cur) = (cur, prev);
        }
        return best;
    }
}

public static class Program
{
    public static void Main()
    {
        var rng = new Random(17);
        var reference = new string(Enumerable.Range(0, 300_000).Select(_ => "ACGT"[rng.Next(4)]).ToArray());
        var reads = Enumerable.Range(0, 1500).Select(_ =>
        {
            var chars = reference.Substring(rng.Next(reference.Length - 120), 100).ToCharArray();
            for (int m = 12; m < chars.Length; m += 17) chars[m] = "ACGT"[rng.Next(4)];
            return new string(chars);
        }).ToList();

        var sw = Stopwatch.StartNew();
        var mapper = new ReadMapper(reference, seedLength: 12);
        mapper.BuildSeedIndex(4);
        mapper.MapAll(reads);
        Console.WriteLine($"index {mapper.SeedIndex.Count} seeds; mapped {mapper.Alignments.Count} reads in {sw.ElapsedMilliseconds} ms");
        Console.WriteLine($"mean score {mapper.Alignments.Average(a => a.Score):F1}, best read {mapper.Best.Read} ({mapper.Best.Score})");
    }
}
