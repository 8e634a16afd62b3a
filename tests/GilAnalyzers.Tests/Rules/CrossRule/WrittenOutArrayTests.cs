using Microsoft.CodeAnalysis.Testing;
using Xunit;
using Gil003 = GilAnalyzers.Tests.Verifiers.CSharpAnalyzerVerifier<GilAnalyzers.Rules.RawThreadsCpuLoopAnalyzer>;

namespace GilAnalyzers.Tests.Rules;

/// <summary>
/// Issue 14: a loop over a local array written out element by element in its declaration (<c>int[] a = { 4, 9, 2 }</c>)
/// runs that many trips — a handful, not data. Threads splitting such an array do no CPU-bound work; the same split over
/// an array handed in does.
/// </summary>
public class WrittenOutArrayTests
{
    private const string Usings = "using System; using System.Threading;\n";

    private const string Split = """
        class EvenSums
        {
            public static long Run(DECL)
            {
                int parts = 4;
                var partial = new long[parts];
                var threads = new Thread[parts];
                for (int t = 0; t < parts; t++)
                {
                    int id = t;
                    threads[t] = NEW(() =>
                    {
                        long sum = 0;
                        for (int j = id; j < a.Length; j += parts) if (a[j] % 2 == 0) sum += a[j];
                        foreach (var v in a) sum ^= v;
                        partial[id] = sum;
                    })END;
                    threads[t].Start();
                }
                foreach (var th in threads) th.Join();
                long total = 0;
                foreach (var p in partial) total += p;
                return total;
            }
        }
        """;

    [Fact]
    public async Task ThreadsSplittingAWrittenOutArray_DoNotReport()
    {
        var source = Usings + Split.Replace("Run(DECL)", "Run()").Replace("int parts = 4;", "int[] a = { 4, 9, 2, 7, 6, 1, 8, 3, 5, 10 };\n        int parts = 4;").Replace("NEW(", "new Thread(").Replace("END", string.Empty);
        await Gil003.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public async Task ThreadsSplittingAnArrayHandedIn_Report()
    {
        var source = Usings + Split.Replace("Run(DECL)", "Run(int[] a)").Replace("NEW(", "{|#0:new Thread(").Replace("END", "|}");
        await Gil003.VerifyAnalyzerAsync(source, Gil003.Diagnostic(DiagnosticIds.RawThreadsCpuLoop).WithLocation(0).WithArguments("'parts'", "for loop", "Parallel.For"));
    }

    [Fact]
    public async Task ArrayAssignedAgainAfterItsDeclaration_StillCountsAsData()
    {
        var source = Usings + Split.Replace("Run(DECL)", "Run(int[] input)").Replace("int parts = 4;", "int[] a = { 1, 2 };\n        a = input;\n        int parts = 4;").Replace("NEW(", "{|#0:new Thread(").Replace("END", "|}");
        await Gil003.VerifyAnalyzerAsync(source, Gil003.Diagnostic(DiagnosticIds.RawThreadsCpuLoop).WithLocation(0).WithArguments("'parts'", "for loop", "Parallel.For"));
    }
}
