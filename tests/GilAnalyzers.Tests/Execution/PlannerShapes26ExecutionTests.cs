using GilAnalyzers.CodeFixes;
using GilAnalyzers.Testing.Programs;
using Xunit;

namespace GilAnalyzers.Tests.Execution;

/// <summary>
/// The issue-16 thread shapes, fixed with the first code action, must compute what the hand-made threads computed:
/// a remainder given to the last thread, a count kept in a static field and passed to a ParameterizedThreadStart.
/// </summary>
public class PlannerShapes26ExecutionTests
{
    private const string Program = """
        using System;
        using System.Collections.Generic;
        using System.Linq;
        using System.Threading;

        public static class Bands
        {
            static int Lanes = 5;
            static double[] LaneTotals = new double[5];

            static void Smooth(double[] d, double[] outp, int from, int to)
            {
                for (int i = from; i < to; i++)
                {
                    double acc = 0;
                    for (int k = Math.Max(0, i - 3); k <= Math.Min(d.Length - 1, i + 3); k++) acc += Math.Sqrt(d[k] + k);
                    outp[i] = acc;
                }
            }

            static void Lane(object state)
            {
                int lane = (int)state;
                double acc = 0;
                for (int k = 0; k < 20000; k++) acc += Math.Sin(k * 0.01 + lane);
                LaneTotals[lane] = acc;
            }

            public static string Run(int n)
            {
                var data = Enumerable.Range(0, n).Select(i => (double)(i % 97)).ToArray();
                var result = new double[n];
                int parts = 7;
                int chunk = n / parts;
                var gang = new List<Thread>();
                for (int p = 0; p < parts; p++)
                {
                    int from = p * chunk;
                    int to = from + chunk;
                    if (p == parts - 1) to = n;
                    gang.Add(new Thread(() => Smooth(data, result, from, to)));
                    gang[p].Start();
                }
                foreach (var t in gang) t.Join();

                var crew = new Thread[Lanes];
                for (int i = 0; i < Lanes; i++)
                {
                    crew[i] = new Thread(Lane);
                    crew[i].Start(i);
                }
                for (int i = 0; i < Lanes; i++) crew[i].Join();

                return string.Join(";", result.Select(v => v.ToString("R"))) + "|" + string.Join(";", LaneTotals.Select(v => v.ToString("R")));
            }
        }
        """;

    [Fact]
    public async Task FixedRemainderAndFieldCountProgramComputesTheSame()
    {
        var outcome = await SampleFixPipeline.ApplyAllFixesAsync(Program);

        Assert.Equal(2, outcome.Applied.Count(fix => fix.EquivalenceKey == RawThreadsCpuLoopFixer.ParallelForPartitionsKey));
        Assert.Empty(outcome.RemainingDiagnostics);
        Assert.Contains("Parallel.For(0, parts, p =>", outcome.Source, StringComparison.Ordinal);
        Assert.Contains("Parallel.For(0, Lanes, i =>", outcome.Source, StringComparison.Ordinal);

        var before = SampleFixPipeline.Invoke(SampleFixPipeline.Compile(Program, "Bands.Before"), "Bands.Run", 1003);
        var after = SampleFixPipeline.Invoke(SampleFixPipeline.Compile(outcome.Source, "Bands.After"), "Bands.Run", 1003);

        Assert.NotNull(before);
        Assert.Equal(before, after);
    }
}
