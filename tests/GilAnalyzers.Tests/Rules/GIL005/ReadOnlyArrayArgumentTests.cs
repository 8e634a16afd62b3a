using GilAnalyzers.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Xunit;
using VerifyCS = GilAnalyzers.Tests.Verifiers.CSharpCodeFixVerifier<GilAnalyzers.Rules.SequentialAsyncCpuWorkAnalyzer, GilAnalyzers.CodeFixes.SequentialAsyncCpuWorkFixer>;

namespace GilAnalyzers.Tests.Rules;

/// <summary>
/// GIL005's Task.Run fix when a call reads an element of a local array, <c>xs.Select((x, i) =&gt; F(x, texts[i]))</c>:
/// the element may be read when the task runs instead of when the call was made only if nothing can write the array in
/// between — a local array its method only ever reads; an array that can change is read by the selector itself before it
/// starts the task (<see cref="SelectorReadsTests"/>).
/// </summary>
public class ReadOnlyArrayArgumentTests
{
    private const string Usings = "using System; using System.Collections.Generic; using System.Linq; using System.Threading.Tasks;\n";

    private const string Metrics = """
        internal static class Metrics
        {
            public static string[] Load(List<string> paths) => paths.Select(p => p + " if (x) { while (y) { } }").ToArray();

            public static async Task<int> AnalyzeAsync(string path, string text)
            {
                int score = path.Length;
                for (int round = 0; round < 200; round++)
                {
                    foreach (char c in text)
                    {
                        if (c == '{') score += round;
                        else if (c == '}') score -= round / 2;
                    }
                }

                await Task.Yield();
                return score;
            }

        """;

    private static string Program(string between) => Usings + Metrics + """
            public static async Task<int> Run(List<string> paths)
            {
                string[] texts = Load(paths);
                BETWEEN
                int[] scores = await {|#0:Task.WhenAll(paths.Select((p, i) => AnalyzeAsync(p, texts[i])))|};
                return scores.Sum();
            }
        }
        """.Replace("BETWEEN", between);

    [Theory]
    [InlineData(LanguageVersion.CSharp7_3, "")]
    [InlineData(LanguageVersion.Latest, "Console.WriteLine(texts.Length + texts[0]);")]
    [InlineData(LanguageVersion.Latest, "foreach (var t in texts) Console.WriteLine(t);")]
    public async Task ElementOfALocalArrayOnlyRead_CallsStartedWithTaskRun(LanguageVersion version, string between)
    {
        var source = Program(between);
        var fixedSource = source
            .Replace("{|#0:Task.WhenAll(paths.Select((p, i) => AnalyzeAsync(p, texts[i])))|}", "Task.WhenAll(paths.Select((p, i) => Task.Run(() => AnalyzeAsync(p, texts[i]))))");
        await VerifyCS.VerifyCodeFixAsync(source, fixedSource, SequentialAsyncCpuWorkFixer.TaskRunKey, version,
            VerifyCS.Diagnostic(DiagnosticIds.SequentialAsyncCpuWork).WithLocation(0)
                .WithArguments("WhenAll", "one call per element of 'paths'", "AnalyzeAsync", "nested loop, 2 levels"));
    }

    [Theory]
    [InlineData("handed to a call that may change it", "Array.Sort(texts);")]
    [InlineData("an element written", "texts[0] = string.Empty;")]
    [InlineData("an element written by a lambda", "Action clear = () => texts[1] = null; clear();")]
    [InlineData("reassigned", "texts = Load(paths);")]
    [InlineData("stored elsewhere", "var alias = texts;")]
    public async Task ArrayThatCanChange_ElementReadWhenTheLambdaRuns(string _, string between)
    {
        // The element is read by the selector before the task starts, at the moment the call read it.
        var source = Program(between);
        var fixedSource = source
            .Replace("{|#0:Task.WhenAll(paths.Select((p, i) => AnalyzeAsync(p, texts[i])))|}",
                "Task.WhenAll(paths.Select((p, i) => { var text = texts[i]; return Task.Run(() => AnalyzeAsync(p, text)); }))");
        await VerifyCS.VerifyCodeFixAsync(source, fixedSource, SequentialAsyncCpuWorkFixer.TaskRunKey, LanguageVersion.Latest,
            VerifyCS.Diagnostic(DiagnosticIds.SequentialAsyncCpuWork).WithLocation(0)
                .WithArguments("WhenAll", "one call per element of 'paths'", "AnalyzeAsync", "nested loop, 2 levels"));
    }
}
