using Microsoft.CodeAnalysis.Testing;
using Xunit;
using Verify001 = GilAnalyzers.Tests.Verifiers.CSharpAnalyzerVerifier<GilAnalyzers.Rules.SharedLockAroundCpuWorkAnalyzer>;
using VerifyCS = GilAnalyzers.Tests.Verifiers.CSharpAnalyzerVerifier<GilAnalyzers.Rules.ProcessGlobalStateUnderLockAnalyzer>;

namespace GilAnalyzers.Tests.Rules;

public class ProcessGlobalStateUnderLockAnalyzerTests
{
    private const string Usings = "using System; using System.Collections.Generic; using System.Linq; using System.Runtime.InteropServices; using System.Threading; using System.Threading.Tasks;\n";

    private const string LegacyCodec = Usings + """
        static class Codec
        {
            private static readonly double[] s_window = new double[256];

            public static double Encode(double[] frame)
            {
                double acc = 0;
                for (int i = 0; i < frame.Length; i++)
                {
                    s_window[i % 256] = frame[i] * 0.5 + s_window[(i + 1) % 256];
                    acc += s_window[i % 256];
                }
                return acc;
            }
        }
        class Runner
        {
            static readonly object Gate = new object();

            static void Run(double[][] frames, double[] outputs)
            {
                Parallel.For(0, frames.Length, k =>
                {
                    LOCK
                    {
                        outputs[k] = Codec.Encode(frames[k]);
                    }
                });
            }
        }
        """;

    private static DiagnosticResult Gil006(string name, string reason, string where, string state)
        => VerifyCS.Diagnostic(DiagnosticIds.ProcessGlobalStateUnderLock).WithLocation(0).WithArguments(name, reason, where, state);

    [Fact]
    public async Task StaticScratchBufferInCallee_ReportsGil006()
    {
        await VerifyCS.VerifyAnalyzerAsync(LegacyCodec.Replace("LOCK", "{|#0:lock (Gate)|}"),
            Gil006("Gate", "calls 'Encode' (for loop)", "a Parallel.For body", "'Codec.s_window' is read and written by the work"));
    }

    [Fact]
    public async Task EntangledSite_IsNotAlsoGil001()
    {
        await Verify001.VerifyAnalyzerAsync(LegacyCodec.Replace("LOCK", "lock (Gate)"));
    }

    [Fact]
    public async Task StaticRandomUnderGlobalLock_ReportsGil006()
    {
        var source = Usings + """
            static class MonteCarlo
            {
                private static readonly Random s_rng = new Random(42);
                private static readonly object Gate = new object();

                public static double Estimate(int runs, int samples)
                {
                    {|#0:lock (Gate)|}
                    {
                        int hits = 0;
                        for (int r = 0; r < runs; r++)
                        {
                            for (int i = 0; i < samples; i++)
                            {
                                double x = s_rng.NextDouble(), y = s_rng.NextDouble();
                                if (x * x + y * y <= 1) hits++;
                            }
                        }
                        return 4.0 * hits / (runs * samples);
                    }
                }
            }
            """;
        await VerifyCS.VerifyAnalyzerAsync(source,
            Gil006("Gate", "nested loop, 2 levels", "'Estimate', a process-wide lock that every calling thread queues for", "'MonteCarlo.s_rng' is read and written by the work"));
    }

    [Fact]
    public async Task PInvokeUnderLock_ReportsGil006()
    {
        var source = Usings + """
            static class Native
            {
                [DllImport("legacy")]
                public static extern int transform(int value);
            }
            class Runner
            {
                static readonly object Gate = new object();

                static void Run(int[] data)
                {
                    Parallel.For(0, data.Length, i =>
                    {
                        {|#0:lock (Gate)|}
                        {
                            for (int r = 0; r < 100; r++) data[i] = Native.transform(data[i]);
                        }
                    });
                }
            }
            """;
        await VerifyCS.VerifyAnalyzerAsync(source,
            Gil006("Gate", "for loop", "a Parallel.For body", "the work calls native code ('transform')"));
    }

