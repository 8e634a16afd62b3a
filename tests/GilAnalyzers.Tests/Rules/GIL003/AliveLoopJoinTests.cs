using Xunit;
using FixVerify = GilAnalyzers.Tests.Verifiers.CSharpCodeFixVerifier<GilAnalyzers.Rules.RawThreadsCpuLoopAnalyzer, GilAnalyzers.CodeFixes.RawThreadsCpuLoopFixer>;
using VerifyCS = GilAnalyzers.Tests.Verifiers.CSharpAnalyzerVerifier<GilAnalyzers.Rules.RawThreadsCpuLoopAnalyzer>;

namespace GilAnalyzers.Tests.Rules;

/// <summary>
/// GIL003 on threads the caller waits for by polling <c>IsAlive</c> in a loop that only sleeps or yields — older code's
/// way to write a join (<c>while (a.IsAlive || b.IsAlive) Thread.Sleep(10);</c>, <c>while (threads.Any(t =&gt; t.IsAlive))</c>).
/// Such threads are reported like joined ones; a pair polled by a condition made only of their <c>IsAlive</c> reads gets the
/// <c>Parallel.Invoke</c> rewrite (the poll goes with the starts), other polls no rewrite. A loop that does other work
/// while it polls, or a single <c>IsAlive</c> test, is not a join.
/// </summary>
public class AliveLoopJoinTests
{
    private const string Usings = "using System; using System.Collections.Generic; using System.Linq; using System.Threading;\n";

    private const string Sorter = """
        static class Sorter
        {
            public static void Sort(int[] a, int lo, int hi)
            {
                if (hi - lo < 2) return;
                int mid = (lo + hi) / 2;
                Sort(a, lo, mid);
                Sort(a, mid, hi);
                var merged = new int[hi - lo];
                int i = lo, j = mid, k = 0;
                while (i < mid && j < hi) merged[k++] = a[i] <= a[j] ? a[i++] : a[j++];
                while (i < mid) merged[k++] = a[i++];
                while (j < hi) merged[k++] = a[j++];
                Array.Copy(merged, 0, a, lo, merged.Length);
            }
        }
        """;

    [Fact]
    public async Task PairPolledWithSleep_ParallelInvoke()
    {
        // The poll reads nothing but the two threads' IsAlive: once Parallel.Invoke has run both, it would end at once,
        // so it goes with the starts.
        const string usings = "using System; using System.Collections.Generic; using System.Linq; using System.Threading; using System.Threading.Tasks;\n";
        var source = usings + """
            class Halves
            {
                public static void Run(int[] data)
                {
                    int mid = data.Length / 2;
                    var left = {|#0:new Thread(() => Sorter.Sort(data, 0, mid))|};
                    var right = new Thread(() => Sorter.Sort(data, mid, data.Length));
                    left.Start();
                    right.Start();
                    while (left.IsAlive || right.IsAlive)
                        Thread.Sleep(10);
                }
            }
            """ + Sorter;
        var fixedSource = usings + """
            class Halves
            {
                public static void Run(int[] data)
                {
                    int mid = data.Length / 2;
                    Parallel.Invoke(() => Sorter.Sort(data, 0, mid), () => Sorter.Sort(data, mid, data.Length));
                }
            }
            """ + Sorter;
        await FixVerify.VerifyCodeFixAsync(source, fixedSource, null, Microsoft.CodeAnalysis.CSharp.LanguageVersion.Latest,
            FixVerify.Diagnostic(DiagnosticIds.RawThreadsCpuLoop).WithLocation(0).WithArguments("2", "recursion in 'Sort'", "Parallel.Invoke"));
    }

    [Fact]
    public async Task PairPolledWithAnotherCondition_Reported_WithoutRewrite()
    {
        // The poll also waits for something else: dropping it could change what the caller waits for.
        var source = Usings + """
            class Halves
            {
                public static volatile bool Flushed;

                public static void Run(int[] data)
                {
                    int mid = data.Length / 2;
                    var left = {|#0:new Thread(() => Sorter.Sort(data, 0, mid))|};
                    var right = new Thread(() => Sorter.Sort(data, mid, data.Length));
                    left.Start();
                    right.Start();
                    while (left.IsAlive || right.IsAlive || !Flushed)
                        Thread.Sleep(10);
                }
            }
            """ + Sorter;
        await VerifyCS.VerifyAnalyzerAsync(source,
            VerifyCS.Diagnostic(DiagnosticIds.RawThreadsCpuLoop).WithLocation(0).WithArguments("2", "recursion in 'Sort'", "Parallel.Invoke"));
        Assert.Contains("polling IsAlive", await FixRefusals.OnlyAsync(source.Replace("{|#0:", "").Replace("|}", ""), DiagnosticIds.RawThreadsCpuLoop));
    }

