using GilAnalyzers.CodeFixes;
using Xunit;
using VerifyCS = GilAnalyzers.Tests.Verifiers.CSharpCodeFixVerifier<GilAnalyzers.Rules.RawThreadsCpuLoopAnalyzer, GilAnalyzers.CodeFixes.RawThreadsCpuLoopFixer>;

namespace GilAnalyzers.Tests.Rules;

/// <summary>
/// <c>ThreadStart drain = delegate { ... }; ... new Thread(drain, 64 * 1024)</c>: the work is held in a local that nothing
/// reassigns, and the threads claim items from a shared counter. The rewrite writes the local's work in the Parallel.For
/// body (the local stays, unused); refused when a local the work declares would take a name in use where the threads are
/// made (the partition index, a local of the method).
/// </summary>
public class DelegateLocalThreadsFixerTests
{
    private const string Usings = "using System; using System.Threading; using System.Threading.Tasks;\n";

    private const string Before = """
        class Lanes
        {
            static void Stir(ulong[] cells, int lanes)
            {
                int claimed = 0;
                ThreadStart drain = delegate
                {
                    while (true)
                    {
                        int lane = Interlocked.Increment(ref claimed) - 1;
                        if (lane >= lanes)
                        {
                            break;
                        }

                        for (int r = 0; r < 1000; r++)
                        {
                            cells[lane] = cells[lane] * 6364136223846793005UL + 1442695040888963407UL;
                        }
                    }
                };

                int count = Math.Max(1, Math.Min(Environment.ProcessorCount, lanes));
                var helpers = new Thread[count];
                for (int i = 0; i < helpers.Length; i++)
                {
                    (helpers[i] = {|GIL003:new Thread(drain, 64 * 1024)|}).Start();
                }

                for (int i = 0; i < helpers.Length; i++)
                {
                    helpers[i].Join();
                }
            }
        }
        """;

    private const string After = """
        class Lanes
        {
            static void Stir(ulong[] cells, int lanes)
            {
                int claimed = 0;
                ThreadStart drain = delegate
                {
                    while (true)
                    {
                        int lane = Interlocked.Increment(ref claimed) - 1;
                        if (lane >= lanes)
                        {
                            break;
                        }

                        for (int r = 0; r < 1000; r++)
                        {
                            cells[lane] = cells[lane] * 6364136223846793005UL + 1442695040888963407UL;
                        }
                    }
                };

                int count = Math.Max(1, Math.Min(Environment.ProcessorCount, lanes));
                Parallel.For(0, count, i =>
                {
                    while (true)
                    {
                        int lane = Interlocked.Increment(ref claimed) - 1;
                        if (lane >= lanes)
                        {
                            break;
                        }

                        for (int r = 0; r < 1000; r++)
                        {
                            cells[lane] = cells[lane] * 6364136223846793005UL + 1442695040888963407UL;
                        }
                    }
                });
            }
        }
        """;

    [Fact]
    public async Task DelegateLocalWork_IsWrittenInTheParallelFor()
    {
        await VerifyCS.VerifyCodeFixAsync(Usings + Before, Usings + After, RawThreadsCpuLoopFixer.ParallelForPartitionsKey);
    }

    [Fact]
    public async Task FixAll_RewritesEveryDelegateLocalFanOut()
    {
        var second = Before.Replace("class Lanes", "class Again");
        var secondAfter = After.Replace("class Lanes", "class Again");
        await VerifyCS.VerifyCodeFixAsync(Usings + Before + "\n" + second, Usings + After + "\n" + secondAfter, RawThreadsCpuLoopFixer.ParallelForPartitionsKey);
    }

    [Fact]
    public async Task LambdaLocalStartedByALaterLoop_IsWrittenInTheParallelFor()
    {
        // Moved from RealShapesRawThreadsFixerTests' refusals ("delegate held in a local").
        const string before = """
            class C
            {
                static void Run(double[] values)
                {
                    int next = -1;
                    ThreadStart work = () => { int i; while ((i = Interlocked.Increment(ref next)) < values.Length) values[i] = Math.Sqrt(values[i]); };
                    var crew = new Thread[4];
                    for (int w = 0; w < 4; w++) crew[w] = {|GIL003:new Thread(work)|};
                    foreach (var t in crew) t.Start();
                    foreach (var t in crew) t.Join();
                }
            }
            """;
        const string after = """
            class C
            {
                static void Run(double[] values)
                {
                    int next = -1;
                    ThreadStart work = () => { int i; while ((i = Interlocked.Increment(ref next)) < values.Length) values[i] = Math.Sqrt(values[i]); };
                    Parallel.For(0, 4, w =>
                    {
                        int i;
                        while ((i = Interlocked.Increment(ref next)) < values.Length) values[i] = Math.Sqrt(values[i]);
                    });
                }
            }
            """;
        await VerifyCS.VerifyCodeFixAsync(Usings + before, Usings + after, RawThreadsCpuLoopFixer.ParallelForPartitionsKey);
    }

    [Theory]
    [InlineData("for (int r = 0; r < 1000; r++)", "for (int i = 0; i < 1000; i++)")]
    [InlineData("int count = Math.Max(", "int lane = 0;\n        int count = lane + Math.Max(")]
    public async Task DelegateLocalDeclaringANameInUseWhereTheThreadsAreMade_ReportsWithoutAction(string find, string replace)
    {
        // The partition index 'i', or a local 'lane' of the method, would clash with the work's own local.
        var source = Usings + Before.Replace("{|GIL003:", string.Empty).Replace(")|})", "))").Replace(find, replace)
            .Replace("cells[lane] = cells[lane] * 6364136223846793005UL", find.Contains("r = 0") ? "cells[lane] = cells[lane] * 6364136223846793005UL + (ulong)i" : "cells[lane] = cells[lane] * 6364136223846793005UL");
        var reason = Assert.Single(await FixRefusals.ReasonsAsync(source, DiagnosticIds.RawThreadsCpuLoop));
        Assert.Contains("would name something else where the threads are made", reason);
    }

    [Fact]
    public async Task ReassignedDelegateLocal_NotFollowed()
    {
        // The local is set again after the threads are made: which work ran is not the initializer's.
        var source = Usings + Before.Replace("{|GIL003:", string.Empty).Replace(")|})", "))")
            .Replace("        for (int i = 0; i < helpers.Length; i++)\n        {\n            helpers[i].Join();", "        drain = null;\n        for (int i = 0; i < helpers.Length; i++)\n        {\n            helpers[i].Join();");
        var reasons = await FixRefusals.ReasonsAsync(source, DiagnosticIds.RawThreadsCpuLoop);
        Assert.All(reasons, r => Assert.DoesNotContain("(fix offered)", r));
    }
}
