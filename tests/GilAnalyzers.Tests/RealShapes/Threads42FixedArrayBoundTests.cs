using Microsoft.CodeAnalysis.CSharp;
using Xunit;
using VerifyCS = GilAnalyzers.Tests.Verifiers.CSharpAnalyzerVerifier<GilAnalyzers.Rules.RawThreadsCpuLoopAnalyzer>;

namespace GilAnalyzers.Tests.RealShapes;

/// <summary>
/// GIL003 on threading exercises over small fixed arrays (issue 14, the matrix demonstrations of the tuned none rows):
/// each thread runs <c>for (int r = band.Item1; r &lt;= band.Item2; r++)</c> over rows of a static <c>int[,]</c> made once
/// with constant sizes (<c>static int size = 6; static int[,] sum = new int[size, size];</c>), writing <c>sum[r, c]</c> on
/// every pass. The band's bounds are not known, but the row index goes up by one and indexes a six-row array each time, so
/// the loop runs at most six times (past the end it would throw): a few dozen additions, quiet. The same shape over a
/// large array, over an array the type reassigns, or with the access behind a branch, is still reported.
/// </summary>
public class Threads42FixedArrayBoundTests
{
    private const string Usings = "using System; using System.Collections.Generic; using System.Threading;\n";

    private static string Grid(string size, string access, string extra = "") => $$"""
        static class Grid
        {
            static int size = {{size}};
            static int[,] left = new int[size, size];
            static int[,] right = new int[size, size];
            static int[,] sum = new int[size, size];

            static void AddRows(Tuple<int, int> band)
            {
                for (int r = band.Item1; r <= band.Item2; r++)
                {
                    for (int c = 0; c < size; c++)
                    {
                        {{access}}
                    }
                }
            }

            public static void Run(int workers)
            {
                {{extra}}
                var crew = new List<Thread>();
                int per = size / workers;
                for (int w = 0; w < workers; w++)
                {
                    var band = Tuple.Create(w * per, w * per + per - 1);
                    crew.Add({|#0:new Thread(() => AddRows(band))|});
                }

                crew.ForEach(t => t.Start());
                foreach (var t in crew) t.Join();
            }
        }
        """;

    private const string Plain = "sum[r, c] = left[r, c] + right[r, c];";

    [Theory]
    [InlineData(LanguageVersion.CSharp7_3)]
    [InlineData(LanguageVersion.Latest)]
    public async Task ThreadsOverRowsOfASmallFixedMatrix_AreQuiet(LanguageVersion version)
    {
        await VerifyCS.VerifyAnalyzerAsync(Usings + Grid("6", Plain).Replace("{|#0:", "").Replace(")|});", "));"), version);
    }

    [Fact]
    public async Task ThreadsOverRowsOfALargeFixedMatrix_Report()
    {
        await VerifyCS.VerifyAnalyzerAsync(Usings + Grid("3000", Plain),
            VerifyCS.Diagnostic(DiagnosticIds.RawThreadsCpuLoop).WithLocation(0).WithArguments("'workers'", "calls 'AddRows' (nested loop, 2 levels)", "Parallel.For"));
    }

    [Fact]
    public async Task ThreadsOverAMatrixTheTypeReplaces_Report()
    {
        await VerifyCS.VerifyAnalyzerAsync(Usings + Grid("6", Plain, "left = right = sum = new int[workers * 1000, 1000];"),
            VerifyCS.Diagnostic(DiagnosticIds.RawThreadsCpuLoop).WithLocation(0).WithArguments("'workers'", "calls 'AddRows' (for loop)", "Parallel.For"));
    }

    [Fact]
    public async Task ThreadsWhoseAccessSitsBehindABranch_Report()
    {
        await VerifyCS.VerifyAnalyzerAsync(Usings + Grid("6", "if (r < size) sum[r, c] = left[r, c] + right[r, c]; else Math.Sqrt(r * c);"),
            VerifyCS.Diagnostic(DiagnosticIds.RawThreadsCpuLoop).WithLocation(0).WithArguments("'workers'", "calls 'AddRows' (for loop)", "Parallel.For"));
    }
}
