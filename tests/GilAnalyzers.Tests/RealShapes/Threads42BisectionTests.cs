using Microsoft.CodeAnalysis.CSharp;
using Xunit;
using VerifyCS = GilAnalyzers.Tests.Verifiers.CSharpAnalyzerVerifier<GilAnalyzers.Rules.RawThreadsCpuLoopAnalyzer>;

namespace GilAnalyzers.Tests.RealShapes;

/// <summary>
/// GIL003 on threads that each run one binary search (issue 14, the search demonstrations of the tuned none rows): a
/// <c>while (lo &lt;= hi)</c> loop that takes a midpoint and moves one end to it halves its range each pass, so it runs a
/// few dozen passes at most — less work than a thread costs: quiet. Threads that run many searches, one per query of an
/// input the caller hands in, are still reported.
/// </summary>
public class Threads42BisectionTests
{
    private const string Usings = "using System; using System.Threading;\n";

    private static string Finder(string search) => $$"""
        static class Finder
        {
            static int[] keys = { 4, 9, 15, 23, 42, 57, 81, 99 };
            static int hit = -1;

            static int Locate(int wanted, int from, int to)
            {
                while (from <= to)
                {
                    int middle = from + (to - from) / 2;
                    if (keys[middle] == wanted) return middle;
                    if (keys[middle] < wanted) from = middle + 1;
                    else to = middle - 1;
                }

                return -1;
            }

            static void Search(int wanted, int from, int to, int[] queries)
            {
                {{search}}
            }

            public static int Run(int wanted, int[] queries)
            {
                var low = {|#0:new Thread(() => Search(wanted, 0, keys.Length / 2 - 1, queries))|};
                var high = new Thread(() => Search(wanted, keys.Length / 2, keys.Length - 1, queries));
                low.Start();
                high.Start();
                low.Join();
                high.Join();
                return hit;
            }
        }
        """;

    [Theory]
    [InlineData(LanguageVersion.CSharp7_3)]
    [InlineData(LanguageVersion.Latest)]
    public async Task TwoThreadsEachSearchingHalfAnArray_AreQuiet(LanguageVersion version)
    {
        var source = Finder("int found = Locate(wanted, from, to); if (found >= 0) Interlocked.Exchange(ref hit, found);");
        await VerifyCS.VerifyAnalyzerAsync(Usings + source.Replace("{|#0:", "").Replace(")|};", ");"), version);
    }

    [Fact]
    public async Task ThreadsSearchingOncePerQueryOfTheirInput_Report()
    {
        var source = Finder("for (int q = 0; q < queries.Length; q++) { int found = Locate(queries[q], from, to); if (found >= 0) Interlocked.Exchange(ref hit, found); }");
        await VerifyCS.VerifyAnalyzerAsync(Usings + source, VerifyCS.Diagnostic(DiagnosticIds.RawThreadsCpuLoop).WithLocation(0).WithArguments("2", "calls 'Search' (for loop)", "Parallel.Invoke"));
    }
}
