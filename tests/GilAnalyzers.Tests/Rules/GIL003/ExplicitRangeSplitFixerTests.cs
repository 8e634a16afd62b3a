using GilAnalyzers.CodeFixes;
using GilAnalyzers.Tests.Verifiers;
using Microsoft.CodeAnalysis.CSharp;
using Xunit;
using VerifyCS = GilAnalyzers.Tests.Verifiers.CSharpCodeFixVerifier<GilAnalyzers.Rules.RawThreadsCpuLoopAnalyzer, GilAnalyzers.CodeFixes.RawThreadsCpuLoopFixer>;

namespace GilAnalyzers.Tests.Rules;

/// <summary>
/// A few named threads — and possibly the calling thread — each run one range of one method, the ranges following one
/// another over a whole range: <c>Parallel.For</c> over that range runs the method's loop body, balanced by the pool
/// (<c>GIL003.ParallelForRange</c>). Refused when the ranges may not cover it in order, the calls differ in anything but
/// their range, or other code runs between making the threads and joining them.
/// </summary>
public class ExplicitRangeSplitFixerTests
{
    private const string Usings = "using System; using System.Collections.Generic; using System.Threading; using System.Threading.Tasks;\n";

    private const string Triangle = """
            static void Triangle(long[] weights, long[] sums, int first, int stop)
            {
                for (int row = first; row < stop; row++)
                {
                    long acc = 0;
                    for (int col = 0; col <= row; col++) acc += weights[col] * (row - col);
                    sums[row] = acc;
                }
            }

        """;

    [Theory]
    [InlineData(LanguageVersion.CSharp7_3)]
    [InlineData(LanguageVersion.Latest)]
    public async Task HelperThreadAndCallerHalves_BecomeParallelForOverTheWholeRange(LanguageVersion version)
    {
        var source = Usings + "class Rows\n{\n" + Triangle + """
                public static void Fill(long[] weights, long[] sums)
                {
                    int split = sums.Length / 2;
                    var lower = [|new Thread(() => Triangle(weights, sums, 0, split))|];
                    lower.Start();
                    Triangle(weights, sums, split, sums.Length);
                    lower.Join();
                }
            }
            """;
        var fixedSource = Usings + "class Rows\n{\n" + Triangle + """
                public static void Fill(long[] weights, long[] sums)
                {
                    int split = sums.Length / 2;
                    Parallel.For(0, sums.Length, row =>
                    {
                        long acc = 0;
                        for (int col = 0; col <= row; col++) acc += weights[col] * (row - col);
                        sums[row] = acc;
                    });
                }
            }
            """;
        await VerifyCS.VerifyCodeFixAsync(source, fixedSource, RawThreadsCpuLoopFixer.ParallelForRangeKey, version);
    }

    [Fact]
    public async Task TwoNamedThreadsAndCallerThirds_WithSumAccumulator_BecomeLocalInitParallelFor()
    {
        var source = Usings + """
            class Pairs
            {
                public static long Count(int n)
                {
                    long total = 0;
                    void Tally(int lo, int hi)
                    {
                        long found = 0;
                        for (int a = lo; a < hi; a++)
                            for (int b = 0; b < a; b++)
                                if ((a ^ b) % 7 == 0) found++;
                        Interlocked.Add(ref total, found);
                    }

                    var one = [|new Thread(() => Tally(0, n / 3))|];
                    var two = new Thread(() => Tally(n / 3, 2 * n / 3));
                    one.Start();
                    two.Start();
                    Tally(2 * n / 3, n);
                    one.Join();
                    two.Join();
                    return total;
                }
            }
            """;
        var fixedSource = Usings + """
            class Pairs
            {
                public static long Count(int n)
                {
                    long total = 0;

                    Parallel.For<long>(0, n, () => 0, (a, loopState, found) =>
                    {
                        for (int b = 0; b < a; b++)
                            if ((a ^ b) % 7 == 0) found++;
                        return found;
                    }, found =>
                    {
                        Interlocked.Add(ref total, found);
                    });
                    return total;
                }
            }
            """;
        await VerifyCS.VerifyCodeFixAsync(source, fixedSource, RawThreadsCpuLoopFixer.ParallelForRangeKey);
    }

