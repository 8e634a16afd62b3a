using GilAnalyzers.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Xunit;
using VerifyCS = GilAnalyzers.Tests.Verifiers.CSharpCodeFixVerifier<GilAnalyzers.Rules.SharedLockInParallelCalleeAnalyzer, GilAnalyzers.CodeFixes.SharedLockAroundCpuWorkFixer>;

namespace GilAnalyzers.Tests.Rules;

/// <summary>
/// Issue 16: a scratch array field that the locked code overwrites whole before it reads it — a counting loop whose body
/// writes the element at its counter first, straight-line writes at the constant indexes 0..N-1 of an array always made
/// with N elements, or the exact-size resize followed by such a loop — wherever that code sits in the region (at its top,
/// in a loop's body). No call and no pass sees what another left, so a new array per call computes the same, and the
/// work, now on the call's own data, leaves the lock.
/// </summary>
public class ScratchOverwrittenFirstFixerTests
{
    private const string Usings = "using System;\nusing System.Collections.Generic;\nusing System.Linq;\nusing System.Threading;\nusing System.Threading.Tasks;\n";

    /// <summary>The type under test and a caller that runs its method from Parallel.For on one shared instance.</summary>
    private static string Program(string type, string make, string call) => Usings + type + """

        static class Driver
        {
            public static double Run(double[][] inputs)
            {
                var shared = MAKE;
                var results = new double[inputs.Length];
                Parallel.For(0, inputs.Length, i => results[i] = CALL);
                return results.Sum();
            }
        }
        """.Replace("MAKE", make).Replace("CALL", call);

    private static Task VerifyAsync(string type, string? fixedType, string make, string call, LanguageVersion version = LanguageVersion.Latest)
        => new VerifyCS.Test
        {
            TestCode = Program(type, make, call),
            FixedCode = Program(fixedType ?? type, make, call),
            CodeActionEquivalenceKey = SharedLockAroundCpuWorkFixer.ScratchToLocalKey,
            LanguageVersion = version,
            CodeFixTestBehaviors = Microsoft.CodeAnalysis.Testing.CodeFixTestBehaviors.SkipLocalDiagnosticCheck,
        }.RunAsync(CancellationToken.None);

    private static Task VerifyFeaturesAsync(string type, string? fixedType, LanguageVersion version = LanguageVersion.Latest)
        => VerifyAsync(type, fixedType, "new XgModel()", "shared.Expected(inputs[i])", version);

    private static Task VerifySmootherAsync(string type, string? fixedType, LanguageVersion version = LanguageVersion.Latest)
        => VerifyAsync(type, fixedType, "new Smoother(9)", "shared.Apply(inputs[i])", version);

    private static Task VerifyRouterAsync(string type, string? fixedType, LanguageVersion version = LanguageVersion.Latest)
        => VerifyAsync(type, fixedType, "new Router()", "shared.Route(inputs[i], 0.5)", version);

    private const string Features = """
        sealed class XgModel
        {
            private readonly SemaphoreSlim _one = new SemaphoreSlim(1, 1);
            private readonly double[] _features = new double[4];
            private readonly double[] _weights = { -0.4, -0.16, 1.1, -0.8 };

            public double Expected(double[] shots)
            {
                {|GIL001:_one.Wait()|};
                try
                {
                    double sum = 0;
                    foreach (double shot in shots)
                    {
                        for (int k = 0; k < 400; k++)
                        {
                            double d = shot + k / 100.0;
                            _features[0] = 1; _features[1] = d; _features[2] = d * d; _features[3] = Math.Sqrt(d);
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
        """;

    [Theory]
    [InlineData(LanguageVersion.CSharp7_3)]
    [InlineData(LanguageVersion.Latest)]
    public async Task FeatureVectorWrittenAtEveryConstantIndexInAnInnerLoop_BecomesALocal_AndTheGateGoes(LanguageVersion version)
        => await VerifyFeaturesAsync(Features, """
            sealed class XgModel
            {
                private readonly SemaphoreSlim _one = new SemaphoreSlim(1, 1);
                private readonly double[] _features = new double[4];
                private readonly double[] _weights = { -0.4, -0.16, 1.1, -0.8 };

                public double Expected(double[] shots)
                {
                    double sum = 0;
                    var features = new double[_features.Length];
                    foreach (double shot in shots)
                    {
                        for (int k = 0; k < 400; k++)
                        {
                            double d = shot + k / 100.0;
                            features[0] = 1; features[1] = d; features[2] = d * d; features[3] = Math.Sqrt(d);
                            double z = 0;
                            for (int f = 0; f < features.Length; f++) z += _weights[f] * features[f];
                            sum += 1 / (1 + Math.Exp(-z));
                        }
                    }

                    return sum;
                }
            }
            """, version);

