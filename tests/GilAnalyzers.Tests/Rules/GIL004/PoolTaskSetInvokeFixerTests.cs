using GilAnalyzers.CodeFixes;
using Xunit;
using VerifyCS = GilAnalyzers.Tests.Verifiers.CSharpCodeFixVerifier<GilAnalyzers.Rules.HandRolledPoolFanOutAnalyzer, GilAnalyzers.CodeFixes.HandRolledPoolFanOutFixer>;

namespace GilAnalyzers.Tests.Rules;

/// <summary>
/// GIL004's Parallel.Invoke rewrite of a fixed set of pool tasks: <c>Task.Run</c> / <c>Task.Factory.StartNew</c> launches
/// outside any loop kept in locals declared alone, in the constant slots of an array declared alone, in a written-out
/// array or in the join itself, all waited for by one <c>Task.WaitAll</c> statement. The holders and the wait go;
/// <c>Parallel.Invoke</c> runs the work where the first task was started. Sets whose tasks return results, take a
/// token, are used for more than the wait, or leave other code running beside them keep their tasks.
/// </summary>
public class PoolTaskSetInvokeFixerTests
{
    private const string Usings = "using System; using System.Threading; using System.Threading.Tasks;\n";

    private const string Weigh = ExplicitTaskSetInvoke37FixerTests.Weights;

    [Fact]
    public async Task LocalsOfTaskRunAndStartNew_BecomeParallelInvoke()
    {
        var source = Usings + """
            class Ledger
            {
                static long north, south, east;

                public static long Total(int rounds)
                {
                    Console.WriteLine("weighing");
                    Task first = {|GIL004:Task.Run(() => { north = Weigh(1, rounds); })|};
                    var second = Task.Factory.StartNew(() => south = Weigh(2, rounds));
                    Task third = Task.Factory.StartNew(East, TaskCreationOptions.LongRunning);
                    Task.WaitAll(first, second, third);
                    return north + south + east;
                }

                static void East() => east = Weigh(3, 5000000);

            """ + Weigh + """
            }
            """;
        var fixedSource = Usings + """
            class Ledger
            {
                static long north, south, east;

                public static long Total(int rounds)
                {
                    Console.WriteLine("weighing");
                    Parallel.Invoke(() => { north = Weigh(1, rounds); }, () => south = Weigh(2, rounds), East);
                    return north + south + east;
                }

                static void East() => east = Weigh(3, 5000000);

            """ + Weigh + """
            }
            """;
        await VerifyCS.VerifyCodeFixAsync(source, fixedSource, HandRolledPoolFanOutFixer.ParallelInvokeKey);
    }

    [Fact]
    public async Task ConstantArraySlots_TheArrayGoesToo()
    {
        var source = Usings + """
            class Halves
            {
                public static long Both(int rounds)
                {
                    long left = 0, right = 0;
                    var halves = new Task[2];
                    halves[0] = {|GIL004:Task.Run(() => { left = Weigh(7, rounds); })|};
                    halves[1] = Task.Run(() => { right = Weigh(9, rounds); });
                    Task.WaitAll(halves);
                    return left + right;
                }

            """ + Weigh + """
            }
            """;
        var fixedSource = Usings + """
            class Halves
            {
                public static long Both(int rounds)
                {
                    long left = 0, right = 0;
                    Parallel.Invoke(() => { left = Weigh(7, rounds); }, () => { right = Weigh(9, rounds); });
                    return left + right;
                }

            """ + Weigh + """
            }
            """;
        await VerifyCS.VerifyCodeFixAsync(source, fixedSource, HandRolledPoolFanOutFixer.ParallelInvokeKey);
    }

