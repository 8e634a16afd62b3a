using GilAnalyzers.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Xunit;
using VerifyCS = GilAnalyzers.Tests.Verifiers.CSharpCodeFixVerifier<GilAnalyzers.Rules.SynchronizedCpuMethodAnalyzer, GilAnalyzers.CodeFixes.SynchronizedCpuMethodFixer>;

namespace GilAnalyzers.Tests.Rules;

/// <summary>
/// GIL002 (issue 16): a Synchronized method whose hidden lock protects reusable accumulation buffers it clears first
/// (<c>Array.Clear(_sums)</c>): the buffers become locals, the accumulation leaves the lock, and only the shared update
/// keeps a private lock.
/// </summary>
public class ScratchToLocalSynchronizedFixerTests
{
    private const string Usings = "using System;\nusing System.Linq;\nusing System.Runtime.CompilerServices;\nusing System.Threading;\n";

    private static async Task VerifyAsync(string source, string fixedSource, LanguageVersion version = LanguageVersion.Latest)
    {
        var driver = SynchronizedCpuMethodFixerTests.Driver("builder.Build(data, i);", "var builder = new BinBuilder(16); var data = new double[4096];");
        var test = new VerifyCS.Test
        {
            // Reported at compilation end, once the parallel caller in Driver.cs is seen (a non-local diagnostic).
            CodeFixTestBehaviors = Microsoft.CodeAnalysis.Testing.CodeFixTestBehaviors.SkipLocalDiagnosticCheck,
            TestCode = Usings + source,
            FixedCode = Usings + fixedSource,
            CodeActionEquivalenceKey = SynchronizedCpuMethodFixer.ScratchToLocalKey,
            LanguageVersion = version,
        };
        test.TestState.Sources.Add(("Driver.cs", driver));
        test.FixedState.Sources.Add(("Driver.cs", driver));
        await test.RunAsync(CancellationToken.None);
    }

    [Theory]
    [InlineData(LanguageVersion.CSharp7_3)]
    [InlineData(LanguageVersion.Latest)]
    public async Task ClearedAccumulators_BecomeLocals_TheCountKeepsALock(LanguageVersion version)
    {
        await VerifyAsync("""
            sealed class BinBuilder
            {
                private readonly double[] _sums;
                private readonly int[] _counts;
                private int _built;

                public BinBuilder(int bins)
                {
                    _sums = new double[bins];
                    _counts = new int[bins];
                }

                public int Built => _built;

                [MethodImpl(MethodImplOptions.Synchronized)]
                public double[] {|GIL002:Build|}(double[] values, int shift)
                {
                    Array.Clear(_sums, 0, _sums.Length);
                    Array.Clear(_counts, 0, _counts.Length);
                    for (int i = 0; i < values.Length; i++)
                    {
                        int b = (i * 31 + shift) % _sums.Length;
                        _sums[b] += Math.Sqrt(i + values[i] * values[i]);
                        _counts[b]++;
                    }

                    _built++;
                    return _sums.Select((s, k) => _counts[k] == 0 ? 0 : s / _counts[k]).ToArray();
                }
            }
            """, """
            sealed class BinBuilder
            {
                private readonly double[] _sums;
                private readonly int[] _counts;
                private int _built;

                public BinBuilder(int bins)
                {
                    _sums = new double[bins];
                    _counts = new int[bins];
                }

                public int Built => _built;

                private readonly object _buildLock = new object();

                public double[] Build(double[] values, int shift)
                {
                    var sums = new double[_sums.Length];
                    var counts = new int[_counts.Length];
                    for (int i = 0; i < values.Length; i++)
                    {
                        int b = (i * 31 + shift) % sums.Length;
                        sums[b] += Math.Sqrt(i + values[i] * values[i]);
                        counts[b]++;
                    }
                    lock (_buildLock)
                    {
                        _built++;
                    }
                    return sums.Select((s, k) => counts[k] == 0 ? 0 : s / counts[k]).ToArray();
                }
            }
            """, version);
    }

