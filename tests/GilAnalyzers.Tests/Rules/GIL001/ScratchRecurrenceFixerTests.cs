using GilAnalyzers.CodeFixes;
using GilAnalyzers.Tests.Verifiers;
using Xunit;
using VerifyCS = GilAnalyzers.Tests.Verifiers.CSharpCodeFixVerifier<GilAnalyzers.Rules.SharedLockInParallelCalleeAnalyzer, GilAnalyzers.CodeFixes.SharedLockAroundCpuWorkFixer>;

namespace GilAnalyzers.Tests.Rules;

/// <summary>
/// Issue 16: a scratch array that the locked code fills forward by a recurrence — a storage trace, a temperature march:
/// <c>_trace[0] = x0;</c> then <c>for (t = 0; t &lt; n; t++) { … _trace[t] … _trace[t + 1] = g(…); }</c> where the array
/// has <c>n + 1</c> elements (<c>f.Length - 1</c>, constants, or the same never-written primary-constructor parameter
/// expression). Each pass reads only what this call wrote, so a new array per call computes the same, and the work leaves
/// the lock (GIL001.ScratchToLocal) — also when the march is repeated by an outer counted loop that surely runs (a shooting
/// method) and the trace is read after it. Refused when the loop stops short, reads another element, writes conditionally,
/// or can skip a pass, and when the outer loop may not run or may end before the march.
/// </summary>
public class ScratchRecurrenceFixerTests
{
    private const string Usings = "using System;\nusing System.Linq;\nusing System.Threading.Tasks;\n";

    private static string Program(string type) => Usings + type + """

        static class Driver
        {
            public static double Run(int traces)
            {
                var shared = new Simulator(40);
                var results = new double[traces];
                Parallel.For(0, traces, i => results[i] = shared.Run(i));
                return results.Sum();
            }
        }
        """;

    private const string Simulator = """
        sealed class Simulator(int years)
        {
            private readonly object _sync = new object();
            private readonly double[] _storage = new double[years * 52 + 1];

            public double Run(int trace)
            {
                {|GIL001:lock (_sync)|}
                {
                    uint state = 0x9E3779B9u * (uint)(trace + 1);
                    _storage[0] = 100;
                    for (int t = 0; t < years * 52; t++)
                    {
                        state ^= state << 13; state ^= state >> 17; state ^= state << 5;
                        double inflow = 3 + (state % 1000) / 250.0;
                        double storage = _storage[t] + inflow - Math.Min(_storage[t], 4);
                        _storage[t + 1] = Math.Min(storage, 250);
                    }
                    return _storage.Min() + _storage[years * 52];
                }
            }
        }
        """;

    private const string SimulatorFixed = """
        sealed class Simulator(int years)
        {
            private readonly object _sync = new object();
            private readonly double[] _storage = new double[years * 52 + 1];

            public double Run(int trace)
            {
                uint state = 0x9E3779B9u * (uint)(trace + 1);
                var storage2 = new double[_storage.Length];
                storage2[0] = 100;
                for (int t = 0; t < years * 52; t++)
                {
                    state ^= state << 13; state ^= state >> 17; state ^= state << 5;
                    double inflow = 3 + (state % 1000) / 250.0;
                    double storage = storage2[t] + inflow - Math.Min(storage2[t], 4);
                    storage2[t + 1] = Math.Min(storage, 250);
                }
                return storage2.Min() + storage2[years * 52];
            }
        }
        """;

    [Fact]
    public async Task StorageTraceFilledForward_BecomesALocal_AndTheLockGoes()
        => await new VerifyCS.Test
        {
            TestCode = Program(Simulator),
            FixedCode = Program(SimulatorFixed),
            CodeActionEquivalenceKey = SharedLockAroundCpuWorkFixer.ScratchToLocalKey,
            CodeFixTestBehaviors = Microsoft.CodeAnalysis.Testing.CodeFixTestBehaviors.SkipLocalDiagnosticCheck,
        }.RunAsync(CancellationToken.None);

