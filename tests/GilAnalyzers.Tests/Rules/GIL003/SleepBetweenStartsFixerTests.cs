using GilAnalyzers.CodeFixes;
using Xunit;
using VerifyCS = GilAnalyzers.Tests.Verifiers.CSharpCodeFixVerifier<GilAnalyzers.Rules.RawThreadsCpuLoopAnalyzer, GilAnalyzers.CodeFixes.RawThreadsCpuLoopFixer>;

namespace GilAnalyzers.Tests.Rules;

/// <summary>
/// A <c>Thread.Sleep</c> between the starts only delays the starter: the threads may as well get no core meanwhile, so the
/// run-at-the-join rewrite (<c>GIL003.ParallelForEachAtJoin</c>) keeps the sleep where it is and runs the work at the join.
/// Refused when the work reads the clock (its values would come from other times) or the starter waits in another way.
/// </summary>
public class SleepBetweenStartsFixerTests
{
    private const string Usings = "using System; using System.Collections.Generic; using System.Diagnostics; using System.Threading; using System.Threading.Tasks;\n";

    private const string Sampler = """
        class Sampler
        {
            readonly Random dice;
            readonly int rounds;
            public int Hits;
            public Sampler(int rounds) { this.rounds = rounds; dice = new Random(); }
            public void Draw()
            {
                for (int k = 0; k < rounds; k++)
                {
                    double x = dice.NextDouble(), y = dice.NextDouble();
                    if (x * x + y * y <= 1) Hits++;
                }
            }
        }

        """;

    private const string Before = """
        class Estimate
        {
            static double Pi(int rounds, int workers)
            {
                var samplers = new List<Sampler>();
                var threads = new List<Thread>();
                for (int w = 0; w < workers; w++)
                {
                    var sampler = new Sampler(rounds);
                    samplers.Add(sampler);
                    threads.Add({|GIL003:new Thread(sampler.Draw)|});
                    threads[w].Start();
                    Thread.Sleep(10);
                }

                foreach (var thread in threads) thread.Join();
                int hits = 0;
                foreach (var sampler in samplers) hits += sampler.Hits;
                return 4.0 * hits / ((double)rounds * workers);
            }
        }
        """;

    private const string After = """
        class Estimate
        {
            static double Pi(int rounds, int workers)
            {
                var samplers = new List<Sampler>();
                var threads = new List<ThreadStart>();
                for (int w = 0; w < workers; w++)
                {
                    var sampler = new Sampler(rounds);
                    samplers.Add(sampler);
                    threads.Add(new ThreadStart(sampler.Draw));
                    Thread.Sleep(10);
                }

                Parallel.ForEach(threads, work => work());
                int hits = 0;
                foreach (var sampler in samplers) hits += sampler.Hits;
                return 4.0 * hits / ((double)rounds * workers);
            }
        }
        """;

    [Fact]
    public async Task SleepBetweenStarts_StaysAndTheWorkRunsAtTheJoin()
    {
        await VerifyCS.VerifyCodeFixAsync(Usings + Sampler + Before, Usings + Sampler + After, RawThreadsCpuLoopFixer.ParallelForEachAtJoinKey);
    }

    [Fact]
    public async Task FixAll_RewritesEveryFanOutWithSleeps()
    {
        var second = Before.Replace("class Estimate", "class Again").Replace("Thread.Sleep(10)", "Thread.Sleep(TimeSpan.FromMilliseconds(3))");
        var secondAfter = After.Replace("class Estimate", "class Again").Replace("Thread.Sleep(10)", "Thread.Sleep(TimeSpan.FromMilliseconds(3))");
        await VerifyCS.VerifyCodeFixAsync(Usings + Sampler + Before + "\n" + second, Usings + Sampler + After + "\n" + secondAfter, RawThreadsCpuLoopFixer.ParallelForEachAtJoinKey);
    }

    public static TheoryData<string, string, string> RefusedShapes => new TheoryData<string, string, string>
    {
        {
            "the work seeds a Random from the clock",
            Sampler.Replace("dice = new Random(); }", "dice = null; }").Replace("readonly Random dice;", "Random dice;").Replace("for (int k = 0; k < rounds; k++)", "dice = new Random();\n        for (int k = 0; k < rounds; k++)"),
            "the work reads the clock (new Random())"
        },
        {
            "the work reads a Stopwatch in a helper it calls",
            Sampler.Replace("if (x * x + y * y <= 1) Hits++;", "if (x * x + y * y <= 1) Hits++;\n                Tick();") + "static class Clock { }\n",
            "the work reads the clock (Stopwatch"
        },
        {
            "the starter also waits on a task",
            Sampler,
            "the code that starts the threads waits ("
        },
    };

    [Theory]
    [MemberData(nameof(RefusedShapes))]
    public async Task ShapesTheRewriteCannotKeep_ReportWithoutAction(string shape, string sampler, string why)
    {
        if (shape.Contains("Stopwatch"))
        {
            sampler = sampler.Replace("public void Draw()", "static long last;\n    static void Tick() { last = Stopwatch.GetTimestamp(); }\n    public void Draw()");
        }

        var before = shape.Contains("task") ? Before.Replace("Thread.Sleep(10);", "Thread.Sleep(10);\n            Task.Delay(1).Wait();") : Before;
        var source = Usings + sampler + before.Replace("{|GIL003:", string.Empty).Replace(")|})", "))");
        var offers = await Verifiers.CodeFixOffers.ForAsync(source);
        var gil003 = Assert.Single(offers, o => o.Id == DiagnosticIds.RawThreadsCpuLoop);
        Assert.True(gil003.Keys.Count == 0, shape + ": offered " + string.Join(", ", gil003.Keys));
        var reason = Assert.Single(await FixRefusals.ReasonsAsync(source, DiagnosticIds.RawThreadsCpuLoop));
        Assert.Contains(why, reason);
    }
}
