using Microsoft.CodeAnalysis.CSharp;
using Xunit;
using VerifyCS = GilAnalyzers.Tests.Verifiers.CSharpAnalyzerVerifier<GilAnalyzers.Rules.RawThreadsCpuLoopAnalyzer>;

namespace GilAnalyzers.Tests.RealShapes;

/// <summary>
/// GIL003 on threading exercises whose work is a small constant known where the threads start (issue 14, the classroom
/// demonstrations of the tuned none rows): the loop bounds are parameters of the thread's body, so the cost model alone
/// sees unbounded loops, but at the start site they are constants — <c>t.Start(new int[] { 1, 20 })</c>, an argument
/// object made with <c>{ From = 0, Count = 40 }</c>, or <c>() =&gt; Add(new[] { a, a + 24 })</c> with <c>a</c> drawn from
/// the creation loop's index over four threads. Tens of iterations cost less than the threads: quiet. The same shapes
/// with millions of iterations, or with bounds the caller does not fix, are still reported.
/// </summary>
public class Threads42SmallConstantWorkTests
{
    private const string Usings = "using System; using System.Collections.Generic; using System.Threading;\n";

    private static string ArgumentObject(int count) => $$"""
        sealed class Slice
        {
            public int From { get; set; }
            public int Count { get; set; }
            public List<long> Sink { get; set; }
        }

        static class Demo
        {
            public static void Run()
            {
                var sink = new List<long>();
                ParameterizedThreadStart fill = state =>
                {
                    var slice = (Slice)state;
                    for (int k = slice.From; k < slice.From + slice.Count; k++)
                    {
                        lock (slice.Sink) slice.Sink.Add((long)k * k);
                    }
                };

                var left = {|#0:new Thread(fill)|};
                var right = new Thread(fill);
                left.Start(new Slice { From = 0, Count = {{count}}, Sink = sink });
                right.Start(new Slice { From = {{count}}, Count = {{count}}, Sink = sink });
                left.Join();
                right.Join();
            }
        }
        """;

    private static string ArrayArgument(string upper) => $$"""
        static class Adder
        {
            static long total;

            static void AddRange(object bounds)
            {
                var range = (int[])bounds;
                long sum = 0;
                for (int k = range[0]; k <= range[1]; k++)
                {
                    sum += k % 7;
                }

                Interlocked.Add(ref total, sum);
            }

            public static long Run(int limit)
            {
                var first = {|#0:new Thread(AddRange)|};
                var second = new Thread(AddRange);
                first.Start(new int[] { 1, 20 });
                second.Start(new int[] { 21, {{upper}} });
                first.Join();
                second.Join();
                return total;
            }
        }
        """;

    private static string CapturedLoopIndex(int threads, int width) => $$"""
        static class Squares
        {
            static long total;

            static void Add(int[] span)
            {
                long part = 0;
                for (int k = span[0]; k < span[1]; k++)
                {
                    part += (long)k * k;
                }

                Interlocked.Add(ref total, part);
            }

            public static long Run()
            {
                var crew = new Thread[{{threads}}];
                for (int w = 0; w < crew.Length; w++)
                {
                    int a = w * {{width}};
                    crew[w] = {|#0:new Thread(() => Add(new[] { a, a + {{width}} }))|};
                    crew[w].Start();
                }

                foreach (var t in crew) t.Join();
                return total;
            }
        }
        """;

    private static string SignalledCounters(string count) => $$"""
        sealed class Counter
        {
            public long Sum;

            public void CountUp(int count)
            {
                long sum = 0;
                for (int i = 1; i <= count; ++i)
                {
                    sum += i;
                }

                Sum = sum;
            }

            public void CountDown(int count)
            {
                long sum = 0;
                for (int j = count; j >= 1; --j)
                {
                    sum += j;
                }

                Sum = sum;
            }
        }

        static class Demo
        {
            public static void Run(int limit)
            {
                var up = new Counter();
                var down = new Counter();
                var done = new CountdownEvent(2);
                var ready = new ManualResetEventSlim();
                var first = {|#0:new Thread(() =>
                {
                    up.CountUp({{count}});
                    done.Signal();
                })|};
                var second = new Thread(() =>
                {
                    down.CountDown({{count}});
                    ready.Set();
                    done.Signal();
                });
                first.Start();
                second.Start();
                done.Wait();
            }
        }
        """;

