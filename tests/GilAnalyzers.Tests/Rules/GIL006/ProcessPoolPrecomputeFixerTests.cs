using Xunit;
using VerifyCS = GilAnalyzers.Tests.Verifiers.CSharpCodeFixVerifier<GilAnalyzers.Rules.ProcessGlobalStateUnderLockAnalyzer, GilAnalyzers.CodeFixes.ProcessGlobalStateUnderLockFixer>;

namespace GilAnalyzers.Tests.Rules;

/// <summary>
/// GIL006's process-pool rewrite when the lock is one statement of a longer parallel body: <c>int steps; lock (L.Sync) {
/// steps = L.Walk(grid, job.From, job.To); } lengths[i] = steps; …</c>. Every item's call runs in worker processes
/// before the loop and the loop reads its result; refused when running the calls first could change what they compute
/// or what the rest of the body sees.
/// </summary>
public class ProcessPoolPrecomputeFixerTests
{
    private const string Library = """
        using System.Collections.Generic;
        using System.Threading.Tasks;

        public sealed class Grid
        {
            public int Width;
            public int[] Cells = new int[0];
        }

        public sealed class Job
        {
            public int From { get; set; }
            public int To { get; set; }
            public int Result;
        }

        public static class Legacy
        {
            public static readonly object Sync = new object();
            private static readonly int[] s_open = new int[256];

            public static int Walk(Grid grid, int from, int to)
            {
                System.Array.Clear(s_open, 0, s_open.Length);
                int steps = 0;
                for (int i = from; i != to && steps < grid.Width; i = (i + 7) % s_open.Length)
                {
                    s_open[i] += grid.Cells.Length + steps;
                    steps += s_open[(i * 3) % s_open.Length] % 5 + 1;
                }
                return steps;
            }

            public static int Weigh(Job job)
            {
                System.Array.Clear(s_open, 0, s_open.Length);
                int total = 0;
                for (int i = job.From; i < job.To; i++)
                {
                    s_open[i % 256] += i;
                    total += s_open[(i * 5) % 256];
                }
                return total;
            }
        }

        """;

    private static VerifyCS.Test Test(string source, string? fixedSource)
        => ProcessGlobalStateUnderLockFixerTests.Test(source, fixedSource);

    [Fact]
    public async Task ForEachWithIndex_MapsTheCallsFirstAndReadsEachResult()
    {
        var source = Library + """
            class Router
            {
                static void Route(Grid grid, List<Job> jobs, int[] lengths, int[] far)
                {
                    Parallel.ForEach(jobs, (job, _, i) =>
                    {
                        int steps;
                        {|GIL006:lock (Legacy.Sync)|}
                        {
                            steps = Legacy.Walk(grid, job.From, job.To);
                        }
                        lengths[i] = steps;
                        far[i] = steps > 40 ? 1 : 0;
                    });
                }
            }
            """;
        var fixedSource = Library + """
            class Router
            {
                static void Route(Grid grid, List<Job> jobs, int[] lengths, int[] far)
                {
                    var results = GilAnalyzers.Processes.ProcessPool.Shared.Map(static input => Legacy.Walk(input.Item1, input.Item2, input.Item3), System.Linq.Enumerable.Select<Job, (Grid, int, int)>(jobs, job => (grid, job.From, job.To)));
                    Parallel.ForEach(jobs, (job, _, i) =>
                    {
                        int steps;
                        steps = results[(int)i];
                        lengths[i] = steps;
                        far[i] = steps > 40 ? 1 : 0;
                    });
                }
            }
            """;
        await Test(source, fixedSource).RunAsync();
    }

    [Fact]
    public async Task ForEachOverTheItemItself_GainsAnIndexAndMapsTheItems()
    {
        var source = Library + """
            class Scales
            {
                static void Run(Job[] jobs, Dictionary<int, int> unused)
                {
                    Parallel.ForEach(jobs, job =>
                    {
                        int weight;
                        {|GIL006:lock (Legacy.Sync)|}
                        {
                            weight = Legacy.Weigh(job);
                        }
                        job.Result = weight * 2;
                    });
                }
            }
            """;
        var fixedSource = Library + """
            class Scales
            {
                static void Run(Job[] jobs, Dictionary<int, int> unused)
                {
                    var results = GilAnalyzers.Processes.ProcessPool.Shared.Map(Legacy.Weigh, jobs);
                    Parallel.ForEach(jobs, (job, state, index) =>
                    {
                        int weight;
                        weight = results[(int)index];
                        job.Result = weight * 2;
                    });
                }
            }
            """;
        await Test(source, fixedSource).RunAsync();
    }

