using System.Linq;
using GilAnalyzers.CodeFixes;
using GilAnalyzers.Tests.Verifiers;
using Microsoft.CodeAnalysis;
using Xunit;
using VerifyCS = GilAnalyzers.Tests.Verifiers.CSharpCodeFixVerifier<GilAnalyzers.Rules.SharedLockAroundCpuWorkAnalyzer, GilAnalyzers.CodeFixes.SharedLockAroundCpuWorkFixer>;

namespace GilAnalyzers.Tests.Rules;

/// <summary>
/// Work behind an interface or a virtual method (<c>_scorer.Score(doc)</c>) used to stop every rewrite ("overridable or
/// external method"). Where nobody outside the compilation can add an implementation — an application, or a type not
/// visible outside its assembly — the effects are the union of the implementations the source declares, so a pure scorer
/// moves out of the lock like a plain method. A public type of a library stays open: another assembly may implement it.
/// </summary>
public class SourceDispatchFixerTests
{
    private const string Usings = "using System;\nusing System.Collections.Generic;\nusing System.Threading.Tasks;\n";

    private static string Program(string access, string extraImplementation = "") => Usings + access + """
         interface IScorer
        {
            double Score(string document);
        }

        sealed class ShingleScorer : IScorer
        {
            private readonly int _width;

            public ShingleScorer(int width) { _width = width; }

            public double Score(string document)
            {
                double sum = 0;
                for (int i = 0; i + _width <= document.Length; i++)
                {
                    for (int k = 0; k < 200; k++) sum += Math.Sqrt(document[i] * (k + 1.0));
                }

                return sum;
            }
        }

        """ + extraImplementation + """
        static class Ranking
        {
            static readonly object Gate = new object();

            public static List<double> Rank(IScorer scorer, string[] documents)
            {
                var scores = new List<double>();
                Parallel.For(0, documents.Length, i =>
                {
                    [|lock (Gate)|]
                    {
                        var score = scorer.Score(documents[i]);
                        scores.Add(score);
                    }
                });
                return scores;
            }
        }
        """;

    private const string Fixed = """
                    var score = scorer.Score(documents[i]);
                    lock (Gate)
                    {
                        scores.Add(score);
                    }
        """;

    private const string Locked = """
                    lock (Gate)
                    {
                        var score = scorer.Score(documents[i]);
                        scores.Add(score);
                    }
        """;

    private static string FixedProgram(string access, string extraImplementation = "")
        => Program(access, extraImplementation).Replace("[|", string.Empty).Replace("|]", string.Empty).Replace(Locked, Fixed);

    [Fact]
    public async Task InternalInterfaceWithOnePureImplementation_ComputationMovesOut()
    {
        var source = Program("internal").Replace("[|", "{|GIL001:").Replace("|]", "|}");
        Assert.Contains(Locked, source.Replace("{|GIL001:", string.Empty).Replace("|}", string.Empty));
        await VerifyCS.VerifyCodeFixAsync(source, FixedProgram("internal"), SharedLockAroundCpuWorkFixer.MoveOutOfLockKey);
    }

    [Fact]
    public async Task PublicInterfaceOfAnApplication_ComputationMovesOut()
    {
        var test = new VerifyCS.Test
        {
            TestCode = Program("public").Replace("[|", "{|GIL001:").Replace("|]", "|}") + "\nstatic class EntryPoint { static void Main() { } }\n",
            FixedCode = FixedProgram("public") + "\nstatic class EntryPoint { static void Main() { } }\n",
            CodeActionEquivalenceKey = SharedLockAroundCpuWorkFixer.MoveOutOfLockKey,
        };
        test.TestState.OutputKind = OutputKind.ConsoleApplication;
        test.FixedState.OutputKind = OutputKind.ConsoleApplication;
        await test.RunAsync();
    }

    [Fact]
    public async Task PublicInterfaceOfALibrary_StaysOpen()
    {
        // Another assembly may implement IScorer with anything: the call is not seen through.
        var offers = await CodeFixOffers.ForAsync(Program("public").Replace("[|", string.Empty).Replace("|]", string.Empty));
        Assert.Contains(offers, o => o.Id == "GIL001");
        Assert.DoesNotContain(offers, o => o.Keys.Contains(SharedLockAroundCpuWorkFixer.MoveOutOfLockKey));
    }

    [Fact]
    public async Task OneImplementationWritesSharedState_NoMoveOut()
    {
        // The caching scorer counts its calls in a static field: moved out of the lock, the increments would race.
        const string counting = """
            sealed class CountingScorer : IScorer
            {
                public static int Calls;

                public double Score(string document)
                {
                    Calls++;
                    double sum = 0;
                    for (int i = 0; i < document.Length; i++) sum += Math.Sqrt(document[i]);
                    return sum;
                }
            }

            """;
        var offers = await CodeFixOffers.ForAsync(Program("internal", counting).Replace("[|", string.Empty).Replace("|]", string.Empty));
        Assert.Contains(offers, o => o.Id == "GIL001");
        Assert.DoesNotContain(offers, o => o.Keys.Contains(SharedLockAroundCpuWorkFixer.MoveOutOfLockKey));
    }
}
