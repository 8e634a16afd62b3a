using Microsoft.CodeAnalysis.CSharp;
using Xunit;
using VerifyCS = GilAnalyzers.Tests.Verifiers.CSharpAnalyzerVerifier<GilAnalyzers.Rules.RawThreadsCpuLoopAnalyzer>;

namespace GilAnalyzers.Tests.RealShapes;

/// <summary>
/// GIL003 on a recursive fork/join whose threads come from a helper (issue 14, the recursive thread-pair rows): the
/// method splits its range, asks <c>Spawn</c> for a thread per half (a started <c>new Thread</c>, or null when the half is
/// small and was done inline) and joins both with <c>?.Join()</c>; each thread runs the same method again. The join in
/// the thread body waits for the body's own forks, so the body's time goes to the work, not to coordination. A helper
/// that hands back a thread it did not make keeps the join a wait.
/// </summary>
public class Threads49RecursiveHelperJoinTests
{
    private const string Usings = "using System; using System.Threading;\n";

    private static string Reducer(string spawned) => $$"""
        static class Reducer
        {
            static double total;
            static Thread[] spare = new Thread[4];

            static void Leaf(double[] v, int lo, int hi)
            {
                double s = 0;
                for (int k = lo; k < hi; k++) s += Math.Sqrt(v[k]) * Math.Exp(-v[k]);
                lock (v) total += s;
            }

            static void Reduce(double[] v, int lo, int hi, bool split)
            {
                if (hi - lo < 2048 || !split)
                {
                    Leaf(v, lo, hi);
                    return;
                }

                int mid = (lo + hi) / 2;
                Thread first = {|#0:Spawn(v, lo, mid)|};
                Thread second = Spawn(v, mid, hi);
                first?.Join();
                second?.Join();
            }

            static Thread Spawn(double[] v, int lo, int hi)
            {
                if (hi - lo < 2048)
                {
                    Leaf(v, lo, hi);
                    return null;
                }

                {{spawned}}
            }

            public static double Run(double[] v)
            {
                Reduce(v, 0, v.Length, true);
                return total;
            }
        }
        """;

    [Theory]
    [InlineData(LanguageVersion.CSharp7_3)]
    [InlineData(LanguageVersion.Latest)]
    public async Task RecursiveForkThroughHelperJoinedWithNullConditionalJoin_Report(LanguageVersion version)
    {
        var source = Reducer("var t = new Thread(() => Reduce(v, lo, hi, true));\n        t.Start();\n        return t;");
        await VerifyCS.VerifyAnalyzerAsync(Usings + source, version,
            VerifyCS.Diagnostic(DiagnosticIds.RawThreadsCpuLoop).WithLocation(0).WithArguments("2", "calls 'Reduce' → 'Leaf' (for loop)", "Parallel.Invoke"));
    }

    [Fact]
    public async Task RecursiveBodyJoiningThreadsTheHelperDidNotMake_IsQuiet()
    {
        var source = Reducer("var t = spare[lo % 4];\n        return t;").Replace("{|#0:", "").Replace(")|};", ");");
        await VerifyCS.VerifyAnalyzerAsync(Usings + source);
    }
}