    private static string SpinningDeposits(string spins) => $$"""
        sealed class Account
        {
            private decimal _balance;

            public void Deposit(decimal amount)
            {
                if (amount <= 0) throw new ArgumentException("positive amounts only", nameof(amount));
                decimal seen = _balance;
                Thread.SpinWait({{spins}});
                _balance = seen + amount;
            }
        }

        static class RaceDemo
        {
            public static void Run(Account account, List<decimal> amounts)
            {
                var threads = new List<Thread>();
                foreach (decimal a in amounts)
                {
                    decimal amount = a;
                    var thread = {|#0:new Thread(() => account.Deposit(amount))|};
                    threads.Add(thread);
                }

                foreach (var t in threads) t.Start();
                foreach (var t in threads) t.Join();
            }
        }
        """;

    [Fact]
    public async Task ThreadsSpinningBrieflyToProvokeARace_AreQuiet()
    {
        // A race-condition lesson: one thread per deposit, each spinning a hundred pauses between its read and its write.
        await VerifyCS.VerifyAnalyzerAsync(Usings + SpinningDeposits("100").Replace("{|#0:", "").Replace("))|};", "));"));
    }

    [Fact]
    public async Task ThreadsSpinningForLong_Report()
    {
        await VerifyCS.VerifyAnalyzerAsync(Usings + SpinningDeposits("20_000_000"),
            VerifyCS.Diagnostic(DiagnosticIds.RawThreadsCpuLoop).WithLocation(0).WithArguments("several", "calls 'Deposit' (Thread.SpinWait(20000000) spinning the CPU)", "Parallel.For"));
    }

    [Fact]
    public async Task ThreadsCountingToAConstantAndSignalling_AreQuiet()
    {
        // A classroom pair: a hundred additions each (one counting up, one down), then a CountdownEvent signal (and an
        // event set): the signals are single steps, not unknown work.
        await VerifyCS.VerifyAnalyzerAsync(Usings + SignalledCounters("100").Replace("{|#0:", "").Replace("})|};", "});"));
    }

    [Fact]
    public async Task ThreadsCountingToACallersBoundAndSignalling_Report()
    {
        await VerifyCS.VerifyAnalyzerAsync(Usings + SignalledCounters("limit"),
            VerifyCS.Diagnostic(DiagnosticIds.RawThreadsCpuLoop).WithLocation(0).WithArguments("2", "calls 'CountUp' (for loop)", "Parallel.Invoke"));
    }

    [Theory]
    [InlineData(LanguageVersion.CSharp7_3)]
    [InlineData(LanguageVersion.Latest)]
    public async Task ThreadsGivenSmallConstantArgumentObjects_AreQuiet(LanguageVersion version)
    {
        await VerifyCS.VerifyAnalyzerAsync(Usings + ArgumentObject(40).Replace("{|#0:", "").Replace(")|};", ");"), version);
    }

    [Fact]
    public async Task ThreadsGivenHugeConstantArgumentObjects_Report()
    {
        await VerifyCS.VerifyAnalyzerAsync(Usings + ArgumentObject(40_000_000),
            VerifyCS.Diagnostic(DiagnosticIds.RawThreadsCpuLoop).WithLocation(0).WithArguments("2", "for loop", "Parallel.Invoke"));
    }

    [Theory]
    [InlineData(LanguageVersion.CSharp7_3)]
    [InlineData(LanguageVersion.Latest)]
    public async Task ThreadsStartedWithSmallConstantArrays_AreQuiet(LanguageVersion version)
    {
        await VerifyCS.VerifyAnalyzerAsync(Usings + ArrayArgument("40").Replace("{|#0:", "").Replace(")|};", ");"), version);
    }

    [Fact]
    public async Task ThreadsStartedWithABoundTheCallerPicks_Report()
    {
        await VerifyCS.VerifyAnalyzerAsync(Usings + ArrayArgument("limit"),
            VerifyCS.Diagnostic(DiagnosticIds.RawThreadsCpuLoop).WithLocation(0).WithArguments("2", "for loop", "Parallel.Invoke"));
    }

    [Theory]
    [InlineData(LanguageVersion.CSharp7_3)]
    [InlineData(LanguageVersion.Latest)]
    public async Task LoopOfThreadsOverSmallConstantSpans_AreQuiet(LanguageVersion version)
    {
        await VerifyCS.VerifyAnalyzerAsync(Usings + CapturedLoopIndex(4, 25).Replace("{|#0:", "").Replace(")|};", ");"), version);
    }

    [Fact]
    public async Task LoopOfThreadsOverLargeConstantSpans_Report()
    {
        await VerifyCS.VerifyAnalyzerAsync(Usings + CapturedLoopIndex(4, 25_000_000),
            VerifyCS.Diagnostic(DiagnosticIds.RawThreadsCpuLoop).WithLocation(0).WithArguments("'crew.Length'", "calls 'Add' (for loop)", "Parallel.For"));
    }
}
