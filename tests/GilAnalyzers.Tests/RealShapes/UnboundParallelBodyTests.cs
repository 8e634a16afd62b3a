using Microsoft.CodeAnalysis.Testing;
using Xunit;
using Verify001 = GilAnalyzers.Tests.Verifiers.CSharpAnalyzerVerifier<GilAnalyzers.Rules.SharedLockAroundCpuWorkAnalyzer>;

namespace GilAnalyzers.Tests.RealShapes;

/// <summary>
/// A project compiled without one of its packages: a name in the body of a <c>Parallel.For</c> lambda does not resolve,
/// and the error leaves the whole call unbound (overload resolution cannot choose among the Parallel.For overloads), so
/// the lambda is the argument of no method. It is still the body of a parallel loop — the call's syntax and its
/// candidate methods say so — and a shared lock inside it is taken by every worker.
/// </summary>
public class UnboundParallelBodyTests
{
    [Fact]
    public async Task SharedLockInBodyWithUnresolvedName_IsStillInsideTheParallelFor()
    {
        var source = """
            using System.Threading.Tasks;

            sealed class Scorer
            {
                private readonly object _gate = new object();
                private double _best;

                public void Score(double[][] rows)
                {
                    Parallel.For(0, rows.Length, i =>
                    {
                        var row = Telemetry.Tag(rows[i]);
                        {|#0:lock (_gate)|}
                        {
                            for (var a = 0; a < rows[i].Length; a++)
                                for (var b = 0; b < rows[i].Length; b++)
                                    _best += rows[i][a] * rows[i][b];
                        }
                    });
                }
            }
            """;
        var test = new Verify001.Test { TestCode = source, CompilerDiagnostics = CompilerDiagnostics.None };
        test.ExpectedDiagnostics.Add(Verify001.Diagnostic(DiagnosticIds.SharedLockAroundCpuWork).WithLocation(0)
            .WithArguments("_gate", "nested loop, 2 levels", "a Parallel.For body"));
        await test.RunAsync();
    }

    [Fact]
    public async Task UnboundForEachWithLocalInitAndFinally_LockInFinally_NoDiagnostic()
    {
        // With three lambdas the body cannot be told from localInit/localFinally without a bound overload: left alone.
        var source = """
            using System.Threading.Tasks;

            sealed class Totals
            {
                private readonly object _gate = new object();
                private double[] _sum = new double[64];

                public void Sum(double[][] rows)
                {
                    Parallel.ForEach(rows, () => new double[64], (row, state, local) =>
                    {
                        Telemetry.Tag(row);
                        for (var k = 0; k < row.Length; k++) local[k % 64] += row[k];
                        return local;
                    },
                    local =>
                    {
                        lock (_gate)
                        {
                            for (var k = 0; k < local.Length; k++)
                                for (var j = 0; j < local.Length; j++)
                                    _sum[k] += local[j];
                        }
                    });
                }
            }
            """;
        var test = new Verify001.Test { TestCode = source, CompilerDiagnostics = CompilerDiagnostics.None };
        await test.RunAsync();
    }

    [Fact]
    public async Task UnboundCallOfAnotherParallelClass_NoDiagnostic()
    {
        // A class of the user's that is also called Parallel is not the TPL's: its unbound call is not a parallel loop.
        var source = """
            namespace Scheduling
            {
                static class Parallel
                {
                    public static void For(int from, int to, System.Action<int> body, int chunk) { }
                }

                sealed class Scorer
                {
                    private readonly object _gate = new object();
                    private double _best;

                    public void Score(double[][] rows)
                    {
                        Parallel.For(0, rows.Length, i =>
                        {
                            lock (_gate)
                            {
                                for (var a = 0; a < rows[i].Length; a++)
                                    for (var b = 0; b < rows[i].Length; b++)
                                        _best += rows[i][a] * rows[i][b];
                            }
                        });
                    }
                }
            }
            """;
        var test = new Verify001.Test { TestCode = source, CompilerDiagnostics = CompilerDiagnostics.None };
        await test.RunAsync();
    }
}
