using GilAnalyzers.CodeFixes;
using GilAnalyzers.Testing.Programs;
using Xunit;

namespace GilAnalyzers.Tests.Execution;

/// <summary>
/// GIL004's Parallel.Invoke rewrite of a fixed set of pool tasks must compute what the tasks computed, also when one
/// task's work throws: the caller still sees the failure in one AggregateException.
/// </summary>
public class PoolTaskSetExecutionTests
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
                long q0 = 0, q1 = 0, q2 = 0;
                var parts = new Task[3];
                parts[0] = Task.Run(() => { q0 = Spin(1, rounds); });
                parts[1] = Task.Factory.StartNew(() => { q1 = Spin(2, rounds); });
                parts[2] = Task.Run(() => { q2 = Spin(3, rounds); });
                Task.WaitAll(parts);
                return q0 ^ q1 ^ q2;
            }

            static void FailingSet(int rounds, long[] kept)
            {
                var good = Task.Run(() => { kept[0] = Spin(5, rounds); });
                var bad = Task.Run(() => { if (Spin(6, rounds) >= 0) throw new InvalidOperationException("bad part"); });
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
        var (outcome, before, after) = await SampleFixPipeline.RunBeforeAndAfterAsync(Program, "PoolTaskSet", "Work.Run", 3000000);

        Assert.Equal(2, outcome.Applied.Count(fix => fix.EquivalenceKey == HandRolledPoolFanOutFixer.ParallelInvokeKey));
        Assert.Empty(outcome.RemainingDiagnostics);
        Assert.DoesNotContain("Task.Run", outcome.Source, StringComparison.Ordinal);
        Assert.Equal(before, after);
        Assert.Contains("InvalidOperationException bad part", (string)after!, StringComparison.Ordinal);
    }
}