    [Fact]
    public async Task ParallelForOverASubRange_MapsTheRangeAndOffsetsTheIndex()
    {
        var source = Library + """
            class Sweep
            {
                static void Run(Grid grid, int first, int last, long[] totals)
                {
                    Parallel.For(first, last, k =>
                    {
                        int steps;
                        {|GIL006:lock (Legacy.Sync)|}
                        {
                            steps = Legacy.Walk(grid, k, 0);
                        }
                        totals[k] = steps * (long)k;
                    });
                }
            }
            """;
        var fixedSource = Library + """
            class Sweep
            {
                static void Run(Grid grid, int first, int last, long[] totals)
                {
                    var results = GilAnalyzers.Processes.ProcessPool.Shared.Map(static input => Legacy.Walk(input.Item1, input.Item2, input.Item3), System.Linq.Enumerable.Select<int, (Grid, int, int)>(System.Linq.Enumerable.Range(first, last - first), k => (grid, k, 0)));
                    Parallel.For(first, last, k =>
                    {
                        int steps;
                        steps = results[k - first];
                        totals[k] = steps * (long)k;
                    });
                }
            }
            """;
        await Test(source, fixedSource).RunAsync();
    }

    [Theory]
    [InlineData("the rest writes what later calls read", "grid.Width = steps;", "writes 'Width', which the locked call reads")]
    [InlineData("the rest changes an item's member the call reads", "job.From = steps;", "writes 'From', which the locked call reads")]
    [InlineData("the rest calls what the analysis cannot see through", "System.Console.WriteLine(steps);", "the rest of the loop body does something the analysis cannot see through")]
    public async Task RestOfTheBodyThatCouldSeeTheReordering_OffersNoProcessPoolFix(string _, string rest, string reason)
    {
        var source = Library + """
            class Router
            {
                static void Route(Grid grid, List<Job> jobs, int[] lengths)
                {
                    Parallel.ForEach(jobs, (job, _, i) =>
                    {
                        int steps;
                        {|GIL006:lock (Legacy.Sync)|}
                        {
                            steps = Legacy.Walk(grid, job.From, job.To);
                        }
                        REST
                    });
                }
            }
            """.Replace("REST", rest);
        await Test(source, null).RunAsync();
        Assert.Contains(reason, Assert.Single(await FixRefusals.ReasonsAsync(source.Replace("{|GIL006:", "").Replace(")|}", ")"), "GIL006", ProcessGlobalStateUnderLockFixerTests.PoolAssembly)), System.StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("a value computed per item", "int steps;", "Legacy.Walk(grid, job.From * 2, job.To)", "the argument 'job.From * 2' cannot be read before the loop")]
    [InlineData("a local the body computes first", "int steps; int to = job.To + 1;", "Legacy.Walk(grid, job.From, to)", "the lock is not the first statement of the loop body")]
    [InlineData("a statement before the lock", "int steps = 0; lengths[i] = -1;", "Legacy.Walk(grid, job.From, job.To)", "the lock is not the first statement of the loop body")]
    public async Task CallsThatCannotRunBeforeTheLoop_OffersNoProcessPoolFix(string _, string before, string call, string reason)
    {
        var source = Library + """
            class Router
            {
                static void Route(Grid grid, List<Job> jobs, int[] lengths)
                {
                    Parallel.ForEach(jobs, (job, _, i) =>
                    {
                        BEFORE
                        {|GIL006:lock (Legacy.Sync)|}
                        {
                            steps = CALL;
                        }
                        lengths[i] = steps;
                    });
                }
            }
            """.Replace("BEFORE", before).Replace("CALL", call);
        await Test(source, null).RunAsync();
        Assert.Contains(reason, Assert.Single(await FixRefusals.ReasonsAsync(source.Replace("{|GIL006:", "").Replace(")|}", ")"), "GIL006", ProcessGlobalStateUnderLockFixerTests.PoolAssembly)), System.StringComparison.Ordinal);
    }

    [Fact]
    public async Task FixAll_RewritesEveryLoop()
    {
        const string body = """
                    Parallel.ForEach(jobs, (job, _, i) =>
                    {
                        int steps;
                        {|GIL006:lock (Legacy.Sync)|}
                        {
                            steps = Legacy.Walk(grid, job.From, job.To);
                        }
                        lengths[i] = steps;
                    });
            """;
        const string fixedBody = """
                    var results = GilAnalyzers.Processes.ProcessPool.Shared.Map(static input => Legacy.Walk(input.Item1, input.Item2, input.Item3), System.Linq.Enumerable.Select<Job, (Grid, int, int)>(jobs, job => (grid, job.From, job.To)));
                    Parallel.ForEach(jobs, (job, _, i) =>
                    {
                        int steps;
                        steps = results[(int)i];
                        lengths[i] = steps;
                    });
            """;
        const string signature = "(Grid grid, List<Job> jobs, int[] lengths)\n    {\n";
        var source = Library + "class Router\n{\n    static void A" + signature + body + "\n    }\n\n    static void B" + signature + body + "\n    }\n}\n";
        var fixedSource = Library + "class Router\n{\n    static void A" + signature + fixedBody + "\n    }\n\n    static void B" + signature + fixedBody + "\n    }\n}\n";
        var test = Test(source, fixedSource);
        test.NumberOfFixAllIterations = 1;
        await test.RunAsync();
    }
}
