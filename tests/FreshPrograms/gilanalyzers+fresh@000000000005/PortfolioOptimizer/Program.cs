using System.Runtime.CompilerServices;

namespace PortfolioOptimizer;

public sealed record Candidate(double[] Weights, double ExpectedReturn, double Volatility)
{
    public double Sharpe => (ExpectedReturn - RiskModel.RiskFree) / Volatility;
}

public static class RiskModel
{
    public const double RiskFree = 0.02;
    public const int Assets = 160;
    public static readonly double[] Means;
    public static readonly double[,] Covariance;

    static RiskModel()
    {
        var rng = new Random(2024);
        Means = Enumerable.Range(0, Assets).Select(_ => 0.03 + rng.NextDouble() * 0.09).ToArray();
        var factors = new double[Assets, 4];
        for (int i = 0; i < Assets; i++) for (int f = 0; f < 4; f++) factors[i, f] = rng.NextDouble() * 0.2 - 0.05;
        Covariance = new double[Assets, Assets];
        for (int i = 0; i < Assets; i++)
            for (int j = 0; j < Assets; j++)
            {
                double c = 0;
                for (int f = 0; f < 4; f++) c += factors[i, f] * factors[j, f];
                Covariance[i, j] = c + (i == j ? 0.01 + 0.03 * rng.NextDouble() : 0);
            }
    }

    [MethodImpl(MethodImplOptions.Synchronized)]
    public static double Variance(double[] w)
    {
        double v = 0;
        for (int i = 0; i < Assets; i++)
        {
            double row = 0;
            for (int j = 0; j < Assets; j++) row += Covariance[i, j] * w[j];
            v += w[i] * row;
        }
        return v;
    }

    public static double Return(double[] w)
    {
        double r = 0;
        for (int i = 0; i < Assets; i++) r += Means[i] * w[i];
        return r;
    }
}

public static class Program
{
    private static double[] RandomWeights(Random rng, int nonZero)
    {
        var w = new double[RiskModel.Assets];
        for (int k = 0; k < nonZero; k++) w[rng.Next(w.Length)] += rng.NextDouble();
        double sum = w.Sum();
        for (int i = 0; i < w.Length; i++) w[i] /= sum;
        return w;
    }

    private static double CostAdjustedSharpe(double[] w, double[] current)
    {
        double turnover = 0;
        for (int i = 0; i < w.Length; i++) turnover += Math.Abs(w[i] - current[i]);
        double ret = RiskModel.Return(w) - 0.004 * turnover;
        double variance = 0;
        for (int i = 0; i < w.Length; i++)
            for (int j = 0; j < w.Length; j++)
                variance += w[i] * RiskModel.Covariance[i, j] * w[j];
        return (ret - RiskModel.RiskFree) / Math.Sqrt(variance);
    }

    public static void Main()
    {
        const int samples = 24_000;
        var top = new List<Candidate>();
        Parallel.For(0, samples, i =>
        {
            var rng = new Random(i);
            var w = RandomWeights(rng, nonZero: 25);
            var candidate = new Candidate(w, RiskModel.Return(w), Math.Sqrt(RiskModel.Variance(w)));
            lock (top)
            {
                if (top.Count < 10 || candidate.Sharpe > top[^1].Sharpe)
                {
                    top.Add(candidate);
                    top.Sort((a, b) => b.Sharpe.CompareTo(a.Sharpe));
                    if (top.Count > 10) top.RemoveAt(top.Count - 1);
                }
            }
        });

        var current = Enumerable.Repeat(1.0 / RiskModel.Assets, RiskModel.Assets).ToArray();
        var start = top[0].Weights;
        var bestLock = new Lock();
        double bestScore = CostAdjustedSharpe(start, current);
        double[] bestWeights = start;
        Parallel.For(0, 3000, i =>
        {
            var rng = new Random(100_000 + i);
            var trial = (double[])start.Clone();
            for (int k = 0; k < 6; k++) trial[rng.Next(trial.Length)] += 0.02 * rng.NextDouble();
            double total = trial.Sum();
            for (int a = 0; a < trial.Length; a++) trial[a] /= total;

            using (bestLock.EnterScope())
            {
                double score = CostAdjustedSharpe(trial, current);
                if (score > bestScore)
                {
                    bestScore = score;
                    bestWeights = trial;
                }
            }
        });

        Console.WriteLine($"best sampled Sharpe {top[0].Sharpe:F4} (return {top[0].ExpectedReturn:P2}, vol {top[0].Volatility:P2})");
        Console.WriteLine($"after cost-aware refinement: {bestScore:F4}");
        var holdings = bestWeights.Select((w, i) => (w, i)).OrderByDescending(x => x.w).Take(5);
        Console.WriteLine("largest holdings: " + string.Join(", ", holdings.Select(h => $"A{h.i:D3} {h.w:P1}")));
    }
}
