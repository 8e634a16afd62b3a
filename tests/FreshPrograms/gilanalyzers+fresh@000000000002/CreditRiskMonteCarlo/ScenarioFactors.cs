namespace CreditRiskMonteCarlo;

/// <summary>
/// Draws correlated latent variables. Uses one seeded generator for the whole run so that results are
/// reproducible between runs with the same seed.
/// </summary>
public static class ScenarioFactors
{
    private const double Rho = 0.18;
    private static readonly Random Generator = new Random(20240611);
    private static readonly object GeneratorLock = new object();

    public static double[] Draw(int loans)
    {
        var result = new double[loans];
        lock (GeneratorLock)
        {
            double systemic = NextGaussian();
            double a = Math.Sqrt(Rho), b = Math.Sqrt(1 - Rho);
            for (int i = 0; i < loans; i++)
            {
                double idiosyncratic = NextGaussian();
                result[i] = NormalCdf(a * systemic + b * idiosyncratic);
            }
        }
        return result;
    }

    private static double NextGaussian()
    {
        // Box-Muller
        double u1 = 1.0 - Generator.NextDouble();
        double u2 = Generator.NextDouble();
        return Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2.0 * Math.PI * u2);
    }

    private static double NormalCdf(double x)
    {
        // Abramowitz & Stegun 7.1.26
        double t = 1.0 / (1.0 + 0.3275911 * Math.Abs(x) / Math.Sqrt(2));
        double y = 1.0 - (((((1.061405429 * t - 1.453152027) * t) + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * Math.Exp(-x * x / 2);
        return 0.5 * (1.0 + Math.Sign(x) * y);
    }
}
