using GilAnalyzers.CodeFixes;
using GilAnalyzers.Testing.Programs;
using Xunit;

namespace GilAnalyzers.Tests.Execution;

/// <summary>
/// This stop's GIL001 narrowings, run before and after their first (FixAll) actions: a lookup counter bumped before a
/// bracket walk written with a deconstructing <c>foreach</c> (the walk leaves through the release side), calls whose
/// callee takes its own one-slot semaphore (the calls move in front of the outer lock), and a heavy result stored into
/// its own slot of the output after a light bookkeeping update (the store runs after the release). Both versions must
/// print the same results.
/// </summary>
public class LockNarrowingExecutionTests
{
    private const string Program = """
        using System;
        using System.Collections.Generic;
        using System.Linq;
        using System.Threading;
        using System.Threading.Tasks;

        public static class Narrowing
        {
            private static readonly object TablesGate = new object();
            private static readonly (double Upto, double Rate)[] Brackets = { (10_000, 0.0), (40_000, 0.2), (double.MaxValue, 0.4) };
            private static int s_lookups;

            private static readonly SemaphoreSlim EngineGate = new SemaphoreSlim(1, 1);
            private static readonly object BookGate = new object();

            private static readonly object SeenGate = new object();
            private static readonly HashSet<int> Seen = new HashSet<int>();

            private static double Tax(double gross)
            {
                lock (TablesGate)
                {
                    s_lookups++;
                    double low = 0, high = gross;
                    for (int i = 0; i < 200; i++)
                    {
                        double mid = (low + high) / 2;
                        if (Math.Sqrt(mid) * 40 > gross - mid) high = mid; else low = mid;
                    }

                    double tax = 0, floor = 0;
                    foreach (var (upto, rate) in Brackets)
                    {
                        if (gross - low <= floor) break;
                        tax += (Math.Min(gross - low, upto) - floor) * rate;
                        floor = upto;
                    }

                    return Math.Round(tax, 2);
                }
            }

            private static double Price(double spot, int seed)
            {
                EngineGate.Wait();
                try
                {
                    double s = 0;
                    for (int i = 1; i <= 3000; i++) s += Math.Max(0, spot * Math.Exp(Math.Sin(i * seed) * 0.3) - 100);
                    return s / 3000;
                }
                finally
                {
                    EngineGate.Release();
                }
            }

            private static double[] Smooth(double[] values)
            {
                var result = new double[values.Length];
                for (int i = 0; i < values.Length; i++)
                {
                    double s = 0;
                    for (int j = 0; j < values.Length; j++) s += values[j] / (1 + Math.Abs(i - j));
                    result[i] = s;
                }

                return result;
            }

            public static string Run(int items)
            {
                var taxes = new double[items];
                Parallel.For(0, items, i => taxes[i] = Tax(20_000 + i * 37.5));

                var greeks = new List<double>();
                Parallel.ForEach(Enumerable.Range(0, items).Select(i => 90.0 + i % 20), spot =>
                {
                    lock (BookGate)
                    {
                        double basePrice = Price(spot, 11);
                        double up = Price(spot * 1.01, 11);
                        greeks.Add(up - basePrice);
                    }
                });

                var smoothed = new double[items][];
                Parallel.For(0, items, id =>
                {
                    lock (SeenGate)
                    {
                        Seen.Add(id % 7);
                        smoothed[id] = Smooth(Enumerable.Range(0, 300).Select(k => Math.Cos(k * (id + 1.0))).ToArray());
                    }
                });

                return string.Join(";",
                    s_lookups,
                    taxes.Sum().ToString("R"),
                    string.Join(",", greeks.OrderBy(g => g).Select(g => g.ToString("R"))),
                    Seen.Count,
                    smoothed.Sum(row => row.Sum()).ToString("R"));
            }
        }
        """;

    [Fact]
    public async Task NarrowedLocks_SameResultsAfterTheFirstActions()
    {
        var outcome = await SampleFixPipeline.ApplyAllFixesAsync(Program);

        Assert.Contains("Interlocked.Increment(ref s_lookups);", outcome.Source, StringComparison.Ordinal);
        Assert.DoesNotContain("lock (TablesGate)", outcome.Source, StringComparison.Ordinal);
        Assert.Matches(@"double up = Price\(spot \* 1\.01, 11\);\s*lock \(BookGate\)\s*\{\s*greeks\.Add", outcome.Source);
        Assert.Matches(@"Seen\.Add\(id % 7\);\s*\}\s*smoothed\[id\] = Smooth\(", outcome.Source);
        Assert.All(outcome.Applied, fix => Assert.StartsWith("GIL001.", fix.EquivalenceKey, StringComparison.Ordinal));

        var before = SampleFixPipeline.Invoke(SampleFixPipeline.Compile(Program, "Narrowing.Before"), "Narrowing.Run", 60);
        var after = SampleFixPipeline.Invoke(SampleFixPipeline.Compile(outcome.Source, "Narrowing.After"), "Narrowing.Run", 60);

        Assert.NotNull(before);
        Assert.StartsWith("60;", (string)before!, StringComparison.Ordinal);
        Assert.Equal(before, after);
    }
}
