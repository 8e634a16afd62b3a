using GilAnalyzers.Testing.Programs;
using Xunit;

namespace GilAnalyzers.Tests.Execution;

/// <summary>
/// GIL001's buffer per call for a scratch window that a loop under the lock overwrites whole each iteration (a rolling
/// median over the last samples), run before and after the first (FixAll) action: every stream's score and the worst
/// per stream must print the same, bit for bit.
/// </summary>
public class ScratchCopiedInLoopExecutionTests
{
    private const string Program = """
        using System;
        using System.Collections.Generic;
        using System.Globalization;
        using System.Linq;
        using System.Threading.Tasks;

        public sealed class SpikeDetector
        {
            private const int Span = 24;
            private readonly object _gate = new object();
            private readonly double[] _window = new double[Span];
            private readonly Dictionary<string, double> _worst = new Dictionary<string, double>();

            public IReadOnlyDictionary<string, double> Worst => _worst;

            public double Score(string name, double[] samples)
            {
                double worst = 0;
                lock (_gate)
                {
                    for (int i = Span; i < samples.Length; i++)
                    {
                        Array.Copy(samples, i - Span, _window, 0, Span);
                        Array.Sort(_window);
                        double median = _window[Span / 2];
                        double spread = _window[Span - 1] - _window[0] + 1e-9;
                        worst = Math.Max(worst, Math.Abs(samples[i] - median) / spread);
                    }

                    _worst[name] = worst;
                }

                return worst;
            }
        }

        public static class Monitoring
        {
            public static string Run(int streams)
            {
                var detector = new SpikeDetector();
                var data = Enumerable.Range(0, streams)
                    .Select(s => Enumerable.Range(0, 4000).Select(k => Math.Sin(k * 0.01 * (s + 1)) + ((k * 7919 + s * 104729) % 1000) / 997.0).ToArray())
                    .ToArray();
                var scores = new double[streams];
                Parallel.For(0, streams, s => scores[s] = detector.Score("s" + s, data[s]));
                var worst = string.Join(",", detector.Worst.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => kv.Key + "=" + kv.Value.ToString("R", CultureInfo.InvariantCulture)));
                return streams + ";" + string.Join(",", scores.Select(v => v.ToString("R", CultureInfo.InvariantCulture))) + ";" + worst;
            }
        }
        """;

    [Fact]
    public async Task WindowPerLockEntry_SameScoresAfterTheFirstAction()
    {
        var outcome = await SampleFixPipeline.ApplyAllFixesAsync(Program);

        Assert.Contains(outcome.Applied, fix => fix.EquivalenceKey == "GIL001.ScratchToLocal");
        Assert.Matches(@"var window = new double\[_window\.Length\];\s*for \(int i = Span;", outcome.Source);
        Assert.Matches(@"lock \(_gate\)\s*\{\s*_worst\[name\] = worst;\s*\}", outcome.Source);

        var before = SampleFixPipeline.Invoke(SampleFixPipeline.Compile(Program, "Spikes.Before"), "Monitoring.Run", 12);
        var after = SampleFixPipeline.Invoke(SampleFixPipeline.Compile(outcome.Source, "Spikes.After"), "Monitoring.Run", 12);

        Assert.NotNull(before);
        Assert.StartsWith("12;", (string)before!, StringComparison.Ordinal);
        Assert.Equal(before, after);
    }

    private const string LossProgram = """
        using System;
        using System.Globalization;
        using System.Linq;
        using System.Runtime.CompilerServices;
        using System.Threading.Tasks;

        public sealed class LossReport
        {
            private readonly double[][] _scenarios;
            private readonly double[] _pnl;

            public LossReport(double[][] scenarios)
            {
                _scenarios = scenarios;
                _pnl = new double[scenarios.Length];
            }

            [MethodImpl(MethodImplOptions.Synchronized)]
            public double Loss(double[] weights)
            {
                for (int s = 0; s < _scenarios.Length; s++)
                {
                    double p = 0;
                    for (int i = 0; i < weights.Length; i++) p += weights[i] * _scenarios[s][i];
                    _pnl[s] = p;
                }

                Array.Sort(_pnl);
                return -_pnl[_pnl.Length / 100];
            }
        }

        public static class Risk
        {
            public static string Run(int portfolios)
            {
                var scenarios = Enumerable.Range(0, 3000).Select(s => Enumerable.Range(0, 8).Select(i => Math.Sin(s * 0.7 + i) * 0.02 + ((s * 31 + i * 17) % 13 - 6) * 0.001).ToArray()).ToArray();
                var report = new LossReport(scenarios);
                var losses = new double[portfolios];
                Parallel.For(0, portfolios, k => losses[k] = report.Loss(Enumerable.Range(0, 8).Select(i => 1.0 / (1 + ((k + i) % 5))).ToArray()));
                return portfolios + ";" + string.Join(",", losses.Select(v => v.ToString("R", CultureInfo.InvariantCulture)));
            }
        }
        """;

    [Fact]
    public async Task ResultBufferPerCall_SameLossesAfterTheFirstAction()
    {
        var outcome = await SampleFixPipeline.ApplyAllFixesAsync(LossProgram);

        Assert.Contains(outcome.Applied, fix => fix.EquivalenceKey == "GIL002.ScratchToLocal");
        Assert.DoesNotContain("Synchronized", outcome.Source, StringComparison.Ordinal);
        Assert.DoesNotContain("lock (", outcome.Source, StringComparison.Ordinal);

        var before = SampleFixPipeline.Invoke(SampleFixPipeline.Compile(LossProgram, "Loss.Before"), "Risk.Run", 16);
        var after = SampleFixPipeline.Invoke(SampleFixPipeline.Compile(outcome.Source, "Loss.After"), "Risk.Run", 16);

        Assert.NotNull(before);
        Assert.StartsWith("16;", (string)before!, StringComparison.Ordinal);
        Assert.Equal(before, after);
    }
}
