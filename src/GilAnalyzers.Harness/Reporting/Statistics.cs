using System;
using System.Collections.Generic;
using System.Linq;
using Perfolizer.Mathematics.QuantileEstimators;
using Perfolizer.Mathematics.SignificanceTesting.Base;
using Perfolizer.Mathematics.SignificanceTesting.MannWhitney;
using Perfolizer.Metrology;
using Pragmastat;

namespace GilAnalyzers.Harness.Reporting;

public sealed record Summary(double Median, double Min, double Max);

public sealed record Speedup(double Median, double CiLow, double CiHigh, double ConfidenceLevel, double PValue, bool Significant, string Method);

/// <summary>
/// Statistics over the measured rounds, on Perfolizer: medians (Hyndman–Fan type 7 quantile
/// estimator), the Mann–Whitney U test for significance (two-sided, α = 0.05), and a percentile
/// bootstrap confidence interval of the ratio of medians (2,000 resamples, fixed seed, so the same
/// data always give the same interval).
/// </summary>
public static class Statistics
{
    public const double Alpha = 0.05;
    private const int BootstrapResamples = 2000;

    public static double Median(IReadOnlyList<double> values) =>
        values.Count == 0 ? double.NaN : SimpleQuantileEstimator.Instance.Quantile(new Sample(values.ToArray()), Probability.Median).NominalValue;

    /// <summary>
    /// The median of counts as a count: the middle value of an odd number of runs, the smaller of the two middle values
    /// of an even number (never "23.5 contentions", which no run had). 0 for no runs.
    /// </summary>
    public static long LowerMedian(IReadOnlyList<long> values)
    {
        if (values.Count == 0)
        {
            return 0;
        }

        long[] sorted = values.ToArray();
        Array.Sort(sorted);
        return sorted[(sorted.Length - 1) / 2];
    }

    public static Summary Summarise(IReadOnlyList<double> values) =>
        values.Count == 0 ? new Summary(double.NaN, double.NaN, double.NaN) : new Summary(Median(values), values.Min(), values.Max());

    /// <summary>Speedup = median(before) / median(after) of wall times.</summary>
    public static Speedup Compare(IReadOnlyList<double> before, IReadOnlyList<double> after)
    {
        double median = Median(before) / Median(after);
        double p = double.NaN;
        if (before.Count >= 2 && after.Count >= 2 && (before.Distinct().Count() > 1 || after.Distinct().Count() > 1 || before[0] != after[0]))
        {
            MannWhitneyResult test = MannWhitneyTest.Instance.Perform(
                new Sample(before.ToArray()), new Sample(after.ToArray()), AlternativeHypothesis.TwoSides, Threshold.Zero);
            p = test.PValue;
        }

        var (low, high) = BootstrapRatioOfMedians(before, after, 0.95);
        return new Speedup(median, low, high, 0.95, p, !double.IsNaN(p) && p < Alpha,
            "ratio of medians; 95% percentile bootstrap CI; two-sided Mann-Whitney U (alpha 0.05)");
    }

    private static (double Low, double High) BootstrapRatioOfMedians(IReadOnlyList<double> before, IReadOnlyList<double> after, double level)
    {
        if (before.Count < 2 || after.Count < 2)
        {
            return (double.NaN, double.NaN);
        }

        var random = new Random(20240611);
        var ratios = new double[BootstrapResamples];
        var b = new double[before.Count];
        var a = new double[after.Count];
        for (int i = 0; i < BootstrapResamples; i++)
        {
            for (int j = 0; j < b.Length; j++)
            {
                b[j] = before[random.Next(before.Count)];
            }

            for (int j = 0; j < a.Length; j++)
            {
                a[j] = after[random.Next(after.Count)];
            }

            ratios[i] = Median(b) / Median(a);
        }

        var sample = new Sample(ratios);
        double tail = (1 - level) / 2;
        return (SimpleQuantileEstimator.Instance.Quantile(sample, tail).NominalValue,
                SimpleQuantileEstimator.Instance.Quantile(sample, 1 - tail).NominalValue);
    }

    /// <summary>
    /// Amdahl's law solved for the parallel fraction: S = 1 / ((1 - p) + p / N) ⇒ p = (1 - 1/S) / (1 - 1/N).
    /// Null when N = 1 (no parallelism to attribute). Clamped to [0, 1]: a speedup ≤ 1 gives 0 and a
    /// speedup above N (cache effects, less work after the fix) gives 1.
    /// </summary>
    public static double? ParallelFraction(double speedup, int cores)
    {
        if (cores <= 1 || double.IsNaN(speedup) || speedup <= 0)
        {
            return null;
        }

        double p = (1 - 1 / speedup) / (1 - 1.0 / cores);
        return Math.Clamp(p, 0, 1);
    }
}
