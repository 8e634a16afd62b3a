using Xunit;
using VerifyCS = GilAnalyzers.Tests.Verifiers.CSharpAnalyzerVerifier<GilAnalyzers.Rules.RawThreadsCpuLoopAnalyzer>;

namespace GilAnalyzers.Tests.Rules;

/// <summary>
/// Thread loops that split nothing, seen in public coursework: one thread (a count settled to 1 before the loop), or
/// threads each joined in the iteration that started them — they run one after another, so there is no fan-out to hand
/// to Parallel.For (the real-code labels draw the line there; see RealShapes/ThreadsJoinedOneByOneTests). Near misses report.
/// </summary>
public class RealShapesNoSplitTests
{
    private const string Usings = "using System; using System.Threading;\n";

    private const string Work = """
        static class Rows
        {
            public static double[] Data = new double[1 << 20];
            public static void Fill(int from, int to) { for (int i = from; i < to; i++) Data[i] = Math.Sqrt(i) * Math.Sin(i); }
        }
        """;

    [Fact]
    public async Task OneThreadThroughASettledCount_IsQuiet()
    {
        var source = Usings + Work + """
            static class Job
            {
                public static void Run(int n)
                {
                    int nrThreads = 1;
                    var threads = new Thread[nrThreads];
                    int per = n / nrThreads;
                    for (int i = 0; i < threads.Length; i++) { int k = i; threads[i] = new Thread(() => Rows.Fill(k * per, (k + 1) * per)); threads[i].Start(); }
                    for (int i = 0; i < nrThreads; i++) threads[i].Join();
                }
            }
            """;
        await VerifyCS.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public async Task EachThreadJoinedInTheIterationThatStartedIt_IsQuiet()
    {
        var source = Usings + Work + """
            static class Job
            {
                public static void Run(int n, int m)
                {
                    var threads = new Thread[m];
                    int per = n / m;
                    for (int i = 0; i < m; i++)
                    {
                        int k = i;
                        threads[i] = new Thread(() => Rows.Fill(k * per, (k + 1) * per));
                        threads[i].Start();
                        threads[i].Join();
                    }
                }
            }
            """;
        await VerifyCS.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public async Task ACountReassignedBeforeTheLoop_AndJoinsAfterIt_Report()
    {
        var source = Usings + Work + """
            static class Job
            {
                public static void Run(int n, string[] args)
                {
                    int nrThreads = 1;
                    if (args.Length > 0) nrThreads = int.Parse(args[0]);
                    var threads = new Thread[nrThreads];
                    int per = n / nrThreads;
                    for (int i = 0; i < nrThreads; i++) { int k = i; threads[i] = {|#0:new Thread(() => Rows.Fill(k * per, (k + 1) * per))|}; threads[i].Start(); }
                    for (int i = 0; i < nrThreads; i++) threads[i].Join();
                }
            }
            """;
        await VerifyCS.VerifyAnalyzerAsync(source,
            VerifyCS.Diagnostic(DiagnosticIds.RawThreadsCpuLoop).WithLocation(0).WithArguments("'nrThreads'", "calls 'Fill' (for loop)", "Parallel.For"));
    }
}
