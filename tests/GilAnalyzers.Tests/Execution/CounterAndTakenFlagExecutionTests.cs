using GilAnalyzers.CodeFixes;
using GilAnalyzers.Testing.Programs;
using Xunit;

namespace GilAnalyzers.Tests.Execution;

/// <summary>
/// Issue 16's two shapes, run before and after their first (FixAll) action: a Synchronized evaluator that counts its calls
/// (the counter becomes Interlocked, the hidden lock goes), and work inside <c>Monitor.Enter(gate, ref taken)</c> (moved in
/// front of the flag, or folded per worker). Both versions must give the same results and the same counts.
/// </summary>
public class CounterAndTakenFlagExecutionTests
{
    private const string EvaluatorProgram = """
        using System;
        using System.Linq;
        using System.Runtime.CompilerServices;
        using System.Threading.Tasks;

        public sealed class Evaluator
        {
            private static readonly int[] Weight = { 0, 100, 320, 330, 500, 900, 0 };
            private readonly int[] _bonus = new int[64];
            private long _evaluations;

            public Evaluator()
            {
                for (int sq = 0; sq < 64; sq++) _bonus[sq] = 14 - Math.Abs(2 * (sq % 8) - 7) - Math.Abs(2 * (sq / 8) - 7);
            }

            public long Evaluations => _evaluations;

            [MethodImpl(MethodImplOptions.Synchronized)]
            public int Evaluate(int[] board)
            {
                _evaluations++;
                int material = 0, mobility = 0;
                for (int sq = 0; sq < 64; sq++)
                {
                    int piece = board[sq];
                    if (piece == 0) continue;
                    int sign = piece > 0 ? 1 : -1;
                    material += sign * (Weight[Math.Abs(piece)] + _bonus[sq]);
                    for (int dir = 0; dir < 8; dir++)
                    {
                        int dx = dir % 3 - 1, dy = dir / 3 - 1;
                        if (dx == 0 && dy == 0) dy = 1;
                        int x = sq % 8 + dx, y = sq / 8 + dy;
                        while (x >= 0 && x < 8 && y >= 0 && y < 8 && board[y * 8 + x] == 0)
                        {
                            mobility += sign;
                            x += dx;
                            y += dy;
                        }
                    }
                }
                return material + 2 * mobility;
            }

            public static string Run(int positions)
            {
                var evaluator = new Evaluator();
                var scores = new long[positions];
                Parallel.For(0, positions, i =>
                {
                    var rng = new Random(i);
                    var board = new int[64];
                    for (int p = 0; p < 12; p++) board[rng.Next(64)] = rng.Next(-6, 7);
                    long total = 0;
                    for (int leaf = 0; leaf < 20; leaf++)
                    {
                        board[rng.Next(64)] = rng.Next(-6, 7);
                        total += evaluator.Evaluate(board);
                    }
                    scores[i] = total;
                });
                return string.Join(",", scores) + "|" + evaluator.Evaluations;
            }
        }
        """;

    private const string TakenFlagProgram = """
        using System;
        using System.Threading;
        using System.Threading.Tasks;

        public static class Blur
        {
            private static readonly object Gate = new object();
            private static long s_checksum;
            private static long s_energy;

            public static string Run(int rows)
            {
                s_checksum = 0;
                s_energy = 0;
                Parallel.For(0, rows, r =>
                {
                    bool taken = false;
                    try
                    {
                        Monitor.Enter(Gate, ref taken);
                        long c = 0;
                        for (int x = 0; x < 2000; x++)
                            for (int k = -2; k <= 2; k++) c += ((r * 31 + x + k) * 2654435761L) & 0xFF;
                        s_checksum += c;
                    }
                    finally
                    {
                        if (taken) Monitor.Exit(Gate);
                    }

                    bool held = false;
                    Monitor.Enter(Gate, ref held);
                    try
                    {
                        long e = 0;
                        for (int x = 0; x < 2000; x++) e += (long)(Math.Sqrt(x + r) * 1000);
                        s_energy += e;
                    }
                    finally
                    {
                        if (held) Monitor.Exit(Gate);
                    }
                });
                return s_checksum + "|" + s_energy;
            }
        }
        """;

    [Fact]
    public async Task SynchronizedEvaluator_SameScoresAndCountWithAnInterlockedCounter()
    {
        var outcome = await SampleFixPipeline.ApplyAllFixesAsync(EvaluatorProgram);

        Assert.Contains(outcome.Applied, fix => fix.EquivalenceKey == SynchronizedCpuMethodFixer.InterlockedCounterKey);
        Assert.DoesNotContain("MethodImplOptions.Synchronized", outcome.Source, StringComparison.Ordinal);
        Assert.Contains("Interlocked.Increment(ref _evaluations)", outcome.Source, StringComparison.Ordinal);

        var before = SampleFixPipeline.Invoke(SampleFixPipeline.Compile(EvaluatorProgram, "Evaluator.Before"), "Evaluator.Run", 400);
        var after = SampleFixPipeline.Invoke(SampleFixPipeline.Compile(outcome.Source, "Evaluator.After"), "Evaluator.Run", 400);

        Assert.NotNull(before);
        Assert.EndsWith("|8000", (string)before!, StringComparison.Ordinal);
        Assert.Equal(before, after);
    }

    [Fact]
    public async Task TakenFlagRegions_SameChecksumAndEnergyAfterTheFixes()
    {
        var outcome = await SampleFixPipeline.ApplyAllFixesAsync(TakenFlagProgram);

        // The first region is folded per worker (its first action); the second, then inside the three-parameter body the
        // fold made, is computed in front of its flag and added with Interlocked: its flag, Enter and try all go.
        Assert.Equal(new[] { SharedLockAroundCpuWorkFixer.ThreadLocalKey, SharedLockAroundCpuWorkFixer.InterlockedKey }, outcome.Applied.Select(fix => fix.EquivalenceKey));
        Assert.DoesNotContain("ref held", outcome.Source, StringComparison.Ordinal);
        Assert.Empty(outcome.RemainingDiagnostics);

        var before = SampleFixPipeline.Invoke(SampleFixPipeline.Compile(TakenFlagProgram, "Blur.Before"), "Blur.Run", 300);
        var after = SampleFixPipeline.Invoke(SampleFixPipeline.Compile(outcome.Source, "Blur.After"), "Blur.Run", 300);

        Assert.NotNull(before);
        Assert.Equal(before, after);
    }
}