    [Fact]
    public async Task TwoThreadsOverMidpointHalves_OfferTheRangeFirstAndParallelInvokeSecond()
    {
        var source = Usings + "class Rows\n{\n" + Triangle + """
                public static void Fill(long[] weights, long[] sums, int from, int to)
                {
                    int middle = (from + to) / 2;
                    var left = new Thread(() => Triangle(weights, sums, from, middle));
                    var right = new Thread(() => Triangle(weights, sums, middle, to));
                    left.Start();
                    right.Start();
                    left.Join();
                    right.Join();
                }
            }
            """;
        var offers = await CodeFixOffers.ForAsync(source);
        var gil003 = Assert.Single(offers, o => o.Id == DiagnosticIds.RawThreadsCpuLoop);
        Assert.Equal(new[] { RawThreadsCpuLoopFixer.ParallelForRangeKey, RawThreadsCpuLoopFixer.ParallelInvokeKey }, gil003.Keys);

        var fixedSource = Usings + "class Rows\n{\n" + Triangle + """
                public static void Fill(long[] weights, long[] sums, int from, int to)
                {
                    int middle = (from + to) / 2;
                    Parallel.For(from, to, row =>
                    {
                        long acc = 0;
                        for (int col = 0; col <= row; col++) acc += weights[col] * (row - col);
                        sums[row] = acc;
                    });
                }
            }
            """;
        await VerifyCS.VerifyCodeFixAsync(source.Replace("var left = new Thread(", "var left = [|new Thread(").Replace("middle));\n        var right", "middle))|];\n        var right"), fixedSource, RawThreadsCpuLoopFixer.ParallelForRangeKey);
    }

    [Fact]
    public async Task FixAll_RewritesEveryHelperAndCallerSplit()
    {
        var source = Usings + "class Rows\n{\n" + Triangle + """
                public static void A(long[] weights, long[] sums)
                {
                    var helper = [|new Thread(() => Triangle(weights, sums, 0, sums.Length / 2))|];
                    helper.Start();
                    Triangle(weights, sums, sums.Length / 2, sums.Length);
                    helper.Join();
                }

                public static void B(long[] weights, long[] sums, int lo, int hi)
                {
                    var helper = [|new Thread(() => Triangle(weights, sums, lo + (hi - lo) / 2, hi))|];
                    helper.Start();
                    Triangle(weights, sums, lo, lo + (hi - lo) / 2);
                    helper.Join();
                }
            }
            """;
        var fixedSource = Usings + "class Rows\n{\n" + Triangle + """
                public static void A(long[] weights, long[] sums)
                {
                    Parallel.For(0, sums.Length, row =>
                    {
                        long acc = 0;
                        for (int col = 0; col <= row; col++) acc += weights[col] * (row - col);
                        sums[row] = acc;
                    });
                }

                public static void B(long[] weights, long[] sums, int lo, int hi)
                {
                    Parallel.For(lo, hi, row =>
                    {
                        long acc = 0;
                        for (int col = 0; col <= row; col++) acc += weights[col] * (row - col);
                        sums[row] = acc;
                    });
                }
            }
            """;
        await VerifyCS.VerifyCodeFixAsync(source, fixedSource, RawThreadsCpuLoopFixer.ParallelForRangeKey);
    }

