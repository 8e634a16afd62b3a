using GilAnalyzers.CodeFixes;
using GilAnalyzers.Testing.Programs;
using Xunit;

namespace GilAnalyzers.Tests.Execution;

/// <summary>
/// GIL003's partitions rewrite of the issue-16 shapes must compute what the threads computed: threads started with a
/// per-thread tuple of arguments, and self-scheduling workers made by a loop without braces over an array sized by
/// <c>Environment.ProcessorCount</c>.
/// </summary>
public class PlannerShapes37ExecutionTests
{
    private const string Program = """
        using System;
        using System.Collections.Generic;
        using System.Linq;
        using System.Threading;

        public static class Work
        {
            static int cursor;
            static long[] cells = new long[0];

            static void Weigh(object state)
            {
                var job = (Tuple<int[], int, int, long[], int>)state;
                long sum = 0;
                for (int i = job.Item2; i < job.Item3; i++) sum += (long)job.Item1[i] * job.Item1[i] % 1000003;
                job.Item4[job.Item5] = sum;
            }

            static long Tupled(int[] data, int parts)
            {
                var threads = new List<Thread>();
                var share = data.Length / parts;
                var sums = new long[parts];
                for (int p = 0; p < parts; p++)
                {
                    var from = p * share;
                    var to = p == parts - 1 ? data.Length : (p + 1) * share;
                    Thread thread = new Thread(new ParameterizedThreadStart(Weigh));
                    var job = Tuple.Create(data, from, to, sums, p);
                    thread.Start(job);
                    threads.Add(thread);
                }

                foreach (var thread in threads) thread.Join();
                return sums.Sum();
            }

            static void Drain()
            {
                int cell;
                while ((cell = Interlocked.Increment(ref cursor)) < cells.Length)
                {
                    long s = 0;
                    for (int k = 0; k < cell * 40; k++) s += (k * 7 + cell) % 13;
                    cells[cell] = s;
                }
            }

            static long SelfScheduled(int count)
            {
                cursor = -1;
                cells = new long[count];
                var workers = new Thread[Environment.ProcessorCount];
                for (int i = 0; i < workers.Length; i++)
                    (workers[i] = new Thread(Drain)).Start();
                foreach (var w in workers) w.Join();
                return cells.Sum();
            }

            public static string Run(int n)
            {
                var data = Enumerable.Range(0, n).Select(i => i * 7919 % 100003).ToArray();
                return Tupled(data, 5) + "|" + SelfScheduled(n / 100);
            }
        }
        """;

    [Fact]
    public async Task TupleArgumentsAndBracelessProcessorCountLoopComputeTheSame()
    {
        var outcome = await SampleFixPipeline.ApplyAllFixesAsync(Program);

        Assert.Equal(2, outcome.Applied.Count(fix => fix.EquivalenceKey == RawThreadsCpuLoopFixer.ParallelForPartitionsKey));
        Assert.Empty(outcome.RemainingDiagnostics);
        Assert.DoesNotContain("new Thread", outcome.Source, StringComparison.Ordinal);

        var before = SampleFixPipeline.Invoke(SampleFixPipeline.Compile(Program, "Work.Before"), "Work.Run", 300000);
        var after = SampleFixPipeline.Invoke(SampleFixPipeline.Compile(outcome.Source, "Work.After"), "Work.Run", 300000);

        Assert.NotNull(before);
        Assert.Equal(before, after);
    }
}
