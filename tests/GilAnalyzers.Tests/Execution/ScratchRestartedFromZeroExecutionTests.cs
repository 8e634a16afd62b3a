using GilAnalyzers.Testing.Programs;
using Xunit;

namespace GilAnalyzers.Tests.Execution;

/// <summary>
/// GIL001's buffer per call for scratch arrays that the locked code grows when too short and resets from index 0 as far
/// as the call needs — a coverage counter cleared up to the genome's length, a matcher's two flag arrays cleared in a
/// helper, a filter's history cleared and then filled with the input, a window flattened into a patch from index 0 — run before and after the first (FixAll) actions
/// on inputs whose sizes go up and down, so that the shared buffers are grown by some calls and reused by shorter ones:
/// every result must print the same, bit for bit.
/// </summary>
public class ScratchRestartedFromZeroExecutionTests
{
    private const string Program = """
        using System;
        using System.Globalization;
        using System.Linq;
        using System.Threading.Tasks;

        public sealed class Coverage
        {
            private readonly object _gate = new object();
            private readonly string[] _reads;
            private int[] _hits = new int[8];

            public Coverage(string[] reads) { _reads = reads; }

            public double MeanDepth(string genome)
            {
                lock (_gate)
                {
                    if (_hits.Length < genome.Length) _hits = new int[genome.Length * 2];
                    Array.Clear(_hits, 0, genome.Length);
                    foreach (string read in _reads)
                        for (int start = 0; start + read.Length <= genome.Length; start++)
                            for (int j = 0; j < read.Length; j++)
                                if (genome[start + j] == read[j]) _hits[start + j]++;
                    long total = 0;
                    int low = 0;
                    for (int p = 0; p < genome.Length; p++) { total += _hits[p]; if (_hits[p] < 2) low++; }
                    return total / (double)Math.Max(1, genome.Length) + low * 1e-3;
                }
            }
        }

        public sealed class Matcher
        {
            private readonly object _sync = new object();
            private bool[] _usedA = new bool[4];
            private bool[] _usedB = new bool[4];

            public double Best(string name, string[] others)
            {
                lock (_sync)
                {
                    double best = 0;
                    foreach (string other in others) best = Math.Max(best, Agreement(name, other));
                    return best;
                }
            }

            private double Agreement(string s, string t)
            {
                if (s.Length == 0 || t.Length == 0) return 0;
                if (_usedA.Length < s.Length) _usedA = new bool[s.Length * 2];
                if (_usedB.Length < t.Length) _usedB = new bool[t.Length * 2];
                Array.Clear(_usedA, 0, s.Length);
                Array.Clear(_usedB, 0, t.Length);
                int reach = Math.Max(s.Length, t.Length) / 2, agreed = 0;
                for (int i = 0; i < s.Length; i++)
                    for (int j = Math.Max(0, i - reach); j < Math.Min(t.Length, i + reach + 1); j++)
                        if (!_usedB[j] && s[i] == t[j]) { _usedA[i] = _usedB[j] = true; agreed++; break; }
                int unmatched = 0;
                for (int i = 0; i < s.Length; i++) if (!_usedA[i]) unmatched++;
                return agreed / (double)(agreed + unmatched + 1);
            }
        }

        public sealed class Filter
        {
            private readonly object _gate = new object();
            private readonly double[] _taps = { 0.2, 0.3, 0.3, 0.2 };
            private double[] _padded = new double[4];

            public double Energy(double[] input)
            {
                lock (_gate)
                {
                    int pad = _taps.Length - 1;
                    if (_padded.Length < input.Length + pad) _padded = new double[input.Length + pad];
                    Array.Clear(_padded, 0, pad);
                    input.CopyTo(_padded.AsSpan(pad));
                    double energy = 0;
                    for (int n = 0; n < input.Length; n++)
                    {
                        double acc = 0;
                        for (int k = 0; k < _taps.Length; k++) acc += _taps[k] * _padded[n + pad - k];
                        energy += acc * acc;
                    }

                    return energy;
                }
            }
        }

        public sealed class Stamp
        {
            private const int R = 2;
            private readonly object _gate = new object();
            private readonly double[] _patch = new double[(2 * R + 1) * (2 * R + 1)];

            public double Sharpness(string text)
            {
                lock (_gate)
                {
                    int k = 0;
                    for (int y = -R; y <= R; y++)
                        for (int x = -R; x <= R; x++)
                            _patch[k++] = text[Math.Abs(x * 7 + y * 3) % text.Length] - 'a';
                    double best = 0;
                    for (double s = 0.5; s < 3; s += 0.25)
                    {
                        double acc = 0;
                        k = 0;
                        for (int y = -R; y <= R; y++)
                            for (int x = -R; x <= R; x++, k++)
                                acc += _patch[k] * Math.Exp(-(x * x + y * y) / (2 * s * s));
                        best = Math.Max(best, acc);
                    }

                    return best;
                }
            }
        }

        public static class Workload
        {
            public static string Run(int items)
            {
                const string bases = "acgt";
                string Make(int seed, int length) => new string(Enumerable.Range(0, length).Select(k => bases[(k * 7 + seed * 13 + k * k * seed) % 4]).ToArray());
                // Lengths rise and fall from item to item: some calls grow the shared buffers, later shorter ones reuse them.
                var genomes = Enumerable.Range(0, items).Select(i => Make(i, 20 + (i * 37) % 90)).ToArray();
                var coverage = new Coverage(Enumerable.Range(0, 12).Select(r => Make(r + 5, 3 + r % 4)).ToArray());
                var matcher = new Matcher();
                var filter = new Filter();
                var depth = new double[items];
                var best = new double[items];
                var energy = new double[items];
                var stamp = new Stamp();
                var sharp = new double[items];
                Parallel.For(0, items, i =>
                {
                    depth[i] = coverage.MeanDepth(genomes[i]);
                    best[i] = matcher.Best(genomes[i].Substring(0, 5 + i % 11), genomes.Take(30).Select(g => g.Substring(0, 4 + g.Length % 13)).ToArray());
                    energy[i] = filter.Energy(genomes[i].Select(c => (double)(c - 'a')).ToArray());
                    sharp[i] = stamp.Sharpness(genomes[i]);
                });
                string Show(double[] values) => string.Join(",", values.Select(v => v.ToString("R", CultureInfo.InvariantCulture)));
                return items + ";" + Show(depth) + ";" + Show(best) + ";" + Show(energy) + ";" + Show(sharp);
            }
        }
        """;

