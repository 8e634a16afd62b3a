using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Runtime.CompilerServices;
using System.Threading.Tasks;

namespace FeedRationOptimizer;

public enum RowKind { AtMost, AtLeast, Equal }
public sealed record Constraint(double[] Coef, RowKind Kind, double Rhs);
public sealed record Feed(string Name, double Price, double Protein, double Energy, double Calcium, double Phosphorus, double Fibre, double Fat, double MaxShare);
public sealed record AnimalGroup(string Name, double MinProtein, double MinEnergy, double MinCalcium, double MinPhosphorus, double MinFibre, double MaxFat);

/// <summary>Dense big-M simplex; the tableau is kept between calls to avoid reallocating it for every ration.</summary>
public sealed class SimplexSolver
{
    private const double BigM = 1e6;
    private readonly double[,] _t = new double[48, 112];
    private readonly int[] _basis = new int[48];
    public long Pivots;

    [MethodImpl(MethodImplOptions.Synchronized)]
    public double Minimise(double[] cost, IReadOnlyList<Constraint> rows, double[] solution)
    {
        int n = cost.Length, m = rows.Count, rhs = n + 2 * m;
        Array.Clear(_t);
        for (int i = 0; i < m; i++)
        {
            for (int j = 0; j < n; j++) _t[i, j] = rows[i].Coef[j];
            _t[i, rhs] = rows[i].Rhs;
            if (rows[i].Kind == RowKind.AtMost) { _t[i, n + i] = 1.0; _basis[i] = n + i; continue; }
            if (rows[i].Kind == RowKind.AtLeast) _t[i, n + i] = -1.0;
            _t[i, n + m + i] = 1.0;
            _basis[i] = n + m + i;
        }
        for (int j = 0; j < n; j++) _t[m, j] = cost[j];
        for (int i = 0; i < m; i++) _t[m, n + m + i] = BigM;
        for (int i = 0; i < m; i++)
            if (_basis[i] >= n + m)
                for (int j = 0; j <= rhs; j++) _t[m, j] -= BigM * _t[i, j];

        for (int guard = 0; guard < 500; guard++)
        {
            int enter = -1;
            for (int j = 0; j < rhs; j++) if (_t[m, j] < -1e-9 && (enter < 0 || _t[m, j] < _t[m, enter])) enter = j;
            if (enter < 0) break;
            int leave = -1;
            for (int i = 0; i < m; i++)
            {
                if (_t[i, enter] <= 1e-12) continue;
                if (leave < 0 || _t[i, rhs] / _t[i, enter] < _t[leave, rhs] / _t[leave, enter] - 1e-12) leave = i;
            }
            if (leave < 0) return double.PositiveInfinity;
            double p = _t[leave, enter];
            for (int j = 0; j <= rhs; j++) _t[leave, j] /= p;
            for (int i = 0; i <= m; i++)
            {
                if (i == leave || _t[i, enter] == 0.0) continue;
                double f = _t[i, enter];
                for (int j = 0; j <= rhs; j++) _t[i, j] -= f * _t[leave, j];
            }
            _basis[leave] = enter;
            Pivots++;
        }
        Array.Clear(solution);
        for (int i = 0; i < m; i++)
        {
            if (_basis[i] >= n + m && _t[i, rhs] > 1e-7) return double.NaN;
            if (_basis[i] < n) solution[_basis[i]] = _t[i, rhs];
        }
        return cost.Zip(solution, (c, x) => c * x).Sum();
    }
}