    [Fact]
    public async Task BackgroundArrayPolledWithAnyAndYield_Reported()
    {
        var source = Usings + """
            class Chunks
            {
                public static void Run(int[] data, int parts)
                {
                    var workers = new Thread[parts];
                    for (int p = 0; p < parts; p++)
                    {
                        int lo = p * data.Length / parts, hi = (p + 1) * data.Length / parts;
                        workers[p] = {|#0:new Thread(() => Sorter.Sort(data, lo, hi))|};
                        workers[p].IsBackground = true;
                        workers[p].Start();
                    }
                    do { Thread.Yield(); } while (workers.Any(w => w.IsAlive));
                }
            }
            """ + Sorter;
        await VerifyCS.VerifyAnalyzerAsync(source,
            VerifyCS.Diagnostic(DiagnosticIds.RawThreadsCpuLoop).WithLocation(0).WithArguments("'parts'", "recursion in 'Sort'", "Parallel.For"));
    }

    [Fact]
    public async Task PollLoopThatAlsoWorks_NoDiagnostic()
    {
        // The caller does its own work between polls (a progress redraw), so the loop is not only a wait for the threads.
        var source = Usings + """
            class Halves
            {
                public static int Redraws;
                static void Redraw() { Redraws++; }

                public static void Run(int[] data)
                {
                    int mid = data.Length / 2;
                    var left = new Thread(() => Sorter.Sort(data, 0, mid));
                    var right = new Thread(() => Sorter.Sort(data, mid, data.Length));
                    left.Start();
                    right.Start();
                    while (left.IsAlive || right.IsAlive)
                    {
                        Redraw();
                        Thread.Sleep(100);
                    }
                }
            }
            """ + Sorter;
        await VerifyCS.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public async Task SingleAliveTest_NoDiagnostic()
    {
        // One look at IsAlive (is the worker still busy?) waits for nothing.
        var source = Usings + """
            class Halves
            {
                public static bool Run(int[] data)
                {
                    int mid = data.Length / 2;
                    var left = new Thread(() => Sorter.Sort(data, 0, mid));
                    var right = new Thread(() => Sorter.Sort(data, mid, data.Length));
                    left.Start();
                    right.Start();
                    return left.IsAlive || right.IsAlive;
                }
            }
            """ + Sorter;
        await VerifyCS.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public async Task SleepingPairPolled_NoDiagnostic()
    {
        // The threads only print and sleep: polled or joined, there is nothing CPU-bound to spread.
        var source = Usings + """
            class Ticker
            {
                public static void Run()
                {
                    var a = new Thread(() => { for (int i = 0; i < 5; i++) { Console.WriteLine("a" + i); Thread.Sleep(200); } });
                    var b = new Thread(() => { for (int i = 0; i < 5; i++) { Console.WriteLine("b" + i); Thread.Sleep(300); } });
                    a.Start();
                    b.Start();
                    while (a.IsAlive || b.IsAlive) Thread.Sleep(50);
                }
            }
            """;
        await VerifyCS.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public async Task ListPolledWithAnyAlive_ParallelFor()
    {
        const string usings = "using System; using System.Collections.Generic; using System.Linq; using System.Threading; using System.Threading.Tasks;\n";
        var source = usings + """
            class Bands
            {
                public static void Run(int[] data, int parts)
                {
                    var threads = new List<Thread>();
                    for (int p = 0; p < parts; p++)
                    {
                        int lo = p * data.Length / parts, hi = (p + 1) * data.Length / parts;
                        var t = {|#0:new Thread(() => Sorter.Sort(data, lo, hi))|};
                        t.Start();
                        threads.Add(t);
                    }
                    while (threads.Any(t => t.IsAlive)) { Thread.Sleep(10); }
                }
            }
            """ + Sorter;
        var fixedSource = usings + """
            class Bands
            {
                public static void Run(int[] data, int parts)
                {
                    Parallel.For(0, parts, p =>
                    {
                        int lo = p * data.Length / parts, hi = (p + 1) * data.Length / parts;
                        Sorter.Sort(data, lo, hi);
                    });
                }
            }
            """ + Sorter;
        await FixVerify.VerifyCodeFixAsync(source, fixedSource, null, Microsoft.CodeAnalysis.CSharp.LanguageVersion.Latest,
            FixVerify.Diagnostic(DiagnosticIds.RawThreadsCpuLoop).WithLocation(0).WithArguments("'parts'", "recursion in 'Sort'", "Parallel.For"));
    }
}
