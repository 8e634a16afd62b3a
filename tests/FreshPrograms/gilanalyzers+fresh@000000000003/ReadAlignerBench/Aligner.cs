namespace ReadAlignerBench;

public sealed class KmerIndex
{
    private readonly Dictionary<string, List<int>> _positions = new();
    public int K { get; }

    public KmerIndex(string reference, int k)
    {
        K = k;
        for (int i = 0; i + k <= reference.Length; i++)
        {
            string kmer = reference.Substring(i, k);
            if (!_positions.TryGetValue(kmer, out var list)) _positions[kmer] = list = new List<int>(1);
            list.Add(i);
        }
    }

    public IReadOnlyList<int> Lookup(string kmer) => _positions.TryGetValue(kmer, out var l) ? l : Array.Empty<int>();
}

public sealed class SeedExtendAligner(string reference, KmerIndex index, int band)
{
    public Alignment Align(string read)
    {
        var candidates = new SortedSet<int>();
        for (int off = 0; off + index.K <= read.Length; off += index.K)
        {
            foreach (int p in index.Lookup(read.Substring(off, index.K)))
            {
                int start = p - off;
                if (start >= 0 && start + read.Length <= reference.Length) candidates.Add(start);
            }
        }

        var best = new Alignment(-1, int.MinValue);
        foreach (int start in candidates)
        {
            int score = BandedScore(read, start);
            if (score > best.Score) best = new Alignment(start, score);
        }
        return best;
    }

    private int BandedScore(string read, int start)
    {
        int width = 2 * band + 1;
        var prev = new int[width];
        var cur = new int[width];
        int best = 0;
        for (int i = 1; i <= read.Length; i++)
        {
            for (int d = 0; d < width; d++)
            {
                int j = i + d - band;
                int refPos = start + j - 1;
                if (j < 1 || refPos >= reference.Length) { cur[d] = 0; continue; }
                int match = prev[d] + (read[i - 1] == reference[refPos] ? 2 : -3);
                int up = d + 1 < width ? prev[d + 1] - 4 : int.MinValue / 2;
                int left = d > 0 ? cur[d - 1] - 4 : int.MinValue / 2;
                cur[d] = Math.Max(0, Math.Max(match, Math.Max(up, left)));
                best = Math.Max(best, cur[d]);
            }
            (prev, cur) = (cur, prev);
        }
        return best;
    }
}

public static class MappingReport
{
    public static string Summarise(IReadOnlyList<Read> reads, Alignment[] hits)
    {
        var histogram = new int[11];
        int correct = 0;
        Parallel.For(0, reads.Count,
            () => (Hist: new int[11], Correct: 0),
            (i, _, local) =>
            {
                int bucket = Math.Clamp(hits[i].Score / 20, 0, 10);
                local.Hist[bucket]++;
                if (Math.Abs(hits[i].Position - reads[i].TruePosition) <= 2) local.Correct++;
                return local;
            },
            local =>
            {
                lock (histogram)
                {
                    for (int b = 0; b < histogram.Length; b++) histogram[b] += local.Hist[b];
                    correct += local.Correct;
                }
            });

        return $"reads: {reads.Count}\ncorrectly placed: {correct}\nscore histogram: {string.Join(' ', histogram)}";
    }
}
