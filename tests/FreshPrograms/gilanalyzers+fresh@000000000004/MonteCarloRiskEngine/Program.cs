using System.Runtime.InteropServices;

namespace MonteCarloRiskEngine;

internal static class LibC
{
    [DllImport("libc.so.6", EntryPoint = "srandom")]
    internal static extern void SRandom(uint seed);

    [DllImport("libc.so.6", EntryPoint = "random")]
    internal static extern long Random();
}

internal sealed record Position(string Ticker, double Notional, double Vol, double Drift);

internal sealed class ScenarioGenerator
{
    private static readonly object LibcGate = new();
    private const double Scale = 2147483648.0;

    public ScenarioGenerator(uint seed) => LibC.SRandom(seed);

    // Shocks for every position over a 20-day horizon, drawn from the C library's global generator.
    public double[] SimulateLosses(IReadOnlyList<Position> book, int scenarios)
    {
        var losses = new double[scenarios];
        Parallel.For(0, scenarios, s =>
        {
            lock (LibcGate)
            {
                double pnl = 0;
                foreach (var p in book)
                {
                    double logPrice = 0;
                    for (int day = 0; day < 20; day++)
                    {
                        double u1 = (LibC.Random() + 1.0) / (Scale + 1.0);
                        double u2 = LibC.Random() / Scale;
                        double z = Math.Sqrt(-2 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2);
                        logPrice += (p.Drift - 0.5 * p.Vol * p.Vol) / 252 + p.Vol * Math.Sqrt(1.0 / 252) * z;
                    }
                    pnl += p.Notional * (Math.Exp(logPrice) - 1);
                }
                losses[s] = -pnl;
            }
        });
        return losses;
    }
}

internal sealed class StressTester
{
    private readonly Lock _gate = new();
    private readonly List<(int Scenario, double Loss)> _stressLosses = new();
    private double _worst = double.NegativeInfinity;

    public IReadOnlyList<(int Scenario, double Loss)> StressLosses => _stressLosses;
    public double Worst => _worst;

    public void Run(IReadOnlyList<Position> book, int count)
    {
        Parallel.For(0, count, i =>
        {
            var rng = new Random(1000 + i);
            double shift = -0.3 + 0.6 * rng.NextDouble();
            using (_gate.EnterScope())
            {
                double loss = 0;
                foreach (var p in book)
                {
                    // price a 1y barrier-like payoff on a binomial tree under the shifted vol
                    int steps = 400;
                    double vol = p.Vol * (1 + shift), dt = 1.0 / steps;
                    double up = Math.Exp(vol * Math.Sqrt(dt)), down = 1 / up;
                    double q = (Math.Exp(p.Drift * dt) - down) / (up - down);
                    var values = new double[steps + 1];
                    for (int k = 0; k <= steps; k++) values[k] = Math.Max(0, Math.Pow(up, k) * Math.Pow(down, steps - k) - 1);
                    for (int n = steps - 1; n >= 0; n--)
                        for (int k = 0; k <= n; k++) values[k] = q * values[k + 1] + (1 - q) * values[k];
                    loss += p.Notional * values[0] * shift;
                }
                _stressLosses.Add((i, loss));
            }
        });
        foreach (var (_, loss) in _stressLosses)
        {
            using (_gate.EnterScope())
            {
                if (loss > _worst) _worst = loss;
            }
        }
    }
}

internal static class Program
{
    private static void Main()
    {
        var book = new List<Position>
        {
            new("AAPL", 2_000_000, 0.28, 0.06), new("MSFT", 1_500_000, 0.24, 0.05),
            new("XOM", 800_000, 0.31, 0.04), new("TLT", 3_000_000, 0.15, 0.02),
            new("GLD", 1_000_000, 0.18, 0.03), new("NVDA", 700_000, 0.52, 0.09),
        };
        var generator = new ScenarioGenerator(seed: 20240501);
        var losses = generator.SimulateLosses(book, 20_000);
        Array.Sort(losses);
        Console.WriteLine($"VaR99  = {losses[(int)(losses.Length * 0.99)]:N0}");
        Console.WriteLine($"ES97.5 = {losses.Skip((int)(losses.Length * 0.975)).Average():N0}");

        var stress = new StressTester();
        stress.Run(book, 64);
        Console.WriteLine($"stress scenarios: {stress.StressLosses.Count}, worst: {stress.Worst:N0}");
    }
}
