using System.Diagnostics;
using System.Globalization;

namespace BootstrapConfidence;

/// <summary>
/// A/B test analysis: bootstrap confidence intervals for the difference in mean basket size between
/// the control and treatment groups of each experiment.
/// </summary>
public static class Bootstrap
{
    // One generator for the whole run so results are reproducible from the seed in the experiment config.
    public static readonly Random SharedRandom = new(20261201);
    public static readonly object RandomLock = new();

    public static double ResampleMeanDifference(double[] control, double[] treatment)
    {
        double sumC = 0, sumT = 0;
        for (int i = 0; i < control.Length; i++) sumC += control[SharedRandom.Next(control.Length)];
        for (int i = 0; i < treatment.Length; i++) sumT += treatment[SharedRandom.Next(treatment.Length)];
        return sumT / treatment.Length - sumC / control.Length;
    }
}

public sealed record Experiment(string Name, double[] Control, double[] Treatment);

public static class Program
{
    public static void Main(string[] args)
    {
        int resamples = args.Length > 0 ? int.Parse(args[0]) : 400;
        var experiments = MakeExperiments();
        string reportPath = Path.Combine(Path.GetTempPath(), "bootstrap-report.tsv");

        var sw = Stopwatch.StartNew();
        using var report = new StreamWriter(reportPath);
        report.WriteLine("experiment\tlow\thigh");

        Parallel.ForEach(experiments, experiment =>
        {
            var diffs = new double[resamples];
            for (int r = 0; r < resamples; r++)
            {
                lock (Bootstrap.RandomLock)
                {
                    diffs[r] = Bootstrap.ResampleMeanDifference(experiment.Control, experiment.Treatment);
                }
            }
            Array.Sort(diffs);
            double low = diffs[(int)(resamples * 0.025)];
            double high = diffs[(int)(resamples * 0.975)];

            lock (report)
            {
                report.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{experiment.Name}\t{low:F3}\t{high:F3}"));
            }
        });

        Console.WriteLine($"{experiments.Count} experiments x {resamples} resamples in {sw.ElapsedMilliseconds} ms -> {reportPath}");
    }

    private static List<Experiment> MakeExperiments()
    {
        var rng = new Random(3);
        var list = new List<Experiment>();
        for (int e = 0; e < 8; e++)
        {
            double lift = e * 0.4;
            double[] control = Enumerable.Range(0, 3000).Select(_ => 40 + rng.NextDouble() * 20).ToArray();
            double[] treatment = Enumerable.Range(0, 3000).Select(_ => 40 + lift + rng.NextDouble() * 20).ToArray();
            list.Add(new Experiment($"exp-{e:D2}", control, treatment));
        }
        return list;
    }
}
