using Microsoft.CodeAnalysis.Testing;
using Xunit;
using Gil001 = GilAnalyzers.Tests.Verifiers.CSharpAnalyzerVerifier<GilAnalyzers.Rules.SharedLockAroundCpuWorkAnalyzer>;

namespace GilAnalyzers.Tests.Rules;

/// <summary>
/// Issue 14: threads written out one by one rather than in a loop (<c>var a = new Thread(…); var b = new Thread(…);</c>)
/// run beside each other; when their delegates take the same lock (or run the same method) around CPU work, they take
/// turns. A lone thread, or two threads on different locks, do not contend.
/// </summary>
public class ThreadPairLockTests
{
    private const string Usings = "using System; using System.Threading; using System.Threading.Tasks;\n";

    [Fact]
    public async Task TwoThreadsTakingTheSameLockAroundCpuWork_Report()
    {
        var source = Usings + """
            class Halves
            {
                private static readonly object Sync = new object();
                private static double _total;

                public static double Run(double[] data)
                {
                    int mid = data.Length / 2;
                    var first = new Thread(() =>
                    {
                        {|#0:lock (Sync)|}
                        {
                            for (int i = 0; i < mid; i++) _total += Math.Sqrt(data[i]);
                        }
                    });
                    var second = new Thread(() =>
                    {
                        {|#1:lock (Sync)|}
                        {
                            for (int i = mid; i < data.Length; i++) _total += Math.Sqrt(data[i]);
                        }
                    });
                    first.Start(); second.Start();
                    first.Join(); second.Join();
                    return _total;
                }
            }
            """;
        const string where = "a Thread started beside another that takes the same lock";
        await Gil001.VerifyAnalyzerAsync(
            source,
            Gil001.Diagnostic(DiagnosticIds.SharedLockAroundCpuWork).WithLocation(0).WithArguments("Sync", "for loop", where),
            Gil001.Diagnostic(DiagnosticIds.SharedLockAroundCpuWork).WithLocation(1).WithArguments("Sync", "for loop", where));
    }

    [Fact]
    public async Task LoneThreadOrTwoThreadsOnDifferentLocks_DoNotReport()
    {
        var source = Usings + """
            class Halves
            {
                private static readonly object Left = new object();
                private static readonly object Right = new object();
                private static double _a, _b;

                public static void Lone(double[] data)
                {
                    var worker = new Thread(() =>
                    {
                        lock (Left) { for (int i = 0; i < data.Length; i++) _a += Math.Sqrt(data[i]); }
                    });
                    worker.Start();
                    worker.Join();
                }

                public static void Apart(double[] data)
                {
                    var first = new Thread(() => { lock (Left) { for (int i = 0; i < data.Length; i++) _a += Math.Sqrt(data[i]); } });
                    var second = new Thread(() => { lock (Right) { for (int i = 0; i < data.Length; i++) _b += Math.Sqrt(data[i]); } });
                    first.Start(); second.Start();
                    first.Join(); second.Join();
                }
            }
            """;
        await Gil001.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public async Task TwoTaskRunsOnTheSameLock_Report_OneTaskRunDoesNot()
    {
        var source = Usings + """
            class Halves
            {
                private static readonly object Sync = new object();
                private static double _total;

                public static async Task Pair(double[] data)
                {
                    int mid = data.Length / 2;
                    var first = Task.Run(() => { {|#0:lock (Sync)|} { for (int i = 0; i < mid; i++) _total += Math.Sqrt(data[i]); } });
                    var second = Task.Run(() => { {|#1:lock (Sync)|} { for (int i = mid; i < data.Length; i++) _total += Math.Sqrt(data[i]); } });
                    await Task.WhenAll(first, second);
                }

                public static Task Single(double[] data)
                    => Task.Run(() => { lock (Sync) { for (int i = 0; i < data.Length; i++) _total += Math.Sqrt(data[i]); } });
            }
            """;
        const string where = "a Task.Run delegate started beside another that takes the same lock";
        await Gil001.VerifyAnalyzerAsync(
            source,
            Gil001.Diagnostic(DiagnosticIds.SharedLockAroundCpuWork).WithLocation(0).WithArguments("Sync", "for loop", where),
            Gil001.Diagnostic(DiagnosticIds.SharedLockAroundCpuWork).WithLocation(1).WithArguments("Sync", "for loop", where));
    }
}
