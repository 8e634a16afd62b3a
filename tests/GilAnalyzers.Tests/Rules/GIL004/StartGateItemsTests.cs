using Xunit;
using VerifyCS = GilAnalyzers.Tests.Verifiers.CSharpCodeFixVerifier<GilAnalyzers.Rules.HandRolledPoolFanOutAnalyzer, GilAnalyzers.CodeFixes.HandRolledPoolFanOutFixer>;

namespace GilAnalyzers.Tests.Rules;

/// <summary>
/// GIL004 on work items that first wait for a start gate: the caller queues every item, then opens one event so they all
/// begin together (typically to time them). Waiting once for that gate before computing is not what the items spend their
/// time on, so CPU-bound items behind a gate are still a hand-rolled fan-out. Items that wait for anything else, or wait
/// for the gate again and again, stay I/O-bound.
/// </summary>
public class StartGateItemsTests
{
    private const string Usings = "using System; using System.Threading;\n";

    [Fact]
    public async Task GateHandedOverInState_OpenedAfterQueuing_Reports()
    {
        var source = Usings + """
            static class Timed
            {
                static long total;

                static void Part(object state)
                {
                    var parts = (object[])state;
                    var go = (EventWaitHandle)parts[3];
                    go.WaitOne();
                    int from = (int)parts[0], to = (int)parts[1];
                    long sum = 0;
                    for (int i = from; i < to; i++) sum += (long)i * i;
                    Interlocked.Add(ref total, sum);
                    ((AutoResetEvent)parts[2]).Set();
                }

                static long Run(int workers, int n)
                {
                    var done = new WaitHandle[workers];
                    var go = new EventWaitHandle(false, EventResetMode.ManualReset);
                    int step = n / workers;
                    for (int w = 0; w < workers; w++)
                    {
                        var finished = new AutoResetEvent(false);
                        done[w] = finished;
                        {|#0:ThreadPool.QueueUserWorkItem(Part, new object[] { w * step, (w + 1) * step, finished, go })|};
                    }

                    go.Set();
                    WaitHandle.WaitAll(done);
                    return total;
                }
            }
            """;
        await VerifyCS.VerifyAnalyzerAsync(source,
            VerifyCS.Diagnostic(DiagnosticIds.HandRolledPoolFanOut).WithLocation(0)
                .WithArguments("'workers'", "ThreadPool.QueueUserWorkItem + ManualResetEvent[] + WaitHandle.WaitAll", "for loop"));
    }

    [Fact]
    public async Task CapturedGate_OpenedAfterQueuing_CountdownJoin_Reports()
    {
        var source = Usings + """
            class Bench
            {
                public void Run(double[][] rows)
                {
                    var start = new ManualResetEventSlim(false);
                    using (var left = new CountdownEvent(rows.Length))
                    {
                        for (int r = 0; r < rows.Length; r++)
                        {
                            int row = r;
                            {|#0:ThreadPool.QueueUserWorkItem(_ =>
                            {
                                start.Wait();
                                var values = rows[row];
                                for (int i = 0; i < values.Length; i++) values[i] = Math.Sqrt(values[i]) * Math.Log(1 + values[i]);
                                left.Signal();
                            })|};
                        }

                        start.Set();
                        left.Wait();
                    }
                }
            }
            """;
        await VerifyCS.VerifyAnalyzerAsync(source,
            VerifyCS.Diagnostic(DiagnosticIds.HandRolledPoolFanOut).WithLocation(0)
                .WithArguments("'rows.Length'", "ThreadPool.QueueUserWorkItem + CountdownEvent", "for loop"));
    }

    [Fact]
    public async Task ItemsWaitForAnEventTheCallerNeverOpens_NoDiagnostic()
    {
        var source = Usings + """
            class Relay
            {
                readonly ManualResetEvent ready = new ManualResetEvent(false);

                public void Feed() { ready.Set(); }

                public void Run(double[] data, int count)
                {
                    using (var left = new CountdownEvent(count))
                    {
                        for (int c = 0; c < count; c++)
                        {
                            ThreadPool.QueueUserWorkItem(_ =>
                            {
                                ready.WaitOne();
                                for (int i = 0; i < data.Length; i++) data[i] = Math.Sqrt(data[i]);
                                left.Signal();
                            });
                        }

                        left.Wait();
                    }
                }
            }
            """;
        await VerifyCS.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public async Task ItemsWaitForTheGateOnEveryStep_NoDiagnostic()
    {
        var source = Usings + """
            class Lockstep
            {
                public void Run(double[] data, int count, int steps)
                {
                    var tick = new AutoResetEvent(false);
                    using (var left = new CountdownEvent(count))
                    {
                        for (int c = 0; c < count; c++)
                        {
                            ThreadPool.QueueUserWorkItem(_ =>
                            {
                                for (int s = 0; s < steps; s++)
                                {
                                    tick.WaitOne();
                                    for (int i = 0; i < data.Length; i++) data[i] += 1;
                                }

                                left.Signal();
                            });
                        }

                        for (int s = 0; s < steps * count; s++) tick.Set();
                        left.Wait();
                    }
                }
            }
            """;
        await VerifyCS.VerifyAnalyzerAsync(source);
    }
}
