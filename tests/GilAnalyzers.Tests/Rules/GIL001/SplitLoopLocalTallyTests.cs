using System.Linq;
using GilAnalyzers.CodeFixes;
using GilAnalyzers.Tests.Verifiers;
using Xunit;
using VerifyCS = GilAnalyzers.Tests.Verifiers.CSharpCodeFixVerifier<GilAnalyzers.Rules.SharedLockAroundCpuWorkAnalyzer, GilAnalyzers.CodeFixes.SharedLockAroundCpuWorkFixer>;

namespace GilAnalyzers.Tests.Rules;

/// <summary>
/// A worker's own tally updated next to the shared writes (<c>rowSteps += steps;</c>): applying the writes after all the items
/// changes nothing when no item's computation reads the tally. The split used to refuse any such local; it now refuses only
/// when the computation, the value moved in front or the loop header reads it.
/// </summary>
public class SplitLoopLocalTallyTests
{
    private const string Usings = "using System;\nusing System.Collections.Generic;\nusing System.Threading.Tasks;\n";

    private static string Program(string body) => Usings + """
        static class Shade
        {
            static readonly object Gate = new object();

            static (double Value, int Steps) Trace(int x, int y)
            {
                double v = 0;
                int steps = 0;
                for (int k = 0; k < 300; k++) { v += Math.Sin(x * 0.01 + y * 0.02 + k); steps++; }
                return (v, steps);
            }

            public static long Render(double[] image, int width, int height)
            {
                long total = 0;
                double checksum = 0;
                Parallel.For(0, height, y =>
                {
                    int rowSteps = 0;
        """ + "\n" + body + "\n" + """
                    lock (Gate)
                    {
                        total += rowSteps;
                    }
                });
                return total + (long)checksum;
            }
        }
        """;

    [Fact]
    public async Task TallyOnlyWrittenByTheWrites_LoopIsSplit()
    {
        var body = """
                    {|GIL001:lock (Gate)|}
                    {
                        for (int x = 0; x < width; x++)
                        {
                            var (value, steps) = Trace(x, y);
                            image[y * width + x] = value;
                            checksum += value;
                            rowSteps += steps;
                        }
                    }
        """;
        var fixedBody = """
                    var pending = new List<(int x, double value, int steps)>();
                    try
                    {
                        for (int x = 0; x < width; x++)
                        {
                            var (value, steps) = Trace(x, y);
                            pending.Add((x, value, steps));
                        }
                    }
                    finally
                    {
                        lock (Gate)
                        {
                            foreach (var (x, value, steps) in pending)
                            {
                                image[y * width + x] = value;
                                checksum += value;
                                rowSteps += steps;
                            }
                        }
                    }
        """;
        await VerifyCS.VerifyCodeFixAsync(Program(body), Program(fixedBody), SharedLockAroundCpuWorkFixer.SplitLoopKey);
    }

    [Fact]
    public async Task TallyReadByTheNextItemsComputation_NoSplit()
    {
        // Trace(x + rowSteps % 3, y): each item's work depends on the tally the items before it left.
        var body = """
                    lock (Gate)
                    {
                        for (int x = 0; x < width; x++)
                        {
                            var (value, steps) = Trace(x + rowSteps % 3, y);
                            image[y * width + x] = value;
                            checksum += value;
                            rowSteps += steps;
                        }
                    }
        """;
        var offers = await CodeFixOffers.ForAsync(Program(body));
        Assert.DoesNotContain(offers, o => o.Keys.Contains(SharedLockAroundCpuWorkFixer.SplitLoopKey));
    }
}
