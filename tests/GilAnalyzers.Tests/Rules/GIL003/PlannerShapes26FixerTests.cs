using System.Linq;
using GilAnalyzers.CodeFixes;
using GilAnalyzers.Tests.Verifiers;
using Microsoft.CodeAnalysis.CSharp;
using Xunit;
using VerifyCS = GilAnalyzers.Tests.Verifiers.CSharpCodeFixVerifier<GilAnalyzers.Rules.RawThreadsCpuLoopAnalyzer, GilAnalyzers.CodeFixes.RawThreadsCpuLoopFixer>;

namespace GilAnalyzers.Tests.Rules;

/// <summary>
/// GIL003 rewrites for the thread fan-out shapes of issue 16 that the planner used to refuse: a thread count read from
/// a field, an auto-property or an array's shape that the threads never write; a per-thread end fixed up for the last
/// thread (<c>if (p == n - 1) to = total;</c>) in the creation loop. Each is refused when the threads could change what
/// the rewrite reads once.
/// </summary>
public class PlannerShapes26FixerTests
{
    private const string Usings = "using System; using System.Collections.Generic; using System.Threading; using System.Threading.Tasks;\n";

    [Theory]
    [InlineData(LanguageVersion.CSharp7_3)]
    [InlineData(LanguageVersion.Latest)]
    public async Task CountInAStaticFieldTheThreadsNeverWrite_BecomesParallelFor(LanguageVersion version)
    {
        var source = Usings + """
            class Shades
            {
                static int Lanes = 4;
                static readonly double[] Totals = new double[64];

                static void Lane(object state)
                {
                    int lane = (int)state;
                    double acc = 0;
                    for (int k = 0; k < 100000; k++) acc += Math.Sqrt(k + lane);
                    Totals[lane] = acc;
                }

                public static void Run()
                {
                    var crew = new Thread[Lanes];
                    for (int i = 0; i < Lanes; i++)
                    {
                        crew[i] = [|new Thread(Lane)|];
                        crew[i].Start(i);
                    }
                    for (int i = 0; i < Lanes; i++) crew[i].Join();
                }
            }
            """;
        var fixedSource = Usings + """
            class Shades
            {
                static int Lanes = 4;
                static readonly double[] Totals = new double[64];

                static void Lane(object state)
                {
                    int lane = (int)state;
                    double acc = 0;
                    for (int k = 0; k < 100000; k++) acc += Math.Sqrt(k + lane);
                    Totals[lane] = acc;
                }

                public static void Run()
                {
                    Parallel.For(0, Lanes, i =>
                    {
                        Lane(i);
                    });
                }
            }
            """;
        await VerifyCS.VerifyCodeFixAsync(source, fixedSource, RawThreadsCpuLoopFixer.ParallelForPartitionsKey, version);
    }

    [Fact]
    public async Task CountFromAnAutoPropertysArrayShape_BecomesParallelFor()
    {
        var source = Usings + """
            class Picture
            {
                public float[,] Pixels { get; set; }
            }

            class Toner
            {
                private readonly Picture _picture;

                public Toner(Picture picture) { _picture = picture; }

                private void Row(object state)
                {
                    int y = (int)state;
                    for (int x = 0; x < _picture.Pixels.GetLength(1); x++)
                        for (int pass = 0; pass < 50; pass++)
                            _picture.Pixels[y, x] = (float)Math.Sqrt(_picture.Pixels[y, x] + pass);
                }

                public void Run()
                {
                    var rows = new Thread[_picture.Pixels.GetLength(0)];
                    for (int y = 0; y < _picture.Pixels.GetLength(0); y++)
                    {
                        rows[y] = [|new Thread(Row)|];
                        rows[y].Start(y);
                    }
                    foreach (var row in rows) row.Join();
                }
            }
            """;
        var fixedSource = Usings + """
            class Picture
            {
                public float[,] Pixels { get; set; }
            }

            class Toner
            {
                private readonly Picture _picture;

                public Toner(Picture picture) { _picture = picture; }

                private void Row(object state)
                {
                    int y = (int)state;
                    for (int x = 0; x < _picture.Pixels.GetLength(1); x++)
                        for (int pass = 0; pass < 50; pass++)
                            _picture.Pixels[y, x] = (float)Math.Sqrt(_picture.Pixels[y, x] + pass);
                }

                public void Run()
                {
                    Parallel.For(0, _picture.Pixels.GetLength(0), y =>
                    {
                        Row(y);
                    });
                }
            }
            """;
        await VerifyCS.VerifyCodeFixAsync(source, fixedSource, RawThreadsCpuLoopFixer.ParallelForPartitionsKey);
    }

