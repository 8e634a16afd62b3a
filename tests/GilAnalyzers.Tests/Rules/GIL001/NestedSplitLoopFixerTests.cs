using GilAnalyzers.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Xunit;
using VerifyGil001 = GilAnalyzers.Tests.Verifiers.CSharpCodeFixVerifier<GilAnalyzers.Rules.SharedLockAroundCpuWorkAnalyzer, GilAnalyzers.CodeFixes.SharedLockAroundCpuWorkFixer>;

namespace GilAnalyzers.Tests.Rules;

/// <summary>
/// Issue 16: the split-loop rewrite on a perfect loop nest (the rows and cells of a block). Each innermost iteration
/// computes first and writes shared state at its end; the nest runs in front of the lock recording, per cell, the values
/// the writes use, and the writes are applied under the lock in the nest's order. Nests with work between their loops, or
/// whose computation reads what the writes change, stay refused.
/// </summary>
public class NestedSplitLoopFixerTests
{
    private const string Usings = "using System;\nusing System.Collections.Generic;\nusing System.Linq;\nusing System.Threading;\nusing System.Threading.Tasks;\n";

    private static string Grid(string body) => Usings + """
        class Smoother
        {
            static readonly object Gate = new object();

            static double[,] Run(double[,] source, int blocks, int size)
            {
                var result = new double[blocks * size, size];
        """ + "\n" + body + "\n" + """
                return result;
            }
        }
        """;

    [Theory]
    [InlineData(LanguageVersion.CSharp7_3)]
    [InlineData(LanguageVersion.Latest)]
    public async Task LockedBlockStencil_NestWithoutBraces_CellsComputedOutside(LanguageVersion version)
    {
        var before = """
                    Parallel.For(0, blocks, b =>
                    {
                        {|GIL001:lock (Gate)|}
                        {
                            for (int r = b * size; r < (b + 1) * size; r++)
                                for (int c = 0; c < size; c++)
                                {
                                    double acc = 0;
                                    for (int k = 0; k < 32; k++)
                                        acc += Math.Sin(source[r % source.GetLength(0), c] * k) / (k + 1);
                                    result[r, c] = acc;
                                }
                        }
                    });
            """;
        var after = """
                    Parallel.For(0, blocks, b =>
                    {
                        var pending = new List<(int r, int c, double acc)>();
                        try
                        {
                            for (int r = b * size; r < (b + 1) * size; r++)
                                for (int c = 0; c < size; c++)
                                {
                                    double acc = 0;
                                    for (int k = 0; k < 32; k++)
                                        acc += Math.Sin(source[r % source.GetLength(0), c] * k) / (k + 1);
                                    pending.Add((r, c, acc));
                                }
                        }
                        finally
                        {
                            lock (Gate)
                            {
                                foreach (var (r, c, acc) in pending)
                                {
                                    result[r, c] = acc;
                                }
                            }
                        }
                    });
            """;
        await VerifyGil001.VerifyCodeFixAsync(Grid(before), Grid(after), SharedLockAroundCpuWorkFixer.SplitLoopKey, version);
    }

    [Fact]
    public async Task NestWithWorkBetweenItsLoops_NotSplit()
    {
        // The row offset is computed between the loops: not a perfect nest, so the split (and every other action) is refused.
        var source = """
                    Parallel.For(0, blocks, b =>
                    {
                        {|GIL001:lock (Gate)|}
                        {
                            for (int r = b * size; r < (b + 1) * size; r++)
                            {
                                int row = r % source.GetLength(0);
                                for (int c = 0; c < size; c++)
                                {
                                    double acc = 0;
                                    for (int k = 0; k < 32; k++)
                                        acc += Math.Sin(source[row, c] * k) / (k + 1);
                                    result[r, c] = acc;
                                }
                            }
                        }
                    });
            """;
        await VerifyGil001.VerifyCodeFixAsync(Grid(source), Grid(source), SharedLockAroundCpuWorkFixer.SplitLoopKey);
    }

    [Fact]
    public async Task NestWhoseCellsReadEarlierWrites_NotSplit()
    {
        // Each cell reads the cell written just before it (a running prefix): computing all cells first would read stale values.
        var source = """
                    Parallel.For(0, blocks, b =>
                    {
                        {|GIL001:lock (Gate)|}
                        {
                            for (int r = b * size; r < (b + 1) * size; r++)
                            {
                                for (int c = 1; c < size; c++)
                                {
                                    double acc = result[r, c - 1];
                                    for (int k = 0; k < 32; k++)
                                        acc += Math.Sin(source[r % source.GetLength(0), c] * k) / (k + 1);
                                    result[r, c] = acc;
                                }
                            }
                        }
                    });
            """;
        await VerifyGil001.VerifyCodeFixAsync(Grid(source), Grid(source), SharedLockAroundCpuWorkFixer.SplitLoopKey);
    }
}
