using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;

namespace ShortReadMapper;

public sealed record Read(string Id, string Bases);
public sealed record Hit(string ReadId, int Position, int Score);

// Banded Smith-Waterman against candidate windows; the DP rows are reused between calls.
public sealed class BandedAligner(string reference)
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private int[] _row = new int[512], _prev = new int[512];

    public async Task<Hit?> AlignAsync(Read read, IReadOnlyList<int> candidates, CancellationToken ct)
    {
        await _gate.WaitAsync(ct);
        try
        {
            Hit? best = null;
            foreach (int start in candidates)
            {
                int from = Math.Max(0, start - 16), to = Math.Min(reference.Length, start + read.Bases.Length + 16);
                int width = to - from, top = 0;
                if (_row.Length <= width) { _row = new int[width + 1]; _prev = new int[width + 1]; }
                Array.Clear(_prev, 0, width + 1);
                for (int i = 1; i <= read.Bases.Length; i++)
                {
                    _row[0] = 0;
                    for (int j = 1; j <= width; j++)
                    {
                        int diag = _prev[j - 1] + (read.Bases[i - 1] == reference[from + j - 1] ? 2 : -3);
                        _row[j] = Math.Max(0, Math.Max(diag, Math.Max(_prev[j] - 4, _row[j - 1] - 4)));
                        top = Math.Max(top, _row[j]);
                    }
                    (_row, _prev) = (_prev, _row);
                }
                if (best is null || top > best.Score) best = new Hit(read.Id, start, top);
            }
            return best;
        }
        finally
        {
            _gate.Release();
        }
    }
}

public static class Program
{
    private const int K = 15;

    public static async Task Main()
    {
        var rng = new Random(42);
        string reference = new string(Enumerable.Range(0, 400_000).Select(_ => "ACGT"[rng.Next(4)]).ToArray());
        var reads = Enumerable.Range(0, 3000).Select(i => MutatedRead(reference, rng, i)).ToList();

        var index = new Dictionary<string, List<int>>();
        Parallel.For(0, (reference.Length - K) / 4000 + 1,
            () => new Dictionary<string, List<int>>(),
            (block, _, local) =>
            {
                for (int p = block * 4000; p < Math.Min(reference.Length - K, (block + 1) * 4000); p += 3)
                {
                    string kmer = reference.Substring(p, K);
                    if (!local.TryGetValue(kmer, out var list)) local[kmer] = list = new List<int>(1);
                    list.Add(p);
                }
                return local;
            },
            local =>
            {
                lock (index)
                {
                    foreach (var (kmer, positions) in local)
                        if (index.TryGetValue(kmer, out var list)) list.AddRange(positions); else index[kmer] = positions;
                }
            });

        var aligner = new BandedAligner(reference);
        string samPath = Path.Combine(Path.GetTempPath(), "mapped.tsv");
        await using var sam = new StreamWriter(samPath);
        var samGate = new SemaphoreSlim(1, 1);
        int mapped = 0;

        await Parallel.ForEachAsync(reads, new ParallelOptions { MaxDegreeOfParallelism = 4 }, async (read, ct) =>
        {
            var candidates = new SortedSet<int>();
            for (int o = 0; o + K <= read.Bases.Length; o += 5)
                if (index.TryGetValue(read.Bases.Substring(o, K), out var hits))
                    foreach (int h in hits) candidates.Add(h - o);
            var hit = await aligner.AlignAsync(read, candidates.ToList(), ct);
            if (hit is null) return;
            Interlocked.Increment(ref mapped);
            await samGate.WaitAsync(ct);
            try { await sam.WriteLineAsync($"{hit.ReadId}\t{hit.Position}\t{hit.Score}"); }
            finally { samGate.Release(); }
        });

        Console.WriteLine($"reference {reference.Length} bp, index {index.Count} k-mers, reads {reads.Count}, mapped {mapped}");
    }

    private static Read MutatedRead(string reference, Random rng, int i)
    {
        int start = rng.Next(reference.Length - 150);
        var bases = reference.Substring(start, 150).ToCharArray();
        for (int m = 0; m < 4; m++) bases[rng.Next(bases.Length)] = "ACGT"[rng.Next(4)];
        return new Read($"read{i:D5}@{start}", new string(bases));
    }
}
