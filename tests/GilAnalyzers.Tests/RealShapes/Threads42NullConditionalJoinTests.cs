using Microsoft.CodeAnalysis.CSharp;
using Xunit;
using VerifyCS = GilAnalyzers.Tests.Verifiers.CSharpAnalyzerVerifier<GilAnalyzers.Rules.RawThreadsCpuLoopAnalyzer>;

namespace GilAnalyzers.Tests.RealShapes;

/// <summary>
/// GIL003 on threads made by a helper that hands back a thread or none, joined with <c>?.Join()</c> (issue 14, the fork
/// helpers of the tuned thread-pair rows): <c>Fork</c> runs a small part itself and returns null, or starts a thread for a
/// large part and returns it, and the caller joins whatever it got with <c>left?.Join(); right?.Join();</c>. Every thread
/// made is returned and joined: reported like threads joined with <c>Join</c> (without a rewrite). The same threads never
/// joined stay quiet, and so does a helper that returns a thread it did not make.
/// </summary>
public class Threads42NullConditionalJoinTests
{
    private const string Usings = "using System; using System.Threading;\n";

    private static string Summer(string joins, string smallReturn = "return null;") => $$"""
        static class Summer
        {
            static double total;
            static Thread idle = new Thread(() => { });

            static void Add(double[] a, int lo, int hi)
            {
                double s = 0;
                for (int k = lo; k < hi; k++) s += Math.Sqrt(a[k]) * Math.Log(a[k] + 2);
                lock (a) total += s;
            }

            static Thread Fork(double[] a, int lo, int hi)
            {
                if (hi - lo < 4096)
                {
                    Add(a, lo, hi);
                    {{smallReturn}}
                }

                var worker = new Thread(() => Add(a, lo, hi));
                worker.Start();
                return worker;
            }

            public static double Run(double[] a)
            {
                int mid = a.Length / 2;
                var left = {|#0:Fork(a, 0, mid)|};
                var right = Fork(a, mid, a.Length);
                {{joins}}
                return total;
            }
        }
        """;

    [Theory]
    [InlineData(LanguageVersion.CSharp7_3)]
    [InlineData(LanguageVersion.Latest)]
    public async Task ThreadOrNoneJoinedWithNullConditionalJoin_Report(LanguageVersion version)
    {
        await VerifyCS.VerifyAnalyzerAsync(Usings + Summer("left?.Join(); right?.Join();"), version,
            VerifyCS.Diagnostic(DiagnosticIds.RawThreadsCpuLoop).WithLocation(0).WithArguments("2", "calls 'Add' (for loop)", "Parallel.Invoke"));
    }

    [Fact]
    public async Task ThreadOrNoneJoinedWithNullConditionalJoin_OffersNoRewrite()
    {
        var offers = await GilAnalyzers.Tests.Verifiers.CodeFixOffers.ForAsync(Usings + Summer("left?.Join(); right?.Join();").Replace("{|#0:", "").Replace(")|};", ");"));
        var gil003 = Assert.Single(offers, o => o.Id == DiagnosticIds.RawThreadsCpuLoop);
        Assert.Empty(gil003.Keys);
    }

    [Fact]
    public async Task ThreadOrNoneNeverJoined_AreQuiet()
    {
        await VerifyCS.VerifyAnalyzerAsync(Usings + Summer("GC.KeepAlive(left); GC.KeepAlive(right);").Replace("{|#0:", "").Replace(")|};", ");"));
    }

    [Fact]
    public async Task HelperReturningAThreadItDidNotMake_IsQuiet()
    {
        await VerifyCS.VerifyAnalyzerAsync(Usings + Summer("left?.Join(); right?.Join();", "return idle;").Replace("{|#0:", "").Replace(")|};", ");"));
    }
}
