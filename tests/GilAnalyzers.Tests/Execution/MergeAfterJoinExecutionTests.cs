using GilAnalyzers.CodeFixes;
using GilAnalyzers.Testing.Programs;
using Xunit;

namespace GilAnalyzers.Tests.Execution;

/// <summary>
/// Per-partition result slots folded by the join loop, with the calling thread running partition 0: fixed with the
/// first code action, the program must compute the same.
/// </summary>
public class MergeAfterJoinExecutionTests
{
    private const string Program = """
        using System;
        using System.Threading;

        public static class Flips
        {
            static void Count(long[] partial, int[] maxima, int part, int size)
            {
                long s = 0;
                int max = 0;
                for (int k = part * size; k < (part + 1) * size; k++)
                {
                    int v = (int)((k * 2654435761L) % 977);
                    s += v;
                    if (v > max) max = v;
                }
                partial[part] = s;
                maxima[part] = max;
            }

            public static string Run(int parts)
            {
                var partial = new long[parts];
                var maxima = new int[parts];
                var workers = new Thread[parts];
                for (int i = 1; i < parts; i++)
                {
                    int j = i;
                    (workers[j] = new Thread(() => Count(partial, maxima, j, 30000))).Start();
                }
                Count(partial, maxima, 0, 30000);
                long total = partial[0];
                int best = maxima[0];
                for (int i = 1; i < workers.Length; i++)
                {
                    workers[i].Join();
                    total += partial[i];
                    if (maxima[i] > best) best = maxima[i];
                }
                return total + "/" + best;
            }
        }
        """;

    [Fact]
    public async Task FixedFoldingJoinLoopProgramComputesTheSame()
    {
        var outcome = await SampleFixPipeline.ApplyAllFixesAsync(Program);

        Assert.Contains(outcome.Applied, fix => fix.EquivalenceKey == RawThreadsCpuLoopFixer.ParallelForPartitionsKey);
        Assert.Empty(outcome.RemainingDiagnostics);
        Assert.DoesNotContain(".Join()", outcome.Source, StringComparison.Ordinal);
        Assert.Contains("total += partial[i];", outcome.Source, StringComparison.Ordinal);

        var before = SampleFixPipeline.Invoke(SampleFixPipeline.Compile(Program, "Flips.Before"), "Flips.Run", 7);
        var after = SampleFixPipeline.Invoke(SampleFixPipeline.Compile(outcome.Source, "Flips.After"), "Flips.Run", 7);

        Assert.NotNull(before);
        Assert.Equal(before, after);
    }
}
