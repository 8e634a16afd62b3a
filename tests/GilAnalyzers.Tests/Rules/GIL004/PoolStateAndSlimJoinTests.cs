using Xunit;
using VerifyCS = GilAnalyzers.Tests.Verifiers.CSharpCodeFixVerifier<GilAnalyzers.Rules.HandRolledPoolFanOutAnalyzer, GilAnalyzers.CodeFixes.HandRolledPoolFanOutFixer>;

namespace GilAnalyzers.Tests.Rules;

/// <summary>
/// GIL004 on three more ways pool code hands its join around: <c>ManualResetEventSlim</c>s waited one <c>Wait()</c> per
/// element, a state tuple taken apart by a deconstruction in the callback (<c>var (rows, done) = ((int[], ManualResetEvent))state;</c>),
/// and a <c>WaitCallback</c> kept in a field the constructor fills. Each has a look-alike that must stay quiet.
/// </summary>
public class PoolStateAndSlimJoinTests
{
    private const string Usings = "using System; using System.Collections.Generic; using System.Linq; using System.Threading; using System.Threading.Tasks;\n";

    [Fact]
    public async Task SlimEventsWaitedOneByOne_ParallelFor()
    {
        var source = Usings + """
            class Spectrum
            {
                static void Bins(double[] signal, double[] power, int bins)
                {
                    var ready = new ManualResetEventSlim[bins];
                    for (int b = 0; b < bins; b++)
                    {
                        int bin = b;
                        ready[b] = new ManualResetEventSlim(false);
                        {|#0:ThreadPool.QueueUserWorkItem(_ =>
                        {
                            double re = 0, im = 0;
                            for (int t = 0; t < signal.Length; t++)
                            {
                                re += signal[t] * Math.Cos(2 * Math.PI * bin * t / signal.Length);
                                im -= signal[t] * Math.Sin(2 * Math.PI * bin * t / signal.Length);
                            }
                            power[bin] = re * re + im * im;
                            ready[bin].Set();
                        })|};
                    }
                    for (int b = 0; b < bins; b++)
                        ready[b].Wait();
                }
            }
            """;
        var fixedSource = Usings + """
            class Spectrum
            {
                static void Bins(double[] signal, double[] power, int bins)
                {
                    Parallel.For(0, bins, b =>
                    {
                        int bin = b;
                        double re = 0, im = 0;
                        for (int t = 0; t < signal.Length; t++)
                        {
                            re += signal[t] * Math.Cos(2 * Math.PI * bin * t / signal.Length);
                            im -= signal[t] * Math.Sin(2 * Math.PI * bin * t / signal.Length);
                        }
                        power[bin] = re * re + im * im;
                    });
                }
            }
            """;
        await VerifyCS.VerifyCodeFixAsync(source, fixedSource, GilAnalyzers.CodeFixes.HandRolledPoolFanOutFixer.ParallelForKey, Microsoft.CodeAnalysis.CSharp.LanguageVersion.Latest,
            VerifyCS.Diagnostic(DiagnosticIds.HandRolledPoolFanOut).WithLocation(0)
                .WithArguments("'bins'", "ThreadPool.QueueUserWorkItem + ManualResetEvent[] + WaitOne per event", "for loop"));
    }

