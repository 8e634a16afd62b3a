using Xunit;
using VerifyCallee = GilAnalyzers.Tests.Verifiers.CSharpAnalyzerVerifier<GilAnalyzers.Rules.SharedLockInParallelCalleeAnalyzer>;

namespace GilAnalyzers.Tests.Rules;

/// <summary>
/// Parallel code reaches a lock through a property or an indexer as well as through a call: <c>grid[row]</c> in a
/// Parallel.For body runs the indexer's getter on the one shared grid.
/// </summary>
public class LockInAccessorReachTests
{
    private const string Usings = "using System; using System.Collections.Generic; using System.Linq; using System.Threading.Tasks;\n";

    [Fact]
    public async Task IndexerGetterComputingUnderItsLock_ReadFromParallelFor_Reported()
    {
        var source = Usings + """
            sealed class SpectrumTable
            {
                private readonly object _sync = new object();
                private readonly float[][] _signal;

                public SpectrumTable(float[][] signal) => _signal = signal;

                public double[] this[int frame]
                {
                    get
                    {
                        {|#0:lock (_sync)|}
                        {
                            var samples = _signal[frame];
                            var power = new double[samples.Length / 2];
                            for (int k = 0; k < power.Length; k++)
                            {
                                double re = 0, im = 0;
                                for (int n = 0; n < samples.Length; n++)
                                {
                                    re += samples[n] * Math.Cos(2 * Math.PI * k * n / samples.Length);
                                    im -= samples[n] * Math.Sin(2 * Math.PI * k * n / samples.Length);
                                }
                                power[k] = re * re + im * im;
                            }
                            return power;
                        }
                    }
                }
            }

            static class Matcher
            {
                public static int[] Peaks(SpectrumTable table, int frames)
                {
                    var peaks = new int[frames];
                    Parallel.For(0, frames, f =>
                    {
                        var power = table[f];
                        peaks[f] = Array.IndexOf(power, power.Max());
                    });
                    return peaks;
                }
            }
            """;
        await VerifyCallee.VerifyAnalyzerAsync(source,
            VerifyCallee.Diagnostic(DiagnosticIds.SharedLockAroundCpuWork).WithLocation(0)
                .WithArguments("_sync", "nested loop, 2 levels", "the getter of the indexer of 'SpectrumTable', called from a Parallel.For body"));
    }

    [Fact]
    public async Task PropertyGetterReturningAFieldUnderItsLock_ReadFromParallelFor_Quiet()
    {
        var source = Usings + """
            sealed class Meter
            {
                private readonly object _sync = new object();
                private double _gain = 1.5;

                public double Gain
                {
                    get { lock (_sync) { return _gain; } }
                }

                public double Scale { get; set; } = 2.0;
            }

            static class Mixer
            {
                public static void Apply(Meter meter, float[] samples)
                {
                    Parallel.For(0, samples.Length, i => samples[i] = (float)(samples[i] * meter.Gain * meter.Scale));
                }
            }
            """;
        await VerifyCallee.VerifyAnalyzerAsync(source);
    }
}
