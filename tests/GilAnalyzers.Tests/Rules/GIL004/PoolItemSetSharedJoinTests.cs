using GilAnalyzers.CodeFixes;
using Xunit;
using VerifyCS = GilAnalyzers.Tests.Verifiers.CSharpCodeFixVerifier<GilAnalyzers.Rules.HandRolledPoolFanOutAnalyzer, GilAnalyzers.CodeFixes.HandRolledPoolFanOutFixer>;

namespace GilAnalyzers.Tests.Rules;

/// <summary>
/// GIL004 on a fixed set of work items queued one statement after another (no loop) and joined by one shared join —
/// a pending counter with Monitor.Wait, a CountdownEvent, a counter and a done event — rather than by an event per item.
/// Each item must be CPU-bound and joined the same way; items in different branches, I/O items, trivial items and a
/// single queued item stay quiet.
/// </summary>
public class PoolItemSetSharedJoinTests
{
    private const string Usings = "using System; using System.Collections.Generic; using System.IO; using System.Threading; using System.Threading.Tasks;\n";

    private const string HeatGrid = """
            sealed class Band
            {
                public Band(int from, int to) { From = from; To = to; }
                public int From { get; }
                public int To { get; }
            }

            class HeatGrid
            {
                readonly object gate = new object();
                readonly double[,] cells = new double[512, 512];
                int outstanding;

        """;

    private const string RelaxBand = """

                void Relax(object state)
                {
                    var band = (Band)state;
                    try
                    {
                        for (int y = band.From; y < band.To; y++)
                            for (int x = 1; x < 511; x++)
                                cells[y, x] = (cells[y - 1, x] + cells[y + 1, x] + cells[y, x - 1] + cells[y, x + 1]) * 0.25;
                    }
                    finally
                    {
                        lock (gate)
                        {
                            outstanding--;
                            Monitor.Pulse(gate);
                        }
                    }
                }
            }
            """;

    [Fact]
    public async Task TwoHalvesWithPendingCounterAndMonitorWait_Reports()
    {
        var source = Usings + HeatGrid + """
                public void Step()
                {
                    outstanding = 2;
                    var upper = new Band(1, 256);
                    {|#0:ThreadPool.QueueUserWorkItem(Relax, upper)|};
                    var lower = new Band(256, 511);
                    ThreadPool.QueueUserWorkItem(Relax, lower);
                    lock (gate)
                    {
                        while (outstanding > 0) Monitor.Wait(gate);
                    }
                }
        """ + RelaxBand;
        await VerifyCS.VerifyAnalyzerAsync(source,
            VerifyCS.Diagnostic(DiagnosticIds.HandRolledPoolFanOut).WithLocation(0)
                .WithArguments("2", "ThreadPool.QueueUserWorkItem (one call per item) + pending counter + Monitor.Wait", "nested loop, 2 levels"));
    }

    [Fact]
    public async Task TwoHalvesWithPendingCounter_RefusesWithAReason()
    {
        var reasons = await PoolJoinRewriteTests.ReasonsAsync(Usings + HeatGrid + """
                public void Step()
                {
                    outstanding = 2;
                    ThreadPool.QueueUserWorkItem(Relax, new Band(1, 256));
                    ThreadPool.QueueUserWorkItem(Relax, new Band(256, 511));
                    lock (gate)
                    {
                        while (outstanding > 0) Monitor.Wait(gate);
                    }
                }
        """ + RelaxBand);
        Assert.Single(reasons);
        Assert.StartsWith("GIL004-N1", reasons[0]);
        Assert.Contains("a fixed set of work items whose join stays", reasons[0]);
        Assert.Contains("a work item is not a lambda that ignores its state", reasons[0]);
    }

