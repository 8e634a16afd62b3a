using GilAnalyzers.CodeFixes;
using GilAnalyzers.Testing.Programs;
using Xunit;

namespace GilAnalyzers.Tests.Execution;

/// <summary>
/// GIL003's run-at-the-join rewrite — threads whose making code also fills a list of per-thread objects, threads made by
/// nested loops, a fan-out repeated in an outer loop that sets fields up before each thread, threads started with the
/// loop index as their argument — and GIL004's for cold tasks
/// waited for with Task.WaitAll must compute what the threads and tasks computed.
/// </summary>
public class ThreadsRunAtJoinExecutionTests
{
    private const string Program = """
        using System;
        using System.Collections.Generic;
        using System.Linq;
        using System.Threading;

        public sealed class Counter
        {
            private readonly int[] values;
            private readonly int from;
            private readonly int count;

            public Counter(int[] values, int from, int count) { this.values = values; this.from = from; this.count = count; }

            public long Hits { get; private set; }

            public void Run()
            {
                long hits = 0;
                for (int k = from; k < from + count; k++)
                {
                    int v = values[k];
                    for (int d = 2; d * d <= v; d++) if (v % d == 0) { hits++; break; }
                }
                Hits = hits;
            }
        }

        public sealed class Tile
        {
            public long[] Source = new long[0];
            public long[] Input = new long[0];
            public long Acc;

            public void Step()
            {
                for (int k = 0; k < Input.Length; k++) Acc = (Acc * 31 + Input[k] * (k + 1)) % 1000000007;
            }
        }

        public static class Work
        {
            static long Composite(int[] values, int parts)
            {
                var threads = new List<Thread>(parts);
                var counters = new List<Counter>(parts);
                int each = values.Length / parts;
                for (int i = 0; i < parts; i++)
                {
                    int count = each;
                    if (i == parts - 1)
                    {
                        count += values.Length % parts;
                    }

                    var counter = new Counter(values, i * each, count);
                    counters.Add(counter);
                    var thread = new Thread(counter.Run);
                    threads.Add(thread);
                    thread.Start();
                }

                long total = 0;
                for (int i = 0; i < threads.Count; i++)
                {
                    threads[i].Join();
                    total += counters[i].Hits;
                }

                return total;
            }

            static double[] Products(double[][] rows, double[][] columns)
            {
                var cells = new double[rows.Length * columns.Length];
                var workers = new List<Thread>();
                for (int r = 0; r < rows.Length; r++)
                {
                    int row = r;
                    for (int c = 0; c < columns.Length; c++)
                    {
                        int column = c;
                        workers.Add(new Thread(() =>
                        {
                            double dot = 0;
                            for (int k = 0; k < rows[row].Length; k++) dot += rows[row][k] * columns[column][k];
                            cells[row * columns.Length + column] = dot;
                        }));
                    }
                }

                workers.ForEach(w => w.Start());
                workers.ForEach(w => w.Join());
                return cells;
            }

            static long Rounds(Tile[] tiles, int rounds)
            {
                for (var round = 0; round < rounds; round++)
                {
                    var threads = new Thread[tiles.Length];
                    for (var i = 0; i < tiles.Length; i++)
                    {
                        var tile = tiles[i];
                        tile.Input = tiles[(i + round) % tiles.Length].Source;
                        var thread = new Thread(() => tile.Step());
                        thread.Start();
                        threads[i] = thread;
                    }

                    foreach (var thread in threads)
                    {
                        thread.Join();
                    }
                }

                return tiles.Aggregate(0L, (a, t) => (a * 7 + t.Acc) % 1000000007);
            }

            static double[] rowSums = new double[0];

            static void SumRow(object row)
            {
                int r = (int)row;
                double s = 0;
                for (int k = 1; k < 20000; k++) s += Math.Sqrt(k * (r + 1)) / k;
                rowSums[r] = s;
            }

            static string Rows(int count)
            {
                rowSums = new double[count];
                var labels = new List<string>();
                Thread[] threads = new Thread[count];
                for (int i = 0; i < threads.Length; i++)
                {
                    labels.Add("row" + i);
                    threads[i] = new Thread(SumRow);
                    threads[i].Start(i);
                }

                foreach (var th in threads)
                {
                    th.Join();
                }

                return string.Join(",", labels) + ":" + string.Join(";", rowSums.Select(v => v.ToString("R")));
            }

            static long TaskRounds(Tile[] tiles, int rounds)
            {
                for (var round = 0; round < rounds; round++)
                {
                    var tasks = new System.Threading.Tasks.Task[tiles.Length];
                    for (var i = 0; i < tiles.Length; i++)
                    {
                        var tile = tiles[i];
                        tile.Input = tiles[(i + 2 * round + 1) % tiles.Length].Source;
                        var task = new System.Threading.Tasks.Task(() => tile.Step());
                        task.Start();
                        tasks[i] = task;
                    }

                    System.Threading.Tasks.Task.WaitAll(tasks);
                }

                return tiles.Aggregate(0L, (a, t) => (a * 11 + t.Acc) % 1000000007);
            }

            public static string Run(int n)
            {
                var values = Enumerable.Range(0, n).Select(i => 1000 + i * 7919 % 200003).ToArray();
                var composite = Composite(values, 6);
                var rows = Enumerable.Range(0, 12).Select(r => Enumerable.Range(0, n / 50).Select(k => (double)((r * 31 + k) % 17)).ToArray()).ToArray();
                var columns = Enumerable.Range(0, 9).Select(c => Enumerable.Range(0, n / 50).Select(k => (double)((c * 13 + k) % 19)).ToArray()).ToArray();
                var products = Products(rows, columns);
                var tiles = Enumerable.Range(0, 5).Select(t => new Tile { Source = Enumerable.Range(0, n / 10).Select(k => (long)(k * (t + 3) % 101)).ToArray() }).ToArray();
                var rounds = Rounds(tiles, 4);
                var taskRounds = TaskRounds(tiles, 3);
                var rowsText = Rows(24);
                return composite + "|" + string.Join(";", products) + "|" + rounds + "|" + taskRounds + "|" + rowsText;
            }
        }
        """;

    [Fact]
    public async Task PerThreadObjectsNestedLoopsAndOuterRoundsComputeTheSame()
    {
        var outcome = await SampleFixPipeline.ApplyAllFixesAsync(Program);

        Assert.Equal(4, outcome.Applied.Count(fix => fix.EquivalenceKey == RawThreadsCpuLoopFixer.ParallelForEachAtJoinKey));
        Assert.Single(outcome.Applied, fix => fix.EquivalenceKey == HandRolledPoolFanOutFixer.ParallelForEachAtWaitKey);
        Assert.DoesNotContain("WaitAll", outcome.Source, StringComparison.Ordinal);
        Assert.Empty(outcome.RemainingDiagnostics);
        Assert.DoesNotContain("new Thread(", outcome.Source, StringComparison.Ordinal);
        Assert.DoesNotContain(".Join()", outcome.Source, StringComparison.Ordinal);

        var before = SampleFixPipeline.Invoke(SampleFixPipeline.Compile(Program, "Work.Before"), "Work.Run", 60000);
        var after = SampleFixPipeline.Invoke(SampleFixPipeline.Compile(outcome.Source, "Work.After"), "Work.Run", 60000);

        Assert.NotNull(before);
        Assert.Equal(before, after);
    }
}
