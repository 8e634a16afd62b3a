using GilAnalyzers.Testing.Programs;
using Xunit;

namespace GilAnalyzers.Tests.Execution;

/// <summary>
/// GIL006's <c>[ThreadStatic]</c> rewrite of a legacy solver whose working arrays, counters and search state are statics
/// every call resets (a recursive backtracking search among them), run before and after the first (FixAll) action: the
/// lock is gone, every worker of the <c>Parallel.For</c> runs its own copy of the state, and every puzzle's result prints
/// the same, bit for bit.
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

        public static class LegacyHash
        {
            private static readonly uint[] s_state = new uint[256];
            private static uint s_i, s_j;
            public static long Computed;
            private static long s_bytes;

            public static string Hash(string password, string salt)
            {
                byte[] key = Encoding.ASCII.GetBytes(salt + ":" + password);
                for (uint k = 0; k < 256; k++) s_state[k] = k * 2654435761u;
                s_i = s_j = 0;
                for (int round = 0; round < 4; round++)
                {
                    for (int k = 0; k < 256; k++)
                    {
                        s_j = (s_j + s_state[k] + key[k % key.Length]) & 0xff;
                        (s_state[k], s_state[s_j]) = (s_state[s_j], s_state[k]);
                    }
                }

                var sb = new StringBuilder();
                for (int n = 0; n < 8; n++)
                {
                    s_i = (s_i + 1) & 0xff;
                    s_j = (s_j + s_state[s_i]) & 0xff;
                    sb.Append((s_state[(s_state[s_i] + s_state[s_j]) & 0xff] & 0xff).ToString("x2"));
                }

                Computed++;
                s_bytes += key.Length;
                return sb.ToString();
            }

            public static string Stats() => Computed + " hashes, " + s_bytes + " bytes";
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
                        hash = LegacyHash.Hash("pw" + (a * 7919 % 1000), "salt" + a);
                    }

                    hashes[a] = hash;
                });
                return string.Join(",", hashes) + "|" + LegacyHash.Stats();
            }
        }
        """;

    [Fact]
    public async Task HasherStatePerThread_CountersAtomic_SameHashesAndTotals()
    {
        var outcome = await SampleFixPipeline.ApplyAllFixesAsync(TalliedHasher);

        Assert.Contains(outcome.Applied, fix => fix.EquivalenceKey == "GIL006.ThreadStatic");
        Assert.DoesNotContain("lock (", outcome.Source, StringComparison.Ordinal);
        Assert.Contains("Interlocked.Increment(ref Computed)", outcome.Source, StringComparison.Ordinal);

        var before = SampleFixPipeline.Invoke(SampleFixPipeline.Compile(TalliedHasher, "Hasher.Before"), "Audit.Run", 400);
        var after = SampleFixPipeline.Invoke(SampleFixPipeline.Compile(outcome.Source, "Hasher.After"), "Audit.Run", 400);

        Assert.NotNull(before);
        Assert.Contains("|400 hashes, ", before!.ToString(), StringComparison.Ordinal);
        Assert.Equal(before, after);
    }
}
