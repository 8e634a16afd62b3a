using GilAnalyzers.CodeFixes;
using Xunit;
using VerifyCS = GilAnalyzers.Tests.Verifiers.CSharpCodeFixVerifier<GilAnalyzers.Rules.RawThreadsCpuLoopAnalyzer, GilAnalyzers.CodeFixes.RawThreadsCpuLoopFixer>;

namespace GilAnalyzers.Tests.Rules;

/// <summary>
/// <c>threads[k] = Launch(from, to)</c> where the helper only makes the thread (maybe names it or marks it background),
/// starts it and returns it: each thread runs the helper's work with the call's arguments. The rewrite writes that work in
/// the Parallel.For body with the arguments in place of the helper's parameters. Refused when the helper does anything
/// else, when an argument could change or be converted, or when the work uses what the caller cannot name or declares a
/// name the caller already uses.
/// </summary>
public class HelperMadeThreadsFixerTests
{
    private const string Usings = "using System; using System.Threading; using System.Threading.Tasks;\n";

    private const string Helper = """
            static Thread Launch(double[] values, int from, int to)
            {
                var worker = new Thread(() => Square(values, from, to));
                worker.Name = "square " + from;
                worker.Start();
                return worker;
            }

            static void Square(double[] values, int from, int to)
            {
                for (int k = from; k < to; k++)
                {
                    values[k] = Math.Sqrt(values[k] * values[k] + 1.0);
                }
            }
        }
        """;

    private const string Before = """
        class Grid
        {
            static void Run(double[] values, int parts)
            {
                int chunk = values.Length / parts;
                var threads = new Thread[parts];
                for (int p = 0; p < parts; p++)
                {
                    int first = p * chunk;
                    int last = p == parts - 1 ? values.Length : first + chunk;
                    threads[p] = {|GIL003:Launch(values, first, last)|};
                }

                foreach (var thread in threads)
                {
                    thread.Join();
                }
            }

        """;

    private const string After = """
        class Grid
        {
            static void Run(double[] values, int parts)
            {
                int chunk = values.Length / parts;
                Parallel.For(0, parts, p =>
                {
                    int first = p * chunk;
                    int last = p == parts - 1 ? values.Length : first + chunk;
                    Square(values, first, last);
                });
            }

        """;

    [Fact]
    public async Task HelperThatMakesNamesAndStartsTheThread_RunsItsWorkInParallelFor()
    {
        await VerifyCS.VerifyCodeFixAsync(Usings + Before + Helper, Usings + After + Helper, RawThreadsCpuLoopFixer.ParallelForPartitionsKey);
    }

    [Fact]
    public async Task FixAll_RewritesEveryLoopOfHelperMadeThreads()
    {
        var second = Before.Replace("class Grid", "class Again") + Helper;
        var secondAfter = After.Replace("class Grid", "class Again") + Helper;
        await VerifyCS.VerifyCodeFixAsync(Usings + Before + Helper + "\n" + second, Usings + After + Helper + "\n" + secondAfter, RawThreadsCpuLoopFixer.ParallelForPartitionsKey);
    }

    [Fact]
    public async Task LocalFunctionHelperWithBlockWork_ArgumentsReplaceItsParameters()
    {
        const string before = """
            class Sums
            {
                static long Total(int[] data, int parts)
                {
                    long total = 0;
                    object gate = new object();
                    Thread Spawn(int lo, int hi)
                    {
                        var t = new Thread(() =>
                        {
                            long sum = 0;
                            for (int k = lo; k < hi; k++) sum += data[k] * (long)data[k];
                            lock (gate) total += sum;
                        });
                        t.Start();
                        return t;
                    }

                    int size = data.Length / parts;
                    var workers = new Thread[parts];
                    for (int p = 0; p < parts; p++)
                    {
                        int lo = p * size;
                        int hi = lo + size;
                        workers[p] = {|GIL003:Spawn(lo, hi)|};
                    }

                    for (int p = 0; p < parts; p++) workers[p].Join();
                    return total;
                }
            }
            """;
        const string after = """
            class Sums
            {
                static long Total(int[] data, int parts)
                {
                    long total = 0;
                    object gate = new object();
                    Thread Spawn(int lo, int hi)
                    {
                        var t = new Thread(() =>
                        {
                            long sum = 0;
                            for (int k = lo; k < hi; k++) sum += data[k] * (long)data[k];
                            lock (gate) total += sum;
                        });
                        t.Start();
                        return t;
                    }

                    int size = data.Length / parts;
                    Parallel.For(0, parts, p =>
                    {
                        int lo = p * size;
                        int hi = lo + size;
                        long sum = 0;
                        for (int k = lo; k < hi; k++) sum += data[k] * (long)data[k];
                        lock (gate) total += sum;
                    });
                    return total;
                }
            }
            """;
        await VerifyCS.VerifyCodeFixAsync(Usings + before, Usings + after, RawThreadsCpuLoopFixer.ParallelForPartitionsKey);
    }

