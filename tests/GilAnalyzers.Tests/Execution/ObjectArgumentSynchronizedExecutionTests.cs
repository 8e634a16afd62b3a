using GilAnalyzers.CodeFixes;
using GilAnalyzers.Testing.Programs;
using Xunit;

namespace GilAnalyzers.Tests.Execution;

/// <summary>
/// GIL002 beside another Synchronized method when the compute method takes its input as an object: a route costing that
/// reads a job record (its size and weight array) and appends the cost to a list, next to a Synchronized counter. The fix
/// moves the costing in front of <c>lock (this)</c>, which keeps the append and still excludes the counter; before and
/// after must give the same costs (sorted: the append order follows the workers) and the same count. A method that takes
/// a plain array beside a string log loses the flag outright (fixed first: once <c>lock (this)</c> is written out in the
/// type, the removal is refused beside it); its results must match too.
/// </summary>
public class ObjectArgumentSynchronizedExecutionTests
{
    private const string Program = """
        using System;
        using System.Collections.Generic;
        using System.Linq;
        using System.Runtime.CompilerServices;
        using System.Threading.Tasks;

        public sealed class RouteJob
        {
            public readonly int Stops;
            public readonly double[] Weights;
            public RouteJob(int stops, double[] weights) { Stops = stops; Weights = weights; }
        }

        public sealed class RoutePlanner
        {
            private readonly List<double> _costs = new List<double>();
            private readonly List<string> _log = new List<string>();
            private int _done;

            [MethodImpl(MethodImplOptions.Synchronized)]
            public double Spread(double[] samples)
            {
                double s = 0;
                for (int r = 1; r < 50; r++)
                    for (int i = 0; i < samples.Length; i++)
                        s += Math.Abs(Math.Sin(samples[i] * r));
                return s;
            }

            [MethodImpl(MethodImplOptions.Synchronized)]
            public void Cost(RouteJob job)
            {
                double cost = 0;
                for (int a = 0; a < job.Stops; a++)
                    for (int b = 0; b < job.Stops; b++)
                        cost += Math.Sqrt(1 + a * job.Weights[a % job.Weights.Length] + b * job.Weights[b % job.Weights.Length]);
                _costs.Add(cost);
            }

            [MethodImpl(MethodImplOptions.Synchronized)]
            public void MarkDone() { _done++; }

            [MethodImpl(MethodImplOptions.Synchronized)]
            public void Log(string line) { _log.Add(line); }

            public static string Run(int stops)
            {
                var planner = new RoutePlanner();
                var spreads = new double[24];
                Parallel.For(0, 24, i =>
                {
                    var weights = Enumerable.Range(1, 5).Select(w => (double)(w * (i + 1) % 7 + 1)).ToArray();
                    planner.Cost(new RouteJob(stops + i, weights));
                    spreads[i] = planner.Spread(weights);
                    planner.MarkDone();
                    planner.Log("route " + i);
                });
                return string.Join(",", planner._costs.OrderBy(c => c).Select(c => c.ToString("R")))
                    + "|" + string.Join(",", spreads.Select(s => s.ToString("R")))
                    + "|" + planner._done + "|" + planner._log.Count;
            }
        }
        """;

    [Fact]
    public async Task CostsSpreadsAndCountsAreTheSameAfterTheFixes()
    {
        var outcome = await SampleFixPipeline.ApplyAllFixesAsync(Program);

        Assert.Contains(outcome.Applied, fix => fix.EquivalenceKey == SynchronizedCpuMethodFixer.NarrowHiddenLockKey);
        Assert.Contains(outcome.Applied, fix => fix.EquivalenceKey == SynchronizedCpuMethodFixer.RemoveSynchronizedKey);
        Assert.Contains("lock (this)", outcome.Source, StringComparison.Ordinal);

        var before = SampleFixPipeline.Invoke(SampleFixPipeline.Compile(Program, "Routes.Before"), "RoutePlanner.Run", 300);
        var after = SampleFixPipeline.Invoke(SampleFixPipeline.Compile(outcome.Source, "Routes.After"), "RoutePlanner.Run", 300);

        Assert.NotNull(before);
        Assert.Equal(before, after);
    }
}
