using System.Runtime.InteropServices;

namespace Utilities.Reliability;

/// <summary>
/// The 1990s C model drew from rand(); regulators compare our numbers to it, so the native generator stays.
/// </summary>
internal static class LegacyRng
{
    public const double RandMax = 2147483647.0;
    public static readonly object Sync = new();

    [DllImport("libc.so.6", EntryPoint = "rand")]
    public static extern int Rand();

    [DllImport("libc.so.6", EntryPoint = "srand")]
    public static extern void Seed(uint seed);
}

internal sealed class WeibullBand
{
    public int FirstPump, LastPump;
    public double Shape, Scale;
    public long Failures;
}

internal static class Program
{
    private const int Pumps = 40, YearsSimulated = 30;

    private static void SimulateBand(WeibullBand band)
    {
        var rng = new Random(band.FirstPump * 7919);
        for (int pump = band.FirstPump; pump < band.LastPump; pump++)
        {
            for (int run = 0; run < 40_000; run++)
            {
                double age = 0;
                while (true)
                {
                    double life = band.Scale * Math.Pow(-Math.Log(1 - rng.NextDouble()), 1 / band.Shape);
                    age += life;
                    if (age > YearsSimulated) break;
                    band.Failures++;
                }
            }
        }
    }

    private static void Main()
    {
        lock (LegacyRng.Sync)
        {
            LegacyRng.Seed(19_970_301);
        }

        // Station outage scenarios: the legacy draw order must be preserved within a scenario.
        const int scenarios = 64, trials = 20_000;
        var outageHours = new double[scenarios];
        object progressSync = new();
        int scenariosDone = 0, lastReported = 0;
        using var progressTimer = new Timer(_ =>
        {
            lock (progressSync)
            {
                lastReported = scenariosDone;
            }
        }, null, 100, 100);
        Parallel.For(0, scenarios, s =>
        {
            double hours = 0;
            lock (LegacyRng.Sync)
            {
                for (int t = 0; t < trials; t++)
                {
                    double u1 = LegacyRng.Rand() / LegacyRng.RandMax;
                    double u2 = LegacyRng.Rand() / LegacyRng.RandMax;
                    if (u1 < 0.002 + s * 1e-5)
                        hours += -Math.Log(1 - u2) * 36.0; // exponential repair time, mean 36 h
                }
            }
            outageHours[s] = hours / trials;
            lock (progressSync) scenariosDone++;
        });

        // Pump-fleet Weibull model, managed generator, one thread per band of pumps.
        int bandCount = 4;
        var bands = new WeibullBand[bandCount];
        var threads = new Thread[bandCount];
        for (int b = 0; b < bandCount; b++)
        {
            bands[b] = new WeibullBand { FirstPump = b * Pumps / bandCount, LastPump = (b + 1) * Pumps / bandCount, Shape = 1.6, Scale = 12.0 };
            WeibullBand band = bands[b];
            threads[b] = new Thread(() => SimulateBand(band));
            threads[b].Start();
        }
        for (int b = 0; b < bandCount; b++)
            threads[b].Join();

        double meanFailures = bands.Sum(b => b.Failures) / (double)(Pumps * 40_000);
        Console.WriteLine($"worstScenario={outageHours.Max():F4}h/trial meanFailuresPerPump={meanFailures:F3}");
    }
}
