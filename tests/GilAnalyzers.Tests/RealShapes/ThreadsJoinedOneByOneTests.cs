using Microsoft.CodeAnalysis.CSharp;
using Xunit;
using VerifyCS = GilAnalyzers.Tests.Verifiers.CSharpAnalyzerVerifier<GilAnalyzers.Rules.RawThreadsCpuLoopAnalyzer>;

namespace GilAnalyzers.Tests.RealShapes;

/// <summary>
/// GIL003 and threads joined before the next one starts (issue 14): a creation loop that joins the thread it has just
/// started (<c>threads[i].Start(); threads[i].Join();</c>), or explicit threads started and joined in turn, run one after
/// another — no fan-out, nothing to report, whatever else joins them later. The same threads overlapping are reported.
/// </summary>
public class ThreadsJoinedOneByOneTests
{
    private const string Usings = "using System; using System.Collections.Generic; using System.Threading;\n";

    private static string Scaler(string loopTail, string after) => Usings + """
        class Scaler
        {
            public static void Run(double[] values, int parts)
            {
                var threads = new Thread[parts];
                int size = values.Length / parts;
                for (int p = 0; p < parts; p++)
                {
                    int first = p * size, last = p == parts - 1 ? values.Length : first + size;
                    threads[p] = {|#0:new Thread(() => { for (int i = first; i < last; i++) values[i] = Math.Sqrt(values[i]) * 10; })|};
                    threads[p].Start();
        """ + loopTail + """
                }
        """ + after + """
            }
        }
        """;

    [Theory]
    [InlineData(LanguageVersion.CSharp7_3)]
    [InlineData(LanguageVersion.Latest)]
    public async Task JoinedInTheIterationThatStartsIt_DoesNotReport(LanguageVersion version)
    {
        var source = Scaler("            threads[p].Join();\n", string.Empty).Replace("{|#0:", string.Empty).Replace(")|};", ");");
        await VerifyCS.VerifyAnalyzerAsync(source, version);
    }

    [Fact]
    public async Task JoinedInItsIterationAndAgainAfterTheLoop_DoesNotReport()
    {
        var source = Scaler("            threads[p].Join();\n", "        foreach (var t in threads) t.Join();\n").Replace("{|#0:", string.Empty).Replace(")|};", ");");
        await VerifyCS.VerifyAnalyzerAsync(source, LanguageVersion.Latest);
    }

    [Fact]
    public async Task ALocalThreadStartedAndJoinedPerIteration_DoesNotReport()
    {
        var source = Usings + """
            class Stepper
            {
                public static void Run(long[] totals)
                {
                    var all = new List<Thread>();
                    for (int k = 0; k < totals.Length; k++)
                    {
                        int slot = k;
                        var worker = new Thread(() => { long s = 0; for (long i = 0; i < 50_000_000; i++) s += i % (slot + 3); totals[slot] = s; });
                        all.Add(worker);
                        worker.Start();
                        worker.Join();
                    }
                }
            }
            """;
        await VerifyCS.VerifyAnalyzerAsync(source, LanguageVersion.Latest);
    }

    [Fact]
    public async Task JoinedAfterTheLoop_Reports()
    {
        await VerifyCS.VerifyAnalyzerAsync(Scaler(string.Empty, "        foreach (var t in threads) t.Join();\n"), LanguageVersion.Latest,
            VerifyCS.Diagnostic(DiagnosticIds.RawThreadsCpuLoop).WithLocation(0).WithArguments("'parts'", "for loop", "Parallel.For"));
    }

    private static string Pair(string order) => Usings + """
        class Halves
        {
            public static void Run(double[] data)
            {
                var even = {|#0:new Thread(() => { for (int i = 0; i < data.Length; i += 2) data[i] = Math.Log(data[i] + 1); })|};
                var odd = new Thread(() => { for (int i = 1; i < data.Length; i += 2) data[i] = Math.Log(data[i] + 1); });
        """ + order + """
            }
        }
        """;

    [Fact]
    public async Task ExplicitThreadsEachJoinedBeforeTheNextStarts_DoNotReport()
    {
        var source = Pair("        even.Start();\n        even.Join();\n        odd.Start();\n        odd.Join();\n").Replace("{|#0:", string.Empty).Replace(")|};", ");");
        await VerifyCS.VerifyAnalyzerAsync(source, LanguageVersion.Latest);
    }

    [Fact]
    public async Task ExplicitThreadsThatOverlap_Report()
    {
        await VerifyCS.VerifyAnalyzerAsync(Pair("        even.Start();\n        odd.Start();\n        even.Join();\n        odd.Join();\n"), LanguageVersion.Latest,
            VerifyCS.Diagnostic(DiagnosticIds.RawThreadsCpuLoop).WithLocation(0).WithArguments("2", "for loop", "Parallel.Invoke"));
    }
}
