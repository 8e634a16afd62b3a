using GilAnalyzers.Testing.Programs;
using Xunit;

namespace GilAnalyzers.Tests.Execution;

/// <summary>
/// GIL004's Parallel.For over LongRunning chunks whose loop and bounds read the task array's length: run before and after
/// the first (FixAll) action, the per-row peaks must print the same, and the array must be gone.
/// </summary>
public class TaskArrayLengthExecutionTests
{
    private const string Program = """
        using System;
        using System.Globalization;
        using System.Linq;
        using System.Threading.Tasks;

        public static class Workload
        {
            static double Peak(double[] row)
            {
                double best = 0;
                foreach (var v in row) best = Math.Max(best, Math.Sqrt(v * v + 1) * Math.Log(v + 2));
                return best;
            }

            public static string Run(int rowsCount)
            {
                var rows = Enumerable.Range(0, rowsCount).Select(r => Enumerable.Range(0, 2000).Select(k => (double)((k * 7919 + r * 31) % 1000)).ToArray()).ToArray();
                var peaks = new double[rows.Length];
                var chunks = new Task[3];
                for (int c = 0; c < chunks.Length; c++)
                {
                    int lo = c * rows.Length / chunks.Length, hi = (c + 1) * rows.Length / chunks.Length;
                    chunks[c] = Task.Factory.StartNew(() =>
                    {
                        for (int i = lo; i < hi; i++) peaks[i] = Peak(rows[i]);
                    }, TaskCreationOptions.LongRunning);
                }
                Task.WaitAll(chunks);
                return rowsCount + ";" + string.Join(",", peaks.Select(p => p.ToString("R", CultureInfo.InvariantCulture)));
            }
        }
        """;

    [Fact]
    public async Task LengthsInlined_SameResultsAfterTheFirstAction()
    {
        var (outcome, before, after) = await SampleFixPipeline.RunBeforeAndAfterAsync(Program, "TaskArrayLength", "Workload.Run", 50);

        Assert.Equal(1, outcome.Applied.Count(fix => fix.EquivalenceKey == "GIL004.ParallelFor"));
        Assert.DoesNotContain("chunks", outcome.Source, StringComparison.Ordinal);
        Assert.Contains("Parallel.For(0, 3, c =>", outcome.Source, StringComparison.Ordinal);

        Assert.NotNull(before);
        Assert.StartsWith("50;", (string)before!, StringComparison.Ordinal);
        Assert.Equal(before, after);
    }
}
