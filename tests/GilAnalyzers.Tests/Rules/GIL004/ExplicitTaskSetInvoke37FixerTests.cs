using GilAnalyzers.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Xunit;
using VerifyCS = GilAnalyzers.Tests.Verifiers.CSharpCodeFixVerifier<GilAnalyzers.Rules.HandRolledPoolFanOutAnalyzer, GilAnalyzers.CodeFixes.HandRolledPoolFanOutFixer>;

namespace GilAnalyzers.Tests.Rules;

/// <summary>
/// GIL004's Parallel.Invoke rewrite of a fixed set of explicit cold tasks (issue 16): locals made with
/// <c>new Task(work)</c>, each started once by a statement of the block, then waited for by one <c>Task.WaitAll</c>.
/// The task locals, their starts and the wait go; <c>Parallel.Invoke</c> runs the work where the first task was started.
/// </summary>
public class ExplicitTaskSetInvoke37FixerTests
{
    private const string Usings = "using System; using System.Diagnostics; using System.Threading; using System.Threading.Tasks;\n";

    /// <summary>A CPU-bound helper the task sets of these tests (and of <see cref="PoolTaskSetInvokeFixerTests"/>) call.</summary>
    internal const string Weights = """
            static long Weigh(int seed, int rounds)
            {
                long acc = seed;
                for (int r = 0; r < rounds; r++) acc = (acc * 31 + r) % 1000003;
                return acc;
            }
        """;

    [Theory]
    [InlineData(LanguageVersion.CSharp7_3)]
    [InlineData(LanguageVersion.Latest)]
    public async Task ThreeTasks_BlockExpressionAndMethodGroup_BecomeParallelInvoke(LanguageVersion version)
    {
        var source = Usings + """
            class Ledger
            {
                static long north, south, east;

                public static long Total(int rounds)
                {
                    Task first = {|GIL004:new Task(() => { north = Weigh(1, rounds); })|};
                    Task second = new Task(() => south = Weigh(2, rounds));
                    Task third = new Task(East);
                    first.Start();
                    second.Start();
                    third.Start();
                    Task.WaitAll(first, second, third);
                    return north + south + east;
                }

                static void East() => east = Weigh(3, 5000000);

            """ + Weights + """
            }
            """;
        var fixedSource = Usings + """
            class Ledger
            {
                static long north, south, east;

                public static long Total(int rounds)
                {
                    Parallel.Invoke(() => { north = Weigh(1, rounds); }, () => south = Weigh(2, rounds), East);
                    return north + south + east;
                }

                static void East() => east = Weigh(3, 5000000);

            """ + Weights + """
            }
            """;
        await VerifyCS.VerifyCodeFixAsync(source, fixedSource, HandRolledPoolFanOutFixer.ParallelInvokeKey, version);
    }

    [Fact]
    public async Task CodeBetweenTheDeclarationsAndTheFirstStart_StaysBeforeTheInvoke()
    {
        var source = Usings + """
            class Survey
            {
                public static double Mean(int rounds)
                {
                    long low = 0, high = 0;
                    var lower = {|GIL004:new Task(() => { low = Weigh(7, rounds); })|};
                    var upper = new Task(() => { high = Weigh(9, rounds); });
                    var clock = Stopwatch.StartNew();
                    lower.Start();
                    upper.Start();
                    Task.WaitAll(new[] { lower, upper });
                    Console.WriteLine(clock.ElapsedMilliseconds);
                    return (low + high) / 2.0;
                }

            """ + Weights + """
            }
            """;
        var fixedSource = Usings + """
            class Survey
            {
                public static double Mean(int rounds)
                {
                    long low = 0, high = 0;
                    var clock = Stopwatch.StartNew();
                    Parallel.Invoke(() => { low = Weigh(7, rounds); }, () => { high = Weigh(9, rounds); });
                    Console.WriteLine(clock.ElapsedMilliseconds);
                    return (low + high) / 2.0;
                }

            """ + Weights + """
            }
            """;
        await VerifyCS.VerifyCodeFixAsync(source, fixedSource, HandRolledPoolFanOutFixer.ParallelInvokeKey);
    }

    [Fact]
    public async Task TaskDeclaredAfterTheFirstStart_MovesIntoTheInvoke()
    {
        var source = Usings + """
            class Relay
            {
                public static long Run(int rounds)
                {
                    long a = 0, b = 0;
                    var leg1 = {|GIL004:new Task(() => a = Weigh(11, rounds))|};
                    leg1.Start();
                    var leg2 = new Task(() => b = Weigh(13, rounds));
                    leg2.Start();
                    Task.WaitAll(leg1, leg2);
                    return a ^ b;
                }

            """ + Weights + """
            }
            """;
        var fixedSource = Usings + """
            class Relay
            {
                public static long Run(int rounds)
                {
                    long a = 0, b = 0;
                    Parallel.Invoke(() => a = Weigh(11, rounds), () => b = Weigh(13, rounds));
                    return a ^ b;
                }

            """ + Weights + """
            }
            """;
        await VerifyCS.VerifyCodeFixAsync(source, fixedSource, HandRolledPoolFanOutFixer.ParallelInvokeKey);
    }

