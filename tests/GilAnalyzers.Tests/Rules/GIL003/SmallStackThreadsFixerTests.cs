using GilAnalyzers.CodeFixes;
using Xunit;
using VerifyCS = GilAnalyzers.Tests.Verifiers.CSharpCodeFixVerifier<GilAnalyzers.Rules.RawThreadsCpuLoopAnalyzer, GilAnalyzers.CodeFixes.RawThreadsCpuLoopFixer>;

namespace GilAnalyzers.Tests.Rules;

/// <summary>
/// <c>new Thread(work, maxStackSize)</c> with a constant size no larger than the default (1 MB): the size only saves
/// memory, and a pool thread (where Parallel.For runs the work) has at least the default stack, so dropping the size with
/// the thread cannot make a stack overflow more likely. The rewrite is offered as for any other worker thread; a larger
/// size (deep recursion) keeps the threads out of the rule.
/// </summary>
public class SmallStackThreadsFixerTests
{
    private const string Usings = "using System; using System.Threading; using System.Threading.Tasks;\n";

    private const string Before = """
        class Tiles
        {
            static void Blur(float[] pixels, int width, int bands)
            {
                var workers = new Thread[bands];
                int rows = pixels.Length / width / bands;
                for (int b = 0; b < bands; b++)
                {
                    int first = b * rows;
                    workers[b] = {|GIL003:new Thread(() => Band(pixels, width, first, rows), 128 * 1024)|};
                    workers[b].Start();
                }

                for (int b = 0; b < bands; b++)
                {
                    workers[b].Join();
                }
            }

            static void Band(float[] pixels, int width, int first, int rows)
            {
                for (int y = first; y < first + rows; y++)
                {
                    for (int x = 1; x < width - 1; x++)
                    {
                        int at = y * width + x;
                        pixels[at] = (pixels[at - 1] + pixels[at] + pixels[at + 1]) / 3f;
                    }
                }
            }
        }
        """;

    private const string After = """
        class Tiles
        {
            static void Blur(float[] pixels, int width, int bands)
            {
                int rows = pixels.Length / width / bands;
                Parallel.For(0, bands, b =>
                {
                    int first = b * rows;
                    Band(pixels, width, first, rows);
                });
            }

            static void Band(float[] pixels, int width, int first, int rows)
            {
                for (int y = first; y < first + rows; y++)
                {
                    for (int x = 1; x < width - 1; x++)
                    {
                        int at = y * width + x;
                        pixels[at] = (pixels[at - 1] + pixels[at] + pixels[at + 1]) / 3f;
                    }
                }
            }
        }
        """;

    [Fact]
    public async Task SmallStackThreads_RunAsParallelFor()
    {
        await VerifyCS.VerifyCodeFixAsync(Usings + Before, Usings + After, RawThreadsCpuLoopFixer.ParallelForPartitionsKey);
    }

    [Fact]
    public async Task FixAll_RewritesEverySmallStackFanOut()
    {
        var second = Before.Replace("class Tiles", "class Again").Replace("128 * 1024", "0");
        var secondAfter = After.Replace("class Tiles", "class Again");
        await VerifyCS.VerifyCodeFixAsync(Usings + Before + "\n" + second, Usings + After + "\n" + secondAfter, RawThreadsCpuLoopFixer.ParallelForPartitionsKey);
    }

    [Theory]
    [InlineData("4 * 1024 * 1024")]
    [InlineData("width")]
    public async Task LargeOrUnknownStack_NotReported(string size)
    {
        var source = Usings + Before.Replace("{|GIL003:", string.Empty).Replace("128 * 1024)|}", size + ")");
        await Verifiers.CSharpAnalyzerVerifier<GilAnalyzers.Rules.RawThreadsCpuLoopAnalyzer>.VerifyAnalyzerAsync(source);
    }
}
