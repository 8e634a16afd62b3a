using GilAnalyzers.Testing.Programs;
using Xunit;

namespace GilAnalyzers.Tests.Execution;

/// <summary>
/// GIL006's <c>[ThreadStatic]</c> rewrite of a legacy solver whose working arrays, counters and search state are statics
/// every call resets (a recursive backtracking search among them), run before and after the first (FixAll) action: the
/// lock is gone, every worker of the <c>Parallel.For</c> runs its own copy of the state, and every puzzle's result prints
/// the same, bit for bit. A legacy checksum whose lane table a <c>long</c>-indexed loop refills on every call, next to a
/// run counter and a byte count that a report reads, gives the same digests and the same totals once the table is per
/// thread and the counters' bumps are Interlocked.
/// </summary>
public class ThreadStaticExecutionTests
{
    private const string Program = """
        using System;
        using System.Linq;
        using System.Threading.Tasks;

        static class LegacySolver
        {
            public static readonly object Gate = new object();
            private static readonly int[] s_cells = new int[64];
            private static readonly bool[] s_used = new bool[65];
            private static int s_depth;
            private static long s_nodes;
            private static int[] s_best = new int[0];

            public static (long Nodes, int Score) Solve(int[] weights)
            {
                for (int i = 0; i < 64; i++) s_cells[i] = weights[i % weights.Length];
                Array.Clear(s_used, 0, s_used.Length);
                s_depth = 0;
                s_nodes = 0;
                s_best = new int[5];
                int score = Search(0, 0);
                return (s_nodes, score + s_best.Sum());
            }

            private static int Search(int position, int total)
            {
                s_nodes++;
                if (position == 5)
                {
                    return total;
                }

                int best = int.MinValue;
                for (int c = 0; c < 10; c++)
                {
                    int cell = (position * 7 + c * 3) % 64;
                    if (s_used[cell]) continue;
                    s_used[cell] = true;
                    s_depth++;
                    int result = Search(position + 1, total + s_cells[cell] * (s_depth % 3 + 1));
                    s_depth--;
                    s_used[cell] = false;
                    if (result > best)
                    {
                        best = result;
                        s_best[position] = cell;
                    }
                }

                return best;
            }
        }

        public static class Batch
        {
            public static string Run(int puzzles)
            {
                var results = new string[puzzles];
                Parallel.For(0, puzzles, new ParallelOptions { MaxDegreeOfParallelism = 4 }, p =>
                {
                    var weights = Enumerable.Range(0, 5 + p % 7).Select(i => (i * 37 + p * 11) % 23 - 7).ToArray();
                    long nodes;
                    int score;
                    lock (LegacySolver.Gate)
                    {
                        (nodes, score) = LegacySolver.Solve(weights);
                    }

                    results[p] = nodes + ":" + score;
                });
                return string.Join(",", results);
            }
        }
        """;

    [Fact]
    public async Task RecursiveSolverState_PerThread_SameResultsWithoutTheLock()
    {
        var outcome = await SampleFixPipeline.ApplyAllFixesAsync(Program);

        Assert.Contains(outcome.Applied, fix => fix.EquivalenceKey == "GIL006.ThreadStatic");
        Assert.DoesNotContain("lock (", outcome.Source, StringComparison.Ordinal);
        Assert.Contains("private static bool[] s_used => t_used ??= new bool[65];", outcome.Source, StringComparison.Ordinal);

        var before = SampleFixPipeline.Invoke(SampleFixPipeline.Compile(Program, "Solver.Before"), "Batch.Run", 48);
        var after = SampleFixPipeline.Invoke(SampleFixPipeline.Compile(outcome.Source, "Solver.After"), "Batch.Run", 48);

        Assert.NotNull(before);
        Assert.Equal(before, after);
    }

    private const string TalliedHasher = """
        using System;
        using System.Text;
        using System.Threading.Tasks;

        public static class LegacyChecksum
        {
            private static readonly ulong[] s_lanes = new ulong[64];
            private static ulong s_carry;
            public static int Calls;
            private static long s_bytes;

            public static string Digest(string text)
            {
                byte[] data = Encoding.UTF8.GetBytes(text);
                for (long k = 0; k < 64; k++) s_lanes[k] = (ulong)k * 0x9E3779B97F4A7C15UL ^ (ulong)data.Length;
                s_carry = 1469598103934665603UL;
                for (int pass = 0; pass < 16; pass++)
                {
                    for (int i = 0; i < data.Length; i++)
                    {
                        int lane = (i + pass) & 63;
                        s_carry = (s_carry ^ data[i] ^ s_lanes[lane]) * 1099511628211UL;
                        s_lanes[lane] = s_carry >> 7 | s_carry << 57;
                    }
                }

                ulong folded = 0;
                for (int lane = 0; lane < 64; lane++) folded ^= s_lanes[lane] + (ulong)lane;
                Calls++;
                s_bytes += data.Length;
                return folded.ToString("x16");
            }

            public static string Stats() => Calls + " digests, " + s_bytes + " bytes";
        }

        public static class Audit
        {
            private static readonly object Gate = new object();

            public static string Run(int accounts)
            {
                var hashes = new string[accounts];
                Parallel.For(0, accounts, new ParallelOptions { MaxDegreeOfParallelism = 4 }, a =>
                {
                    string hash;
                    lock (Gate)
                    {
                        hash = LegacyChecksum.Digest("record " + (a * 7919 % 1000) + " of batch " + a);
                    }

                    hashes[a] = hash;
                });
                return string.Join(",", hashes) + "|" + LegacyChecksum.Stats();
            }
        }
        """;

    [Fact]
    public async Task ChecksumStatePerThread_CountersAtomic_SameDigestsAndTotals()
    {
        var outcome = await SampleFixPipeline.ApplyAllFixesAsync(TalliedHasher);

        Assert.Contains(outcome.Applied, fix => fix.EquivalenceKey == "GIL006.ThreadStatic");
        Assert.DoesNotContain("lock (", outcome.Source, StringComparison.Ordinal);
        Assert.Contains("Interlocked.Increment(ref Calls)", outcome.Source, StringComparison.Ordinal);

        var before = SampleFixPipeline.Invoke(SampleFixPipeline.Compile(TalliedHasher, "Hasher.Before"), "Audit.Run", 400);
        var after = SampleFixPipeline.Invoke(SampleFixPipeline.Compile(outcome.Source, "Hasher.After"), "Audit.Run", 400);

        Assert.NotNull(before);
        Assert.Contains("|400 digests, ", before!.ToString(), StringComparison.Ordinal);
        Assert.Equal(before, after);
    }
}