    [Fact]
    public async Task ScratchToLocal_IsTheFirstAction()
    {
        var site = Assert.Single(await CodeFixOffers.ForAsync(Unmarked(Simulator)));
        Assert.Equal(SharedLockAroundCpuWorkFixer.ScratchToLocalKey, site.Keys.FirstOrDefault());
    }

    private const string March = """
        sealed class Simulator
        {
            private const int Segments = 300;
            private readonly object _sync = new object();
            private readonly double[] _hot = new double[Segments + 1];
            private readonly double[] _cold;

            public Simulator(int unused) { _cold = new double[Segments + 1]; }

            public double Run(int trace)
            {
                {|GIL001:lock (_sync)|}
                {
                    _hot[0] = 90 + trace % 7;
                    _cold[0] = 20;
                    for (int s = 0; s < Segments; s++)
                    {
                        double q = 0;
                        for (int k = 0; k < 40; k++) q += Math.Sqrt(Math.Abs(_hot[s] - _cold[s]) + k) * 1e-3;
                        _hot[s + 1] = _hot[s] - q;
                        _cold[s + 1] = _cold[s] + q / 2;
                    }
                    for (int s = 0; s < _hot.Length - 1; s++)
                    {
                        _hot[s + 1] = (_hot[s + 1] + _hot[s]) / 2;
                    }
                    return _hot[Segments] - _cold[Segments];
                }
            }
        }
        """;

    [Fact]
    public async Task TwoArraysMarchedForwardOverAConstantLength_ScratchToLocalFirst()
    {
        // _cold's array is made in the constructor with the same constant size; the second loop reads the element it then
        // overwrites (not a recurrence), but by then every element holds what this call wrote.
        var offers = await CodeFixOffers.ForAsync(Unmarked(March));
        var site = Assert.Single(offers);
        Assert.Equal(SharedLockAroundCpuWorkFixer.ScratchToLocalKey, site.Keys.FirstOrDefault());
    }

    [Fact]
    public async Task FixAll_TwoSimulators()
    {
        var second = Simulator.Replace("class Simulator(", "class Replay(", StringComparison.Ordinal);
        var secondFixed = SimulatorFixed.Replace("class Simulator(", "class Replay(", StringComparison.Ordinal);
        static string Both(string a, string b) => Program(a + "\n" + b).Replace("var shared = new Simulator(40);", "var shared = new Simulator(40); var replay = new Replay(40);", StringComparison.Ordinal)
            .Replace("results[i] = shared.Run(i)", "results[i] = shared.Run(i) + replay.Run(i)", StringComparison.Ordinal);
        await new VerifyCS.Test
        {
            TestCode = Both(Simulator, second),
            FixedCode = Both(SimulatorFixed, secondFixed),
            CodeActionEquivalenceKey = SharedLockAroundCpuWorkFixer.ScratchToLocalKey,
            CodeFixTestBehaviors = Microsoft.CodeAnalysis.Testing.CodeFixTestBehaviors.SkipLocalDiagnosticCheck,
        }.RunAsync(CancellationToken.None);
    }

    private const string Shooting = """
        sealed class Simulator
        {
            private const int Segments = 200;
            private readonly object _sync = new object();
            private readonly double[] _hot = new double[Segments + 1];

            public Simulator(int unused) { }

            public double Run(int trace)
            {
                {|GIL001:lock (_sync)|}
                {
                    double lo = 0, hi = 100;
                    for (int iter = 0; iter < 30; iter++)
                    {
                        double guess = 0.5 * (lo + hi);
                        _hot[0] = guess + trace % 5;
                        for (int s = 0; s < Segments; s++)
                        {
                            _hot[s + 1] = _hot[s] - Math.Sqrt(Math.Abs(_hot[s]) + s) * 1e-2;
                        }
                        if (_hot[Segments] > 50) hi = guess; else lo = guess;
                    }
                    return _hot[Segments] + _hot[0];
                }
            }
        }
        """;

