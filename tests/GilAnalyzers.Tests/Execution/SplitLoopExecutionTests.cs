using GilAnalyzers.CodeFixes;
using GilAnalyzers.Testing.Programs;
using Xunit;

namespace GilAnalyzers.Tests.Execution;

/// <summary>
/// The split-loop action (issue 16), run before and after: a gated Monte Carlo whose per-batch double sums must come out
/// bit for bit the same (the payoffs are added in the same order), a box blur writing output pixels and a histogram under
/// one lock, and an item whose computation throws half-way — the writes of the items before it must still be applied.
/// </summary>
public class SplitLoopExecutionTests
{
    private const string Program = """
        using System;
        using System.Collections.Generic;
        using System.Linq;
        using System.Threading;
        using System.Threading.Tasks;

        public static class Split
        {
            private static readonly SemaphoreSlim Slot = new SemaphoreSlim(1, 1);
            private static readonly object Gate = new object();
            private static readonly object Other = new object();

            public static string Run(int size)
            {
                var batchSums = new double[8];
                Parallel.For(0, batchSums.Length, batch =>
                {
                    Slot.Wait();
                    try
                    {
                        var rng = new Random(1000 + batch);
                        for (int p = 0; p < size * 20; p++)
                        {
                            double z = Math.Sqrt(-2.0 * Math.Log(1.0 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble());
                            double terminal = 100.0 * Math.Exp(0.05 + 0.2 * z);
                            batchSums[batch] += Math.Max(terminal - 100.0, 0.0);
                        }
                    }
                    finally
                    {
                        Slot.Release();
                    }
                });

                int width = size, height = size;
                var source = new int[width * height];
                for (int i = 0; i < source.Length; i++) source[i] = (i * 7919) % 256;
                var output = new int[width * height];
                var histogram = new long[256];
                Parallel.For(0, height, y =>
                {
                    lock (Gate)
                    {
                        for (int x = 0; x < width; x++)
                        {
                            int sum = 0, n = 0;
                            for (int dy = -2; dy <= 2; dy++)
                            {
                                for (int dx = -2; dx <= 2; dx++)
                                {
                                    int sx = x + dx, sy = y + dy;
                                    if (sx < 0 || sy < 0 || sx >= width || sy >= height) continue;
                                    sum += source[sy * width + sx];
                                    n++;
                                }
                            }

                            int v = sum / n;
                            output[y * width + x] = v;
                            histogram[v]++;
                        }
                    }
                });

                var applied = new List<double>();
                try
                {
                    Parallel.For(0, 1, item =>
                    {
                        lock (Other)
                        {
                            for (int k = 0; k < 10; k++)
                            {
                                double w = 0;
                                for (int j = 1; j <= 2000; j++) w += Math.Sqrt(j * (k + 1.0));
                                if (k == 6) throw new InvalidOperationException("item 6");
                                applied.Add(w);
                            }
                        }
                    });
                }
                catch (AggregateException e)
                {
                    applied.Add(-e.InnerExceptions.Count);
                }

                return string.Join(",", batchSums.Select(s => s.ToString("R")))
                    + "|" + output.Sum() + "|" + string.Join(",", histogram)
                    + "|" + string.Join(",", applied.Select(a => a.ToString("R")));
            }
        }
        """;

    [Fact]
    public async Task GatedSumsBlurAndThrowingItem_SameResultsAfterTheSplit()
    {
        var outcome = await SampleFixPipeline.ApplyAllFixesAsync(Program);

        Assert.Equal(3, outcome.Applied.Count(fix => fix.EquivalenceKey == SharedLockAroundCpuWorkFixer.SplitLoopKey));
        Assert.Contains("foreach (var (x, v) in pending", outcome.Source, StringComparison.Ordinal);
        Assert.Empty(outcome.RemainingDiagnostics);

        var before = SampleFixPipeline.Invoke(SampleFixPipeline.Compile(Program, "Split.Before"), "Split.Run", 48);
        var after = SampleFixPipeline.Invoke(SampleFixPipeline.Compile(outcome.Source, "Split.After"), "Split.Run", 48);

        Assert.NotNull(before);
        Assert.EndsWith(",-1", (string)before!, StringComparison.Ordinal);
        Assert.Equal(7, ((string)before!).Split('|')[3].Split(',').Length);
        Assert.Equal(before, after);
    }
}
