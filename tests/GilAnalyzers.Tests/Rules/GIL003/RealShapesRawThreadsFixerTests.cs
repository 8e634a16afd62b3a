using System.Linq;
using GilAnalyzers.CodeFixes;
using GilAnalyzers.Tests.Verifiers;
using Microsoft.CodeAnalysis.CSharp;
using Xunit;
using VerifyCS = GilAnalyzers.Tests.Verifiers.CSharpCodeFixVerifier<GilAnalyzers.Rules.RawThreadsCpuLoopAnalyzer, GilAnalyzers.CodeFixes.RawThreadsCpuLoopFixer>;

namespace GilAnalyzers.Tests.Rules;

/// <summary>
/// GIL003 fixes on the real-code shapes of issue 14: rewritten only when the result compiles and keeps behaviour
/// (the thread count read from the removed array is replaced by the array's size), refused otherwise.
/// </summary>
public class RealShapesRawThreadsFixerTests
{
    private const string Usings = "using System; using System.Collections.Generic; using System.Threading; using System.Threading.Tasks;\n";

    [Theory]
    [InlineData(LanguageVersion.CSharp7_3)]
    [InlineData(LanguageVersion.Latest)]
    public async Task BoundReadFromTheRemovedArray_UsesTheArraySize(LanguageVersion version)
    {
        var source = Usings + """
            class Squares
            {
                public static void Fill(double[] values, int workerCount)
                {
                    var pool = new Thread[workerCount];
                    for (int w = 0; w < pool.Length; w++)
                    {
                        int slot = w;
                        pool[w] = [|new Thread(() =>
                        {
                            for (int i = slot; i < values.Length; i += workerCount) values[i] = Math.Sqrt(values[i]);
                        })|];
                        pool[w].Start();
                    }
                    for (int w = 0; w < pool.Length; w++) pool[w].Join();
                }
            }
            """;
        var fixedSource = Usings + """
            class Squares
            {
                public static void Fill(double[] values, int workerCount)
                {
                    Parallel.For(0, workerCount, w =>
                    {
                        int slot = w;
                        for (int i = slot; i < values.Length; i += workerCount) values[i] = Math.Sqrt(values[i]);
                    });
                }
            }
            """;
        await VerifyCS.VerifyCodeFixAsync(source, fixedSource, RawThreadsCpuLoopFixer.ParallelForPartitionsKey, version);
    }

    /// <summary>
    /// The chunk size is computed from the thread array before the fan-out (<c>values.Length / crew.Length</c>): the
    /// array goes away, so that read becomes the array's size (a constant or an unchanged local) — the fix compiles.
    /// </summary>
    [Theory]
    [InlineData(LanguageVersion.CSharp7_3)]
    [InlineData(LanguageVersion.Latest)]
    public async Task LengthReadBeforeTheFanOut_BecomesTheArraySize(LanguageVersion version)
    {
        var source = Usings + """
            class Roots
            {
                public static void Fill(double[] values, int lanes)
                {
                    var crew = new Thread[lanes];
                    int chunk = values.Length / crew.Length;
                    for (int w = 0; w < crew.Length; w++)
                    {
                        int me = w;
                        crew[w] = [|new Thread(() =>
                        {
                            for (int i = me * chunk; i < (me + 1) * chunk; i++) values[i] = Math.Sqrt(values[i]);
                        })|];
                        crew[w].Start();
                    }
                    foreach (var t in crew) t.Join();
                }
            }
            """;
        var fixedSource = Usings + """
            class Roots
            {
                public static void Fill(double[] values, int lanes)
                {
                    int chunk = values.Length / lanes;
                    Parallel.For(0, lanes, w =>
                    {
                        int me = w;
                        for (int i = me * chunk; i < (me + 1) * chunk; i++) values[i] = Math.Sqrt(values[i]);
                    });
                }
            }
            """;
        await VerifyCS.VerifyCodeFixAsync(source, fixedSource, RawThreadsCpuLoopFixer.ParallelForPartitionsKey, version);
    }

    [Fact]
    public async Task StoredAndStartedInOneExpression_ParallelForPartitions()
    {
        var source = Usings + """
            class Squares
            {
                public static void Fill(double[] values, int lanes)
                {
                    var workers = new Thread[lanes];
                    for (int l = 0; l < lanes; l++)
                    {
                        int lane = l;
                        (workers[l] = [|new Thread(() => { for (int i = lane; i < values.Length; i += lanes) values[i] = Math.Sqrt(values[i]); })|]).Start();
                    }
                    foreach (var worker in workers) worker.Join();
                }
            }
            """;
        var fixedSource = Usings + """
            class Squares
            {
                public static void Fill(double[] values, int lanes)
                {
                    Parallel.For(0, lanes, l =>
                    {
                        int lane = l;
                        for (int i = lane; i < values.Length; i += lanes) values[i] = Math.Sqrt(values[i]);
                    });
                }
            }
            """;
        await VerifyCS.VerifyCodeFixAsync(source, fixedSource, RawThreadsCpuLoopFixer.ParallelForPartitionsKey);
    }