    [Theory]
    [InlineData(LanguageVersion.CSharp7_3)]
    [InlineData(LanguageVersion.Latest)]
    public async Task LastThreadTakesTheRemainder_BecomesParallelFor(LanguageVersion version)
    {
        var source = Usings + """
            class Scaler
            {
                static void Work(double[] d, int from, int to)
                {
                    for (int i = from; i < to; i++) d[i] = Math.Sqrt(d[i]) * Math.Log(i + 2);
                }

                public static void Scale(double[] data, int parts)
                {
                    int chunk = data.Length / parts;
                    var gang = new List<Thread>();
                    for (int p = 0; p < parts; p++)
                    {
                        int from = p * chunk;
                        int to = (p + 1) * chunk;
                        if (p == parts - 1) to = data.Length;
                        gang.Add([|new Thread(() => Work(data, from, to))|]);
                        gang[p].Start();
                    }
                    foreach (var t in gang) t.Join();
                }
            }
            """;
        var fixedSource = Usings + """
            class Scaler
            {
                static void Work(double[] d, int from, int to)
                {
                    for (int i = from; i < to; i++) d[i] = Math.Sqrt(d[i]) * Math.Log(i + 2);
                }

                public static void Scale(double[] data, int parts)
                {
                    int chunk = data.Length / parts;
                    Parallel.For(0, parts, p =>
                    {
                        int from = p * chunk;
                        int to = (p + 1) * chunk;
                        if (p == parts - 1) to = data.Length;
                        Work(data, from, to);
                    });
                }
            }
            """;
        await VerifyCS.VerifyCodeFixAsync(source, fixedSource, RawThreadsCpuLoopFixer.ParallelForPartitionsKey, version);
    }

    [Fact]
    public async Task FixAll_RewritesBothShapesInTheDocument()
    {
        var source = Usings + """
            class Both
            {
                static int Lanes = 3;

                static void Lane(object state)
                {
                    int lane = (int)state;
                    double acc = 0;
                    for (int k = 0; k < 100000; k++) acc += Math.Sqrt(k + lane);
                }

                static void Work(double[] d, int from, int to)
                {
                    for (int i = from; i < to; i++) d[i] = Math.Sqrt(d[i]) * Math.Log(i + 2);
                }

                public static void A()
                {
                    var crew = new Thread[Lanes];
                    for (int i = 0; i < Lanes; i++)
                    {
                        crew[i] = [|new Thread(Lane)|];
                        crew[i].Start(i);
                    }
                    foreach (var t in crew) t.Join();
                }

                public static void B(double[] data, int parts)
                {
                    int chunk = data.Length / parts;
                    var gang = new List<Thread>();
                    for (int p = 0; p < parts; p++)
                    {
                        int from = p * chunk;
                        int to = from + chunk;
                        if (p == parts - 1) { to = data.Length; }
                        gang.Add([|new Thread(() => Work(data, from, to))|]);
                        gang[p].Start();
                    }
                    foreach (var t in gang) t.Join();
                }
            }
            """;
        var fixedSource = Usings + """
            class Both
            {
                static int Lanes = 3;

                static void Lane(object state)
                {
                    int lane = (int)state;
                    double acc = 0;
                    for (int k = 0; k < 100000; k++) acc += Math.Sqrt(k + lane);
                }

                static void Work(double[] d, int from, int to)
                {
                    for (int i = from; i < to; i++) d[i] = Math.Sqrt(d[i]) * Math.Log(i + 2);
                }

                public static void A()
                {
                    Parallel.For(0, Lanes, i =>
                    {
                        Lane(i);
                    });
                }

                public static void B(double[] data, int parts)
                {
                    int chunk = data.Length / parts;
                    Parallel.For(0, parts, p =>
                    {
                        int from = p * chunk;
                        int to = from + chunk;
                        if (p == parts - 1) { to = data.Length; }
                        Work(data, from, to);
                    });
                }
            }
            """;
        await VerifyCS.VerifyCodeFixAsync(source, fixedSource, RawThreadsCpuLoopFixer.ParallelForPartitionsKey);
    }

