using GilAnalyzers.Tests.Verifiers;
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

    // The analyzer keeps only the syntax of each candidate lock until compilation end and finds the region again there:
    // each way of taking a lock must survive that round trip.
    [Theory]
    [InlineData("private readonly SemaphoreSlim _gate = new SemaphoreSlim(1, 1);", "{|#0:_gate.Wait()|}; try { WORK } finally { _gate.Release(); }", "_gate")]
    [InlineData("private readonly object _gate = new object();", "{|#0:Monitor.Enter(_gate)|}; try { WORK } finally { Monitor.Exit(_gate); }", "_gate")]
    [InlineData("private readonly object _gate = new object();", "if ({|#0:Monitor.TryEnter(_gate, 5000)|}) { WORK Monitor.Exit(_gate); }", "_gate")]
    public async Task AcquireCallForms_Report(string field, string body, string lockName)
    {
        var source = """
            using System; using System.Threading; using System.Threading.Tasks;
            class Simulation
            {
                FIELD
                private double _energy;

                public void Step(int i)
                {
                    BODY
                }
            }
            class Runner
            {
                static void Run(Simulation sim, int n) => Parallel.For(0, n, i => sim.Step(i));
            }
            """.Replace("FIELD", field).Replace("BODY", body)
            .Replace("WORK", "double e = 0; for (int k = 0; k < 10000; k++) e += Math.Sin(k * i); _energy += e;");
        await VerifyCS.VerifyAnalyzerAsync(source,
            VerifyCS.Diagnostic(DiagnosticIds.SharedLockAroundCpuWork).WithLocation(0)
                .WithArguments(lockName, "for loop", "'Step', called from a Parallel.For body"));
    }

    [Fact]
    public async Task LockEnterScopeInCallee_Reports()
    {
        var source = """
            using System; using System.Threading; using System.Threading.Tasks;
            class Simulation
            {
                private readonly Lock _gate = new();
                private double _energy;

                public void Step(int i)
                {
                    using ({|#0:_gate.EnterScope()|})
                    {
                        double e = 0;
                        for (int k = 0; k < 10000; k++) e += Math.Sin(k * i);
                        _energy += e;
                    }
                }

                public void Declared(int i)
                {
                    using var scope = {|#1:_gate.EnterScope()|};
                    double e = 0;
                    for (int k = 0; k < 10000; k++) e += Math.Sin(k * i);
                    _energy += e;
                }
            }
            class Runner
            {
                static void Run(Simulation sim, int n) => Parallel.For(0, n, i => { sim.Step(i); sim.Declared(i); });
            }
            """;
        var test = new VerifyCS.Test { TestCode = source, ReferenceAssemblies = TestReferences.Net90 };
        test.ExpectedDiagnostics.Add(VerifyCS.Diagnostic(DiagnosticIds.SharedLockAroundCpuWork).WithLocation(0)
            .WithArguments("_gate", "for loop", "'Step', called from a Parallel.For body"));
        test.ExpectedDiagnostics.Add(VerifyCS.Diagnostic(DiagnosticIds.SharedLockAroundCpuWork).WithLocation(1)
            .WithArguments("_gate", "for loop", "'Declared', called from a Parallel.For body"));
        await test.RunAsync();
    }

    [Fact]
    public async Task LazyInitialisationOrLockInOwnParallelLoop_DoNotReport()
    {
        var source = """
            using System; using System.Threading; using System.Threading.Tasks;
            class Simulation
            {
                private readonly object _sync = new object();
                private double[] _table;
                private double _energy;

                public double[] Table(int n)
                {
                    if (_table == null)
                    {
                        lock (_sync)
                        {
                            if (_table == null)
                            {
                                var t = new double[n];
                                for (int k = 0; k < n; k++) t[k] = Math.Sin(k);
                                _table = t;
                            }
                        }
                    }

                    return _table;
                }

                public void Inner(int n) => Parallel.For(0, n, i => { {|#0:lock (_sync)|} { for (int k = 0; k < n; k++) _energy += k; } });
            }
            class Runner
            {
                static void Run(Simulation sim, int n) => Parallel.For(0, n, i => { sim.Table(n); sim.Inner(n); });
            }
            """;
        // The lock inside Inner's own Parallel.For is the live GIL001 analyzer's, not the callee analyzer's.
        await VerifyCS.VerifyAnalyzerAsync(source.Replace("{|#0:lock (_sync)|}", "lock (_sync)"));
    }

    private const string PrimaryConstructorEncoder = """
        using System; using System.Collections.Generic; using System.IO; using System.Threading.Tasks;
        public sealed class RateControl { public object Sync { get; } = new object(); public int Step { get; set; } = 4; }

        public sealed class FrameEncoder(RateControl rate)
        {
            public byte[] EncodeAll(List<byte[]> frames)
            {
                using var output = new MemoryStream();
                foreach (var frame in frames) EncodeOne(frame, output);
                return output.ToArray();
            }

            private void EncodeOne(byte[] frame, MemoryStream output)
            {
                LOCK
                {
                    int step = rate.Step;
                    for (int i = 0; i < frame.Length; i++)
                        for (int k = 0; k < 64; k++)
                            output.WriteByte((byte)(frame[i] * k / step));
                }
            }
        }

        """;

    [Fact]
    public async Task LockOnAPrimaryConstructorParameter_OfASharedEncoder_Reports()
    {
        // class FrameEncoder(RateControl rate): 'rate' is the encoder's state, and one encoder serves every worker.
        var source = PrimaryConstructorEncoder.Replace("LOCK", "{|#0:lock (rate.Sync)|}") + """
            public sealed class Scheduler(FrameEncoder encoder)
            {
                public void Run(List<List<byte[]>> segments) => Parallel.ForEach(segments, s => encoder.EncodeAll(s));
            }
            """;
        await VerifyCS.VerifyAnalyzerAsync(source,
            VerifyCS.Diagnostic(DiagnosticIds.SharedLockAroundCpuWork).WithLocation(0)
                .WithArguments("rate.Sync", "nested loop, 2 levels", "'EncodeOne', called from a Parallel.ForEach body"));
    }

    [Fact]
    public async Task LockOnAPrimaryConstructorParameter_OfAnEncoderPerSegment_StaysQuiet()
    {
        var source = PrimaryConstructorEncoder.Replace("LOCK", "lock (rate.Sync)") + """
            public static class Scheduler
            {
                public static void Run(List<List<byte[]>> segments)
                    => Parallel.ForEach(segments, s => new FrameEncoder(new RateControl()).EncodeAll(s));
            }
            """;
        await VerifyCS.VerifyAnalyzerAsync(source);
    }
}
