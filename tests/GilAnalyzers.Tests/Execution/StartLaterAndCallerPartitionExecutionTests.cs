using GilAnalyzers.CodeFixes;
using GilAnalyzers.Testing.Programs;
using Xunit;

namespace GilAnalyzers.Tests.Execution;

/// <summary>
/// Threads started by a later <c>ForEach(t =&gt; t.Start())</c>, and threads for partitions 1..n-1 with the caller running
/// partition 0: fixed with the first code action, the program must compute the same.
/// </summary>
public class StartLaterAndCallerPartitionExecutionTests
{
    private const string Program = """
        using System;
        using System.Collections.Generic;
        using System.Linq;
        using System.Threading;

        public static class Mixed
        {
            static long[] Sums = new long[6];

            static void Count(int n, int part, int size)
            {
                long s = 0;
                for (int k = part * size; k < (part + 1) * size; k++) s += (k * 31L) % n;
                Sums[part] = s;
            }

            public static string Run(int n)
            {
                var slices = Enumerable.Range(0, 5).Select(s => Enumerable.Range(s * 200 + 1, 200).ToArray()).ToArray();
                var best = new int[slices.Length];
                var crew = new List<Thread>();
                for (int s = 0; s < slices.Length; s++)
                {
                    var slice = slices[s];
                    int slot = s;
                    crew.Add(new Thread(() =>
                    {
                        int top = 0, topCount = 0;
                        foreach (var v in slice)
                        {
                            int c = 0;
                            for (int d = 1; d <= v; d++) if (v % d == 0) c++;
                            if (c > topCount) { topCount = c; top = v; }
                        }
                        best[slot] = top;
                    }));
                }
                int expected = slices.Length;
                crew.ForEach(t => t.Start());
                crew.ForEach(t => t.Join());

                int parts = 6;
                var workers = new Thread[parts];
                for (int i = 1; i < parts; i++)
                {
                    int part = i;
                    (workers[part] = new Thread(() => Count(n, part, 20000))).Start();
                }
                Count(n, 0, 20000);
                for (int i = 1; i < workers.Length; i++) workers[i].Join();

                return string.Join(",", best) + "|" + expected + "|" + string.Join(",", Sums);
            }
        }
        """;

    [Fact]
    public async Task FixedProgramComputesTheSame()
    {
        var outcome = await SampleFixPipeline.ApplyAllFixesAsync(Program);

        Assert.Equal(2, outcome.Applied.Count(fix => fix.EquivalenceKey == RawThreadsCpuLoopFixer.ParallelForPartitionsKey));
        Assert.Empty(outcome.RemainingDiagnostics);
        Assert.DoesNotContain("Count(n, 0, 20000);", outcome.Source, StringComparison.Ordinal);
        Assert.DoesNotContain("new Thread", outcome.Source, StringComparison.Ordinal);

        var before = SampleFixPipeline.Invoke(SampleFixPipeline.Compile(Program, "Mixed.Before"), "Mixed.Run", 977);
        var after = SampleFixPipeline.Invoke(SampleFixPipeline.Compile(outcome.Source, "Mixed.After"), "Mixed.Run", 977);

        Assert.NotNull(before);
        Assert.Equal(before, after);
    }

    private const string PullingWorkers = """
        using System;
        using System.Threading;
        using System.Threading.Tasks;

        public static class Lanes
        {
            private static void Stir(ulong[] cells, int lane)
            {
                for (int r = 0; r < 20000; r++) cells[lane] = cells[lane] * 6364136223846793005UL + 1442695040888963407UL + (ulong)r;
            }

            public static string Run(int lanes)
            {
                var cells = new ulong[lanes];
                for (int i = 0; i < lanes; i++) cells[i] = (ulong)i * 2654435761UL;
                int claimed = 0;
                ThreadStart drain = delegate
                {
                    while (true)
                    {
                        int lane = Interlocked.Increment(ref claimed) - 1;
                        if (lane >= lanes)
                        {
                            break;
                        }

                        Stir(cells, lane);
                    }
                };

                int count = Math.Max(1, Math.Min(4, lanes));
                var helpers = new Thread[count - 1];
                for (int i = 0; i < helpers.Length; i++)
                {
                    (helpers[i] = new Thread(drain)).Start();
                }
                drain();
                for (int i = 0; i < helpers.Length; i++)
                {
                    helpers[i].Join();
                }

                return string.Join(",", cells) + "|" + claimed;
            }
        }
        """;

    [Fact]
    public async Task CallerAsOneMoreWorker_SameCellsAndClaims()
    {
        var outcome = await SampleFixPipeline.ApplyAllFixesAsync(PullingWorkers);

        Assert.Contains(outcome.Applied, fix => fix.EquivalenceKey == RawThreadsCpuLoopFixer.ParallelForPartitionsKey);
        Assert.DoesNotContain("new Thread", outcome.Source, StringComparison.Ordinal);
        Assert.Contains("Parallel.For(0, count,", outcome.Source, StringComparison.Ordinal);

        var before = SampleFixPipeline.Invoke(SampleFixPipeline.Compile(PullingWorkers, "Lanes.Before"), "Lanes.Run", 37);
        var after = SampleFixPipeline.Invoke(SampleFixPipeline.Compile(outcome.Source, "Lanes.After"), "Lanes.Run", 37);

        Assert.NotNull(before);
        Assert.Equal(before, after);
    }
}
