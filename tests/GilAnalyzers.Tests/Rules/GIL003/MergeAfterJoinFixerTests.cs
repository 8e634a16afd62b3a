using System.Linq;
using GilAnalyzers.CodeFixes;
using GilAnalyzers.Tests.Verifiers;
using Microsoft.CodeAnalysis.CSharp;
using Xunit;
using VerifyCS = GilAnalyzers.Tests.Verifiers.CSharpCodeFixVerifier<GilAnalyzers.Rules.RawThreadsCpuLoopAnalyzer, GilAnalyzers.CodeFixes.RawThreadsCpuLoopFixer>;

namespace GilAnalyzers.Tests.Rules;

/// <summary>
/// Per-partition result slots folded by the join loop (<c>threads[i].Join(); total += partial[i];</c>): the join goes,
/// the fold stays after the Parallel.For (the partitions are kept, each still writes its own slot). Refused when the
/// fold calls out or writes what the threads use.
/// </summary>
public class MergeAfterJoinFixerTests
{
    private const string Usings = "using System; using System.Collections.Generic; using System.Threading; using System.Threading.Tasks;\n";

    private const string Worker = """
            static void Count(long[] partial, int part, int size)
            {
                long s = 0;
                for (int k = part * size; k < (part + 1) * size; k++) s += (k * 31L) % 1009;
                partial[part] = s;
            }

        """;

    [Theory]
    [InlineData(LanguageVersion.CSharp7_3)]
    [InlineData(LanguageVersion.Latest)]
    public async Task JoinLoopFoldsTheSlots_KeepsTheFoldAfterParallelFor(LanguageVersion version)
    {
        var source = Usings + "class Sums\n{\n" + Worker + """
                public static long Run(int parts)
                {
                    var partial = new long[parts];
                    var workers = new Thread[parts];
                    for (int i = 0; i < parts; i++)
                    {
                        int part = i;
                        workers[i] = [|new Thread(() => Count(partial, part, 40000))|];
                        workers[i].Start();
                    }
                    long total = 0, best = 0;
                    for (int i = 0; i < workers.Length; i++)
                    {
                        workers[i].Join();
                        total += partial[i];
                        if (partial[i] > best) best = partial[i];
                    }
                    return total + best;
                }
            }
            """;
        var fixedSource = Usings + "class Sums\n{\n" + Worker + """
                public static long Run(int parts)
                {
                    var partial = new long[parts];
                    Parallel.For(0, parts, i =>
                    {
                        int part = i;
                        Count(partial, part, 40000);
                    });
                    long total = 0, best = 0;
                    for (int i = 0; i < parts; i++)
                    {
                        total += partial[i];
                        if (partial[i] > best) best = partial[i];
                    }
                    return total + best;
                }
            }
            """;
        await VerifyCS.VerifyCodeFixAsync(source, fixedSource, RawThreadsCpuLoopFixer.ParallelForPartitionsKey, version);
    }

    [Fact]
    public async Task FixAll_RewritesEveryFoldingJoinLoop()
    {
        var source = Usings + "class Sums\n{\n" + Worker + """
                public static long A()
                {
                    var partial = new long[3];
                    var workers = new Thread[3];
                    for (int i = 0; i < 3; i++)
                    {
                        int part = i;
                        workers[i] = [|new Thread(() => Count(partial, part, 100000))|];
                        workers[i].Start();
                    }
                    long total = 0;
                    for (int i = 0; i < 3; i++) { workers[i].Join(); total += partial[i]; }
                    return total;
                }

                public static long B()
                {
                    var partial = new long[4];
                    var workers = new Thread[4];
                    for (int i = 1; i < 4; i++)
                    {
                        int part = i;
                        (workers[i] = [|new Thread(() => Count(partial, part, 100000))|]).Start();
                    }
                    Count(partial, 0, 100000);
                    long total = partial[0];
                    for (int i = 1; i < workers.Length; i++)
                    {
                        workers[i].Join();
                        total += partial[i];
                    }
                    return total;
                }
            }
            """;
        var fixedSource = Usings + "class Sums\n{\n" + Worker + """
                public static long A()
                {
                    var partial = new long[3];
                    Parallel.For(0, 3, i =>
                    {
                        int part = i;
                        Count(partial, part, 100000);
                    });
                    long total = 0;
                    for (int i = 0; i < 3; i++) { total += partial[i]; }
                    return total;
                }

                public static long B()
                {
                    var partial = new long[4];
                    Parallel.For(0, 4, i =>
                    {
                        int part = i;
                        Count(partial, part, 100000);
                    });
                    long total = partial[0];
                    for (int i = 1; i < 4; i++)
                    {
                        total += partial[i];
                    }
                    return total;
                }
            }
            """;
        await VerifyCS.VerifyCodeFixAsync(source, fixedSource, RawThreadsCpuLoopFixer.ParallelForPartitionsKey);
    }