    public static TheoryData<string, string> RefusedShapes => new TheoryData<string, string>
    {
        {
            "a gap between the ranges",
            """
                public static void Fill(long[] weights, long[] sums)
                {
                    int split = sums.Length / 2;
                    var lower = new Thread(() => Triangle(weights, sums, 0, split));
                    lower.Start();
                    Triangle(weights, sums, split + 1, sums.Length);
                    lower.Join();
                }
            }
            """
        },
        {
            "a split point that may lie outside the range",
            """
                public static void Fill(long[] weights, long[] sums, int split)
                {
                    var lower = new Thread(() => Triangle(weights, sums, 0, split));
                    lower.Start();
                    Triangle(weights, sums, split, sums.Length);
                    lower.Join();
                }
            }
            """
        },
        {
            "the parts write different arrays",
            """
                public static void Fill(long[] weights, long[] sums, long[] other)
                {
                    int split = sums.Length / 2;
                    var lower = new Thread(() => Triangle(weights, sums, 0, split));
                    lower.Start();
                    Triangle(weights, other, split, sums.Length);
                    lower.Join();
                }
            }
            """
        },
        {
            "other code runs before the caller's part",
            """
                public static void Fill(long[] weights, long[] sums)
                {
                    int split = sums.Length / 2;
                    var lower = new Thread(() => Triangle(weights, sums, 0, split));
                    lower.Start();
                    Console.WriteLine("upper half");
                    Triangle(weights, sums, split, sums.Length);
                    lower.Join();
                }
            }
            """
        },
        {
            "the thread is used for more than start and join",
            """
                public static void Fill(long[] weights, long[] sums)
                {
                    int split = sums.Length / 2;
                    var lower = new Thread(() => Triangle(weights, sums, 0, split));
                    lower.Start();
                    Triangle(weights, sums, split, sums.Length);
                    lower.Join();
                    Console.WriteLine(lower.IsAlive);
                }
            }
            """
        },
        {
            "the loop body writes a field",
            """
                static int lastRow;

                static void Mark(long[] sums, int first, int stop)
                {
                    for (int row = first; row < stop; row++)
                    {
                        long acc = 0;
                        for (int col = 0; col <= row; col++) acc += col % 5;
                        sums[row] = acc;
                        lastRow = row;
                    }
                }

                public static void Fill(long[] sums)
                {
                    int split = sums.Length / 2;
                    var lower = new Thread(() => Mark(sums, 0, split));
                    lower.Start();
                    Mark(sums, split, sums.Length);
                    lower.Join();
                }
            }
            """
        },
        {
            "the work grows the list whose count bounds the range",
            """
                static void Grow(List<long> items, int first, int stop)
                {
                    for (int i = first; i < stop; i++)
                    {
                        long acc = 0;
                        for (int k = 0; k < items[i]; k++) acc += k % 3;
                        if (acc > 1000000) items.Add(acc);
                    }
                }

                public static void Fill(List<long> items)
                {
                    int split = items.Count / 2;
                    var lower = new Thread(() => Grow(items, 0, split));
                    lower.Start();
                    Grow(items, split, items.Count);
                    lower.Join();
                }
            }
            """
        },
        {
            "the loop's local would hide a local where the threads are made",
            """
                public static void Fill(long[] weights, long[] sums)
                {
                    long acc = 1;
                    int split = sums.Length / 2;
                    var lower = new Thread(() => Triangle(weights, sums, 0, split));
                    lower.Start();
                    Triangle(weights, sums, split, sums.Length);
                    lower.Join();
                    Console.WriteLine(acc);
                }
            }
            """
        },
    };

    [Theory]
    [MemberData(nameof(RefusedShapes))]
    public async Task ShapesTheRewriteCannotKeep_ReportWithoutAction(string shape, string source)
    {
        var offers = await CodeFixOffers.ForAsync(Usings + "class C\n{\n" + Triangle + source);
        var gil003 = Assert.Single(offers, o => o.Id == DiagnosticIds.RawThreadsCpuLoop);
        Assert.True(gil003.Keys.Count == 0, shape + ": offered " + string.Join(", ", gil003.Keys));
    }

    [Fact]
    public async Task CallerSplitWithAGap_NamesWhyInTheRefusal()
    {
        var source = Usings + "class C\n{\n" + Triangle + """
                public static void Fill(long[] weights, long[] sums)
                {
                    int split = sums.Length / 2;
                    var lower = new Thread(() => Triangle(weights, sums, 0, split));
                    lower.Start();
                    Triangle(weights, sums, split + 1, sums.Length);
                    lower.Join();
                }
            }
            """;
        var reason = Assert.Single(await FixRefusals.ReasonsAsync(source, DiagnosticIds.RawThreadsCpuLoop));
        Assert.Contains("GIL003-N1", reason);
        Assert.Contains("the parts are not one range split: the parts' ranges do not follow one another", reason);
    }
}