    [Fact]
    public async Task FixAll_TwoTaskSetsInOneFile()
    {
        var source = Usings + """
            class Orchard
            {
                public static long Apples(int rounds)
                {
                    long red = 0, green = 0;
                    var r = {|GIL004:new Task(() => red = Weigh(1, rounds))|};
                    var g = new Task(() => green = Weigh(2, rounds));
                    r.Start();
                    g.Start();
                    Task.WaitAll(r, g);
                    return red + green;
                }

                public static long Pears(int rounds)
                {
                    long ripe = 0, raw = 0;
                    var p = {|GIL004:new Task(() => { ripe = Weigh(3, rounds); })|};
                    var q = new Task(() => { raw = Weigh(4, rounds); });
                    p.Start();
                    q.Start();
                    Task.WaitAll(p, q);
                    return ripe - raw;
                }

            """ + Weights + """
            }
            """;
        var fixedSource = Usings + """
            class Orchard
            {
                public static long Apples(int rounds)
                {
                    long red = 0, green = 0;
                    Parallel.Invoke(() => red = Weigh(1, rounds), () => green = Weigh(2, rounds));
                    return red + green;
                }

                public static long Pears(int rounds)
                {
                    long ripe = 0, raw = 0;
                    Parallel.Invoke(() => { ripe = Weigh(3, rounds); }, () => { raw = Weigh(4, rounds); });
                    return ripe - raw;
                }

            """ + Weights + """
            }
            """;
        await VerifyCS.VerifyCodeFixAsync(source, fixedSource, HandRolledPoolFanOutFixer.ParallelInvokeKey);
    }

    [Fact]
    public async Task InvokeIsTheFirstAction()
    {
        var source = Usings + """
            class Pair
            {
                public static long Run(int rounds)
                {
                    long a = 0, b = 0;
                    var x = new Task(() => a = Weigh(5, rounds));
                    var y = new Task(() => b = Weigh(6, rounds));
                    x.Start();
                    y.Start();
                    Task.WaitAll(x, y);
                    return a + b;
                }

            """ + Weights + """
            }
            """;
        var offers = await Verifiers.CodeFixOffers.ForAsync(source);
        var gil004 = Assert.Single(offers, o => o.Id == DiagnosticIds.HandRolledPoolFanOut);
        Assert.Equal(new[] { HandRolledPoolFanOutFixer.ParallelInvokeKey }, gil004.Keys);
    }

    /// <summary>Each variant keeps the task set reported, without an action.</summary>
    [Theory]
    [InlineData("a task read after the wait", "Task.WaitAll(x, y);\n        Console.WriteLine(x.Status);")]
    [InlineData("code between the starts and the wait", "Console.WriteLine(\"started\");\n        Task.WaitAll(x, y);")]
    [InlineData("the wait inside a try", "try { Task.WaitAll(x, y); } catch (AggregateException) { }")]
    [InlineData("a task started under a condition", "Task.WaitAll(x, y);", "if (rounds > 0) y.Start();")]
    [InlineData("a body that reads its task id", "Task.WaitAll(x, y);", "y.Start();", "() => b = Weigh(Task.CurrentId ?? 0, rounds)")]
    [InlineData("a body that reads the current scheduler", "Task.WaitAll(x, y);", "y.Start();", "() => b = Weigh(TaskScheduler.Current.Id, rounds)")]
    public async Task RefusedVariants_NoAction(string why, string wait, string secondStart = "y.Start();", string secondWork = "() => b = Weigh(6, rounds)")
    {
        var source = Usings + """
            class Pair
            {
                public static long Run(int rounds)
                {
                    long a = 0, b = 0;
                    var x = new Task(() => a = Weigh(5, rounds));
                    var y = new Task(SECOND);
                    x.Start();
                    START
                    WAIT
                    return a + b;
                }

            """ + Weights + """
            }
            """;
        source = source.Replace("SECOND", secondWork).Replace("START", secondStart).Replace("WAIT", wait);
        var offers = await Verifiers.CodeFixOffers.ForAsync(source);
        var gil004 = Assert.Single(offers, o => o.Id == DiagnosticIds.HandRolledPoolFanOut);
        Assert.True(gil004.Keys.Count == 0, why + ": " + string.Join(", ", gil004.Keys));
    }

    [Fact]
    public async Task TasksReturningResults_NoAction()
    {
        var source = Usings + """
            class Results
            {
                public static long Run(int rounds)
                {
                    var x = new Task<long>(() => Weigh(5, rounds));
                    var y = new Task<long>(() => Weigh(6, rounds));
                    x.Start();
                    y.Start();
                    Task.WaitAll(x, y);
                    return x.Result + y.Result;
                }

            """ + Weights + """
            }
            """;
        var offers = await Verifiers.CodeFixOffers.ForAsync(source);
        var gil004 = Assert.Single(offers, o => o.Id == DiagnosticIds.HandRolledPoolFanOut);
        Assert.Empty(gil004.Keys);
    }
}