    [Theory]
    [InlineData("an index left unwritten (it keeps the last pass's value)", "_features[3] = Math.Sqrt(d);", "")]
    [InlineData("a read before the writes (it sees the last pass's value)", "_features[0] = 1;", "sum += _features[3]; _features[0] = 1;")]
    [InlineData("a value that reads the buffer", "_features[2] = d * d;", "_features[2] = d * _features[1];")]
    [InlineData("an array a constructor makes longer", "    public double Expected", "    public XgModel() { _features = new double[5]; }\n\n    public double Expected")]
    public async Task FeatureVectorNotWrittenWholeFirst_OffersNoScratchToLocal(string _, string from, string to)
        => await VerifyFeaturesAsync(Features.Replace(from, to), null);

    [Fact]
    public async Task FeatureVectorReassignedOutsideTheConstructor_OffersNoScratchToLocal()
        => await VerifyFeaturesAsync(
            Features.Replace("private readonly double[] _features", "private double[] _features")
                .Replace("    public double Expected", "    public void Widen() => _features = new double[5];\n\n    public double Expected"),
            null);

    private const string Smoother = """
        sealed class Smoother
        {
            private readonly object _gate = new object();
            private readonly int _taps;
            private readonly double[] _window;

            public Smoother(int taps)
            {
                _taps = taps;
                _window = new double[_taps];
            }

            public double Apply(double[] x)
            {
                {|GIL001:lock (_gate)|}
                {
                    double best = 0;
                    for (int s = 0; s + _taps <= x.Length; s++)
                    {
                        for (int i = 0; i < BOUND; i++)
                        {
                            _window[i] = x[s + i];
                            best += _window[i] * 1e-3;
                        }

                        Array.Sort(_window);
                        best = Math.Max(best, _window[_window.Length / 2]);
                    }

                    return best;
                }
            }
        }
        """;

    [Theory]
    [InlineData(LanguageVersion.CSharp7_3, "_taps")]
    [InlineData(LanguageVersion.Latest, "_window.Length")]
    public async Task WindowFilledByALoopThatWritesFirst_BecomesALocal_AndTheLockGoes(LanguageVersion version, string bound)
        => await VerifySmootherAsync(Smoother.Replace("BOUND", bound), """
            sealed class Smoother
            {
                private readonly object _gate = new object();
                private readonly int _taps;
                private readonly double[] _window;

                public Smoother(int taps)
                {
                    _taps = taps;
                    _window = new double[_taps];
                }

                public double Apply(double[] x)
                {
                    double best = 0;
                    var window = new double[_window.Length];
                    for (int s = 0; s + _taps <= x.Length; s++)
                    {
                        for (int i = 0; i < BOUND; i++)
                        {
                            window[i] = x[s + i];
                            best += window[i] * 1e-3;
                        }

                        Array.Sort(window);
                        best = Math.Max(best, window[window.Length / 2]);
                    }

                    return best;
                }
            }
            """.Replace("BOUND", bound == "_taps" ? bound : "window.Length"), version);

    [Theory]
    [InlineData("a loop that starts at 1", "int i = 0;", "int i = 1;")]
    [InlineData("a loop that stops one short", "i < _taps;", "i < _taps - 1;")]
    [InlineData("a bound that is another array's length", "i < _taps;", "i < x.Length;")]
    [InlineData("a conditional write", "_window[i] = x[s + i];", "if (x[s + i] > 0) _window[i] = x[s + i];")]
    [InlineData("a read of another element before the write", "_window[i] = x[s + i];", "best += _window[0];\n                    _window[i] = x[s + i];")]
    [InlineData("a write that reads another element", "_window[i] = x[s + i];", "_window[i] = x[s + i] + _window[_taps - 1];")]
    [InlineData("a break that leaves the rest unwritten", "best += _window[i] * 1e-3;", "if (x[s + i] < 0) break;")]
    [InlineData("a continue that skips the write", "_window[i] = x[s + i];", "if (x[s + i] < 0) continue;\n                    _window[i] = x[s + i];")]
    [InlineData("a size set after the array is made", "_window = new double[_taps];", "_window = new double[_taps];\n        _taps = taps + 1;")]
    public async Task WindowNotProvablyFilledWholeFirst_OffersNoScratchToLocal(string _, string from, string to)
        => await VerifySmootherAsync(Smoother.Replace("BOUND", "_taps").Replace(from, to), null);

    [Fact]
    public async Task SizeFieldThatIsNotReadOnly_OffersNoScratchToLocal()
        => await VerifySmootherAsync(
            Smoother.Replace("BOUND", "_taps").Replace("private readonly int _taps;", "private int _taps;")
                .Replace("    public double Apply", "    public void Narrow() => _taps--;\n\n    public double Apply"),
            null);

