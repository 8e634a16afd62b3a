using System;
using System.Linq;
using System.Runtime.CompilerServices;
using System.Threading.Tasks;

namespace PortfolioFrontier;

// Projected-gradient mean-variance solver ported from a FORTRAN 77 routine. The COMMON block
// became static fields: the work vectors, and the last solution, which warm-starts the next call.
internal static class QpLegacy
{
    public static readonly object Gate = new object();
    public static int N;
    public static double[] Cov = Array.Empty<double>();
    public static double[] Mu = Array.Empty<double>();
    private static double[] s_w = Array.Empty<double>();
    private static double[] s_grad = Array.Empty<double>();
    public static int Iterations;

    public static void Init(double[] cov, double[] mu)
    {
        N = mu.Length; Cov = cov; Mu = mu;
        s_w = Enumerable.Repeat(1.0 / N, N).ToArray();
        s_grad = new double[N];
    }

    // minimise w'Cov w - lambda * mu'w  subject to sum w = 1, w >= 0
    public static double[] Solve(double lambda)
    {
        for (int it = 0; it < 4000; it++)
        {
            for (int i = 0; i < N; i++)
            {
                double g = 0;
                for (int j = 0; j < N; j++) g += 2 * Cov[i * N + j] * s_w[j];
                s_grad[i] = g - lambda * Mu[i];
            }
            double sum = 0;
            for (int i = 0; i < N; i++) { s_w[i] = Math.Max(0, s_w[i] - 2.0 * s_grad[i]); sum += s_w[i]; }
            for (int i = 0; i < N; i++) s_w[i] /= sum;
            Iterations++;
        }
        return (double[])s_w.Clone();
    }
}

public sealed class RiskReport
{
    private readonly double[][] _scenarios;
    private readonly double[] _pnl;

    public RiskReport(double[][] scenarios) { _scenarios = scenarios; _pnl = new double[scenarios.Length]; }

    // Historical-simulation 99% VaR of a weight vector.
    [MethodImpl(MethodImplOptions.Synchronized)]
    public double ValueAtRisk(double[] weights)
    {
        for (int s = 0; s < _scenarios.Length; s++)
        {
            double p = 0;
            for (int i = 0; i < weights.Length; i++) p += weights[i] * _scenarios[s][i];
            _pnl[s] = p;
        }
        Array.Sort(_pnl);
        return -_pnl[(int)(_pnl.Length * 0.01)];
    }
}

public static class Program
{
    public static void Main()
    {
        const int assets = 60, days = 2500;
        var rng = new Random(11);
        var factor = Enumerable.Range(0, days).Select(_ => Gaussian(rng) * 0.01).ToArray();
        var beta = Enumerable.Range(0, assets).Select(_ => 0.5 + rng.NextDouble()).ToArray();
        var returns = Enumerable.Range(0, days).Select(d => Enumerable.Range(0, assets).Select(a => 0.0003 + beta[a] * factor[d] + Gaussian(rng) * 0.012 * (1 + a % 5 * 0.2)).ToArray()).ToArray();

        var mu = Enumerable.Range(0, assets).Select(a => returns.Average(r => r[a])).ToArray();
        var cov = new double[assets * assets];
        for (int i = 0; i < assets; i++)
            for (int j = 0; j < assets; j++)
                cov[i * assets + j] = returns.Sum(r => (r[i] - mu[i]) * (r[j] - mu[j])) / (days - 1);
        QpLegacy.Init(cov, mu);

        var report = new RiskReport(returns);
        const int points = 40;
        var frontier = new (double Ret, double Vol, double VaR)[points];
        double bestSharpe = double.MinValue; int bestPoint = -1;
        var bestLock = new object();

        Parallel.For(0, points, k =>
        {
            double lambda = 0.05 * k;
            double[] w;
            lock (QpLegacy.Gate)
            {
                w = QpLegacy.Solve(lambda);
            }
            double ret = w.Select((x, i) => x * mu[i]).Sum();
            double vol = Math.Sqrt(Enumerable.Range(0, assets).Sum(i => Enumerable.Range(0, assets).Sum(j => w[i] * w[j] * cov[i * assets + j])));
            frontier[k] = (ret, vol, report.ValueAtRisk(w));
            lock (bestLock)
            {
                if (ret / vol > bestSharpe) { bestSharpe = ret / vol; bestPoint = k; }
            }
        });

        for (int k = 0; k < points; k += 8) Console.WriteLine($"lambda {0.05 * k:F2}: ret {frontier[k].Ret * 252:P2} vol {frontier[k].Vol * Math.Sqrt(252):P2} VaR99 {frontier[k].VaR:P2}");
        Console.WriteLine($"best Sharpe at point {bestPoint}: {bestSharpe * Math.Sqrt(252):F3}; solver iterations {QpLegacy.Iterations}");
    }

    private static double Gaussian(Random rng) => Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble());
}