    public static TheoryData<string, string> RefusedShapes => new TheoryData<string, string>
    {
        {
            "the threads write the field the count is read from",
            """
            class C
            {
                static int Lanes = 4;

                static void Lane(object state)
                {
                    double acc = 0;
                    for (int k = 0; k < 100000; k++) acc += Math.Sqrt(k);
                    if (acc < 0) Lanes = 0;
                }

                static void Run()
                {
                    var crew = new Thread[4];
                    for (int i = 0; i < Lanes; i++)
                    {
                        crew[i] = new Thread(Lane);
                        crew[i].Start(i);
                    }
                    for (int i = 0; i < 4; i++) crew[i].Join();
                }
            }
            """
        },
        {
            "the count is a property whose getter runs code",
            """
            class C
            {
                static int _lanes = 4;
                static int Lanes { get { return _lanes++; } }

                static void Lane(object state)
                {
                    double acc = 0;
                    for (int k = 0; k < 100000; k++) acc += Math.Sqrt(k);
                }

                static void Run()
                {
                    var crew = new List<Thread>();
                    for (int i = 0; i < Lanes; i++)
                    {
                        crew.Add(new Thread(Lane));
                        crew[i].Start(i);
                    }
                    foreach (var t in crew) t.Join();
                }
            }
            """
        },
        {
            "the fix-up for the last thread writes a value shared by every thread",
            """
            class C
            {
                static void Work(double[] d, int from, int to)
                {
                    for (int i = from; i < to; i++) d[i] = Math.Sqrt(d[i]);
                }

                static void Scale(double[] data, int parts)
                {
                    int chunk = data.Length / parts;
                    int lastStart = 0;
                    var gang = new List<Thread>();
                    for (int p = 0; p < parts; p++)
                    {
                        int from = p * chunk;
                        int to = from + chunk;
                        if (p == parts - 1) lastStart = from;
                        gang.Add(new Thread(() => Work(data, from, to)));
                        gang[p].Start();
                    }
                    foreach (var t in gang) t.Join();
                    Console.WriteLine(lastStart);
                }
            }
            """
        },
        {
            "the fix-up for the last thread calls a method",
            """
            class C
            {
                static void Work(double[] d, int from, int to)
                {
                    for (int i = from; i < to; i++) d[i] = Math.Sqrt(d[i]);
                }

                static void Scale(double[] data, int parts)
                {
                    int chunk = data.Length / parts;
                    var gang = new List<Thread>();
                    for (int p = 0; p < parts; p++)
                    {
                        int from = p * chunk;
                        int to = from + chunk;
                        if (p == parts - 1) Console.WriteLine(to);
                        gang.Add(new Thread(() => Work(data, from, to)));
                        gang[p].Start();
                    }
                    foreach (var t in gang) t.Join();
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

    /// <summary>
    /// The fix-up stays in the creation loop, which still runs before any of the work; the loop that reads the counting
    /// getter stays too, so the getter runs as often as before (the work ignores the count).
    /// </summary>
    private static readonly System.Collections.Generic.HashSet<string> RunAtJoinShapes = new()
    {
        "the count is a property whose getter runs code",
        "the fix-up for the last thread writes a value shared by every thread",
        "the fix-up for the last thread calls a method",
    };
}