    [Fact]
    public async Task TasksWrittenInTheJoin_BecomeParallelInvoke()
    {
        var source = Usings + """
            class Pair
            {
                public static long Both(int rounds)
                {
                    long a = 0, b = 0;
                    Task.WaitAll({|GIL004:Task.Run(() => { a = Weigh(7, rounds); })|}, Task.Run(() => { b = Weigh(9, rounds); }));
                    return a ^ b;
                }

            """ + Weigh + """
            }
            """;
        var fixedSource = Usings + """
            class Pair
            {
                public static long Both(int rounds)
                {
                    long a = 0, b = 0;
                    Parallel.Invoke(() => { a = Weigh(7, rounds); }, () => { b = Weigh(9, rounds); });
                    return a ^ b;
                }

            """ + Weigh + """
            }
            """;
        await VerifyCS.VerifyCodeFixAsync(source, fixedSource, HandRolledPoolFanOutFixer.ParallelInvokeKey);
    }

    [Fact]
    public async Task FixAll_TwoSetsInOneFile()
    {
        var source = Usings + """
            class Twice
            {
                public static long One(int rounds)
                {
                    long a = 0, b = 0;
                    var x = {|GIL004:Task.Run(() => { a = Weigh(1, rounds); })|};
                    var y = Task.Run(() => { b = Weigh(2, rounds); });
                    Task.WaitAll(x, y);
                    return a + b;
                }

                public static long Two(int rounds)
                {
                    long c = 0, d = 0;
                    var tasks = new[] { {|GIL004:Task.Run(() => { c = Weigh(3, rounds); })|}, Task.Run(() => { d = Weigh(4, rounds); }) };
                    Task.WaitAll(tasks);
                    return c + d;
                }

            """ + Weigh + """
            }
            """;
        var fixedSource = Usings + """
            class Twice
            {
                public static long One(int rounds)
                {
                    long a = 0, b = 0;
                    Parallel.Invoke(() => { a = Weigh(1, rounds); }, () => { b = Weigh(2, rounds); });
                    return a + b;
                }

                public static long Two(int rounds)
                {
                    long c = 0, d = 0;
                    Parallel.Invoke(() => { c = Weigh(3, rounds); }, () => { d = Weigh(4, rounds); });
                    return c + d;
                }

            """ + Weigh + """
            }
            """;
        await VerifyCS.VerifyCodeFixAsync(source, fixedSource, HandRolledPoolFanOutFixer.ParallelInvokeKey);
    }

    [Theory]
    [InlineData("results", "var x = Task.Run(() => Weigh(5, rounds)); var y = Task.Run(() => Weigh(6, rounds)); Task.WaitAll(x, y); a = x.Result; b = y.Result;")]
    [InlineData("token", "var x = Task.Run(() => { a = Weigh(5, rounds); }, CancellationToken.None); var y = Task.Run(() => { b = Weigh(6, rounds); }); Task.WaitAll(x, y);")]
    [InlineData("code between", "var x = Task.Run(() => { a = Weigh(5, rounds); }); Console.WriteLine(a); var y = Task.Run(() => { b = Weigh(6, rounds); }); Task.WaitAll(x, y);")]
    [InlineData("wait in a try", "var x = Task.Run(() => { a = Weigh(5, rounds); }); var y = Task.Run(() => { b = Weigh(6, rounds); }); try { Task.WaitAll(x, y); } catch (AggregateException) { }")]
    [InlineData("task read after the wait", "var x = Task.Run(() => { a = Weigh(5, rounds); }); var y = Task.Run(() => { b = Weigh(6, rounds); }); Task.WaitAll(x, y); Console.WriteLine(x.Status);")]
    [InlineData("task id", "var x = Task.Run(() => { a = Weigh(5, rounds) + (Task.CurrentId ?? 0); }); var y = Task.Run(() => { b = Weigh(6, rounds); }); Task.WaitAll(x, y);")]
    public async Task RefusedVariants_KeepTheTasks(string why, string statements)
    {
        var source = Usings + """
            class Refused
            {
                public static long Run(int rounds)
                {
                    long a = 0, b = 0;
                    
            """ + statements + """

                    return a + b;
                }

            """ + Weigh + """
            }
            """;
        var offers = await Verifiers.CodeFixOffers.ForAsync(source);
        var gil004 = Assert.Single(offers, o => o.Id == DiagnosticIds.HandRolledPoolFanOut);
        Assert.True(gil004.Keys.Count == 0, why + ": " + string.Join(", ", gil004.Keys));
    }
}
