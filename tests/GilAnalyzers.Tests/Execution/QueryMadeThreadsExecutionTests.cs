using GilAnalyzers.CodeFixes;
using GilAnalyzers.Testing.Programs;
using Xunit;

namespace GilAnalyzers.Tests.Execution;

/// <summary>
/// Threads made by a LINQ query and rewritten as one <c>Parallel.For</c> over the query's range must compute the same:
/// a strided split with per-worker slots, and self-scheduling workers that pull rows from a shared counter. Each program
/// is fixed with the first code action, both versions run, and their results must be equal.
/// </summary>
public class QueryMadeThreadsExecutionTests
{
    private const string Program = """
        using System;
        using System.Collections.Generic;
        using System.Linq;
        using System.Threading;

        public static class Glaze
        {
            static double Cell(int row, int col)
            {
                double v = 0;
                for (int k = 1; k < 40 + (row % 7) * 30; k++) v += Math.Sin(row * 0.01 + col * k * 0.001) / k;
                return v;
            }

            public static string Strided(int workers)
            {
                var slots = new double[workers];
                var threads = Enumerable.Range(0, workers)
                    .Select(w => new Thread(() =>
                    {
                        double local = 0;
                        for (int row = w; row < 300; row += workers)
                            for (int col = 0; col < 200; col++)
                                local += Cell(row, col);
                        slots[w] = local;
                    }) { Name = "glaze-" + w })
                    .ToList();
                threads.ForEach(t => t.Start());
                threads.ForEach(t => t.Join());
                return string.Join(";", slots.Select(s => s.ToString("R")));
            }

            static int next;
            static double[] rows = new double[0];

            static void Pull()
            {
                int row;
                while ((row = Interlocked.Increment(ref next) - 1) < rows.Length)
                {
                    double sum = 0;
                    for (int col = 0; col < 200; col++) sum += Cell(row, col);
                    rows[row] = sum;
                }
            }

            public static string Pulled(int workers)
            {
                next = 0;
                rows = new double[250];
                var threads = Enumerable.Range(0, workers).Select(_ => new Thread(Pull)).ToArray();
                foreach (var t in threads) t.Start();
                foreach (var t in threads) t.Join();
                return string.Join(";", rows.Select(s => s.ToString("R")));
            }
        }
        """;

    [Fact]
    public async Task FixedQueryThreadProgramsComputeTheSame()
    {
        var outcome = await SampleFixPipeline.ApplyAllFixesAsync(Program);

        Assert.Equal(2, outcome.Applied.Count(fix => fix.EquivalenceKey == RawThreadsCpuLoopFixer.ParallelForQueryKey));
        Assert.Empty(outcome.RemainingDiagnostics);
        Assert.Contains("Parallel.For(0, workers, w =>", outcome.Source, StringComparison.Ordinal);
        Assert.Contains("Parallel.For(0, workers, _ => Pull());", outcome.Source, StringComparison.Ordinal);
        Assert.DoesNotContain("new Thread", outcome.Source, StringComparison.Ordinal);

        var before = SampleFixPipeline.Compile(Program, "Glaze.Before");
        var after = SampleFixPipeline.Compile(outcome.Source, "Glaze.After");
        foreach (var entry in new[] { "Glaze.Strided", "Glaze.Pulled" })
        {
            var expected = SampleFixPipeline.Invoke(before, entry, 5);
            Assert.NotNull(expected);
            Assert.Equal(expected, SampleFixPipeline.Invoke(after, entry, 5));
        }
    }
}
