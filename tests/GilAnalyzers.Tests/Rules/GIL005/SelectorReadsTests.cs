using GilAnalyzers.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Testing;
using Xunit;
using VerifyCS = GilAnalyzers.Tests.Verifiers.CSharpCodeFixVerifier<GilAnalyzers.Rules.SequentialAsyncCpuWorkAnalyzer, GilAnalyzers.CodeFixes.SequentialAsyncCpuWorkFixer>;

namespace GilAnalyzers.Tests.Rules;

/// <summary>
/// GIL005's Task.Run fix when the call is a selector's whole body and reads values that could change before a task started
/// later would read them — a property of the element, a method's result, a captured local: the selector gets a block that
/// reads them first, as the call did when the selector ran, and returns the task started with what it read
/// (<c>g =&gt; { var league = g.Key; var games = g.ToList(); return Task.Run(() =&gt; RateAsync(league, games)); }</c>).
/// </summary>
public class SelectorReadsTests
{
    private const string Ratings = """
        using System; using System.Collections.Generic; using System.Linq; using System.Threading.Tasks;
        sealed class Game { public string League = ""; public int Home, Away, Goals; }
        static class Ratings
        {
            public static async Task<double> RateAsync(string league, List<Game> games, int rounds)
            {
                var elo = new double[64];
                for (int r = 0; r < rounds; r++)
                    foreach (var g in games)
                    {
                        double expected = 1 / (1 + Math.Pow(10, (elo[g.Away] - elo[g.Home]) / 400));
                        elo[g.Home] += 0.1 * (g.Goals - expected);
                    }
                await Task.Yield();
                return elo.Max() + league.Length;
            }

        """;

    private static DiagnosticResult Expected(string count, string method = "RateAsync") =>
        VerifyCS.Diagnostic(DiagnosticIds.SequentialAsyncCpuWork).WithLocation(0)
            .WithArguments("WhenAll", count, method, "nested loop, 2 levels");

    [Theory]
    [InlineData(LanguageVersion.CSharp7_3)]
    [InlineData(LanguageVersion.Latest)]
    public async Task GroupKeyAndCopyOfTheGroup_ReadBeforeTheTaskStarts(LanguageVersion version)
    {
        var source = Ratings + """
                public static async Task<double[]> RunAsync(List<Game> games, int rounds)
                {
                    var byLeague = games.GroupBy(g => g.League).ToList();
                    return await {|#0:Task.WhenAll(byLeague.Select(g => RateAsync(g.Key, g.ToList(), rounds)))|};
                }
            }
            """;
        var fixedSource = source.Replace("{|#0:Task.WhenAll(byLeague.Select(g => RateAsync(g.Key, g.ToList(), rounds)))|}",
            "Task.WhenAll(byLeague.Select(g => { var league = g.Key; var games2 = g.ToList(); return Task.Run(() => RateAsync(league, games2, rounds)); }))");
        await VerifyCS.VerifyCodeFixAsync(source, fixedSource, SequentialAsyncCpuWorkFixer.TaskRunKey, version,
            Expected("one call per element of 'byLeague'"));
    }

    [Fact]
    public async Task NameOfTheSelectorParameter_NotTakenByARead()
    {
        // RateAsync's first parameter is called 'league', like the selector's own parameter: the read gets another name.
        var source = Ratings + """
                public static async Task<double[]> RunAsync(List<Game> games, int rounds)
                {
                    var byLeague = games.GroupBy(g => g.League).ToList();
                    return await {|#0:Task.WhenAll(byLeague.Select(league => RateAsync(league.Key, league.ToList(), rounds)))|};
                }
            }
            """;
        var fixedSource = source.Replace("{|#0:Task.WhenAll(byLeague.Select(league => RateAsync(league.Key, league.ToList(), rounds)))|}",
            "Task.WhenAll(byLeague.Select(league => { var league2 = league.Key; var games2 = league.ToList(); return Task.Run(() => RateAsync(league2, games2, rounds)); }))");
        await VerifyCS.VerifyCodeFixAsync(source, fixedSource, SequentialAsyncCpuWorkFixer.TaskRunKey, LanguageVersion.Latest,
            Expected("one call per element of 'byLeague'"));
    }

