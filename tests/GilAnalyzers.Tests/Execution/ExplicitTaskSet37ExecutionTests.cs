using GilAnalyzers.CodeFixes;
using GilAnalyzers.Testing.Programs;
using Xunit;

namespace GilAnalyzers.Tests.Execution;

/// <summary>
/// GIL004's Parallel.Invoke rewrite of a fixed set of explicit cold tasks (issue 16) must compute what the tasks computed,
/// also when one task's work throws: the caller still sees every failure in one AggregateException.
/// </summary>
public class ExplicitTaskSet37ExecutionTests
{
    private const string Program = """
        using System;
        using System.Linq;
        using System.Threading.Tasks;

        public static class Work
        {
            static long Spin(long seed, int rounds)
            {
                long acc = seed;
                for (int r = 0; r < rounds; r++) acc = (acc * 48271 + r) % 2147483647;
                return acc;
            }

            static long Quarters(int rounds)
            {
                long q0 = 0, q1 = 0, q2 = 0, q3 = 0;
                Task t0 = new Task(() => { q0 = Spin(1, rounds); });
                Task t1 = new Task(() => { q1 = Spin(2, rounds); });
                Task t2 = new Task(() => q2 = Spin(3, rounds));
                Task t3 = new Task(() => q3 = Spin(4, rounds));
                t0.Start();
                t1.Start();
                t2.Start();
                t3.Start();
                Task.WaitAll(t0, t1, t2, t3);
                return q0 ^ q1 ^ q2 ^ q3;
            }

            static void FailingSet(int rounds, long[] kept)
            {
                var good = new Task(() => kept[0] = Spin(5, rounds));
                var bad = new Task(() => { if (Spin(6, rounds) >= 0) throw new InvalidOperationException("bad part"); });
                good.Start();
                bad.Start();
                Task.WaitAll(good, bad);
            }

            static string Failing(int rounds)
            {
                var kept = new long[1];
                try
                {
                    FailingSet(rounds, kept);
                    return "no failure";
                }
                catch (AggregateException e)
                {
                    return kept[0] + ":" + string.Join(",", e.Flatten().InnerExceptions.Select(x => x.GetType().Name + " " + x.Message));
                }
            }

            public static string Run(int rounds) => Quarters(rounds) + "|" + Failing(rounds);
        }
        """;

    [Fact]
    public async Task ParallelInvokeComputesWhatTheTasksComputed()
    {
        var outcome = await SampleFixPipeline.ApplyAllFixesAsync(Program);

        Assert.Equal(2, outcome.Applied.Count(fix => fix.EquivalenceKey == HandRolledPoolFanOutFixer.ParallelInvokeKey));
        Assert.Empty(outcome.RemainingDiagnostics);
        Assert.Contains("Parallel.Invoke(", outcome.Source, StringComparison.Ordinal);

        var before = SampleFixPipeline.Invoke(SampleFixPipeline.Compile(Program, "Work.Before"), "Work.Run", 3000000);
        var after = SampleFixPipeline.Invoke(SampleFixPipeline.Compile(outcome.Source, "Work.After"), "Work.Run", 3000000);

        Assert.NotNull(before);
        Assert.Equal(before, after);
    }
}