    /// <summary>
    /// Buffers reset by <c>Array.Fill</c> with a value the call computes (a parameter, not a constant) start from that value
    /// on every call as a new array filled with it would: they become locals, and with nothing shared left the hidden lock
    /// goes (a Bloch simulation's magnetisation vectors).
    /// </summary>
    [Fact]
    public async Task FilledWithTheCallsValue_BecomeRepeatedLocals_TheLockGoes()
    {
        await VerifyAsync("""
            sealed class BinBuilder
            {
                private readonly double[] _sums;
                private readonly double[] _levels;

                public BinBuilder(int bins)
                {
                    _sums = new double[bins];
                    _levels = new double[bins];
                }

                [MethodImpl(MethodImplOptions.Synchronized)]
                public double[] {|GIL002:Build|}(double[] values, int shift)
                {
                    Array.Fill(_sums, 0.0);
                    Array.Fill(_levels, values[0] * shift);
                    for (int i = 0; i < values.Length; i++)
                    {
                        int b = (i * 31 + shift) % _sums.Length;
                        _sums[b] += Math.Sqrt(i + values[i] * values[i]) + _levels[b];
                        _levels[b] *= 0.5;
                    }

                    return _sums.ToArray();
                }
            }
            """, """
            sealed class BinBuilder
            {
                private readonly double[] _sums;
                private readonly double[] _levels;

                public BinBuilder(int bins)
                {
                    _sums = new double[bins];
                    _levels = new double[bins];
                }

                public double[] Build(double[] values, int shift)
                {
                    var sums = Enumerable.Repeat<double>(0.0, _sums.Length).ToArray();
                    var levels = Enumerable.Repeat<double>(values[0] * shift, _levels.Length).ToArray();
                    for (int i = 0; i < values.Length; i++)
                    {
                        int b = (i * 31 + shift) % sums.Length;
                        sums[b] += Math.Sqrt(i + values[i] * values[i]) + levels[b];
                        levels[b] *= 0.5;
                    }

                    return sums.ToArray();
                }
            }
            """);
    }

    /// <summary>
    /// The same fill in a file that does not import System.Linq (implicit usings off): <c>ToArray</c> is called as the
    /// static method it is, so the fixed code compiles.
    /// </summary>
    [Fact]
    public async Task FilledWithoutSystemLinqInScope_StaticToArray()
    {
        const string usings = "using System;\nusing System.Runtime.CompilerServices;\n";
        var driver = SynchronizedCpuMethodFixerTests.Driver("simulator.Signal(0.5, i);", "var simulator = new Simulator(16);");
        var test = new VerifyCS.Test
        {
            CodeFixTestBehaviors = Microsoft.CodeAnalysis.Testing.CodeFixTestBehaviors.SkipLocalDiagnosticCheck,
            TestCode = usings + """
                sealed class Simulator
                {
                    private readonly double[] _mz;

                    public Simulator(int spins)
                    {
                        _mz = new double[spins];
                    }

                    [MethodImpl(MethodImplOptions.Synchronized)]
                    public double {|GIL002:Signal|}(double density, int turns)
                    {
                        Array.Fill(_mz, density);
                        double signal = 0;
                        for (int t = 0; t < turns * 1000; t++)
                        {
                            for (int k = 0; k < _mz.Length; k++)
                            {
                                _mz[k] = density + (_mz[k] * Math.Cos(t * 0.01) - density) * 0.9;
                                signal += _mz[k];
                            }
                        }

                        return signal;
                    }
                }
                """,
            FixedCode = usings + """
                sealed class Simulator
                {
                    private readonly double[] _mz;

                    public Simulator(int spins)
                    {
                        _mz = new double[spins];
                    }

                    public double Signal(double density, int turns)
                    {
                        var mz = System.Linq.Enumerable.ToArray(System.Linq.Enumerable.Repeat<double>(density, _mz.Length));
                        double signal = 0;
                        for (int t = 0; t < turns * 1000; t++)
                        {
                            for (int k = 0; k < mz.Length; k++)
                            {
                                mz[k] = density + (mz[k] * Math.Cos(t * 0.01) - density) * 0.9;
                                signal += mz[k];
                            }
                        }

                        return signal;
                    }
                }
                """,
            CodeActionEquivalenceKey = SynchronizedCpuMethodFixer.ScratchToLocalKey,
        };
        test.TestState.Sources.Add(("Driver.cs", driver));
        test.FixedState.Sources.Add(("Driver.cs", driver));
        await test.RunAsync(CancellationToken.None);
    }

