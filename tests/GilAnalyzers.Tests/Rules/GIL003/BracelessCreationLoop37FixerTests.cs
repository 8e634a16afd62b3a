using GilAnalyzers.CodeFixes;
using Xunit;
using VerifyCS = GilAnalyzers.Tests.Verifiers.CSharpCodeFixVerifier<GilAnalyzers.Rules.RawThreadsCpuLoopAnalyzer, GilAnalyzers.CodeFixes.RawThreadsCpuLoopFixer>;

namespace GilAnalyzers.Tests.Rules;

/// <summary>
/// GIL003 on a creation loop without braces (issue 16): <c>for (…) (workers[i] = new Thread(Render)).Start();</c> or
/// <c>for (…) workers[i] = new Thread(Render);</c> — the loop's one statement is its body — and an array sized by
/// <c>Environment.ProcessorCount</c> whose <c>Length</c> bounds the loop: the count is read once at process start, so the
/// Parallel.For reads the size the array was made with.
/// </summary>
public class BracelessCreationLoop37FixerTests
{
    private const string Usings = "using System;\nusing System.Threading;\n";

    private const string Tiles = """
        class Tiles
        {
            static int cursor = -1;
            static readonly long[] shade = new long[4096];

            static void Render()
            {
                int tile;
                while ((tile = Interlocked.Increment(ref cursor)) < shade.Length)
                {
                    long s = 0;
                    for (int k = 0; k < tile * 500; k++) s += (k * 31) % 17;
                    shade[tile] = s;
                }
            }

        """;

    [Fact]
    public async Task StoredAndStartedInOneExpression_ProcessorCountArray_BecomesParallelFor()
    {
        var source = Usings + Tiles + """
                public static void Run()
                {
                    var workers = new Thread[Environment.ProcessorCount];
                    for (int i = 0; i < workers.Length; i++)
                        (workers[i] = {|GIL003:new Thread(Render)|}).Start();

                    foreach (var w in workers) w.Join();
                }
            }
            """;
        var fixedSource = Usings + "using System.Threading.Tasks;\n" + Tiles + """
                public static void Run()
                {
                    Parallel.For(0, Environment.ProcessorCount, i =>
                    {
                        Render();
                    });
                }
            }
            """;
        await VerifyCS.VerifyCodeFixAsync(source, fixedSource, RawThreadsCpuLoopFixer.ParallelForPartitionsKey);
    }

    [Fact]
    public async Task CreatedWithoutBraces_StartedAndJoinedByLaterLoops_BecomesParallelFor()
    {
        var source = Usings + Tiles + """
                public static void Run(int count)
                {
                    var workers = new Thread[count];
                    for (int i = 0; i < count; i++) workers[i] = {|GIL003:new Thread(Render)|};
                    foreach (var w in workers) w.Start();
                    foreach (var w in workers) w.Join();
                }
            }
            """;
        var fixedSource = Usings + "using System.Threading.Tasks;\n" + Tiles + """
                public static void Run(int count)
                {
                    Parallel.For(0, count, i =>
                    {
                        Render();
                    });
                }
            }
            """;
        await VerifyCS.VerifyCodeFixAsync(source, fixedSource, RawThreadsCpuLoopFixer.ParallelForPartitionsKey);
    }

    [Fact]
    public async Task FixAll_BothBracelessLoops()
    {
        var source = Usings + Tiles + """
                public static void Run()
                {
                    var workers = new Thread[Environment.ProcessorCount];
                    for (int i = 0; i < workers.Length; i++)
                        (workers[i] = {|GIL003:new Thread(Render)|}).Start();

                    foreach (var w in workers) w.Join();
                }

                public static void RunSome(int count)
                {
                    var workers = new Thread[count];
                    for (int i = 0; i < count; i++) workers[i] = {|GIL003:new Thread(Render)|};
                    foreach (var w in workers) w.Start();
                    foreach (var w in workers) w.Join();
                }
            }
            """;
        var fixedSource = Usings + "using System.Threading.Tasks;\n" + Tiles + """
                public static void Run()
                {
                    Parallel.For(0, Environment.ProcessorCount, i =>
                    {
                        Render();
                    });
                }

                public static void RunSome(int count)
                {
                    Parallel.For(0, count, i =>
                    {
                        Render();
                    });
                }
            }
            """;
        await VerifyCS.VerifyCodeFixAsync(source, fixedSource, RawThreadsCpuLoopFixer.ParallelForPartitionsKey);
    }

    /// <summary>
    /// A size the rewrite cannot read again (a property whose getter runs code), and a body that reads the changing loop
    /// variable (the original races on it), keep the threads.
    /// </summary>
    [Theory]
    [InlineData("new Thread[Slots]", "(workers[i] = new Thread(Render)).Start();")]
    [InlineData("new Thread[Environment.ProcessorCount]", "(workers[i] = new Thread(() => Shade(i))).Start();")]
    public async Task RefusedVariants_NoAction(string array, string creation)
    {
        var source = Usings + Tiles + """
                static int Slots { get { Console.WriteLine("asked"); return 4; } }

                static void Shade(int from) { long s = 0; for (int k = from; k < 5000000; k++) s += k % 3; shade[from] = s; }

                public static void Run()
                {
                    var workers = ARRAY;
                    for (int i = 0; i < workers.Length; i++)
                        CREATION

                    foreach (var w in workers) w.Join();
                }
            }
            """;
        source = source.Replace("ARRAY", array).Replace("CREATION", creation);
        var reasons = await FixRefusals.ReasonsAsync(source, DiagnosticIds.RawThreadsCpuLoop);
        Assert.Contains("GIL003-N1", Assert.Single(reasons), StringComparison.Ordinal);
    }
}