    public static TheoryData<string, string> RefusedShapes => new TheoryData<string, string>
    {
        {
            "the fold prints each partition's result as it is joined",
            """
                static void Run(int parts)
                {
                    var partial = new long[parts];
                    var workers = new Thread[parts];
                    for (int i = 0; i < parts; i++)
                    {
                        int part = i;
                        workers[i] = new Thread(() => Count(partial, part, 100000));
                        workers[i].Start();
                    }
                    for (int i = 0; i < parts; i++)
                    {
                        workers[i].Join();
                        Console.WriteLine(partial[i]);
                    }
                }
            }
            """
        },
        {
            "the fold writes a slot the threads still use",
            """
                static void Run(int parts)
                {
                    var partial = new long[parts];
                    var workers = new Thread[parts];
                    for (int i = 0; i < parts; i++)
                    {
                        int part = i;
                        workers[i] = new Thread(() => Count(partial, part, 100000));
                        workers[i].Start();
                    }
                    for (int i = 0; i < parts; i++)
                    {
                        workers[i].Join();
                        partial[0] += partial[i];
                    }
                }
            }
            """
        },
        {
            "code between the starts and the fold calls out",
            """
                static void Run(int parts)
                {
                    var partial = new long[parts];
                    var workers = new Thread[parts];
                    for (int i = 0; i < parts; i++)
                    {
                        int part = i;
                        workers[i] = new Thread(() => Count(partial, part, 100000));
                        workers[i].Start();
                    }
                    Console.WriteLine("waiting");
                    long total = 0;
                    for (int i = 0; i < parts; i++)
                    {
                        workers[i].Join();
                        total += partial[i];
                    }
                }
            }
            """
        },
    };

    [Theory]
    [MemberData(nameof(RefusedShapes))]
    public async Task ShapesTheRewriteCannotKeep_ReportWithoutAction(string shape, string source)
    {
        var offers = await CodeFixOffers.ForAsync(Usings + "class C\n{\n" + Worker + source);
        var gil003 = Assert.Single(offers, o => o.Id == DiagnosticIds.RawThreadsCpuLoop);
        // No partition rewrite keeps these shapes. Where the threads live in a local collection and the code around them
        // only runs before their work could, the run-at-the-join rewrite keeps that code where it is and is the only action.
        var expected = RunAtJoinShapes.Contains(shape) ? new[] { RawThreadsCpuLoopFixer.ParallelForEachAtJoinKey } : System.Array.Empty<string>();
        Assert.True(gil003.Keys.SequenceEqual(expected), shape + ": offered " + string.Join(", ", gil003.Keys));
    }

    /// <summary>The fold runs after all the work (one schedule of the original), each value it reads final.</summary>
    private static readonly System.Collections.Generic.HashSet<string> RunAtJoinShapes = new()
    {
        "the fold prints each partition's result as it is joined",
        "the fold writes a slot the threads still use",
        "code between the starts and the fold calls out",
    };
}
