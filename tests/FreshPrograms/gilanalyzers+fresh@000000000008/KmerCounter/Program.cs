namespace KmerCounter;

public sealed record ReadBatch(int Index, string[] Reads);

public sealed class CountJob(ReadBatch batch, int k, ManualResetEvent done)
{
    public ReadBatch Batch => batch;
    public ManualResetEvent Done => done;
    public Dictionary<ulong, int> Counts { get; } = new();

    public void Run()
    {
        ulong mask = (1UL << (2 * k)) - 1;
        foreach (string read in batch.Reads)
        {
            ulong forward = 0, reverse = 0;
            for (int i = 0; i < read.Length; i++)
            {
                ulong code = read[i] switch { 'A' => 0UL, 'C' => 1UL, 'G' => 2UL, _ => 3UL };
                forward = ((forward << 2) | code) & mask;
                reverse = (reverse >> 2) | ((3UL - code) << (2 * (k - 1)));
                if (i < k - 1) continue;
                ulong canonical = Math.Min(forward, reverse);
                Counts[canonical] = Counts.GetValueOrDefault(canonical) + 1;
            }
        }
    }
}

public static class Program
{
    private const int K = 21;

    public static void Main()
    {
        var rng = new Random(2718);
        string genome = new string(Enumerable.Range(0, 200_000).Select(_ => "ACGT"[rng.Next(4)]).ToArray());
        string[] reads = Enumerable.Range(0, 24_000).Select(_ =>
        {
            int start = rng.Next(0, genome.Length - 150);
            char[] read = genome.AsSpan(start, 150).ToArray();
            if (rng.NextDouble() < 0.3) read[rng.Next(150)] = 'A';
            return new string(read);
        }).ToArray();

        int batchCount = 32;
        var jobs = new CountJob[batchCount];
        var events = new ManualResetEvent[batchCount];
        for (int b = 0; b < batchCount; b++)
        {
            events[b] = new ManualResetEvent(false);
            var batch = new ReadBatch(b, reads.Where((_, i) => i % batchCount == b).ToArray());
            jobs[b] = new CountJob(batch, K, events[b]);
            ThreadPool.QueueUserWorkItem(state =>
            {
                var job = (CountJob)state!;
                try { job.Run(); }
                finally { job.Done.Set(); }
            }, jobs[b]);
        }
        WaitHandle.WaitAll(events);
        foreach (var e in events) e.Dispose();

        var total = new Dictionary<ulong, int>();
        foreach (var job in jobs)
            foreach (var (kmer, count) in job.Counts)
                total[kmer] = total.GetValueOrDefault(kmer) + count;

        var gcHistogram = new long[151];
        Parallel.ForEach(reads,
            () => new long[151],
            (read, _, local) =>
            {
                int gc = 0;
                foreach (char c in read) if (c is 'G' or 'C') gc++;
                local[gc]++;
                return local;
            },
            local =>
            {
                lock (gcHistogram)
                {
                    for (int i = 0; i < local.Length; i++) gcHistogram[i] += local[i];
                }
            });

        int solid = total.Count(kv => kv.Value >= 3);
        int modeGc = Array.IndexOf(gcHistogram, gcHistogram.Max());
        Console.WriteLine($"{reads.Length} reads, {total.Count} distinct {K}-mers, {solid} solid (>=3)");
        Console.WriteLine($"max multiplicity {total.Values.Max()}, GC mode {modeGc}/150");
    }
}