    private const string Router = """
        sealed class Router
        {
            private readonly object _gate = new object();
            private int[] _residual = Array.Empty<int>();

            public double Route(double[] capacities, double scale)
            {
                {|GIL001:lock (_gate)|}
                {
                    RESIZE
                    for (int e = 0; e < capacities.Length; e++)
                        _residual[e] = (int)(capacities[e] * scale);
                    double flow = 0;
                    for (int round = 0; round < 100; round++)
                    {
                        for (int e = 0; e < _residual.Length; e++)
                        {
                            int push = Math.Min(_residual[e], round);
                            _residual[e] -= push;
                            flow += push;
                        }
                    }

                    return flow;
                }
            }
        }
        """;

    [Theory]
    [InlineData(LanguageVersion.CSharp7_3, "if (_residual.Length != capacities.Length) _residual = new int[capacities.Length];")]
    [InlineData(LanguageVersion.Latest, "if (_residual == null || capacities.Length != _residual.Length)\n            {\n                _residual = new int[capacities.Length];\n            }")]
    [InlineData(LanguageVersion.Latest, "if (_residual == null || _residual.Length != capacities.Length) _residual = new int[capacities.Length];")]
    [InlineData(LanguageVersion.Latest, "if (capacities.Length != _residual.Length) _residual = new int[capacities.Length];")]
    [InlineData(LanguageVersion.Latest, "if (_residual.Length != capacities.Length) { _residual = new int[capacities.Length]; }")]
    public async Task ExactSizeResizeThenAWholeFill_TheResizeMakesALocal_AndTheLockGoes(LanguageVersion version, string resize)
        => await VerifyRouterAsync(Router.Replace("RESIZE", resize), """
            sealed class Router
            {
                private readonly object _gate = new object();
                private int[] _residual = Array.Empty<int>();

                public double Route(double[] capacities, double scale)
                {
                    var residual = new int[capacities.Length];
                    for (int e = 0; e < capacities.Length; e++)
                        residual[e] = (int)(capacities[e] * scale);
                    double flow = 0;
                    for (int round = 0; round < 100; round++)
                    {
                        for (int e = 0; e < residual.Length; e++)
                        {
                            int push = Math.Min(residual[e], round);
                            residual[e] -= push;
                            flow += push;
                        }
                    }

                    return flow;
                }
            }
            """, version);

    [Theory]
    [InlineData("a resize that only grows (a longer array keeps old values past the fill)", "if (_residual.Length < capacities.Length) _residual = new int[capacities.Length];")]
    [InlineData("a resize to another size than the fill's", "if (_residual.Length != capacities.Length) _residual = new int[capacities.Length + 1];")]
    [InlineData("no resize (the fill's bound is not the array's length)", "")]
    public async Task ResizeThatDoesNotMakeTheFillWhole_OffersNoScratchToLocal(string _, string resize)
        => await VerifyRouterAsync(Router.Replace("RESIZE", resize), null);

    private const string Deconvolver = """
        sealed class Deconvolver(int samples, double noise)
        {
            private readonly SemaphoreSlim _slot = new(1, 1);
            private readonly double[] _spectrum = new double[samples];
            private readonly double[] _power = new double[samples];

            public double Run(double[] trace)
            {
                {|GIL001:_slot.Wait()|};
                try
                {
                    for (int i = 0; i < samples; i++) _spectrum[i] = trace[i % trace.Length];
                    Smooth(_spectrum);
                    double peak = 0;
                    for (int i = 0; i < samples; i++) { _power[i] = _spectrum[i] * _spectrum[i]; peak = Math.Max(peak, _power[i]); }
                    for (int i = 0; i < samples; i++) _spectrum[i] /= Math.Sqrt(_power[i] + noise * peak + 1e-9);
                    var output = _spectrum.Select(c => c / samples).ToArray();
                    return output[output.Length / 2];
                }
                finally
                {
                    _slot.Release();
                }
            }

            private static void Smooth(double[] a)
            {
                for (int i = 1; i < a.Length; i++) a[i] = 0.5 * (a[i] + a[i - 1]);
            }
        }
        """;

    [Fact]
    public async Task BuffersSizedByAPrimaryConstructorParameterAndFilledFirst_BecomeLocals_AndTheGateGoes()
        => await VerifyAsync(Deconvolver, """
            sealed class Deconvolver(int samples, double noise)
            {
                private readonly SemaphoreSlim _slot = new(1, 1);
                private readonly double[] _spectrum = new double[samples];
                private readonly double[] _power = new double[samples];

                public double Run(double[] trace)
                {
                    var spectrum = new double[_spectrum.Length];
                    for (int i = 0; i < samples; i++) spectrum[i] = trace[i % trace.Length];
                    Smooth(spectrum);
                    double peak = 0;
                    var power = new double[_power.Length];
                    for (int i = 0; i < samples; i++) { power[i] = spectrum[i] * spectrum[i]; peak = Math.Max(peak, power[i]); }
                    for (int i = 0; i < samples; i++) spectrum[i] /= Math.Sqrt(power[i] + noise * peak + 1e-9);
                    var output = spectrum.Select(c => c / samples).ToArray();
                    return output[output.Length / 2];
                }

                private static void Smooth(double[] a)
                {
                    for (int i = 1; i < a.Length; i++) a[i] = 0.5 * (a[i] + a[i - 1]);
                }
            }
            """, "new Deconvolver(64, 0.001)", "shared.Run(inputs[i])");

