using GilAnalyzers.CodeFixes;
using GilAnalyzers.Testing.Programs;
using Xunit;

namespace GilAnalyzers.Tests.Execution;

/// <summary>
/// GIL002's removal beside another Synchronized method: a Monte Carlo estimate that touches no shared state loses its
/// hidden lock, the audit method next to it keeps its own; both versions must produce the same estimates and audit count.
/// </summary>
public class SynchronizedSiblingExecutionTests
{
    private const string Program = """
        using System;
        using System.Collections.Generic;
        using System.Linq;
        using System.Runtime.CompilerServices;
        using System.Threading.Tasks;

        public sealed class EquityTable
        {
            private readonly List<string> _log = new List<string>();

            [MethodImpl(MethodImplOptions.Synchronized)]
            public double Estimate(int heroCard, int trials, int seed)
            {
                var rng = new Random(seed);
                var deck = Enumerable.Range(0, 52).Where(c => c != heroCard).ToArray();
                double wins = 0;
                for (int t = 0; t < trials; t++)
                {
                    int j = rng.Next(deck.Length);
                    (deck[0], deck[j]) = (deck[j], deck[0]);
                    wins += deck[0] % 13 < heroCard % 13 ? 1 : 0;
                }
                return wins / trials;
            }

            [MethodImpl(MethodImplOptions.Synchronized)]
            public void Audit(string line) => _log.Add(line);

            public int Audited => _log.Count;

            public static string Run(int trials)
            {
                var table = new EquityTable();
                var estimates = new double[16];
                Parallel.For(0, estimates.Length, i =>
                {
                    estimates[i] = table.Estimate(i * 3, trials, i);
                    table.Audit("hand " + i);
                });
                return string.Join(",", estimates.Select(e => e.ToString("R"))) + "|" + table.Audited;
            }
        }
        """;

    [Fact]
    public async Task EstimatesAndAuditAreTheSameWithoutTheHiddenLock()
    {
        var outcome = await SampleFixPipeline.ApplyAllFixesAsync(Program);

        Assert.Contains(outcome.Applied, fix => fix.EquivalenceKey == SynchronizedCpuMethodFixer.RemoveSynchronizedKey);
        Assert.Single(System.Text.RegularExpressions.Regex.Matches(outcome.Source, @"MethodImplOptions\.Synchronized"));

        var before = SampleFixPipeline.Invoke(SampleFixPipeline.Compile(Program, "Equity.Before"), "EquityTable.Run", 20_000);
        var after = SampleFixPipeline.Invoke(SampleFixPipeline.Compile(outcome.Source, "Equity.After"), "EquityTable.Run", 20_000);

        Assert.NotNull(before);
        Assert.Equal(before, after);
    }
}
