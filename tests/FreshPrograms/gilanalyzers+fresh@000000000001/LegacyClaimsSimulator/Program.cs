using System.Diagnostics;
using System.Runtime.InteropServices;

namespace LegacyClaimsSimulator;

/// <summary>
/// Port of the actuarial team's C claims simulator. It must reproduce the C program's numbers exactly, so it
/// draws from the C runtime's rand()/srand() rather than System.Random.
/// </summary>
internal static class CRandom
{
    [DllImport("libc.so.6", EntryPoint = "srand")]
    public static extern void Seed(uint seed);

    [DllImport("libc.so.6", EntryPoint = "rand")]
    public static extern int Next();

    public const int RandMax = int.MaxValue;

    // rand() keeps one hidden state for the whole process: a seed-then-draw sequence must not interleave.
    public static readonly object Sync = new();
}

public sealed record LineOfBusiness(string Name, double ClaimsPerYear, double MeanSeverity, double SeverityShape);

internal static class Program
{
    private static void Main(string[] args)
    {
        int years = args.Length > 0 ? int.Parse(args[0]) : 400;
        LineOfBusiness[] lines =
        [
            new("motor", 120, 3_500, 2.5),
            new("property", 40, 18_000, 1.8),
            new("liability", 8, 90_000, 1.3),
            new("marine", 5, 150_000, 1.2),
        ];

        var annualLoss = new double[lines.Length][];
        var bandCounts = new Dictionary<int, int>();

        var sw = Stopwatch.StartNew();
        Parallel.For(0, lines.Length, l =>
        {
            var line = lines[l];
            var losses = new double[years];
            lock (CRandom.Sync)
            {
                CRandom.Seed((uint)(1000 + l));
                for (int y = 0; y < years; y++)
                {
                    // Poisson claim count by inversion, Pareto severities
                    double u = Uniform(), p = Math.Exp(-line.ClaimsPerYear), cdf = p;
                    int claims = 0;
                    while (u > cdf && claims < 10_000)
                    {
                        claims++;
                        p *= line.ClaimsPerYear / claims;
                        cdf += p;
                    }
                    double total = 0;
                    for (int c = 0; c < claims; c++)
                    {
                        double scale = line.MeanSeverity * (line.SeverityShape - 1) / line.SeverityShape;
                        total += scale / Math.Pow(1 - Uniform(), 1 / line.SeverityShape);
                    }
                    losses[y] = total;
                }
            }
            annualLoss[l] = losses;

            int band = (int)Math.Log10(Math.Max(1, losses.Average()));
            lock (bandCounts)
            {
                bandCounts[band] = bandCounts.GetValueOrDefault(band) + 1;
            }
        });

        for (int l = 0; l < lines.Length; l++)
        {
            var sorted = annualLoss[l].OrderBy(x => x).ToArray();
            Console.WriteLine($"{lines[l].Name,-10} mean {sorted.Average(),14:N0}  1-in-200 {sorted[(int)(sorted.Length * 0.995)],14:N0}");
        }
        Console.WriteLine($"{years} simulated years per line in {sw.ElapsedMilliseconds} ms; bands {string.Join(",", bandCounts.OrderBy(b => b.Key).Select(b => $"{b.Key}:{b.Value}"))}");
    }

    private static double Uniform() => CRandom.Next() / (CRandom.RandMax + 1.0);
}
