using GilAnalyzers.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Xunit;
using VerifyCS = GilAnalyzers.Tests.Verifiers.CSharpCodeFixVerifier<GilAnalyzers.Rules.SequentialAsyncCpuWorkAnalyzer, GilAnalyzers.CodeFixes.SequentialAsyncCpuWorkFixer>;

namespace GilAnalyzers.Tests.Rules;

/// <summary>
/// GIL005 on a cross product of calls: <c>a.SelectMany(x =&gt; b.Select(y =&gt; F(x, y)))</c> awaited together — one call per
/// pair, each running synchronously up to its first await (here: all of it).
/// </summary>
public class SelectManyFanInTests
{
    private const string Usings = "using System; using System.Collections.Generic; using System.IO; using System.Linq; using System.Threading.Tasks;\n";

    private const string Engines = """
        internal interface IPricingEngine
        {
            Task<double> PriceAsync(double strike);
        }

        internal sealed class LatticeEngine : IPricingEngine
        {
            private readonly int _steps;

            public LatticeEngine(int steps) => _steps = steps;

            public Task<double> PriceAsync(double strike)
            {
                double value = 0;
                for (int i = 0; i < _steps; i++)
                {
                    for (int j = 0; j <= i; j++) value += Math.Exp(-0.01 * j) * Math.Max(0, 100 + j - i - strike);
                }

                return Task.FromResult(value / _steps);
            }
        }

        """;

    [Theory]
    [InlineData(LanguageVersion.CSharp7_3)]
    [InlineData(LanguageVersion.Latest)]
    public async Task CrossProductOfCompletedTaskCalls_ReportsAndWrapsEachCall(LanguageVersion version)
    {
        var source = Usings + Engines + """
            internal static class Desk
            {
                public static async Task<double> Total(IPricingEngine[] engines, List<double> strikes)
                {
                    var quotes = engines.SelectMany(e => strikes.Select(k => e.PriceAsync(k))).ToList();
                    double[] prices = await {|#0:Task.WhenAll(quotes)|};
                    return prices.Sum();
                }
            }
            """;
        var fixedSource = Usings + Engines + """
            internal static class Desk
            {
                public static async Task<double> Total(IPricingEngine[] engines, List<double> strikes)
                {
                    var quotes = engines.SelectMany(e => strikes.Select(k => Task.Run(() => e.PriceAsync(k)))).ToList();
                    double[] prices = await Task.WhenAll(quotes);
                    return prices.Sum();
                }
            }
            """;
        await VerifyCS.VerifyCodeFixAsync(source, fixedSource, SequentialAsyncCpuWorkFixer.TaskRunKey, version,
            VerifyCS.Diagnostic(DiagnosticIds.SequentialAsyncCpuWork).WithLocation(0)
                .WithArguments("WhenAll", "one call per element of 'strikes', for each element of 'engines'", "PriceAsync", "nested loop, 2 levels"));
    }

    [Fact]
    public async Task CrossProductOfCallsThatAwaitIoFirst_IsQuiet()
    {
        var source = Usings + """
            internal static class Catalogue
            {
                private static async Task<int> CountWords(string folder, string name)
                {
                    string text = await File.ReadAllTextAsync(Path.Combine(folder, name));
                    int words = 0;
                    foreach (var c in text) if (char.IsWhiteSpace(c)) words++;
                    return words;
                }

                public static async Task<int> All(string[] folders, string[] names)
                {
                    int[] counts = await Task.WhenAll(folders.SelectMany(f => names.Select(n => CountWords(f, n))));
                    return counts.Sum();
                }
            }
            """;
        await VerifyCS.VerifyAnalyzerAsync(source);
    }
}
