using GilAnalyzers.Testing.Programs;
using Xunit;

namespace GilAnalyzers.Tests.Execution;

/// <summary>
/// GIL001's buffer per call for scratch arrays that the locked code overwrites whole before reading them — a feature
/// vector written at every constant index in an inner loop, a residual array resized to the exact size and filled by a
/// loop that writes first — run before and after the first (FixAll) actions: every result must print the same, bit for
/// bit.
/// </summary>
public class ScratchOverwrittenFirstExecutionTests
{
    private const string Program = """
        using System;
        using System.Globalization;
        using System.Linq;
        using System.Threading;
        using System.Threading.Tasks;

        public sealed class XgModel
        {
            private readonly SemaphoreSlim _one = new SemaphoreSlim(1, 1);
            private readonly double[] _features = new double[4];
            private readonly double[] _weights = { -0.4, -0.16, 1.1, -0.8 };

            public double Expected(double[] shots)
            {
                _one.Wait();
                try
                {
                    double sum = 0;
                    foreach (double shot in shots)
                    {
                        for (int k = 0; k < 300; k++)
                        {
                            double d = shot + k / 100.0;
                            _features[0] = 1; _features[1] = d; _features[2] = d * d * 0.01; _features[3] = Math.Sqrt(d);
                            double z = 0;
                            for (int f = 0; f < _features.Length; f++) z += _weights[f] * _features[f];
                            sum += 1 / (1 + Math.Exp(-z));
                        }
                    }

                    return sum;
                }
                finally
                {
                    _one.Release();
                }
            }
        }

        public sealed class Router
        {
            private readonly object _gate = new object();
            private int[] _residual = Array.Empty<int>();

            public double Route(double[] capacities, double scale)
            {
                lock (_gate)
                {
                    if (_residual.Length != capacities.Length) _residual = new int[capacities.Length];
                    for (int e = 0; e < capacities.Length; e++)
                        _residual[e] = (int)(capacities[e] * scale);
                    double flow = 0;
                    for (int round = 0; round < 60; round++)
                    {
                        for (int e = 0; e < _residual.Length; e++)
                        {
                            int push = Math.Min(_residual[e], round);
                            _residual[e] -= push;
                            flow += push * (e % 3 + 1);
                        }
                    }

                    return flow;
                }
            }
        }

        public static class Workload
        {
            public static string Run(int items)
            {
                var model = new XgModel();
                var router = new Router();
                // Sizes differ from item to item, so a reused residual array is resized back and forth.
                var inputs = Enumerable.Range(0, items)
                    .Select(i => Enumerable.Range(0, 5 + (i * 7) % 23).Select(k => 1 + ((k * 7919 + i * 104729) % 1000) / 41.0).ToArray())
                    .ToArray();
                var expected = new double[items];
                var flows = new double[items];
                Parallel.For(0, items, i =>
                {
                    expected[i] = model.Expected(inputs[i]);
                    flows[i] = router.Route(inputs[i], 3.5);
                });
                return items + ";" + string.Join(",", expected.Select(v => v.ToString("R", CultureInfo.InvariantCulture)))
                       + ";" + string.Join(",", flows.Select(v => v.ToString("R", CultureInfo.InvariantCulture)));
            }
        }
        """;

    [Fact]
    public async Task BuffersPerCall_SameResultsAfterTheFirstActions()
    {
        var outcome = await SampleFixPipeline.ApplyAllFixesAsync(Program);

        Assert.Equal(2, outcome.Applied.Count(fix => fix.EquivalenceKey == "GIL001.ScratchToLocal"));
        Assert.Matches(@"var features = new double\[_features\.Length\];\s*foreach", outcome.Source);
        Assert.Matches(@"var residual = new int\[capacities\.Length\];\s*for \(int e = 0; e < capacities\.Length; e\+\+\)", outcome.Source);
        Assert.DoesNotContain("lock (_gate)", outcome.Source, StringComparison.Ordinal);

        var before = SampleFixPipeline.Invoke(SampleFixPipeline.Compile(Program, "Overwritten.Before"), "Workload.Run", 40);
        var after = SampleFixPipeline.Invoke(SampleFixPipeline.Compile(outcome.Source, "Overwritten.After"), "Workload.Run", 40);

        Assert.NotNull(before);
        Assert.StartsWith("40;", (string)before!, StringComparison.Ordinal);
        Assert.Equal(before, after);
    }
}