    [Fact]
    public async Task ItemsInTheTwoBranchesOfAnIf_NoDiagnostic()
    {
        // One item is queued on either path: nothing runs side by side.
        var source = Usings + HeatGrid + """
                public void Step(bool top)
                {
                    outstanding = 1;
                    if (top)
                    {
                        ThreadPool.QueueUserWorkItem(Relax, new Band(1, 256));
                    }
                    else
                    {
                        ThreadPool.QueueUserWorkItem(Relax, new Band(256, 511));
                    }

                    lock (gate)
                    {
                        while (outstanding > 0) Monitor.Wait(gate);
                    }
                }
        """ + RelaxBand;
        await VerifyCS.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public async Task OneQueuedItemThenTheWait_NoDiagnostic()
    {
        var source = Usings + HeatGrid + """
                public void Step()
                {
                    outstanding = 1;
                    ThreadPool.QueueUserWorkItem(Relax, new Band(1, 511));
                    lock (gate)
                    {
                        while (outstanding > 0) Monitor.Wait(gate);
                    }
                }
        """ + RelaxBand;
        await VerifyCS.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public async Task PairOfItemsWritingFiles_NoDiagnostic()
    {
        var source = Usings + """
            static class Exporter
            {
                public static void Export(string[] left, string[] right, string folder)
                {
                    using (var latch = new CountdownEvent(2))
                    {
                        ThreadPool.QueueUserWorkItem(_ => { File.WriteAllLines(Path.Combine(folder, "a.txt"), left); latch.Signal(); });
                        ThreadPool.QueueUserWorkItem(_ => { File.WriteAllLines(Path.Combine(folder, "b.txt"), right); latch.Signal(); });
                        latch.Wait();
                    }
                }
            }
            """;
        await VerifyCS.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public async Task PairOfTrivialItems_NoDiagnostic()
    {
        var source = Usings + """
            static class Greeter
            {
                public static void Greet()
                {
                    using (var latch = new CountdownEvent(2))
                    {
                        ThreadPool.QueueUserWorkItem(_ => { Console.WriteLine("hello"); latch.Signal(); });
                        ThreadPool.QueueUserWorkItem(_ => { Console.WriteLine("world"); latch.Signal(); });
                        latch.Wait();
                    }
                }
            }
            """;
        await VerifyCS.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public async Task PairOfItemsNobodyWaitsFor_NoDiagnostic()
    {
        var source = Usings + """
            static class Background
            {
                public static void Warm(double[] a, double[] b)
                {
                    var latch = new CountdownEvent(2);
                    ThreadPool.QueueUserWorkItem(_ => { for (int i = 0; i < a.Length; i++) a[i] = Math.Sqrt(a[i] * 3.0 + 1.0); latch.Signal(); });
                    ThreadPool.QueueUserWorkItem(_ => { for (int i = 0; i < b.Length; i++) b[i] = Math.Sqrt(b[i] * 5.0 + 1.0); latch.Signal(); });
                }
            }
            """;
        await VerifyCS.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public async Task ThreeLambdasSharingALatch_FixAll_ParallelInvokeKeepsTheLatch()
    {
        var source = Usings + """
            static class Scaler
            {
                public static void Scale(double[] a, double[] b, double[] c)
                {
                    var latch = new CountdownEvent(3);
                    {|GIL004:ThreadPool.QueueUserWorkItem(_ => { for (int i = 0; i < a.Length; i++) a[i] = Math.Sqrt(a[i] * 3.0 + 1.0); latch.Signal(); })|};
                    ThreadPool.QueueUserWorkItem(_ => { for (int i = 0; i < b.Length; i++) b[i] = Math.Sqrt(b[i] * 5.0 + 1.0); latch.Signal(); });
                    ThreadPool.QueueUserWorkItem(_ => { for (int i = 0; i < c.Length; i++) c[i] = Math.Sqrt(c[i] * 7.0 + 1.0); latch.Signal(); });
                    latch.Wait();
                }

                public static void Shift(double[] a, double[] b)
                {
                    var latch = new CountdownEvent(2);
                    {|GIL004:ThreadPool.QueueUserWorkItem(_ => { for (int i = 1; i < a.Length; i++) a[i] = Math.Exp(a[i - 1] * 0.5); latch.Signal(); })|};
                    ThreadPool.QueueUserWorkItem(_ => { for (int i = 1; i < b.Length; i++) b[i] = Math.Exp(b[i - 1] * 0.25); latch.Signal(); });
                    latch.Wait();
                }
            }
            """;
        var fixedSource = Usings + """
            static class Scaler
            {
                public static void Scale(double[] a, double[] b, double[] c)
                {
                    var latch = new CountdownEvent(3);
                    Parallel.Invoke(() => { for (int i = 0; i < a.Length; i++) a[i] = Math.Sqrt(a[i] * 3.0 + 1.0); latch.Signal(); }, () => { for (int i = 0; i < b.Length; i++) b[i] = Math.Sqrt(b[i] * 5.0 + 1.0); latch.Signal(); }, () => { for (int i = 0; i < c.Length; i++) c[i] = Math.Sqrt(c[i] * 7.0 + 1.0); latch.Signal(); });
                    latch.Wait();
                }

                public static void Shift(double[] a, double[] b)
                {
                    var latch = new CountdownEvent(2);
                    Parallel.Invoke(() => { for (int i = 1; i < a.Length; i++) a[i] = Math.Exp(a[i - 1] * 0.5); latch.Signal(); }, () => { for (int i = 1; i < b.Length; i++) b[i] = Math.Exp(b[i - 1] * 0.25); latch.Signal(); });
                    latch.Wait();
                }
            }
            """;
        await VerifyCS.VerifyCodeFixAsync(source, fixedSource, HandRolledPoolFanOutFixer.ParallelInvokeKeepJoinKey);
    }
}
