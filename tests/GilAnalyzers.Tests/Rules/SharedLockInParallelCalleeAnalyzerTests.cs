using Microsoft.CodeAnalysis.Testing;
using Xunit;
using VerifyCS = GilAnalyzers.Tests.Verifiers.CSharpAnalyzerVerifier<GilAnalyzers.Rules.SharedLockInParallelCalleeAnalyzer>;

namespace GilAnalyzers.Tests.Rules;

public class SharedLockInParallelCalleeAnalyzerTests
{
    private const string Simulation = """
        using System; using System.Collections.Generic; using System.Linq; using System.Threading; using System.Threading.Tasks;
        class Simulation
        {
            private readonly object _sync = new object();
            private double _energy;

            public void Step(int i)
            {
                LOCK
                {
                    double e = 0;
                    for (int k = 0; k < 10000; k++) e += Math.Sin(k * i);
                    _energy += e;
                }
            }

            public void Twice(int i) { Step(i); Step(i + 1); }
        }
        """;

    private static string Source(string launcher, bool expected)
        => Simulation.Replace("LOCK", expected ? "{|#0:lock (_sync)|}" : "lock (_sync)") + "\nclass Runner\n{\n" + launcher + "\n}\n";

    private static DiagnosticResult Expected(string method, string where)
        => VerifyCS.Diagnostic(DiagnosticIds.SharedLockAroundCpuWork).WithLocation(0)
            .WithArguments("_sync", "for loop", "'" + method + "', called from " + where);

    [Fact]
    public async Task SharedInstanceCalledFromParallelForLambda_Reports()
    {
        var source = Source("static void Run(Simulation sim, int n) => Parallel.For(0, n, i => sim.Step(i));", expected: true);
        await VerifyCS.VerifyAnalyzerAsync(source, Expected("Step", "a Parallel.For body"));
    }

    [Fact]
    public async Task MethodGroupBody_Reports()
    {
        var source = Source("static void Run(Simulation sim, int n) => Parallel.For(0, n, sim.Step);", expected: true);
        await VerifyCS.VerifyAnalyzerAsync(source, Expected("Step", "a Parallel.For body"));
    }

    [Fact]
    public async Task CallChainOnThis_Reports()
    {
        var source = Source("readonly Simulation _sim = new Simulation(); void Run(int n) => Enumerable.Range(0, n).AsParallel().ForAll(i => _sim.Twice(i));", expected: true);
        await VerifyCS.VerifyAnalyzerAsync(source, Expected("Step", "a PLINQ ForAll delegate"));
    }

    [Theory]
    [InlineData("static void Run(int n) => Parallel.For(0, n, i => new Simulation().Step(i));")]
    [InlineData("static void Run(Simulation[] sims) => Parallel.ForEach(sims, s => s.Step(1));")]
    [InlineData("static void Run(int n) => Parallel.For(0, n, i => { var mine = new Simulation(); mine.Step(i); });")]
    [InlineData("static void Run(Simulation sim, int n) { for (int i = 0; i < n; i++) sim.Step(i); }")]
    [InlineData("static void Run(Simulation sim, int n) => Parallel.For(0, n, () => 0, (i, s, acc) => acc + i, acc => sim.Step(acc));")]
    public async Task PerItemObjectsOrSequentialCalls_DoNotReport(string launcher)
    {
        await VerifyCS.VerifyAnalyzerAsync(Source(launcher, expected: false));
    }
}
