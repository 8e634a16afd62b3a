using Microsoft.CodeAnalysis.CSharp;
using Xunit;
using VerifyCS = GilAnalyzers.Tests.Verifiers.CSharpAnalyzerVerifier<GilAnalyzers.Rules.HandRolledPoolFanOutAnalyzer>;

namespace GilAnalyzers.Tests.RealShapes;

/// <summary>
/// GIL004 on a fixed set of explicit tasks (issue 14): locals made with <c>new Task(...)</c>, each started once and all
/// joined by one <c>Task.WaitAll(a, b, …)</c>, every task CPU-bound — a hand-made <c>Parallel.Invoke</c>. Reported once, at
/// the first task; the fix is Parallel.Invoke (ExplicitTaskSetInvoke37FixerTests). Sets with a task that waits or does I/O, tasks never joined, and a set made in a loop
/// stay quiet.
/// </summary>
public class ExplicitTaskSetTests
{
    private const string Usings = "using System; using System.Collections.Generic; using System.IO; using System.Threading; using System.Threading.Tasks;\n";

    private const string Mechanism = "new Task(...).Start() (one local per task) + Task.WaitAll";

    private static string Estimator(string tasks, string starts, string join) => Usings + """
        class Estimator
        {
            public static double Area(int samples)
            {
                long q1 = 0, q2 = 0, q3 = 0;
        """ + tasks + starts + join + """
                return (q1 + q2 + q3) / (double)samples;
            }

            static long Hits(int seed, int samples)
            {
                var random = new Random(seed);
                long hits = 0;
                for (int i = 0; i < samples; i++)
                {
                    double x = random.NextDouble(), y = random.NextDouble();
                    if (x * x + y * y <= 1.0) hits++;
                }

                return hits;
            }
        }
        """;

    private const string ThreeTasks = """
                Task first = {|#0:new Task(() => { q1 = Hits(1, samples / 3); })|};
                Task second = new Task(() => { q2 = Hits(2, samples / 3); });
                Task third = new Task(() => q3 = Hits(3, samples / 3));

        """;

    private const string Starts = """
                first.Start();
                second.Start();
                third.Start();

        """;

    [Theory]
    [InlineData(LanguageVersion.CSharp7_3)]
    [InlineData(LanguageVersion.Latest)]
    public async Task ThreeStartedTasksJoinedByWaitAll_Report(LanguageVersion version)
    {
        await VerifyCS.VerifyAnalyzerAsync(Estimator(ThreeTasks, Starts, "        Task.WaitAll(first, second, third);\n"), version,
            VerifyCS.Diagnostic(DiagnosticIds.HandRolledPoolFanOut).WithLocation(0).WithArguments("3", Mechanism, "calls 'Hits' (for loop)"));
    }

    [Fact]
    public async Task WaitAllOverAnArrayOfTheLocals_Reports()
    {
        await VerifyCS.VerifyAnalyzerAsync(Estimator(ThreeTasks, Starts, "        Task.WaitAll(new[] { first, second, third });\n"), LanguageVersion.Latest,
            VerifyCS.Diagnostic(DiagnosticIds.HandRolledPoolFanOut).WithLocation(0).WithArguments("3", Mechanism, "calls 'Hits' (for loop)"));
    }

    [Fact]
    public async Task ExplicitTaskSet_IsFixedWithParallelInvoke()
    {
        var code = Estimator(ThreeTasks, Starts, "        Task.WaitAll(first, second, third);\n").Replace("{|#0:", string.Empty).Replace(")|};", ");");
        var offers = await Verifiers.CodeFixOffers.ForAsync(code);
        var gil004 = Assert.Single(offers, o => o.Id == DiagnosticIds.HandRolledPoolFanOut);
        Assert.Equal(new[] { GilAnalyzers.CodeFixes.HandRolledPoolFanOutFixer.ParallelInvokeKey }, gil004.Keys);
    }

    [Fact]
    public async Task ATaskThatReadsAFile_KeepsTheSetQuiet()
    {
        var tasks = ThreeTasks.Replace("{|#0:", string.Empty).Replace(")|};", ");")
            .Replace("new Task(() => q3 = Hits(3, samples / 3));", "new Task(() => q3 = File.ReadAllText(\"samples.txt\").Length);");
        await VerifyCS.VerifyAnalyzerAsync(Estimator(tasks, Starts, "        Task.WaitAll(first, second, third);\n"), LanguageVersion.Latest);
    }

    [Fact]
    public async Task TasksNeverJoined_DoNotReport()
    {
        var tasks = ThreeTasks.Replace("{|#0:", string.Empty).Replace(")|};", ");");
        await VerifyCS.VerifyAnalyzerAsync(Estimator(tasks, Starts, "        Thread.Sleep(1000);\n"), LanguageVersion.Latest);
    }

    [Fact]
    public async Task AWaitAllWithATimeout_IsNoJoin()
    {
        var tasks = ThreeTasks.Replace("{|#0:", string.Empty).Replace(")|};", ");");
        await VerifyCS.VerifyAnalyzerAsync(Estimator(tasks, Starts, "        Task.WaitAll(new[] { first, second, third }, 100);\n"), LanguageVersion.Latest);
    }

    [Fact]
    public async Task TasksThatOnlySleep_DoNotReport()
    {
        var source = Usings + """
            class Napper
            {
                public static void Run()
                {
                    var a = new Task(() => Thread.Sleep(200));
                    var b = new Task(() => Thread.Sleep(500));
                    a.Start();
                    b.Start();
                    Task.WaitAll(a, b);
                }
            }
            """;
        await VerifyCS.VerifyAnalyzerAsync(source, LanguageVersion.Latest);
    }
}
