using GilAnalyzers.CodeFixes;
using GilAnalyzers.Testing.Programs;
using Xunit;

namespace GilAnalyzers.Tests.Execution;

/// <summary>
/// One thread per item rewritten as <c>Parallel.ForEach</c> must compute the same: the program is fixed with the first
/// code action, both versions run, and their results must be equal.
/// </summary>
public class ForEachThreadsExecutionTests
{
    private const string Program = """
        using System;
        using System.Collections.Generic;
        using System.Linq;
        using System.Threading;

        public static class Curves
        {
            public static string Run(int n)
            {
                var currencies = Enumerable.Range(0, n).Select(i => "C" + i).ToArray();
                var values = new double[currencies.Length];
                var slots = new Dictionary<string, int>();
                for (int i = 0; i < currencies.Length; i++) slots[currencies[i]] = i;
                var pricers = new List<Thread>();
                foreach (var ccy in currencies)
                {
                    var thread = new Thread(() =>
                    {
                        double v = 0;
                        for (int k = 0; k < 20000 * ccy.Length; k++) v += Math.Cos(k * 0.001) * ccy.Length;
                        values[slots[ccy]] = v;
                    }) { Name = "price-" + ccy };
                    thread.Start();
                    pricers.Add(thread);
                }
                pricers.ForEach(t => t.Join());
                return string.Join(";", values.Select(v => v.ToString("R")));
            }
        }
        """;

    [Fact]
    public async Task FixedThreadPerItemProgramComputesTheSame()
    {
        var outcome = await SampleFixPipeline.ApplyAllFixesAsync(Program);

        Assert.Contains(outcome.Applied, fix => fix.EquivalenceKey == RawThreadsCpuLoopFixer.ParallelForEachItemsKey);
        Assert.Empty(outcome.RemainingDiagnostics);
        Assert.Contains("Parallel.ForEach(currencies, ccy =>", outcome.Source, StringComparison.Ordinal);

        var before = SampleFixPipeline.Invoke(SampleFixPipeline.Compile(Program, "Curves.Before"), "Curves.Run", 12);
        var after = SampleFixPipeline.Invoke(SampleFixPipeline.Compile(outcome.Source, "Curves.After"), "Curves.Run", 12);

        Assert.NotNull(before);
        Assert.Equal(before, after);
    }
}
