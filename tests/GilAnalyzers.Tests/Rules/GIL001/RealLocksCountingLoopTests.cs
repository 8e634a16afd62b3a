using Xunit;
using VerifyCallee = GilAnalyzers.Tests.Verifiers.CSharpAnalyzerVerifier<GilAnalyzers.Rules.SharedLockInParallelCalleeAnalyzer>;
using VerifyCS = GilAnalyzers.Tests.Verifiers.CSharpAnalyzerVerifier<GilAnalyzers.Rules.SharedLockAroundCpuWorkAnalyzer>;

namespace GilAnalyzers.Tests.Rules;

/// <summary>
/// A lock held around a whole counting loop (the shape of many lock demonstrations in public repositories: each thread
/// takes the monitor, then counts to a hundred thousand) serialises every trip; a lock taken per trip only contends, and
/// a lock around a short constant loop (a thousand increments) holds for less than a thread's wake-up.
/// </summary>
public class RealLocksCountingLoopTests
{
    private const string Usings = "using System; using System.Threading; using System.Threading.Tasks;\n";

    [Fact]
    public async Task MonitorHeldAroundTheWholeCountingLoop_InThreadBodies_Reports()
    {
        var source = Usings + """
            static class Counting
            {
                private static int s_counter;
                private static readonly object s_gate = new object();

                public static int Run()
                {
                    var a = new Thread(Count);
                    var b = new Thread(Count);
                    a.Start(); b.Start();
                    a.Join(); b.Join();
                    return s_counter;
                }

                private static void Count()
                {
                    try
                    {
                        {|#0:Monitor.Enter(s_gate)|};
                        for (var i = 0; i < 100000; i++)
                        {
                            s_counter++;
                        }
                    }
                    finally
                    {
                        Monitor.Exit(s_gate);
                    }
                }
            }
            """;
        await VerifyCallee.VerifyAnalyzerAsync(source,
            VerifyCallee.Diagnostic(DiagnosticIds.SharedLockAroundCpuWork).WithLocation(0)
                .WithArguments("s_gate", "for loop", "'Count', called from a Thread started beside another that takes the same lock"));
    }

    [Fact]
    public async Task LockTakenPerTrip_AndInterlockedCounting_DoNotReport()
    {
        var source = Usings + """
            class Counting
            {
                private int _counter;
                private readonly object _gate = new object();

                public void Run(int n)
                {
                    Parallel.For(0, 4, _ =>
                    {
                        for (var i = 0; i < n; i++)
                        {
                            lock (_gate) { _counter++; }
                        }
                    });
                    Parallel.For(0, 4, _ =>
                    {
                        lock (_gate)
                        {
                            for (var i = 0; i < n; i++) Interlocked.Increment(ref _counter);
                        }
                    });
                }
            }
            """;
        await VerifyCS.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public async Task MutexHeldAroundAThousandIncrements_IsQuiet()
    {
        // A thousand increments are a microsecond: the threads queue for the hand-off, not for the loop.
        var source = Usings + """
            class Counting
            {
                private int _counter;
                private readonly Mutex _mutex = new Mutex();

                public void Run()
                {
                    Parallel.For(0, 16, _ =>
                    {
                        Thread.Sleep(1000);
                        _mutex.WaitOne();
                        for (int i = 0; i < 1000; ++i) ++_counter;
                        _mutex.ReleaseMutex();
                    });
                }
            }
            """;
        await VerifyCS.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public async Task LockHeldAroundTheWholeCountingLoop_InAParallelBody_Reports()
    {
        var source = Usings + """
            class Counting
            {
                private long _total;
                private readonly object _gate = new object();

                public void Run(int n)
                {
                    Parallel.For(0, 4, _ =>
                    {
                        {|#0:lock (_gate)|}
                        {
                            for (var i = 0; i < n; i++) _total += 2;
                        }
                    });
                }
            }
            """;
        await VerifyCS.VerifyAnalyzerAsync(source,
            VerifyCS.Diagnostic(DiagnosticIds.SharedLockAroundCpuWork).WithLocation(0).WithArguments("_gate", "for loop", "a Parallel.For body"));
    }
}
