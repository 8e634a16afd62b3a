using System.Collections.Generic;
using GilAnalyzers.CodeFixes;
using GilAnalyzers.Testing.Programs;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Host.Mef;
using Microsoft.CodeAnalysis.Text;
using Xunit;
using VerifyCS = GilAnalyzers.Tests.Verifiers.CSharpCodeFixVerifier<GilAnalyzers.Rules.RawThreadsCpuLoopAnalyzer, GilAnalyzers.CodeFixes.RawThreadsCpuLoopFixer>;

namespace GilAnalyzers.Tests.Rules;

/// <summary>
/// GIL003's Parallel.Invoke for explicit threads whose delegates are ParameterizedThreadStart lambdas that ignore their
/// parameter (<c>new Thread(x =&gt; { Work(); })</c>, started without an argument), and with statements that do not touch
/// the threads between their creation and the first start (a stopwatch started just before the work).
/// </summary>
public class IgnoredParameterThreadPairFixerTests
{
    private const string Usings = "using System; using System.Collections.Generic; using System.Diagnostics; using System.Threading; using System.Threading.Tasks;\n";

    [Fact]
    public async Task IgnoredParameterLambdas_StopwatchBeforeTheStarts_ParallelInvokeAtTheFirstStart()
    {
        var source = Usings + """
            class Tally
            {
                static long up, down;

                static void Rise() { long local = 0; for (int i = 0; i < 50_000_000; i++) local += i % 3; Interlocked.Add(ref up, local); }
                static void Fall() { long local = 0; for (int i = 0; i < 50_000_000; i++) local -= i % 5; Interlocked.Add(ref down, local); }

                static long Run()
                {
                    Thread first = {|GIL003:new Thread(x =>
                    {
                        Rise();
                    })|};
                    Thread second = new Thread(x =>
                    {
                        Fall();
                    });

                    var watch = Stopwatch.StartNew();
                    first.Start(); second.Start();

                    first.Join();
                    second.Join();
                    watch.Stop();
                    return up + down + watch.ElapsedTicks * 0;
                }
            }
            """;
        var fixedSource = Usings + """
            class Tally
            {
                static long up, down;

                static void Rise() { long local = 0; for (int i = 0; i < 50_000_000; i++) local += i % 3; Interlocked.Add(ref up, local); }
                static void Fall() { long local = 0; for (int i = 0; i < 50_000_000; i++) local -= i % 5; Interlocked.Add(ref down, local); }

                static long Run()
                {

                    var watch = Stopwatch.StartNew();
                    Parallel.Invoke(() =>
                    {
                        Rise();
                    }, () =>
                    {
                        Fall();
                    });
                    watch.Stop();
                    return up + down + watch.ElapsedTicks * 0;
                }
            }
            """;
        await VerifyCS.VerifyCodeFixAsync(source, fixedSource, RawThreadsCpuLoopFixer.ParallelInvokeKey);
    }

    [Fact]
    public async Task FixAll_TwoIgnoredParameterPairs()
    {
        var source = Usings + """
            class Pairs
            {
                static long a, b;

                static void Work(ref long into, int salt) { long local = 0; for (int i = 0; i < 40_000_000; i++) local += (i ^ salt) % 7; Interlocked.Add(ref into, local); }

                static void One()
                {
                    var t1 = {|GIL003:new Thread(_ => Work(ref a, 1))|};
                    var t2 = new Thread(_ => Work(ref b, 2));
                    t1.Start();
                    t2.Start();
                    t1.Join();
                    t2.Join();
                }

                static void Two()
                {
                    var t1 = {|GIL003:new Thread(state => { Work(ref a, 3); })|};
                    var t2 = new Thread(() => Work(ref b, 4));
                    Console.WriteLine("starting");
                    t1.Start();
                    t2.Start();
                    t1.Join();
                    t2.Join();
                }
            }
            """;
        var fixedSource = Usings + """
            class Pairs
            {
                static long a, b;

                static void Work(ref long into, int salt) { long local = 0; for (int i = 0; i < 40_000_000; i++) local += (i ^ salt) % 7; Interlocked.Add(ref into, local); }

                static void One()
                {
                    Parallel.Invoke(() => Work(ref a, 1), () => Work(ref b, 2));
                }

                static void Two()
                {
                    Console.WriteLine("starting");
                    Parallel.Invoke(() => { Work(ref a, 3); }, () => Work(ref b, 4));
                }
            }
            """;
        await VerifyCS.VerifyCodeFixAsync(source, fixedSource, RawThreadsCpuLoopFixer.ParallelInvokeKey);
    }

    [Fact]
    public async Task Refusals_ParameterReadWorkBetweenStartsAndThreadTouchedBeforeTheStart()
    {
        var reasons = await FixRefusals.ReasonsAsync(Usings + """
            class Refused
            {
                static long a, b;

                static void Work(ref long into, int salt) { long local = 0; for (int i = 0; i < 40_000_000; i++) local += (i ^ salt) % 7; Interlocked.Add(ref into, local); }

                static void ReadsItsParameter()
                {
                    var t1 = new Thread(x => { if (x == null) Work(ref a, 1); });
                    var t2 = new Thread(_ => Work(ref b, 2));
                    t1.Start();
                    t2.Start();
                    t1.Join();
                    t2.Join();
                }

                static void WorkBetweenTheStarts()
                {
                    var t1 = new Thread(_ => Work(ref a, 1));
                    var t2 = new Thread(_ => Work(ref b, 2));
                    t1.Start();
                    Console.WriteLine("one started");
                    t2.Start();
                    t1.Join();
                    t2.Join();
                }

                static void ThreadTouchedBeforeTheStart()
                {
                    var t1 = new Thread(_ => Work(ref a, 1));
                    var t2 = new Thread(_ => Work(ref b, 2));
                    Console.WriteLine(t1.ManagedThreadId);
                    t1.Start();
                    t2.Start();
                    t1.Join();
                    t2.Join();
                }
            }
            """, DiagnosticIds.RawThreadsCpuLoop);
        Assert.Equal(3, reasons.Count);
        Assert.Contains("a thread delegate takes a parameter", reasons[0]);
        Assert.Contains("other code runs between creating and joining the threads", reasons[1]);
        Assert.StartsWith("GIL003-N1", reasons[2]);
        Assert.All(reasons, r => Assert.StartsWith("GIL003-N1", r));
    }
}