    [Fact]
    public async Task SlimEvents_OnlyTheFirstWaited_NoDiagnostic()
    {
        // The caller waits for one item and goes on while the others still run: not a join of the fan-out.
        var source = Usings + """
            class Spectrum
            {
                static void Bins(double[] signal, double[] power, int bins)
                {
                    var ready = new ManualResetEventSlim[bins];
                    for (int b = 0; b < bins; b++)
                    {
                        int bin = b;
                        ready[b] = new ManualResetEventSlim(false);
                        ThreadPool.QueueUserWorkItem(_ =>
                        {
                            double re = 0;
                            for (int t = 0; t < signal.Length; t++) re += signal[t] * Math.Cos(2 * Math.PI * bin * t / signal.Length);
                            power[bin] = re * re;
                            ready[bin].Set();
                        });
                    }
                    ready[0].Wait();
                }
            }
            """;
        await VerifyCS.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public async Task TupleStateDeconstructedInCallback_Reports()
    {
        var source = Usings + """
            class Primes
            {
                static void Sieve(object state)
                {
                    var (counts, slot, lo, hi, done) = ((int[], int, int, int, ManualResetEvent))state;
                    int found = 0;
                    for (int n = lo; n < hi; n++)
                    {
                        bool prime = n > 1;
                        for (int d = 2; d * d <= n && prime; d++) prime = n % d != 0;
                        if (prime) found++;
                    }
                    counts[slot] = found;
                    done.Set();
                }

                public static int Count(int limit, int parts)
                {
                    var counts = new int[parts];
                    var done = new ManualResetEvent[parts];
                    int step = limit / parts;
                    for (int p = 0; p < parts; p++)
                    {
                        done[p] = new ManualResetEvent(false);
                        {|#0:ThreadPool.QueueUserWorkItem(Sieve, (counts, p, p * step, p == parts - 1 ? limit : (p + 1) * step, done[p]))|};
                    }
                    WaitHandle.WaitAll(done);
                    return counts.Sum();
                }
            }
            """;
        // The first action runs the queued callbacks with Parallel.ForEach and keeps the join (the state is a tuple the
        // callback takes apart, so its work is not inlined).
        var fixedSource = Usings + """
            class Primes
            {
                static void Sieve(object state)
                {
                    var (counts, slot, lo, hi, done) = ((int[], int, int, int, ManualResetEvent))state;
                    int found = 0;
                    for (int n = lo; n < hi; n++)
                    {
                        bool prime = n > 1;
                        for (int d = 2; d * d <= n && prime; d++) prime = n % d != 0;
                        if (prime) found++;
                    }
                    counts[slot] = found;
                    done.Set();
                }

                public static int Count(int limit, int parts)
                {
                    var counts = new int[parts];
                    var done = new ManualResetEvent[parts];
                    int step = limit / parts;
                    var workItems = new List<(WaitCallback Callback, object State)>();
                    for (int p = 0; p < parts; p++)
                    {
                        done[p] = new ManualResetEvent(false);
                        workItems.Add((Sieve, (counts, p, p * step, p == parts - 1 ? limit : (p + 1) * step, done[p])));
                    }
                    Parallel.ForEach(workItems, item => item.Callback(item.State));
                    WaitHandle.WaitAll(done);
                    return counts.Sum();
                }
            }
            """;
        await VerifyCS.VerifyCodeFixAsync(source, fixedSource, null, Microsoft.CodeAnalysis.CSharp.LanguageVersion.Latest,
            VerifyCS.Diagnostic(DiagnosticIds.HandRolledPoolFanOut).WithLocation(0)
                .WithArguments("'parts'", "ThreadPool.QueueUserWorkItem + ManualResetEvent[] + WaitHandle.WaitAll", "nested loop, 2 levels"));
    }

    [Fact]
    public async Task TupleStateDeconstructed_EventNotTheOneWaited_NoDiagnostic()
    {
        // The item sets the event it is handed, but the caller waits on a different array: nothing joins these items.
        var source = Usings + """
            class Primes
            {
                static void Sieve(object state)
                {
                    (var counts, var slot, var done) = ((int[], int, ManualResetEvent))state;
                    int found = 0;
                    for (int n = 0; n < 1000000; n++) if (n % 7 == slot) found++;
                    counts[slot] = found;
                    done.Set();
                }

                public static void Count(int parts, ManualResetEvent[] others)
                {
                    var counts = new int[parts];
                    var done = new ManualResetEvent[parts];
                    for (int p = 0; p < parts; p++)
                    {
                        done[p] = new ManualResetEvent(false);
                        ThreadPool.QueueUserWorkItem(Sieve, (counts, p, done[p]));
                    }
                    WaitHandle.WaitAll(others);
                }
            }
            """;
        await VerifyCS.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public async Task CallbackKeptInFieldByConstructor_Reports()
    {
        var source = Usings + """
            class Scrambler
            {
                private readonly WaitCallback _work;

                public Scrambler() { _work = new WaitCallback(Scramble); }

                private static void Scramble(object state)
                {
                    var args = (object[])state;
                    var data = (int[])args[0];
                    int lo = (int)args[1], hi = (int)args[2];
                    var done = (ManualResetEvent)args[3];
                    for (int i = lo; i < hi; i++)
                    {
                        int v = data[i];
                        for (int r = 0; r < 64; r++) v = (v * 1103515245 + 12345) & 0x7fffffff;
                        data[i] = v;
                    }
                    done.Set();
                }

                public void Run(int[] data, int parts)
                {
                    var done = new ManualResetEvent[parts];
                    int step = data.Length / parts;
                    for (int p = 0; p < parts; p++)
                    {
                        done[p] = new ManualResetEvent(false);
                        {|#0:ThreadPool.QueueUserWorkItem(_work, new object[] { data, p * step, p == parts - 1 ? data.Length : (p + 1) * step, done[p] })|};
                    }
                    WaitHandle.WaitAll(done);
                }
            }
            """;
        var fixedSource = Usings + """
            class Scrambler
            {
                private readonly WaitCallback _work;

                public Scrambler() { _work = new WaitCallback(Scramble); }

                private static void Scramble(object state)
                {
                    var args = (object[])state;
                    var data = (int[])args[0];
                    int lo = (int)args[1], hi = (int)args[2];
                    var done = (ManualResetEvent)args[3];
                    for (int i = lo; i < hi; i++)
                    {
                        int v = data[i];
                        for (int r = 0; r < 64; r++) v = (v * 1103515245 + 12345) & 0x7fffffff;
                        data[i] = v;
                    }
                    done.Set();
                }

                public void Run(int[] data, int parts)
                {
                    var done = new ManualResetEvent[parts];
                    int step = data.Length / parts;
                    var workItems = new List<(WaitCallback Callback, object State)>();
                    for (int p = 0; p < parts; p++)
                    {
                        done[p] = new ManualResetEvent(false);
                        workItems.Add((_work, new object[] { data, p * step, p == parts - 1 ? data.Length : (p + 1) * step, done[p] }));
                    }
                    Parallel.ForEach(workItems, item => item.Callback(item.State));
                    WaitHandle.WaitAll(done);
                }
            }
            """;
        await VerifyCS.VerifyCodeFixAsync(source, fixedSource, null, Microsoft.CodeAnalysis.CSharp.LanguageVersion.Latest,
            VerifyCS.Diagnostic(DiagnosticIds.HandRolledPoolFanOut).WithLocation(0)
                .WithArguments("'parts'", "ThreadPool.QueueUserWorkItem + ManualResetEvent[] + WaitHandle.WaitAll", "nested loop, 2 levels"));
    }

    [Fact]
    public async Task CallbackKeptInField_ItemsOnlySleep_NoDiagnostic()
    {
        // The same fan-out around a callback that waits on a device: nothing CPU-bound to spread.
        var source = Usings + """
            class Poller
            {
                private readonly WaitCallback _work;

                public Poller() { _work = new WaitCallback(Poll); }

                private static void Poll(object state)
                {
                    var args = (object[])state;
                    var done = (ManualResetEvent)args[1];
                    Thread.Sleep(250);
                    done.Set();
                }

                public void Run(int devices)
                {
                    var done = new ManualResetEvent[devices];
                    for (int d = 0; d < devices; d++)
                    {
                        done[d] = new ManualResetEvent(false);
                        ThreadPool.QueueUserWorkItem(_work, new object[] { d, done[d] });
                    }
                    WaitHandle.WaitAll(done);
                }
            }
            """;
        await VerifyCS.VerifyAnalyzerAsync(source);
    }
}
