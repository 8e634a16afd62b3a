using Microsoft.CodeAnalysis.Testing;
using Xunit;
using Gil001 = GilAnalyzers.Tests.Verifiers.CSharpAnalyzerVerifier<GilAnalyzers.Rules.SharedLockAroundCpuWorkAnalyzer>;
using Gil003 = GilAnalyzers.Tests.Verifiers.CSharpAnalyzerVerifier<GilAnalyzers.Rules.RawThreadsCpuLoopAnalyzer>;

namespace GilAnalyzers.Tests.Rules;

/// <summary>
/// Issue 14, fifth round: <c>Thread.SpinWait(n)</c> outside a waiting loop keeps the core busy (lock and thread
/// demos stand it in for work), while inside a <c>while</c>/<c>do</c> loop it backs off and waits; and delegates
/// collected into a list or array that <c>Parallel.Invoke</c> then runs are parallel bodies; a <c>SpinLock</c> is a lock.
/// </summary>
public class SpinWorkAndActionListTests
{
    private const string Usings = "using System; using System.Collections.Generic; using System.Linq; using System.Threading; using System.Threading.Tasks;\n";

    [Fact]
    public async Task SpinWaitUnderLockInParallelBody_Reports()
    {
        var source = Usings + """
            class Meter
            {
                private readonly object _sync = new object();
                public long Run(int n)
                {
                    long sum = 0;
                    Parallel.For(0, n, i =>
                    {
                        {|#0:lock (_sync)|}
                        {
                            sum += i;
                            Thread.SpinWait(120);
                        }
                    });
                    return sum;
                }
            }
            """;
        await Gil001.VerifyAnalyzerAsync(source, Gil001.Diagnostic(DiagnosticIds.SharedLockAroundCpuWork).WithLocation(0).WithArguments("_sync", "Thread.SpinWait(120) spinning the CPU", "a Parallel.For body"));
    }

    [Fact]
    public async Task ShortSpinOrSpinInsideWaitLoopUnderLock_DoesNotReport()
    {
        var source = Usings + """
            class Meter
            {
                private readonly object _sync = new object();
                private volatile bool _ready;
                public long Run(int n)
                {
                    long sum = 0;
                    Parallel.For(0, n, i =>
                    {
                        lock (_sync)
                        {
                            sum += i;
                            Thread.SpinWait(4);
                        }
                        lock (_sync)
                        {
                            while (!_ready) Thread.SpinWait(200);
                        }
                    });
                    return sum;
                }
            }
            """;
        await Gil001.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public async Task ActionsCollectedInListAndRunByParallelInvoke_Report()
    {
        var source = Usings + """
            class Mixer
            {
                private readonly object _sync = new object();
                public long FromList(int workers)
                {
                    long acc = 0;
                    Action job = () =>
                    {
                        for (int k = 0; k < 50_000; k++)
                        {
                            {|#0:lock (_sync)|}
                            {
                                for (int j = 0; j < 300; j++) acc += (k * j) % 13;
                            }
                        }
                    };
                    var jobs = new List<Action>();
                    for (int w = 0; w < workers; w++) jobs.Add(job);
                    Parallel.Invoke(jobs.ToArray());
                    return acc;
                }

                public long FromArray(int workers)
                {
                    long acc = 0;
                    Action job = () =>
                    {
                        {|#1:lock (_sync)|}
                        {
                            for (int j = 0; j < 90_000; j++) acc += j % 7;
                        }
                    };
                    var jobs = new Action[workers];
                    for (int w = 0; w < workers; w++) jobs[w] = job;
                    Parallel.Invoke(jobs);
                    return acc;
                }
            }
            """;
        await Gil001.VerifyAnalyzerAsync(
            source,
            Gil001.Diagnostic(DiagnosticIds.SharedLockAroundCpuWork).WithLocation(0).WithArguments("_sync", "for loop", "'job', run as a Parallel.Invoke action"),
            Gil001.Diagnostic(DiagnosticIds.SharedLockAroundCpuWork).WithLocation(1).WithArguments("_sync", "for loop", "'job', run as a Parallel.Invoke action"));
    }

    [Fact]
    public async Task ActionsCollectedInListButRunOneAfterAnother_DoNotReport()
    {
        var source = Usings + """
            class Mixer
            {
                private readonly object _sync = new object();
                public long Run(int workers)
                {
                    long acc = 0;
                    Action job = () =>
                    {
                        lock (_sync)
                        {
                            for (int j = 0; j < 90_000; j++) acc += j % 7;
                        }
                    };
                    var jobs = new List<Action>();
                    for (int w = 0; w < workers; w++) jobs.Add(job);
                    foreach (var j in jobs) j();
                    var others = new List<Action>();
                    others.Add(job);
                    Parallel.Invoke(() => Console.WriteLine(others.Count));
                    return acc;
                }
            }
            """;
        await Gil001.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public async Task ThreadsSpinningAsStandInWork_ReportGil003_ThreadsSpinningUntilFlag_DoNot()
    {
        var busy = Usings + """
            class Demo
            {
                public static void Run(int count)
                {
                    var threads = new Thread[count];
                    int share = 1_000_000 / count;
                    for (int t = 0; t < count; t++)
                    {
                        int from = t * share;
                        threads[t] = {|#0:new Thread(() => { for (int i = from; i < from + share; i++) Thread.SpinWait(50); })|};
                        threads[t].Start();
                    }
                    foreach (var th in threads) th.Join();
                }
            }
            """;
        var waiting = Usings + """
            class Demo
            {
                private static volatile bool _go;
                public static void Run(int count)
                {
                    var threads = new Thread[count];
                    for (int t = 0; t < count; t++)
                    {
                        threads[t] = new Thread(() => { while (!_go) Thread.SpinWait(50); Console.WriteLine("go"); });
                        threads[t].Start();
                    }
                    _go = true;
                    foreach (var th in threads) th.Join();
                }
            }
            """;
        await Gil003.VerifyAnalyzerAsync(busy, Gil003.Diagnostic(DiagnosticIds.RawThreadsCpuLoop).WithLocation(0).WithArguments("'count'", "Thread.SpinWait(50) spinning the CPU", "Parallel.For"));
        await Gil003.VerifyAnalyzerAsync(waiting);
    }

    [Fact]
    public async Task SpinLockAroundCpuWorkInParallelBody_Reports_SpinLockAroundShortUpdate_DoesNot()
    {
        var source = Usings + """
            class Sampler
            {
                private static SpinLock _spin = new SpinLock(false);
                private static double _sum;
                private static long _hits;

                public static void Heavy(int n) => Parallel.For(0, n, i =>
                {
                    bool taken = false;
                    try
                    {
                        {|#0:_spin.Enter(ref taken)|};
                        for (int k = 0; k < 40_000; k++) _sum += Math.Sqrt(k + i);
                    }
                    finally
                    {
                        if (taken) _spin.Exit();
                    }
                });

                public static void Light(int n) => Parallel.For(0, n, i =>
                {
                    double v = Math.Sqrt(i);
                    bool taken = false;
                    _spin.Enter(ref taken);
                    try { _sum += v; _hits++; }
                    finally { if (taken) _spin.Exit(false); }
                });
            }
            """;
        await Gil001.VerifyAnalyzerAsync(source, Gil001.Diagnostic(DiagnosticIds.SharedLockAroundCpuWork).WithLocation(0).WithArguments("_spin", "for loop", "a Parallel.For body"));
    }
}
