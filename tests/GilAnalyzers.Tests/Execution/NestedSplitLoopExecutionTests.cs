using GilAnalyzers.CodeFixes;
using GilAnalyzers.Testing.Programs;
using Xunit;

namespace GilAnalyzers.Tests.Execution;

/// <summary>
/// The split-loop action on perfect loop nests (issue 16), run before and after: a locked stencil over a block's rows and
/// columns that also keeps a running double total (the writes must be applied in the nest's order for the total to come
/// out bit for bit the same), and a nest whose cell throws half-way — the cells before it must still be written.
/// </summary>
public class NestedSplitLoopExecutionTests
{
    private const string Program = """
        using System;
        using System.Collections.Generic;
        using System.Linq;
        using System.Threading;
        using System.Threading.Tasks;

        public static class Nest
        {
            private static readonly object Gate = new object();
            private static readonly object Other = new object();

            public static string Run(int size)
            {
                var grid = new double[4 * size, size];
                double total = 0;
                Parallel.For(0, 4, b =>
                {
                    lock (Gate)
                    {
                        for (int r = b * size; r < (b + 1) * size; r++)
                        {
                            for (int c = 0; c < size; c++)
                            {
                                double acc = 0;
                                for (int k = 1; k <= 40; k++) acc += Math.Sin((r + 1) * (c + 2) * 0.001 * k) / k;
                                grid[r, c] = acc;
                                total += acc;
                            }
                        }
                    }
                });

                var written = new List<string>();
                try
                {
                    Parallel.For(0, 1, item =>
                    {
                        lock (Other)
                        {
                            for (int r = 0; r < 3; r++)
                                for (int c = 0; c < 3; c++)
                                {
                                    double w = 0;
                                    for (int j = 1; j <= 2000; j++) w += Math.Sqrt(j * (r + c + 1.0));
                                    if (r == 1 && c == 2) throw new InvalidOperationException("cell 1,2");
                                    written.Add(r + ":" + c + "=" + w.ToString("R"));
                                }
                        }
                    });
                }
                catch (AggregateException e)
                {
                    written.Add("failed " + e.InnerExceptions.Count);
                }

                double checksum = 0;
                foreach (var v in grid) checksum = checksum * 31 + v;
                return checksum.ToString("R") + "|" + string.Join(",", written);
            }
        }
        """;

    [Fact]
    public async Task LockedStencilAndThrowingCell_SameResultsAfterTheSplit()
    {
        var outcome = await SampleFixPipeline.ApplyAllFixesAsync(Program);

        Assert.Equal(2, outcome.Applied.Count(fix => fix.EquivalenceKey == SharedLockAroundCpuWorkFixer.SplitLoopKey));
        Assert.Contains("foreach (var (r, c, acc) in pending", outcome.Source, StringComparison.Ordinal);
        Assert.Empty(outcome.RemainingDiagnostics);

        var before = SampleFixPipeline.Invoke(SampleFixPipeline.Compile(Program, "Nest.Before"), "Nest.Run", 24);
        var after = SampleFixPipeline.Invoke(SampleFixPipeline.Compile(outcome.Source, "Nest.After"), "Nest.Run", 24);

        Assert.NotNull(before);
        Assert.EndsWith(",failed 1", (string)before!, StringComparison.Ordinal);
        Assert.Equal(6, ((string)before!).Split('|')[1].Split(',').Length);
        Assert.Equal(before, after);
    }
}
