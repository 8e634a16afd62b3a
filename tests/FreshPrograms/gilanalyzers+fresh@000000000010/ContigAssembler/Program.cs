using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Text;
using System.Threading;
using System.Threading.Tasks;

namespace ContigAssembler;

record Contig(int Id, string Sequence);
record ContigReport(int Id, int Length, double MeanCoverage, int LowCoverageBases);

// Maps read k-mers back onto a contig to find weakly supported stretches before scaffolding.
sealed class CoverageProfiler(IReadOnlyList<string> reads, int k)
{
    private readonly Lock _gate = new();
    private int[] _depth = new int[1024];

    public ContigReport Profile(Contig contig)
    {
        using (_gate.EnterScope())
        {
            if (_depth.Length < contig.Sequence.Length) _depth = new int[contig.Sequence.Length * 2];
            Array.Clear(_depth, 0, contig.Sequence.Length);
            var positions = new Dictionary<string, int>(StringComparer.Ordinal);
            for (int i = 0; i + k <= contig.Sequence.Length; i++) positions.TryAdd(contig.Sequence.Substring(i, k), i);
            foreach (string read in reads)
                for (int i = 0; i + k <= read.Length; i += 4)
                    if (positions.TryGetValue(read.Substring(i, k), out int at))
                        for (int p = at; p < at + k; p++) _depth[p]++;
            long sum = 0; int low = 0;
            for (int p = 0; p < contig.Sequence.Length; p++) { sum += _depth[p]; if (_depth[p] < 3) low++; }
            return new ContigReport(contig.Id, contig.Sequence.Length, (double)sum / contig.Sequence.Length, low);
        }
    }
}

static class Program
{
    const int K = 25;

    static void Main()
    {
        var rng = new Random(31);
        const string bases = "ACGT";
        var genome = new StringBuilder();
        for (int i = 0; i < 30_000; i++) genome.Append(bases[rng.Next(4)]);
        string g = genome.ToString();

        var reads = new List<string>();
        for (int r = 0; r < 6_000; r++)
        {
            char[] read = g.Substring(rng.Next(g.Length - 100), 100).ToCharArray();
            if (rng.NextDouble() < 0.3) read[rng.Next(100)] = bases[rng.Next(4)];
            reads.Add(new string(read));
        }

        var sw = Stopwatch.StartNew();
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        Parallel.ForEach(reads,
            () => new Dictionary<string, int>(StringComparer.Ordinal),
            (read, _, local) =>
            {
                for (int i = 0; i + K <= read.Length; i++)
                {
                    string kmer = read.Substring(i, K);
                    local[kmer] = local.GetValueOrDefault(kmer) + 1;
                }
                return local;
            },
            local =>
            {
                lock (counts)
                    foreach (var (kmer, n) in local) counts[kmer] = counts.GetValueOrDefault(kmer) + n;
            });
        var solid = counts.Where(kv => kv.Value >= 3).Select(kv => kv.Key).ToHashSet(StringComparer.Ordinal);
        Console.WriteLine($"{counts.Count} distinct {K}-mers, {solid.Count} solid");

        List<Contig> contigs = WalkUnitigs(solid);
        Console.WriteLine($"{contigs.Count} contigs, N50 {N50(contigs)}");

        var profiler = new CoverageProfiler(reads, K);
        var reports = new List<ContigReport>();
        Parallel.ForEach(contigs.Where(c => c.Sequence.Length >= 200), contig =>
        {
            ContigReport report = profiler.Profile(contig);
            lock (reports) reports.Add(report);
        });
        Console.Error.WriteLine($"assembled and profiled in {sw.ElapsedMilliseconds} ms");

        foreach (var rep in reports.OrderByDescending(r => r.Length).ThenBy(r => r.Id).Take(6))
            Console.WriteLine($"contig {rep.Id}: {rep.Length} bp, depth {rep.MeanCoverage:F1}, {rep.LowCoverageBases} weak bases");
    }

    // Greedy unitig walk over the de Bruijn graph: extend while the next k-mer is the unique solid successor.
    static List<Contig> WalkUnitigs(HashSet<string> solid)
    {
        var used = new HashSet<string>(StringComparer.Ordinal);
        var contigs = new List<Contig>();
        foreach (string seed in solid.OrderBy(s => s, StringComparer.Ordinal))
        {
            if (!used.Add(seed)) continue;
            var sb = new StringBuilder(seed);
            string current = seed;
            while (true)
            {
                string suffix = current.Substring(1);
                var next = "ACGT".Select(b => suffix + b).Where(solid.Contains).ToList();
                if (next.Count != 1 || !used.Add(next[0])) break;
                current = next[0];
                sb.Append(current[^1]);
            }
            contigs.Add(new Contig(contigs.Count, sb.ToString()));
        }
        return contigs;
    }

    static int N50(List<Contig> contigs)
    {
        int total = contigs.Sum(c => c.Sequence.Length), acc = 0;
        foreach (int len in contigs.Select(c => c.Sequence.Length).OrderByDescending(l => l))
            if ((acc += len) * 2 >= total) return len;
        return 0;
    }
}