public static class Program
{
    public static void Main()
    {
        var inv = CultureInfo.InvariantCulture;
        var feeds = new List<Feed>
        {
            new("Maize grain", 210, 9.0, 13.6, 0.03, 0.30, 10, 4.0, 0.60), new("Barley", 190, 11.5, 12.8, 0.06, 0.38, 20, 2.0, 0.50),
            new("Soybean meal", 420, 49.0, 13.4, 0.35, 0.70, 14, 1.5, 0.25), new("Rapeseed meal", 300, 38.0, 11.8, 0.75, 1.10, 30, 3.5, 0.25),
            new("Wheat bran", 160, 17.0, 10.1, 0.12, 1.15, 45, 4.0, 0.30), new("Grass silage", 95, 14.0, 10.8, 0.55, 0.33, 52, 3.5, 0.70),
            new("Maize silage", 80, 8.0, 11.0, 0.25, 0.22, 42, 3.0, 0.65), new("Lucerne hay", 180, 18.0, 8.9, 1.40, 0.25, 46, 2.5, 0.40),
            new("Sugar beet pulp", 170, 10.0, 12.3, 0.90, 0.10, 45, 0.8, 0.30), new("Distillers grains", 260, 30.0, 13.0, 0.10, 0.85, 35, 10.0, 0.20),
            new("Limestone", 60, 0.0, 0.0, 38.0, 0.00, 0, 0.0, 0.03), new("Dicalcium phosphate", 650, 0.0, 0.0, 23.0, 18.0, 0, 0.0, 0.02),
        };
        var groups = new List<AnimalGroup>
        {
            new("Dairy early", 17.5, 12.0, 0.80, 0.42, 30, 6.0), new("Dairy mid", 16.0, 11.6, 0.70, 0.38, 32, 6.0),
            new("Dairy late", 14.5, 11.0, 0.60, 0.35, 34, 6.0), new("Dry cows", 12.5, 9.8, 0.45, 0.28, 40, 5.0),
            new("Heifers", 14.0, 10.5, 0.55, 0.30, 35, 5.0), new("Finishing steers", 12.5, 12.2, 0.50, 0.30, 20, 7.0),
            new("Ewes lactating", 15.0, 11.0, 0.55, 0.32, 30, 6.0), new("Lambs", 16.5, 11.8, 0.60, 0.33, 22, 6.0),
        };

        const int scenarios = 1200;
        var prices = new double[scenarios][];
        Parallel.For(0, scenarios, s =>
        {
            var rng = new Random(31 * s + 5);
            double energyShock = 1.0 + 0.25 * (rng.NextDouble() - 0.5);
            prices[s] = feeds.Select(f => f.Price * energyShock * (0.75 + 0.5 * rng.NextDouble())).ToArray();
        });

        var solver = new SimplexSolver();
        var costs = new double[scenarios, groups.Count];
        var usage = new double[scenarios * groups.Count][];
        var cheapest = Enumerable.Repeat((Cost: double.MaxValue, Scenario: -1), groups.Count).ToArray();
        object cheapestGate = new();

        Parallel.For(0, scenarios * groups.Count, job =>
        {
            int s = job / groups.Count, g = job % groups.Count;
            AnimalGroup a = groups[g];
            var rows = new List<Constraint> { new(feeds.Select(_ => 1.0).ToArray(), RowKind.Equal, 1.0) };
            rows.Add(new(feeds.Select(f => f.Protein).ToArray(), RowKind.AtLeast, a.MinProtein));
            rows.Add(new(feeds.Select(f => f.Energy).ToArray(), RowKind.AtLeast, a.MinEnergy));
            rows.Add(new(feeds.Select(f => f.Calcium).ToArray(), RowKind.AtLeast, a.MinCalcium));
            rows.Add(new(feeds.Select(f => f.Phosphorus).ToArray(), RowKind.AtLeast, a.MinPhosphorus));
            rows.Add(new(feeds.Select(f => f.Fibre).ToArray(), RowKind.AtLeast, a.MinFibre));
            rows.Add(new(feeds.Select(f => f.Fat).ToArray(), RowKind.AtMost, a.MaxFat));
            for (int j = 0; j < feeds.Count; j++)
                rows.Add(new(feeds.Select((_, k) => k == j ? 1.0 : 0.0).ToArray(), RowKind.AtMost, feeds[j].MaxShare));
            var x = new double[feeds.Count];
            double cost = solver.Minimise(prices[s], rows, x);
            costs[s, g] = cost;
            usage[job] = x;
            if (cost <= cheapest[g].Cost)
            {
                lock (cheapestGate)
                {
                    if (cost < cheapest[g].Cost || (cost == cheapest[g].Cost && s < cheapest[g].Scenario)) cheapest[g] = (cost, s);
                }
            }
        });

        Console.WriteLine($"Solved {scenarios * groups.Count} rations ({solver.Pivots} pivots)");
        for (int g = 0; g < groups.Count; g++)
        {
            var col = Enumerable.Range(0, scenarios).Select(s => costs[s, g]).Where(double.IsFinite).ToArray();
            var share = Enumerable.Range(0, feeds.Count).Select(j => Enumerable.Range(0, scenarios).Sum(s => usage[s * groups.Count + g][j]) / scenarios).ToArray();
            var top = share.Select((v, j) => (v, j)).OrderByDescending(p => p.v).Take(3).Select(p => $"{feeds[p.j].Name} {p.v:P0}");
            Console.WriteLine(string.Format(inv, "{0,-16} feasible {1,4}  mean {2,6:F1}/t  p95 {3,6:F1}/t  cheapest {4,6:F1} (#{5})  {6}",
                groups[g].Name, col.Length, col.Average(), col.OrderBy(c => c).ElementAt((int)(0.95 * (col.Length - 1))),
                cheapest[g].Cost, cheapest[g].Scenario, string.Join(", ", top)));
        }
    }
}
