using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;

namespace AquiferDrawdownModel;

public sealed record Well(string Name, double X, double Y, double RateM3PerDay);

public sealed record PumpingScenario(int Id, double RateFactor, double DaysPumped);

public sealed record PumpTest(string Site, double RadiusM, double RateM3PerDay, double[] Times, double[] Observed);

public static class Theis
{
    // Well function W(u) = -0.5772 - ln u + u - u^2/(2*2!) + ... (series, fine for u < 5)
    public static double W(double u)
    {
        if (u > 10) return 0.0;
        double sum = -0.5772156649 - Math.Log(u);
        double term = 1.0;
        for (int n = 1; n < 60; n++)
        {
            term *= -u / n;
            double add = -term / n;
            sum += add;
            if (Math.Abs(add) < 1e-14) break;
        }
        return sum;
    }

    public static double Drawdown(double q, double t, double s, double r, double days)
    {
        double u = r * r * s / (4.0 * t * days);
        return q / (4.0 * Math.PI * t) * W(Math.Max(u, 1e-12));
    }
}

public class DrawdownModel
{
    private readonly object _sync = new();
    private readonly double[,] _field;
    private readonly Well[] _wells;
    private readonly double _transmissivity, _storativity, _cell;
    public int Size { get; }

    public DrawdownModel(Well[] wells, int size, double cell, double transmissivity, double storativity)
    {
        _wells = wells; Size = size; _cell = cell;
        _transmissivity = transmissivity; _storativity = storativity;
        _field = new double[size, size];
    }

    // Fills the model's drawdown grid for one scenario and summarises it.
    public (double Max, int CellsOverLimit) ComputeField(PumpingScenario sc, double limitM)
    {
        lock (_sync)
        {
            double max = 0; int over = 0;
            for (int i = 0; i < Size; i++)
            for (int j = 0; j < Size; j++)
            {
                double x = i * _cell, y = j * _cell, s = 0;
                foreach (var w in _wells)
                {
                    double r = Math.Max(0.3, Math.Sqrt((x - w.X) * (x - w.X) + (y - w.Y) * (y - w.Y)));
                    s += Theis.Drawdown(w.RateM3PerDay * sc.RateFactor, _transmissivity, _storativity, r, sc.DaysPumped);
                }
                _field[i, j] = s;
                if (s > max) max = s;
                if (s > limitM) over++;
            }
            return (max, over);
        }
    }
}

public static class Program
{
    private static readonly Dictionary<int, string> Summaries = new();
    private static readonly object SummaryGate = new();

    public static void Main()
    {
        var wells = new[]
        {
            new Well("PW-1", 800, 900, 1200), new Well("PW-2", 1500, 700, 950),
            new Well("PW-3", 1100, 1600, 1400), new Well("PW-4", 2100, 1900, 600),
            new Well("IRR-7", 300, 2200, 2100), new Well("IRR-9", 2400, 400, 1800),
        };
        var model = new DrawdownModel(wells, size: 56, cell: 50.0, transmissivity: 420.0, storativity: 2.5e-4);
        var scenarios = Enumerable.Range(0, 48)
            .Select(i => new PumpingScenario(i, 0.6 + 0.05 * (i % 12), 30 + 30 * (i / 12)))
            .ToArray();

        var results = new (double Max, int Over)[scenarios.Length];
        Parallel.For(0, scenarios.Length, i => results[i] = Evaluate(model, scenarios[i]));

        Parallel.ForEach(scenarios, sc =>
        {
            var (max, over) = results[sc.Id];
            string text = $"scenario {sc.Id,2}: x{sc.RateFactor:F2} {sc.DaysPumped,3}d max {max,6:F2} m, {over,4} cells > 6 m";
            lock (SummaryGate)
            {
                Summaries[sc.Id] = text;
            }
        });
        foreach (var id in Summaries.Keys.OrderBy(k => k).Where(k => k % 8 == 0)) Console.WriteLine(Summaries[id]);

        var tests = MakePumpTests();
        var fitted = new (double T, double S, double Rms)[tests.Length];
        using (var pending = new CountdownEvent(tests.Length))
        {
            for (int k = 0; k < tests.Length; k++)
            {
                int idx = k;
                ThreadPool.QueueUserWorkItem(_ =>
                {
                    try { fitted[idx] = FitPumpTest(tests[idx]); }
                    finally { pending.Signal(); }
                });
            }
            pending.Wait();
        }
        for (int k = 0; k < tests.Length; k++)
            Console.WriteLine($"{tests[k].Site}: T = {fitted[k].T,6:F1} m2/d, S = {fitted[k].S:E2}, rms {fitted[k].Rms:F4} m");
    }

    private static (double Max, int Over) Evaluate(DrawdownModel model, PumpingScenario sc) => model.ComputeField(sc, 6.0);

    // Grid search of transmissivity and storativity against observed drawdowns (Theis curve match).
    private static (double T, double S, double Rms) FitPumpTest(PumpTest test)
    {
        (double T, double S, double Rms) best = (0, 0, double.MaxValue);
        for (int a = 0; a < 160; a++)
        for (int b = 0; b < 120; b++)
        {
            double t = 50 + a * 5.0, s = Math.Pow(10, -5.5 + b * 0.03);
            double err = 0;
            for (int k = 0; k < test.Times.Length; k++)
            {
                double d = Theis.Drawdown(test.RateM3PerDay, t, s, test.RadiusM, test.Times[k]) - test.Observed[k];
                err += d * d;
            }
            double rms = Math.Sqrt(err / test.Times.Length);
            if (rms < best.Rms) best = (t, s, rms);
        }
        return best;
    }

    private static PumpTest[] MakePumpTests()
    {
        var list = new List<PumpTest>();
        for (int k = 0; k < 6; k++)
        {
            var rng = new Random(31 + k);
            double t = 180 + 70 * k, s = 1e-4 * (1 + k), r = 25 + 10 * k, q = 900 + 100 * k;
            double[] times = Enumerable.Range(1, 40).Select(i => i * 0.05).ToArray();
            double[] obs = times.Select(d => Theis.Drawdown(q, t, s, r, d) + 0.01 * (rng.NextDouble() - 0.5)).ToArray();
            list.Add(new PumpTest($"site-{(char)('A' + k)}", r, q, times, obs));
        }
        return list.ToArray();
    }
}