    [Fact]
    public async Task BuffersPerCall_SameResultsAfterTheFirstActions()
    {
        var outcome = await SampleFixPipeline.ApplyAllFixesAsync(Program);

        Assert.Equal(4, outcome.Applied.Count(fix => fix.EquivalenceKey == "GIL001.ScratchToLocal"));
        Assert.Matches(@"var hits = new int\[_hits\.Length\];\s*if \(hits\.Length < genome\.Length\) hits = new int\[genome\.Length \* 2\];", outcome.Source);
        Assert.Matches(@"var usedA = new bool\[_usedA\.Length\];", outcome.Source);
        Assert.Matches(@"input\.CopyTo\(padded\.AsSpan\(pad\)\);", outcome.Source);
        Assert.Matches(@"var patch = new double\[_patch\.Length\];\s*for", outcome.Source);
        Assert.DoesNotContain("lock (", outcome.Source, StringComparison.Ordinal);

        var before = SampleFixPipeline.Invoke(SampleFixPipeline.Compile(Program, "Restarted.Before"), "Workload.Run", 60);
        var after = SampleFixPipeline.Invoke(SampleFixPipeline.Compile(outcome.Source, "Restarted.After"), "Workload.Run", 60);

        Assert.NotNull(before);
        Assert.StartsWith("60;", (string)before!, StringComparison.Ordinal);
        Assert.Equal(before, after);
    }
}