    private const string ShootingFixed = """
        sealed class Simulator
        {
            private const int Segments = 200;
            private readonly object _sync = new object();
            private readonly double[] _hot = new double[Segments + 1];

            public Simulator(int unused) { }

            public double Run(int trace)
            {
                double lo = 0, hi = 100;
                var hot = new double[_hot.Length];
                for (int iter = 0; iter < 30; iter++)
                {
                    double guess = 0.5 * (lo + hi);
                    hot[0] = guess + trace % 5;
                    for (int s = 0; s < Segments; s++)
                    {
                        hot[s + 1] = hot[s] - Math.Sqrt(Math.Abs(hot[s]) + s) * 1e-2;
                    }
                    if (hot[Segments] > 50) hi = guess; else lo = guess;
                }
                return hot[Segments] + hot[0];
            }
        }
        """;

    [Fact]
    public async Task MarchRepeatedByAShootingLoop_ReadAfterIt_BecomesALocal()
        => await new VerifyCS.Test
        {
            TestCode = Program(Shooting),
            FixedCode = Program(ShootingFixed),
            CodeActionEquivalenceKey = SharedLockAroundCpuWorkFixer.ScratchToLocalKey,
            CodeFixTestBehaviors = Microsoft.CodeAnalysis.Testing.CodeFixTestBehaviors.SkipLocalDiagnosticCheck,
        }.RunAsync(CancellationToken.None);

    [Theory]
    // The shooting loop may not run (its count is the caller's): the read after it would see an earlier call's trace.
    [InlineData("iter < 30;", "iter < trace;")]
    // A pass may end the loop before the march: the same.
    [InlineData("double guess = 0.5 * (lo + hi);", "double guess = 0.5 * (lo + hi); if (trace < 0) break;")]
    // The trace is read before the loop writes it.
    [InlineData("double lo = 0, hi = 100;", "double lo = _hot[1], hi = 100;")]
    public async Task ShootingLoopThatMayNotWriteTheTraceFirst_NoScratchToLocal(string original, string replacement)
    {
        var source = Unmarked(Shooting).Replace(original, replacement, StringComparison.Ordinal);
        Assert.NotEqual(Unmarked(Shooting), source);
        var site = Assert.Single(await CodeFixOffers.ForAsync(source));
        Assert.DoesNotContain(SharedLockAroundCpuWorkFixer.ScratchToLocalKey, site.Keys);
    }

    [Theory]
    // The loop stops one element short: the last element keeps what an earlier call left, and the return reads it.
    [InlineData("t < years * 52;", "t < years * 52 - 1;")]
    // A pass reads the element behind the one the previous pass wrote: at t = 0 that is element -1... or an older one.
    [InlineData("double storage = _storage[t] + inflow", "double storage = _storage[t + 1] + inflow")]
    // The next element is written only on some passes.
    [InlineData("_storage[t + 1] = Math.Min(storage, 250);", "if (storage > 0) _storage[t + 1] = Math.Min(storage, 250);")]
    // A pass that can end early leaves its element unwritten.
    [InlineData("double inflow = 3 + (state % 1000) / 250.0;", "double inflow = 3 + (state % 1000) / 250.0; if (inflow > 6) continue;")]
    // The seed is not element 0.
    [InlineData("_storage[0] = 100;", "_storage[1] = 100;")]
    public async Task RecurrenceThatMayLeaveAnElementUnwritten_NoScratchToLocal(string original, string replacement)
    {
        var source = Unmarked(Simulator).Replace(original, replacement, StringComparison.Ordinal);
        Assert.NotEqual(Unmarked(Simulator), source);
        var site = Assert.Single(await CodeFixOffers.ForAsync(source));
        Assert.DoesNotContain(SharedLockAroundCpuWorkFixer.ScratchToLocalKey, site.Keys);
    }

    private static string Unmarked(string type) => Program(type).Replace("{|GIL001:lock (_sync)|}", "lock (_sync)", StringComparison.Ordinal);
}
