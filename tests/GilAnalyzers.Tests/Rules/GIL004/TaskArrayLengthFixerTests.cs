using GilAnalyzers.CodeFixes;
using GilAnalyzers.Tests.Verifiers;
using Microsoft.CodeAnalysis.CSharp;
using Xunit;
using VerifyCS = GilAnalyzers.Tests.Verifiers.CSharpCodeFixVerifier<GilAnalyzers.Rules.HandRolledPoolFanOutAnalyzer, GilAnalyzers.CodeFixes.HandRolledPoolFanOutFixer>;

namespace GilAnalyzers.Tests.Rules;

/// <summary>
/// Issue 16, "never break the build": LongRunning chunks kept in a task array whose loop and chunk bounds read the
/// array's length (<c>for (int c = 0; c &lt; chunks.Length; c++)</c>, <c>lo = c * n / chunks.Length</c>) — the way real code
/// writes them. The rewrite removes the array, so each length read becomes the size the array was made with; a fresh
/// program got a Parallel.For that still named the removed array (CS0103). Where the array is read for more than its
/// length, or its size can change, no action is offered (GIL004-N2).
/// </summary>
public class TaskArrayLengthFixerTests
{
    private const string Usings = "using System;\nusing System.Linq;\nusing System.Threading;\nusing System.Threading.Tasks;\n";

    private static string Program(string body) => Usings + """
        class C
        {
            static double Peak(double[] row)
            {
                double best = 0;
                foreach (var v in row) best = Math.Max(best, Math.Sqrt(v * v + 1) * Math.Log(v + 2));
                return best;
            }

            static double[] Peaks(double[][] rows, int workers)
            {
                var peaks = new double[rows.Length];
        """ + "\n" + body + "\n" + """
                return peaks;
            }
        }
        """;

    private const string Chunks = """
                var chunks = new Task[SIZE];
                for (int c = 0; c < chunks.Length; c++)
                {
                    int lo = c * rows.Length / chunks.Length, hi = (c + 1) * rows.Length / chunks.Length;
                    chunks[c] = {|#0:Task.Factory.StartNew(() =>
                    {
                        for (int i = lo; i < hi; i++) peaks[i] = Peak(rows[i]);
                    }, TaskCreationOptions.LongRunning)|};
                }
                Task.WaitAll(chunks);
        """;

    private const string ChunksFixed = """
                Parallel.For(0, SIZE, c =>
                {
                    int lo = c * rows.Length / SIZE, hi = (c + 1) * rows.Length / SIZE;
                    for (int i = lo; i < hi; i++) peaks[i] = Peak(rows[i]);
                });
        """;

    [Theory]
    [InlineData(LanguageVersion.CSharp7_3, "4")]
    [InlineData(LanguageVersion.Latest, "4")]
    [InlineData(LanguageVersion.Latest, "workers")]
    public async Task LengthOfTheRemovedTaskArray_BecomesItsSize(LanguageVersion version, string size)
        => await VerifyCS.VerifyCodeFixAsync(
            Program(Chunks.Replace("SIZE", size, StringComparison.Ordinal)),
            Program(ChunksFixed.Replace("SIZE", size, StringComparison.Ordinal)),
            HandRolledPoolFanOutFixer.ParallelForKey, version,
            VerifyCS.Diagnostic(DiagnosticIds.HandRolledPoolFanOut).WithLocation(0)
                .WithArguments("'chunks.Length'", "Task.Factory.StartNew(LongRunning) + Task.WaitAll", "calls 'Peak' (foreach loop)"));

    [Fact]
    public async Task FixAll_RewritesBothFanOuts()
    {
        var second = Chunks.Replace("SIZE", "2", StringComparison.Ordinal).Replace("chunks", "halves", StringComparison.Ordinal).Replace("#0", "#1", StringComparison.Ordinal);
        var secondFixed = ChunksFixed.Replace("SIZE", "2", StringComparison.Ordinal);
        await new VerifyCS.Test
        {
            TestCode = Program(Chunks.Replace("SIZE", "4", StringComparison.Ordinal) + "\n" + second),
            FixedCode = Program(ChunksFixed.Replace("SIZE", "4", StringComparison.Ordinal) + "\n" + secondFixed),
            CodeActionEquivalenceKey = HandRolledPoolFanOutFixer.ParallelForKey,
            NumberOfFixAllIterations = 1,
            ExpectedDiagnostics =
            {
                VerifyCS.Diagnostic(DiagnosticIds.HandRolledPoolFanOut).WithLocation(0).WithArguments("'chunks.Length'", "Task.Factory.StartNew(LongRunning) + Task.WaitAll", "calls 'Peak' (foreach loop)"),
                VerifyCS.Diagnostic(DiagnosticIds.HandRolledPoolFanOut).WithLocation(1).WithArguments("'halves.Length'", "Task.Factory.StartNew(LongRunning) + Task.WaitAll", "calls 'Peak' (foreach loop)"),
            },
        }.RunAsync(CancellationToken.None);
    }

    [Theory]
    [InlineData("the array is read for more than its length", "Task.WaitAll(chunks);", "Task.WaitAll(chunks);\n        Console.WriteLine(chunks.Count(t => t.IsCompleted));")]
    [InlineData("the size is a local written again later", "var chunks = new Task[SIZE];", "int n = SIZE;\n        var chunks = new Task[n];\n        n++;")]
    public async Task ArrayReadForMoreThanItsLengthOrChangingSize_IsReportedWithoutAnAction(string _, string from, string to)
    {
        var body = Chunks.Replace(from, to, StringComparison.Ordinal).Replace("SIZE", "workers", StringComparison.Ordinal);
        Assert.NotEqual(Chunks.Replace("SIZE", "workers", StringComparison.Ordinal), body);
        var site = Assert.Single(await CodeFixOffers.ForAsync(Program(body).Replace("{|#0:", string.Empty, StringComparison.Ordinal).Replace(")|};", ");", StringComparison.Ordinal)));
        Assert.Equal(DiagnosticIds.HandRolledPoolFanOut, site.Id);
        Assert.DoesNotContain(HandRolledPoolFanOutFixer.ParallelForKey, site.Keys);
    }
}