    /// <summary>A fill value read from the object (<c>Array.Fill(_levels, _base)</c>) keeps the buffer shared: no local, no fix.</summary>
    [Fact]
    public async Task FilledWithAFieldsValue_NoScratchFix()
    {
        var source = Usings + """
            sealed class BinBuilder
            {
                private readonly double[] _levels;
                private double _base = 1;

                public BinBuilder(int bins)
                {
                    _levels = new double[bins];
                }

                [MethodImpl(MethodImplOptions.Synchronized)]
                public double[] Build(double[] values, int shift)
                {
                    Array.Fill(_levels, _base);
                    for (int i = 0; i < values.Length; i++)
                    {
                        int b = (i * 31 + shift) % _levels.Length;
                        _levels[b] += Math.Sqrt(i + values[i] * values[i]);
                    }

                    _base = _levels[0];
                    return _levels.ToArray();
                }
            }
            """;
        var driver = SynchronizedCpuMethodFixerTests.Driver("builder.Build(data, i);", "var builder = new BinBuilder(16); var data = new double[4096];");
        var offers = await Verifiers.CodeFixOffers.ForAsync(source + "\n" + driver);
        var gil002 = Assert.Single(offers, o => o.Id == "GIL002");
        Assert.DoesNotContain(SynchronizedCpuMethodFixer.ScratchToLocalKey, gil002.Keys);
    }

    /// <summary>
    /// A buffer grown when too short and cleared as far as the call needs (GIL001's restart from index 0): it becomes a
    /// local made as the field's first array, and with nothing shared left the hidden lock goes.
    /// </summary>
    [Fact]
    public async Task BufferGrownThenClearedFromZero_BecomesALocal_AndTheFlagGoes()
    {
        await VerifyAsync("""
            sealed class BinBuilder
            {
                private double[] _partial = new double[16];

                public BinBuilder(int bins) { }

                [MethodImpl(MethodImplOptions.Synchronized)]
                public double[] {|GIL002:Build|}(double[] values, int shift)
                {
                    if (_partial.Length < values.Length) _partial = new double[values.Length * 2];
                    Array.Clear(_partial, 0, values.Length);
                    for (int i = 0; i < values.Length; i++)
                        for (int k = 0; k <= i % 16; k++) _partial[i] += Math.Sqrt(i + k + shift + values[i] * values[i]);
                    double total = 0;
                    for (int i = 0; i < values.Length; i++) total += _partial[i];
                    return new[] { total };
                }
            }
            """, """
            sealed class BinBuilder
            {
                private double[] _partial = new double[16];

                public BinBuilder(int bins) { }

                public double[] Build(double[] values, int shift)
                {
                    var partial = new double[_partial.Length];
                    if (partial.Length < values.Length) partial = new double[values.Length * 2];
                    Array.Clear(partial, 0, values.Length);
                    for (int i = 0; i < values.Length; i++)
                        for (int k = 0; k <= i % 16; k++) partial[i] += Math.Sqrt(i + k + shift + values[i] * values[i]);
                    double total = 0;
                    for (int i = 0; i < values.Length; i++) total += partial[i];
                    return new[] { total };
                }
            }
            """);
    }
}
