using System.Linq;
using GilAnalyzers.CodeFixes;
using GilAnalyzers.Tests.Verifiers;
using Xunit;
using VerifyCS = GilAnalyzers.Tests.Verifiers.CSharpCodeFixVerifier<GilAnalyzers.Rules.SharedLockAroundCpuWorkAnalyzer, GilAnalyzers.CodeFixes.SharedLockAroundCpuWorkFixer>;

namespace GilAnalyzers.Tests.Rules;

/// <summary>
/// A lock held around work that is itself a <c>Parallel.For</c> (a pricing call that fans out over batches): the effects
/// model now sees through <c>Parallel.For</c>/<c>ForEach</c>/<c>Invoke</c> when their delegates are lambdas written in place
/// (it runs them and returns), instead of calling the whole call opaque. A method group handed to it stays opaque.
/// </summary>
public class NestedParallelFixerTests
{
    private const string Usings = "using System;\nusing System.Collections.Generic;\nusing System.Threading.Tasks;\n";

    private static string Program(string inner, string region) => Usings + """
        static class Desk
        {
            static readonly object Book = new object();
            static readonly List<double> Quotes = new List<double>();

            static double Quote(double spot, int seed)
            {
                var partial = new double[8];
        """ + "\n" + inner + "\n" + """
                double total = 0;
                foreach (var p in partial) total += p;
                return total / 8;
            }

            static double Path(double spot, int seed, int batch)
            {
                var rng = new Random(seed * 31 + batch);
                double s = 0;
                for (int k = 0; k < 5000; k++) s += spot * Math.Exp(0.01 * (rng.NextDouble() - 0.5));
                return s / 5000;
            }

            public static void Run(double[] spots)
            {
                Parallel.For(0, spots.Length, i =>
                {
        """ + "\n" + region + "\n" + """
                });
            }
        }
        """;

    private const string Lambda = "        Parallel.For(0, 8, b => { partial[b] = Path(spot, seed, b); });";

    private const string Locked = """
                    {|GIL001:lock (Book)|}
                    {
                        Quotes.Add(Quote(spots[i], i));
                    }
        """;

    [Fact]
    public async Task LockAroundACallThatRunsParallelFor_TheCallMovesOut()
    {
        const string moved = """
                    var item = Quote(spots[i], i);
                    lock (Book)
                    {
                        Quotes.Add(item);
                    }
        """;
        await VerifyCS.VerifyCodeFixAsync(Program(Lambda, Locked), Program(Lambda, moved), SharedLockAroundCpuWorkFixer.MoveOutOfLockKey);
    }

    [Fact]
    public async Task ParallelForOverAMethodGroup_StaysOpaque()
    {
        const string inner = """
                Action<int> body = b => { partial[b] = Path(spot, seed, b); };
                Parallel.For(0, 8, body);
        """;
        var offers = await CodeFixOffers.ForAsync(Program(inner, Locked).Replace("{|GIL001:", string.Empty).Replace("|}", string.Empty));
        Assert.DoesNotContain(offers, o => o.Keys.Contains(SharedLockAroundCpuWorkFixer.MoveOutOfLockKey));
    }
}
