using Microsoft.CodeAnalysis.Testing;
using Xunit;
using Gil006 = GilAnalyzers.Tests.Verifiers.CSharpAnalyzerVerifier<GilAnalyzers.Rules.ProcessGlobalStateUnderLockAnalyzer>;
using Gil001 = GilAnalyzers.Tests.Verifiers.CSharpAnalyzerVerifier<GilAnalyzers.Rules.SharedLockAroundCpuWorkAnalyzer>;

namespace GilAnalyzers.Tests.Rules;

/// <summary>
/// A loop bounded by a named constant (<c>for (int s = 0; s &lt; Sweeps; s++)</c>, <c>const int Sweeps = 4</c>) runs a known
/// number of times: it is not a loop over the state the lock guards (a queue, a registry), which the lock-body cost
/// model skips as bookkeeping. A loop over a guarded static collection stays skipped.
/// </summary>
public class NamedConstantLoopTests
{
    private const string Smoother = """
        using System;
        public static class Relaxation
        {
            private const int Sweeps = 4;
            private static readonly object Gate = new object();
            private static double[] s_warmStart;

            public static double[] Relax(double[][] a, double[] b)
            {
                {|#0:lock (Gate)|}
                {
                    var x = s_warmStart != null && s_warmStart.Length == b.Length ? (double[])s_warmStart.Clone() : new double[b.Length];
                    var next = new double[b.Length];
                    for (int sweep = 0; sweep < Sweeps; sweep++)
                    {
                        for (int row = 0; row < b.Length; row++)
                        {
                            double sigma = 0;
                            for (int k = 0; k < b.Length; k++) if (k != row) sigma += a[row][k] * x[k];
                            next[row] = (b[row] - sigma) / a[row][row];
                        }
                        var t = x; x = next; next = t;
                    }
                    s_warmStart = x;
                    return (double[])x.Clone();
                }
            }
        }
        """;

    [Fact]
    public async Task SweepsBoundedByANamedConstant_AreWork()
    {
        await Gil006.VerifyAnalyzerAsync(Smoother,
            Gil006.Diagnostic(DiagnosticIds.ProcessGlobalStateUnderLock).WithLocation(0).WithArguments(
                "Gate", "nested loop, 2 levels", "'Relax', a process-wide lock that every calling thread queues for",
                "'Relaxation.s_warmStart' is read and written by the work"));
    }

    [Fact]
    public async Task ALoopOverTheGuardedStaticList_StaysBookkeeping()
    {
        var source = """
            using System.Collections.Generic;
            public static class Registry
            {
                private const int Limit = 64;
                private static readonly object Gate = new object();
                private static readonly List<string> s_names = new List<string>();

                public static bool Has(string name)
                {
                    lock (Gate)
                    {
                        for (int i = 0; i < s_names.Count && i < Limit; i++)
                            foreach (var c in s_names[i]) if (c == '#' && s_names[i] == name) return true;
                        return false;
                    }
                }
            }
            """;
        await Gil001.VerifyAnalyzerAsync(source);
        await Gil006.VerifyAnalyzerAsync(source);
    }
}