    [Fact]
    public async Task HelperGivenTheLoopIndex_TheParallelIndexTakesItsPlace()
    {
        // Moved from RealShapesRawThreadsFixerTests' refusals: the helper only makes and starts the thread.
        const string before = """
            class C
            {
                static void Run(double[] values)
                {
                    var running = new System.Collections.Generic.List<Thread>();
                    for (int w = 0; w < 4; w++) running.Add({|GIL003:Launch(values, w)|});
                    foreach (var t in running) t.Join();
                }

                static Thread Launch(double[] values, int me)
                {
                    var t = new Thread(() => { for (int i = me; i < values.Length; i += 4) values[i] = Math.Sqrt(values[i]); });
                    t.Start();
                    return t;
                }
            }
            """;
        const string after = """
            class C
            {
                static void Run(double[] values)
                {
                    Parallel.For(0, 4, w =>
                    {
                        for (int i = w; i < values.Length; i += 4) values[i] = Math.Sqrt(values[i]);
                    });
                }

                static Thread Launch(double[] values, int me)
                {
                    var t = new Thread(() => { for (int i = me; i < values.Length; i += 4) values[i] = Math.Sqrt(values[i]); });
                    t.Start();
                    return t;
                }
            }
            """;
        await VerifyCS.VerifyCodeFixAsync(Usings + before, Usings + after, RawThreadsCpuLoopFixer.ParallelForPartitionsKey);
    }

    [Fact]
    public async Task HelperOfAnotherTypeCallingItsPrivateMethod_ReportsWithoutAction()
    {
        // Square is private to Pool: written in Grid, the work would not compile.
        var source = Usings + Before.Replace("{|GIL003:", string.Empty).Replace(")|};", ");").Replace("Launch(values", "Pool.Launch(values")
                     + "}\n\nstatic class Pool\n{\n" + Helper.Replace("    static Thread Launch", "    internal static Thread Launch").Replace("    static void Square", "    private static void Square");
        var offers = await Verifiers.CodeFixOffers.ForAsync(source);
        var gil003 = Assert.Single(offers, o => o.Id == DiagnosticIds.RawThreadsCpuLoop);
        Assert.True(gil003.Keys.Count == 0, "offered " + string.Join(", ", gil003.Keys));
        var reason = Assert.Single(await FixRefusals.ReasonsAsync(source, DiagnosticIds.RawThreadsCpuLoop));
        Assert.Contains("would name something else where the threads are made", reason);
    }

    [Fact]
    public async Task HelperWorkDeclaringANameTheCallerUses_ReportsWithoutAction()
    {
        // The work's own 'first' would clash with the caller's per-partition 'first'.
        var source = Usings + (Before + Helper).Replace("{|GIL003:", string.Empty).Replace(")|};", ");")
            .Replace("() => Square(values, from, to)", "() => { int first = from; Square(values, first, to); }");
        var reason = Assert.Single(await FixRefusals.ReasonsAsync(source, DiagnosticIds.RawThreadsCpuLoop));
        Assert.Contains("would name something else where the threads are made", reason);
    }

    public static TheoryData<string, string, string, string> RefusedShapes => new TheoryData<string, string, string, string>
    {
        {
            "the helper counts the threads it makes",
            "worker.Start();", "worker.Start();\n        Interlocked.Increment(ref made);",
            "the helper does more than make, label and start the thread"
        },
        {
            "the helper raises the thread's priority",
            "worker.Name = \"square \" + from;", "worker.Priority = ThreadPriority.AboveNormal;",
            "the helper does more than make, label and start the thread"
        },
        {
            "the helper's work changes its parameter",
            "() => Square(values, from, to)", "() => { if (to > values.Length) to = values.Length; Square(values, from, to); }",
            "the helper's parameter 'to' is not a plain value the work reads"
        },
        {
            "the helper clamps its parameter before making the thread",
            "var worker = new Thread(", "to = Math.Min(to, values.Length);\n        var worker = new Thread(",
            "the helper does more than make, label and start the thread"
        },
        {
            "the argument is converted to the parameter's type",
            "static Thread Launch(double[] values, int from, int to)", "static Thread Launch(double[] values, int from, long to)",
            "the argument for the helper's parameter 'to' cannot be written into the work"
        },
        {
            "the argument is computed in the call",
            "Launch(values, first, last)", "Launch(values, first, first + chunk)",
            "the argument for the helper's parameter 'to' cannot be written into the work"
        },
        {
            "the helper's work uses another local of the helper",
            "var worker = new Thread(() => Square(values, from, to));", "int end = to;\n        var worker = new Thread(() => Square(values, from, end));",
            "the helper does more than make, label and start the thread"
        },
    };

    [Theory]
    [MemberData(nameof(RefusedShapes))]
    public async Task HelpersTheRewriteCannotInline_ReportWithoutAction(string shape, string find, string replace, string why)
    {
        var helper = Helper.Replace("static void Square(", "static int made;\n\n    static void Square(");
        var source = Usings + (Before + helper).Replace("{|GIL003:", string.Empty).Replace(")|};", ");").Replace(find, replace);
        if (shape.Contains("converted"))
        {
            source = source.Replace("Square(values, from, to)", "Square(values, from, (int)to)");
        }

        var offers = await Verifiers.CodeFixOffers.ForAsync(source);
        var gil003 = Assert.Single(offers, o => o.Id == DiagnosticIds.RawThreadsCpuLoop);
        Assert.True(gil003.Keys.Count == 0, shape + ": offered " + string.Join(", ", gil003.Keys));
        var reason = Assert.Single(await FixRefusals.ReasonsAsync(source, DiagnosticIds.RawThreadsCpuLoop));
        Assert.Contains("the threads are made by the helper 'Launch'", reason);
        Assert.Contains(why, reason);
    }
}