    public static TheoryData<string, string> RefusedShapes => new TheoryData<string, string>
    {
        {
            "bound read from an array whose size is not stable",
            """
            class C
            {
                static void Run(double[] values)
                {
                    var crew = new Thread[Math.Max(2, Environment.ProcessorCount - 1)];
                    for (int w = 0; w < crew.Length; w++)
                    {
                        int me = w;
                        crew[w] = new Thread(() => { for (int i = me; i < values.Length; i += 4) values[i] = Math.Sqrt(values[i]); });
                        crew[w].Start();
                    }
                    foreach (var t in crew) t.Join();
                }
            }
            """
        },
        {
            "partition count read from the thread array inside the work",
            """
            class C
            {
                static void Run(double[] values, int n)
                {
                    var crew = new Thread[n];
                    for (int w = 0; w < n; w++)
                    {
                        int me = w;
                        int stride = crew.Length;
                        crew[w] = new Thread(() => { for (int i = me; i < values.Length; i += stride) values[i] = Math.Sqrt(values[i]); });
                        crew[w].Start();
                    }
                    foreach (var t in crew) t.Join();
                }
            }
            """
        },
        {
            "thread array whose length code outside the rewrite reads, sized by a local that changes",
            """
            class C
            {
                static void Run(double[] values, int n)
                {
                    var crew = new Thread[n];
                    n = n + 1;
                    int chunk = values.Length / crew.Length;
                    for (int w = 0; w < crew.Length; w++)
                    {
                        int me = w;
                        crew[w] = new Thread(() => { for (int i = me * chunk; i < (me + 1) * chunk; i++) values[i] = Math.Sqrt(values[i]); });
                        crew[w].Start();
                    }
                    foreach (var t in crew) t.Join();
                }
            }
            """
        },
        {
            "the calling thread runs the last partition between start and join",
            """
            class C
            {
                static void Run(double[] values, int parts)
                {
                    var helpers = new Thread[parts - 1];
                    for (int p = 0; p < parts - 1; p++)
                    {
                        int part = p;
                        helpers[p] = new Thread(() => Part(values, part, parts));
                        helpers[p].Start();
                    }
                    Part(values, parts - 1, parts);
                    foreach (var h in helpers) h.Join();
                }

                static void Part(double[] values, int part, int parts) { for (int i = part; i < values.Length; i += parts) values[i] = Math.Sqrt(values[i]); }
            }
            """
        },
        {
            "threads keyed in a dictionary",
            """
            class C
            {
                static void Run(double[] values)
                {
                    var owners = new Dictionary<Thread, int>();
                    for (int w = 0; w < 4; w++)
                    {
                        int me = w;
                        var t = new Thread(() => { for (int i = me; i < values.Length; i += 4) values[i] = Math.Sqrt(values[i]); });
                        owners.Add(t, me);
                        t.Start();
                    }
                    foreach (var pair in owners) pair.Key.Join();
                }
            }
            """
        },
        {
            "threads with a priority",
            """
            class C
            {
                static void Run(double[] values)
                {
                    var crew = new Thread[4];
                    for (int w = 0; w < 4; w++)
                    {
                        int me = w;
                        crew[w] = new Thread(() => { for (int i = me; i < values.Length; i += 4) values[i] = Math.Sqrt(values[i]); }) { Priority = ThreadPriority.AboveNormal };
                        crew[w].Start();
                    }
                    foreach (var t in crew) t.Join();
                }
            }
            """
        },
        // Threads made by a LINQ query, started and joined by the next two statements, now get GIL003.ParallelForQuery
        // (QueryMadeThreadsFixerTests, which also holds the query shapes still refused).
        {
            "fan-out repeated inside an outer loop",
            """
            class C
            {
                static void Run(double[] values, int generations)
                {
                    for (int g = 0; g < generations; g++)
                    {
                        var crew = new Thread[4];
                        for (int w = 0; w < 4; w++)
                        {
                            int me = w;
                            crew[w] = new Thread(() => { for (int i = me; i < values.Length; i += 4) values[i] = Math.Sqrt(values[i] + 1); });
                            crew[w].Start();
                        }
                        foreach (var t in crew) t.Join();
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
        var offers = await CodeFixOffers.ForAsync(Usings + source);
        var gil003 = Assert.Single(offers, o => o.Id == DiagnosticIds.RawThreadsCpuLoop);
        // No partition rewrite keeps these shapes. Where the threads live in a local collection and the code around them
        // only runs before their work could, the run-at-the-join rewrite keeps that code where it is and is the only action.
        var expected = RunAtJoinShapes.Contains(shape) ? new[] { RawThreadsCpuLoopFixer.ParallelForEachAtJoinKey } : System.Array.Empty<string>();
        Assert.True(gil003.Keys.SequenceEqual(expected), shape + ": offered " + string.Join(", ", gil003.Keys));
    }

    /// <summary>The array, its size and the outer loop stay as written; each round's work runs where it was joined.</summary>
    private static readonly System.Collections.Generic.HashSet<string> RunAtJoinShapes = new()
    {
        "bound read from an array whose size is not stable",
        "partition count read from the thread array inside the work",
        "fan-out repeated inside an outer loop",
    };
}
