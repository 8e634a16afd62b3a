using GilAnalyzers.CodeFixes;
using GilAnalyzers.Testing.Programs;
using Xunit;

namespace GilAnalyzers.Tests.Execution;

/// <summary>
/// GIL004's rewrites of the event-array, pending-counter and new Task joins, applied with the first code action, must
/// compute what the hand-made fan-outs computed.
/// </summary>
public class PoolJoinRewriteExecutionTests
{
    private const string Program = """
        using System;
        using System.Collections.Generic;
        using System.Linq;
        using System.Threading;
        using System.Threading.Tasks;

        public static class Fans
        {
            static double[] Squares(int n, int bands)
            {
                var data = new double[n];
                var finished = new ManualResetEvent[bands];
                for (int b = 0; b < bands; b++)
                {
                    int band = b;
                    finished[b] = new ManualResetEvent(false);
                    ThreadPool.QueueUserWorkItem(_ =>
                    {
                        for (int i = band; i < n; i += bands)
                        {
                            double acc = 0;
                            for (int k = 1; k <= 40; k++) acc += Math.Sqrt(i * k + 1.0);
                            data[i] = acc;
                        }
                        finished[band].Set();
                    });
                }
                WaitHandle.WaitAll(finished);
                return data;
            }

            static int[] PrimeCounts(int[] limits)
            {
                var counts = new int[limits.Length];
                int pending = limits.Length;
                var allDone = new ManualResetEvent(false);
                for (int i = 0; i < limits.Length; i++)
                {
                    int at = i;
                    ThreadPool.QueueUserWorkItem(_ =>
                    {
                        int found = 0;
                        for (int p = 2; p <= limits[at]; p++)
                        {
                            bool prime = true;
                            for (int d = 2; d * d <= p; d++) if (p % d == 0) { prime = false; break; }
                            if (prime) found++;
                        }
                        counts[at] = found;
                        if (Interlocked.Decrement(ref pending) == 0) allDone.Set();
                    });
                }
                allDone.WaitOne();
                return counts;
            }

            static long[] Hits(int workers, long perWorker)
            {
                var hits = new long[workers];
                var jobs = new List<Task>();
                for (int w = 0; w < workers; w++)
                {
                    int id = w;
                    var job = new Task(() =>
                    {
                        var rng = new Random(id * 7919 + 1);
                        long inside = 0;
                        for (long k = 0; k < perWorker; k++)
                        {
                            double x = rng.NextDouble(), y = rng.NextDouble();
                            if (x * x + y * y <= 1) inside++;
                        }
                        hits[id] = inside;
                    }, TaskCreationOptions.LongRunning);
                    jobs.Add(job);
                }
                foreach (var job in jobs) job.Start();
                foreach (var job in jobs) job.Wait();
                return hits;
            }

            public static string Run(int n)
            {
                var squares = Squares(n, 5);
                var counts = PrimeCounts(Enumerable.Range(1, 9).Select(k => k * n).ToArray());
                var hits = Hits(6, n * 10L);
                return string.Join(";", squares.Select(v => v.ToString("R"))) + "|" + string.Join(";", counts) + "|" + string.Join(";", hits);
            }
        }
        """;

    [Fact]
    public async Task FixedEventArrayCounterAndTaskProgramComputesTheSame()
    {
        var outcome = await SampleFixPipeline.ApplyAllFixesAsync(Program);

        Assert.Equal(3, outcome.Applied.Count(fix => fix.EquivalenceKey == HandRolledPoolFanOutFixer.ParallelForKey));
        Assert.Empty(outcome.RemainingDiagnostics);
        Assert.DoesNotContain("ManualResetEvent", outcome.Source, StringComparison.Ordinal);
        Assert.DoesNotContain("Interlocked", outcome.Source, StringComparison.Ordinal);
        Assert.DoesNotContain("new Task(", outcome.Source, StringComparison.Ordinal);
        Assert.Contains("Parallel.For(0, bands, b =>", outcome.Source, StringComparison.Ordinal);
        Assert.Contains("Parallel.For(0, limits.Length, i =>", outcome.Source, StringComparison.Ordinal);
        Assert.Contains("Parallel.For(0, workers, w =>", outcome.Source, StringComparison.Ordinal);

        var before = SampleFixPipeline.Invoke(SampleFixPipeline.Compile(Program, "Fans.Before"), "Fans.Run", 997);
        var after = SampleFixPipeline.Invoke(SampleFixPipeline.Compile(outcome.Source, "Fans.After"), "Fans.Run", 997);

        Assert.NotNull(before);
        Assert.Equal(before, after);
    }
}
