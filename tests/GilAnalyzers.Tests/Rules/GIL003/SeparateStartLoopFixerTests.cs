using System.Linq;
using GilAnalyzers.CodeFixes;
using GilAnalyzers.Tests.Verifiers;
using Microsoft.CodeAnalysis.CSharp;
using Xunit;
using VerifyCS = GilAnalyzers.Tests.Verifiers.CSharpCodeFixVerifier<GilAnalyzers.Rules.RawThreadsCpuLoopAnalyzer, GilAnalyzers.CodeFixes.RawThreadsCpuLoopFixer>;

namespace GilAnalyzers.Tests.Rules;

/// <summary>
/// Threads collected in a list by one loop, then started by a second statement (<c>list.ForEach(t =&gt; t.Start())</c>)
/// and joined by a third: the Parallel.For takes the place of the start, so declarations that only compute between the
/// creation loop and the start still run before the work. Refused when code between them does more than compute.
/// </summary>
public class SeparateStartLoopFixerTests
{
    private const string Usings = "using System; using System.Collections.Generic; using System.Threading; using System.Threading.Tasks;\n";

    [Theory]
    [InlineData(LanguageVersion.CSharp7_3)]
    [InlineData(LanguageVersion.Latest)]
    public async Task ListStartedAndJoinedWithForEach_BecomesParallelFor(LanguageVersion version)
    {
        var source = Usings + """
            class Divisors
            {
                public static int Best(int[][] slices)
                {
                    var best = new int[slices.Length];
                    var crew = new List<Thread>();
                    for (int s = 0; s < slices.Length; s++)
                    {
                        var slice = slices[s];
                        int slot = s;
                        crew.Add([|new Thread(() =>
                        {
                            int top = 0;
                            foreach (var v in slice)
                                for (int d = 1; d <= v; d++)
                                    if (v % d == 0) top = Math.Max(top, d);
                            best[slot] = top;
                        })|]);
                    }

                    var started = DateTime.Now;
                    crew.ForEach(t => t.Start());
                    crew.ForEach(t => t.Join());
                    return best[0] + (DateTime.Now - started).Milliseconds * 0;
                }
            }
            """;
        var fixedSource = Usings + """
            class Divisors
            {
                public static int Best(int[][] slices)
                {
                    var best = new int[slices.Length];

                    var started = DateTime.Now;
                    Parallel.For(0, slices.Length, s =>
                    {
                        var slice = slices[s];
                        int slot = s;
                        int top = 0;
                        foreach (var v in slice)
                            for (int d = 1; d <= v; d++)
                                if (v % d == 0) top = Math.Max(top, d);
                        best[slot] = top;
                    });
                    return best[0] + (DateTime.Now - started).Milliseconds * 0;
                }
            }
            """;
        await VerifyCS.VerifyCodeFixAsync(source, fixedSource, RawThreadsCpuLoopFixer.ParallelForPartitionsKey, version);
    }

    [Fact]
    public async Task FixAll_RewritesEveryListStartedLater()
    {
        var source = Usings + """
            class Two
            {
                static void Work(double[] d, int k)
                {
                    for (int i = k; i < d.Length; i += 3) d[i] = Math.Sqrt(d[i] + Math.Log(i + 1));
                }

                public static void A(double[] d)
                {
                    var crew = new List<Thread>();
                    for (int k = 0; k < 3; k++)
                    {
                        int mine = k;
                        crew.Add([|new Thread(() => Work(d, mine))|]);
                    }
                    int expected = d.Length * 2;
                    crew.ForEach(t => t.Start());
                    crew.ForEach(t => t.Join());
                }

                public static void B(double[] d)
                {
                    var crew = new List<Thread>();
                    for (int k = 0; k < 3; k++)
                    {
                        int mine = k;
                        crew.Add([|new Thread(() => Work(d, mine))|]);
                    }
                    foreach (var t in crew) t.Start();
                    foreach (var t in crew) t.Join();
                }
            }
            """;
        var fixedSource = Usings + """
            class Two
            {
                static void Work(double[] d, int k)
                {
                    for (int i = k; i < d.Length; i += 3) d[i] = Math.Sqrt(d[i] + Math.Log(i + 1));
                }

                public static void A(double[] d)
                {
                    int expected = d.Length * 2;
                    Parallel.For(0, 3, k =>
                    {
                        int mine = k;
                        Work(d, mine);
                    });
                }

                public static void B(double[] d)
                {
                    Parallel.For(0, 3, k =>
                    {
                        int mine = k;
                        Work(d, mine);
                    });
                }
            }
            """;
        await VerifyCS.VerifyCodeFixAsync(source, fixedSource, RawThreadsCpuLoopFixer.ParallelForPartitionsKey);
    }

    public static TheoryData<string, string> RefusedShapes => new TheoryData<string, string>
    {
        {
            "code between the creation loop and the start does I/O",
            """
            class C
            {
                static void Work(double[] d, int k)
                {
                    for (int i = k; i < d.Length; i += 3) d[i] = Math.Sqrt(d[i] + Math.Log(i + 1));
                }

                static void Run(double[] d)
                {
                    var crew = new List<Thread>();
                    for (int k = 0; k < 3; k++)
                    {
                        int mine = k;
                        crew.Add(new Thread(() => Work(d, mine)));
                    }
                    Console.WriteLine("starting");
                    crew.ForEach(t => t.Start());
                    crew.ForEach(t => t.Join());
                }
            }
            """
        },
        {
            "the start loop does more than start",
            """
            class C
            {
                static void Work(double[] d, int k)
                {
                    for (int i = k; i < d.Length; i += 3) d[i] = Math.Sqrt(d[i] + Math.Log(i + 1));
                }

                static void Run(double[] d)
                {
                    var crew = new List<Thread>();
                    for (int k = 0; k < 3; k++)
                    {
                        int mine = k;
                        crew.Add(new Thread(() => Work(d, mine)));
                    }
                    crew.ForEach(t => { t.Priority = ThreadPriority.Highest; t.Start(); });
                    crew.ForEach(t => t.Join());
                }
            }
            """
        },
        {
            "a declaration between the creation loop and the start is read later by the work through a field",
            """
            class C
            {
                static int _stride = 3;

                static void Work(double[] d, int k)
                {
                    for (int i = k; i < d.Length; i += _stride) d[i] = Math.Sqrt(d[i] + Math.Log(i + 1));
                }

                static void Run(double[] d)
                {
                    var crew = new List<Thread>();
                    for (int k = 0; k < 3; k++)
                    {
                        int mine = k;
                        crew.Add(new Thread(() => Work(d, mine)));
                    }
                    _stride = 4;
                    crew.ForEach(t => t.Start());
                    crew.ForEach(t => t.Join());
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

    /// <summary>The print and the field write stay before the work, as before the starts.</summary>
    private static readonly System.Collections.Generic.HashSet<string> RunAtJoinShapes = new()
    {
        "code between the creation loop and the start does I/O",
        "a declaration between the creation loop and the start is read later by the work through a field",
    };
}
