using GilAnalyzers.CodeFixes;
using Xunit;
using VerifyCS = GilAnalyzers.Tests.Verifiers.CSharpCodeFixVerifier<GilAnalyzers.Rules.SharedLockAroundCpuWorkAnalyzer, GilAnalyzers.CodeFixes.SharedLockAroundCpuWorkFixer>;

namespace GilAnalyzers.Tests.Rules;

/// <summary>
/// The locked work is a recursive search (a game-tree count that calls itself per move) and then one shared list add.
/// The effect analysis gave up on any recursion ("recursion or deep calls"), so nothing could leave the lock; a method
/// that calls itself is now summarised as the fixed point of its body: a pure search moves out, one that bumps a static
/// node counter (read by the report) stays.
/// </summary>
public class RecursiveWorkFixerTests
{
    private const string Usings = "using System;\nusing System.Collections.Generic;\nusing System.Threading.Tasks;\n";

    private static string Search(string counter, string bump) => """
        static class Tree
        {
        """ + counter + """

            public static long Count(int[] board, int depth)
            {
                if (depth == 0) return 1;
        """ + bump + """

                long total = 0;
                for (int square = 0; square < board.Length; square++)
                {
                    if (board[square] != 0) continue;
                    var next = (int[])board.Clone();
                    next[square] = depth % 2 == 0 ? 1 : 2;
                    total += Count(next, depth - 1);
                }
                return total;
            }
        }

        """;

    private const string Runner = """
        class C
        {
            static readonly object Gate = new object();
            static readonly List<long> Counts = new List<long>();

            static void Run(int[][] openings)
            {
                Parallel.For(0, openings.Length, i =>
                {
                    {|GIL001:lock (Gate)|}
                    {
                        long nodes = Tree.Count(openings[i], 6);
                        Counts.Add(nodes);
                    }
                });
            }
        }
        """;

    private const string FixedRunner = """
        class C
        {
            static readonly object Gate = new object();
            static readonly List<long> Counts = new List<long>();

            static void Run(int[][] openings)
            {
                Parallel.For(0, openings.Length, i =>
                {
                    long nodes = Tree.Count(openings[i], 6);
                    lock (Gate)
                    {
                        Counts.Add(nodes);
                    }
                });
            }
        }
        """;

    [Fact]
    public async Task PureRecursiveSearch_MovesOutOfTheLock()
        => await VerifyCS.VerifyCodeFixAsync(Usings + Search(string.Empty, string.Empty) + Runner, Usings + Search(string.Empty, string.Empty) + FixedRunner, SharedLockAroundCpuWorkFixer.MoveOutOfLockKey);

    [Fact]
    public async Task RecursiveSearchBumpsAStaticCounter_StaysLocked()
    {
        // Tree.Visited++ in every call: moved out of the lock, the searches would race on it.
        var source = Usings + Search("    public static long Visited;", "        Visited++;") + Runner;
        await VerifyCS.VerifyCodeFixAsync(source, source);
    }
}