    [Theory]
    [InlineData("a size parameter the type writes", "    private static void Smooth", "    public void Resample(int n) => samples = n;\n\n    private static void Smooth")]
    [InlineData("a lazy sequence over the buffer handed out", "var output = _spectrum.Select(c => c / samples).ToArray();", "Keep = _spectrum.Select(c => c / samples); var output = trace;")]
    public async Task PrimaryConstructorLookAlikes_OfferNoScratchToLocal(string _, string from, string to)
        => await VerifyAsync(
            Deconvolver.Replace(from, to).Replace("    public double Run", "    public IEnumerable<double>? Keep;\n\n    public double Run"),
            null, "new Deconvolver(64, 0.001)", "shared.Run(inputs[i])");

    [Fact]
    public async Task ResizeOfAFieldThatMayBeNull_OffersNoScratchToLocal()
        // Without an initialiser the first call's _residual.Length throws; a new local would not.
        => await VerifyRouterAsync(
            Router.Replace("private int[] _residual = Array.Empty<int>();", "private int[] _residual;")
                .Replace("RESIZE", "if (_residual.Length != capacities.Length) _residual = new int[capacities.Length];"),
            null);

    [Fact]
    public async Task FixAll_LocalisesTheBuffersOfEveryType()
    {
        var source = Usings + Features + "\n" + Smoother.Replace("BOUND", "_taps") + """

            static class Driver
            {
                public static double Run(double[][] inputs)
                {
                    var model = new XgModel();
                    var smoother = new Smoother(9);
                    var results = new double[inputs.Length];
                    Parallel.For(0, inputs.Length, i => results[i] = model.Expected(inputs[i]) + smoother.Apply(inputs[i]));
                    return results.Sum();
                }
            }
            """;
        var fixedSource = Usings + """
            sealed class XgModel
            {
                private readonly SemaphoreSlim _one = new SemaphoreSlim(1, 1);
                private readonly double[] _features = new double[4];
                private readonly double[] _weights = { -0.4, -0.16, 1.1, -0.8 };

                public double Expected(double[] shots)
                {
                    double sum = 0;
                    var features = new double[_features.Length];
                    foreach (double shot in shots)
                    {
                        for (int k = 0; k < 400; k++)
                        {
                            double d = shot + k / 100.0;
                            features[0] = 1; features[1] = d; features[2] = d * d; features[3] = Math.Sqrt(d);
                            double z = 0;
                            for (int f = 0; f < features.Length; f++) z += _weights[f] * features[f];
                            sum += 1 / (1 + Math.Exp(-z));
                        }
                    }

                    return sum;
                }
            }
            sealed class Smoother
            {
                private readonly object _gate = new object();
                private readonly int _taps;
                private readonly double[] _window;

                public Smoother(int taps)
                {
                    _taps = taps;
                    _window = new double[_taps];
                }

                public double Apply(double[] x)
                {
                    double best = 0;
                    var window = new double[_window.Length];
                    for (int s = 0; s + _taps <= x.Length; s++)
                    {
                        for (int i = 0; i < _taps; i++)
                        {
                            window[i] = x[s + i];
                            best += window[i] * 1e-3;
                        }

                        Array.Sort(window);
                        best = Math.Max(best, window[window.Length / 2]);
                    }

                    return best;
                }
            }
            static class Driver
            {
                public static double Run(double[][] inputs)
                {
                    var model = new XgModel();
                    var smoother = new Smoother(9);
                    var results = new double[inputs.Length];
                    Parallel.For(0, inputs.Length, i => results[i] = model.Expected(inputs[i]) + smoother.Apply(inputs[i]));
                    return results.Sum();
                }
            }
            """;
        await new VerifyCS.Test
        {
            TestCode = source,
            FixedCode = fixedSource,
            CodeActionEquivalenceKey = SharedLockAroundCpuWorkFixer.ScratchToLocalKey,
            CodeFixTestBehaviors = Microsoft.CodeAnalysis.Testing.CodeFixTestBehaviors.SkipLocalDiagnosticCheck,
        }.RunAsync(CancellationToken.None);
    }
}
