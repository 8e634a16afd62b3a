using Xunit;
using VerifyCS = GilAnalyzers.Tests.Verifiers.CSharpCodeFixVerifier<GilAnalyzers.Rules.HandRolledPoolFanOutAnalyzer, GilAnalyzers.CodeFixes.HandRolledPoolFanOutFixer>;

namespace GilAnalyzers.Tests.Rules;

/// <summary>
/// GIL004 when the caller learns that the work items are done by polling: each item counts itself finished
/// (Interlocked, or a plain increment under a lock) and the caller loops on that counter doing nothing but sleeping.
/// Items that only wait, a loop that does more than wait, and a counter the items do not touch stay quiet.
/// </summary>
public class PolledCounterJoinTests
{
    private const string Usings = "using System; using System.Threading;\n";

    [Fact]
    public async Task InterlockedFinishCounter_PolledWithSleep_Reports()
    {
        var source = Usings + """
            static class Leibniz
            {
                static readonly object gate = new object();
                static double pi;
                static long finished;

                static void Slice(object range)
                {
                    var bounds = (int[])range;
                    double part = 0;
                    for (int k = bounds[0]; k < bounds[1]; k++) part += (k % 2 == 0 ? 1.0 : -1.0) / (2 * k + 1);
                    lock (gate) pi += part;
                    Interlocked.Increment(ref finished);
                }

                static double Estimate(int workers, int terms)
                {
                    finished = 0;
                    int step = terms / workers;
                    for (int w = 0; w < workers; w++)
                    {
                        {|#0:ThreadPool.QueueUserWorkItem(Slice, new[] { w * step, (w + 1) * step })|};
                    }

                    while (Interlocked.Read(ref finished) < workers)
                        Thread.Sleep(50);
                    return 4 * pi;
                }
            }
            """;
        await VerifyCS.VerifyAnalyzerAsync(source,
            VerifyCS.Diagnostic(DiagnosticIds.HandRolledPoolFanOut).WithLocation(0)
                .WithArguments("'workers'", "ThreadPool.QueueUserWorkItem + pending counter polled in a sleep loop", "for loop"));
    }

    [Fact]
    public async Task PendingDecrementedUnderLock_PolledWithYield_Reports()
    {
        var source = Usings + """
            class Squares
            {
                readonly object sync = new object();
                int pending;

                public long[] Run(int[][] rows)
                {
                    var sums = new long[rows.Length];
                    pending = rows.Length;
                    for (int r = 0; r < rows.Length; r++)
                    {
                        int row = r;
                        {|#0:ThreadPool.QueueUserWorkItem(_ =>
                        {
                            long s = 0;
                            foreach (var v in rows[row]) s += (long)v * v;
                            sums[row] = s;
                            lock (sync) { pending--; }
                        })|};
                    }

                    while (pending > 0) { Thread.Yield(); }
                    return sums;
                }
            }
            """;
        await VerifyCS.VerifyAnalyzerAsync(source,
            VerifyCS.Diagnostic(DiagnosticIds.HandRolledPoolFanOut).WithLocation(0)
                .WithArguments("'rows.Length'", "ThreadPool.QueueUserWorkItem + pending counter polled in a sleep loop", "foreach loop"));
    }

    [Fact]
    public async Task ItemsThatOnlySleep_PolledCounter_NoDiagnostic()
    {
        var source = Usings + """
            static class Pauses
            {
                static int done;

                static void Run(int count)
                {
                    for (int i = 0; i < count; i++)
                    {
                        ThreadPool.QueueUserWorkItem(_ =>
                        {
                            Thread.Sleep(200);
                            Interlocked.Increment(ref done);
                        });
                    }

                    while (Volatile.Read(ref done) < count) Thread.Sleep(10);
                }
            }
            """;
        await VerifyCS.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public async Task PollingLoopThatAlsoPrints_NoDiagnostic()
    {
        var source = Usings + """
            static class Progress
            {
                static int finished;

                static void Run(int count, double[] data)
                {
                    for (int i = 0; i < count; i++)
                    {
                        int at = i;
                        ThreadPool.QueueUserWorkItem(_ =>
                        {
                            for (int k = 0; k < data.Length; k++) data[k] = Math.Sqrt(data[k] + at);
                            Interlocked.Increment(ref finished);
                        });
                    }

                    while (finished < count)
                    {
                        Console.WriteLine(finished + " of " + count);
                        Thread.Sleep(500);
                    }
                }
            }
            """;
        await VerifyCS.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public async Task LoopPollsACounterTheItemsDoNotCount_NoDiagnostic()
    {
        var source = Usings + """
            static class Unrelated
            {
                static int started;
                static int finished;

                static void Run(int count, double[] data)
                {
                    for (int i = 0; i < count; i++)
                    {
                        ThreadPool.QueueUserWorkItem(_ =>
                        {
                            Interlocked.Increment(ref started);
                            for (int k = 0; k < data.Length; k++) data[k] = Math.Sqrt(data[k]);
                        });
                    }

                    while (finished < count) Thread.Sleep(100);
                }
            }
            """;
        await VerifyCS.VerifyAnalyzerAsync(source);
    }
}