    [Fact]
    public async Task TwoFanInsInOneMethod_FixAllRewritesBoth()
    {
        var source = Ratings + """
                public static async Task<double> RunAsync(List<Game> games, int rounds)
                {
                    var byLeague = games.GroupBy(g => g.League).ToList();
                    var first = await {|#0:Task.WhenAll(byLeague.Select(g => RateAsync(g.Key, g.ToList(), rounds)))|};
                    var second = await {|#1:Task.WhenAll(byLeague.Select(g => RateAsync(g.Key + "-b", g.Where(x => x.Goals > 0).ToList(), rounds)))|};
                    return first.Sum() + second.Sum();
                }
            }
            """;
        var fixedSource = source
            .Replace("{|#0:Task.WhenAll(byLeague.Select(g => RateAsync(g.Key, g.ToList(), rounds)))|}",
                "Task.WhenAll(byLeague.Select(g => { var league = g.Key; var games2 = g.ToList(); return Task.Run(() => RateAsync(league, games2, rounds)); }))")
            .Replace("{|#1:Task.WhenAll(byLeague.Select(g => RateAsync(g.Key + \"-b\", g.Where(x => x.Goals > 0).ToList(), rounds)))|}",
                "Task.WhenAll(byLeague.Select(g => { var league = g.Key + \"-b\"; var games2 = g.Where(x => x.Goals > 0).ToList(); return Task.Run(() => RateAsync(league, games2, rounds)); }))");
        var test = new VerifyCS.Test
        {
            TestCode = source,
            FixedCode = fixedSource,
            BatchFixedCode = fixedSource,
            CodeActionEquivalenceKey = SequentialAsyncCpuWorkFixer.TaskRunKey,
        };
        test.ExpectedDiagnostics.Add(Expected("one call per element of 'byLeague'"));
        test.ExpectedDiagnostics.Add(VerifyCS.Diagnostic(DiagnosticIds.SequentialAsyncCpuWork).WithLocation(1)
            .WithArguments("WhenAll", "one call per element of 'byLeague'", "RateAsync", "nested loop, 2 levels"));
        await test.RunAsync();
    }

    [Fact]
    public async Task ReadConvertedToTheParameterType_LocalOfItsOwnType()
    {
        // The list goes to an IReadOnlyList<Game> parameter, a long to a double: the local keeps the value's own type and
        // the call converts it again, as it did.
        var source = Ratings + """
                public static async Task<double> SummaryAsync(string league, IReadOnlyList<Game> games, double weight)
                {
                    double total = 0;
                    for (int r = 0; r < 200; r++)
                        foreach (var g in games) total += Math.Sqrt(g.Goals + r) * weight;
                    await Task.Yield();
                    return total;
                }

                public static async Task<double[]> RunAsync(List<Game> games)
                {
                    var byLeague = games.GroupBy(g => g.League).ToList();
                    return await {|#0:Task.WhenAll(byLeague.Select(g => SummaryAsync(g.Key, g.ToList(), g.LongCount())))|};
                }
            }
            """;
        var fixedSource = source.Replace("{|#0:Task.WhenAll(byLeague.Select(g => SummaryAsync(g.Key, g.ToList(), g.LongCount())))|}",
            "Task.WhenAll(byLeague.Select(g => { var league = g.Key; var games2 = g.ToList(); var weight = g.LongCount(); return Task.Run(() => SummaryAsync(league, games2, weight)); }))");
        await VerifyCS.VerifyCodeFixAsync(source, fixedSource, SequentialAsyncCpuWorkFixer.TaskRunKey, LanguageVersion.Latest,
            Expected("one call per element of 'byLeague'", "SummaryAsync"));
    }

    [Fact]
    public async Task ReadThatIsALambda_NoTaskRunFix()
    {
        // A value with no type of its own (a lambda) cannot go into a var local: no rewrite.
        var source = Ratings + """
                public static async Task<double> ScoreAsync(Func<int, int> weigh, int rounds)
                {
                    double total = 0;
                    for (int r = 0; r < rounds; r++)
                        for (int k = 0; k < 1000; k++) total += weigh(r + k);
                    await Task.Yield();
                    return total;
                }

                public static async Task<double[]> RunAsync(List<int> weights, int rounds)
                {
                    return await {|#0:Task.WhenAll(weights.Select(w => ScoreAsync(r => r * w, rounds)))|};
                }
            }
            """;
        await VerifyCS.VerifyCodeFixAsync(source, source, SequentialAsyncCpuWorkFixer.TaskRunKey, LanguageVersion.Latest,
            VerifyCS.Diagnostic(DiagnosticIds.SequentialAsyncCpuWork).WithLocation(0)
                .WithArguments("WhenAll", "one call per element of 'weights'", "ScoreAsync", "nested loop, 2 levels"));
    }
}