    [Fact]
    public async Task NotThreadSafeTypeFromEditorConfig_ReportsGil006()
    {
        var source = Usings + """
            namespace Vendor.Legacy { public class Engine { public int Run(int x) => x + 1; } }
            class Runner
            {
                static readonly object Gate = new object();
                static readonly Vendor.Legacy.Engine Engine = new Vendor.Legacy.Engine();

                static void Run(int[] data, int rounds)
                {
                    Parallel.For(0, data.Length, i =>
                    {
                        {|#0:lock (Gate)|}
                        {
                            for (int r = 0; r < rounds; r++) data[i] = Engine.Run(data[i]);
                        }
                    });
                }
            }
            """;
        var test = new VerifyCS.Test { TestCode = source };
        test.TestState.AnalyzerConfigFiles.Add(("/.editorconfig", "root = true\n[*.cs]\ngil_analyzers.not_thread_safe_types = Other.Thing, Vendor.Legacy.*\n"));
        test.ExpectedDiagnostics.Add(Gil006("Gate", "for loop", "a Parallel.For body", "the work calls 'Vendor.Legacy.Engine', configured as not thread-safe"));
        await test.RunAsync();
    }

    [Fact]
    public async Task StaticSingletonWithInstanceScratchState_ReportsGil006()
    {
        var source = Usings + """
            class LegacyFilter
            {
                private readonly double[] _history = new double[16];
                public double Apply(double x)
                {
                    for (int i = _history.Length - 1; i > 0; i--) _history[i] = _history[i - 1];
                    _history[0] = x;
                    return _history.Sum();
                }
                public double Peek(double x) => x * 2;
            }
            class Runner
            {
                static readonly object Gate = new object();
                static readonly LegacyFilter Filter = new LegacyFilter();

                static void Run(double[] samples, int rounds)
                {
                    Parallel.For(0, samples.Length, i =>
                    {
                        {|#0:lock (Gate)|}
                        {
                            for (int r = 0; r < rounds; r++) samples[i] = Filter.Apply(samples[i]);
                        }
                        lock (Gate)
                        {
                            for (int r = 0; r < rounds; r++) samples[i] = Filter.Peek(samples[i]);
                        }
                    });
                }
            }
            """;
        await VerifyCS.VerifyAnalyzerAsync(source,
            Gil006("Gate", "calls 'Apply' (for loop)", "a Parallel.For body", "'Runner.Filter' is read and written by the work"));
    }

    [Fact]
    public async Task AccumulatorReadOnlyThreadStaticAndThreadLocal_AreNotEntangled()
    {
        var source = Usings + """
            class Runner
            {
                static readonly object Gate = new object();
                static readonly double[] s_weights = Enumerable.Range(0, 64).Select(i => 1.0 / (i + 1)).ToArray();
                static double s_total;
                static int s_count;
                static readonly List<double> s_results = new List<double>();
                [ThreadStatic] static double[] t_scratch;
                static readonly ThreadLocal<double[]> s_local = new ThreadLocal<double[]>(() => new double[64]);

                static void Run(int n)
                {
                    Parallel.For(0, n, i =>
                    {
                        lock (Gate)
                        {
                            double acc = 0;
                            t_scratch = t_scratch ?? new double[64];
                            for (int k = 0; k < 64; k++)
                            {
                                t_scratch[k] = s_weights[k] * i;
                                s_local.Value[k] = t_scratch[k];
                                acc += t_scratch[k] + s_local.Value[k];
                            }
                            s_total += acc;
                            s_count++;
                            s_results.Add(acc);
                        }
                    });
                }
            }
            """;
        await VerifyCS.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public async Task LightWorkOnGlobalState_DoesNotReport()
    {
        var source = Usings + """
            class Runner
            {
                static readonly object Gate = new object();
                static int s_last;

                static void Run(int n)
                {
                    Parallel.For(0, n, i =>
                    {
                        lock (Gate)
                        {
                            if (s_last < i) s_last = i;
                        }
                    });
                }
            }
            """;
        await VerifyCS.VerifyAnalyzerAsync(source);
    }
}
