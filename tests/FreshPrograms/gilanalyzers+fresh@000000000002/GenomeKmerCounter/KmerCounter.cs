namespace GenomeKmerCounter;

public sealed class KmerSpectrum
{
    private readonly Dictionary<ulong, int> _counts;

    public KmerSpectrum(Dictionary<ulong, int> counts) => _counts = counts;

    public int Distinct => _counts.Count;
    public long Total => _counts.Values.Sum(v => (long)v);

    public IEnumerable<(ulong Kmer, int Count)> Top(int n) =>
        _counts.OrderByDescending(kv => kv.Value).Take(n).Select(kv => (kv.Key, kv.Value));
}

/// <summary>Counts canonical 2-bit-packed k-mers over a set of reads using one thread per core.</summary>
public sealed class KmerCounter
{
    private readonly int _k;
    private readonly ulong _mask;
    private readonly object _partialsLock = new();
    private readonly List<Dictionary<ulong, int>> _partials = new();

    public KmerCounter(int k)
    {
        if (k is < 1 or > 31) throw new ArgumentOutOfRangeException(nameof(k));
        _k = k;
        _mask = (1UL << (2 * k)) - 1;
    }

    public KmerSpectrum CountAll(IReadOnlyList<string> reads)
    {
        int threadCount = Environment.ProcessorCount;
        var threads = new List<Thread>();
        int chunk = (reads.Count + threadCount - 1) / threadCount;

        for (int t = 0; t < threadCount; t++)
        {
            int from = t * chunk;
            int to = Math.Min(reads.Count, from + chunk);
            var thread = new Thread(() => CountChunk(reads, from, to));
            thread.Name = $"kmer-{t}";
            threads.Add(thread);
        }

        threads.ForEach(th => th.Start());
        threads.ForEach(th => th.Join());

        var merged = new Dictionary<ulong, int>();
        foreach (var partial in _partials)
        {
            foreach (var (kmer, count) in partial)
            {
                merged[kmer] = merged.GetValueOrDefault(kmer) + count;
            }
        }
        return new KmerSpectrum(merged);
    }

    private void CountChunk(IReadOnlyList<string> reads, int from, int to)
    {
        var local = new Dictionary<ulong, int>();
        for (int r = from; r < to; r++)
        {
            CountRead(reads[r], local);
        }
        lock (_partialsLock)
        {
            _partials.Add(local);
        }
    }

    private void CountRead(string read, Dictionary<ulong, int> counts)
    {
        ulong forward = 0, reverse = 0;
        int valid = 0;
        int shift = 2 * (_k - 1);
        foreach (char c in read)
        {
            int code = c switch { 'A' => 0, 'C' => 1, 'G' => 2, 'T' => 3, _ => -1 };
            if (code < 0) { valid = 0; continue; }
            forward = ((forward << 2) | (uint)code) & _mask;
            reverse = (reverse >> 2) | ((ulong)(3 - code) << shift);
            if (++valid >= _k)
            {
                ulong canonical = Math.Min(forward, reverse);
                counts[canonical] = counts.GetValueOrDefault(canonical) + 1;
            }
        }
    }

    public static string Decode(ulong kmer, int k)
    {
        var chars = new char[k];
        for (int i = k - 1; i >= 0; i--)
        {
            chars[i] = "ACGT"[(int)(kmer & 3)];
            kmer >>= 2;
        }
        return new string(chars);
    }
}
