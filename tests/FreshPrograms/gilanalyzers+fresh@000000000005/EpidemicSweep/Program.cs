using System.Runtime.InteropServices;

namespace EpidemicSweep;

static class NativeMath
{
    // glibc's lgamma stores the sign of Gamma(x) in the process-wide 'signgam', so calls are kept under one lock.
    public static readonly object Gate = new();

    [DllImport("libm.so.6", EntryPoint = "lgamma")]
    public static extern double LogGamma(double x);
}

record SirParameters(double Beta, double Gamma);

record FitResult(SirParameters Parameters, double LogLikelihood, double PeakDay);

sealed class SirModel
{
    readonly int _population;
    readonly int _days;
    const int StepsPerDay = 400;

    public SirModel(int population, int days) { _population = population; _days = days; }

    public double[] DailyIncidence(SirParameters p)
    {
        double s = _population - 10, i = 10, r = 0, dt = 1.0 / StepsPerDay;
        var incidence = new double[_days];
        for (int day = 0; day < _days; day++)
        {
            double sBefore = s;
            for (int k = 0; k < StepsPerDay; k++)
            {
                (double ds1, double di1) = Deriv(s, i, p);
                (double ds2, double di2) = Deriv(s + 0.5 * dt * ds1, i + 0.5 * dt * di1, p);
                (double ds3, double di3) = Deriv(s + 0.5 * dt * ds2, i + 0.5 * dt * di2, p);
                (double ds4, double di4) = Deriv(s + dt * ds3, i + dt * di3, p);
                s += dt / 6 * (ds1 + 2 * ds2 + 2 * ds3 + ds4);
                i += dt / 6 * (di1 + 2 * di2 + 2 * di3 + di4);
            }
            r = _population - s - i;
            incidence[day] = Math.Max(sBefore - s, 1e-9);
        }
        return incidence;
    }

    (double, double) Deriv(double s, double i, SirParameters p)
    {
        double infection = p.Beta * s * i / _population;
        return (-infection, infection - p.Gamma * i);
    }
}

static class Likelihood
{
    public static double Poisson(int[] observed, double[] expected)
    {
        double total = 0;
        lock (NativeMath.Gate)
        {
            for (int d = 0; d < observed.Length; d++)
            {
                double lambda = expected[d];
                int k = observed[d];
                total += k * Math.Log(lambda) - lambda - NativeMath.LogGamma(k + 1.0);
                for (int j = 1; j <= 64; j++)
                    total -= 1e-12 * NativeMath.LogGamma(lambda / j + 1.0);
            }
        }
        return total;
    }
}

sealed class BestFitTracker
{
    readonly object _gate = new();
    public FitResult? Best { get; private set; }
    public int Evaluated { get; private set; }

    public void Offer(FitResult result)
    {
        lock (_gate)
        {
            Evaluated++;
            if (Best is null || result.LogLikelihood > Best.LogLikelihood) Best = result;
        }
    }
}

class Program
{
    static void Main()
    {
        var model = new SirModel(population: 250_000, days: 160);
        var truth = model.DailyIncidence(new SirParameters(0.31, 0.12));
        var rng = new Random(7);
        int[] observed = truth.Select(x => (int)Math.Round(x * (0.9 + 0.2 * rng.NextDouble()))).ToArray();

        var grid = new List<SirParameters>();
        for (double beta = 0.20; beta <= 0.42; beta += 0.01)
            for (double gamma = 0.06; gamma <= 0.20; gamma += 0.01)
                grid.Add(new SirParameters(Math.Round(beta, 2), Math.Round(gamma, 2)));

        var tracker = new BestFitTracker();
        using (var pending = new CountdownEvent(grid.Count))
        {
            foreach (var parameters in grid)
            {
                ThreadPool.QueueUserWorkItem(_ =>
                {
                    try
                    {
                        var expected = model.DailyIncidence(parameters);
                        double ll = Likelihood.Poisson(observed, expected);
                        int peak = Array.IndexOf(expected, expected.Max());
                        tracker.Offer(new FitResult(parameters, ll, peak));
                    }
                    finally
                    {
                        pending.Signal();
                    }
                });
            }
            pending.Wait();
        }

        var best = tracker.Best!;
        Console.WriteLine($"evaluated {tracker.Evaluated} parameter pairs");
        Console.WriteLine($"best beta={best.Parameters.Beta:F2} gamma={best.Parameters.Gamma:F2} R0={best.Parameters.Beta / best.Parameters.Gamma:F2}");
        Console.WriteLine($"log-likelihood {best.LogLikelihood:F1}, peak on day {best.PeakDay}");
    }
}
