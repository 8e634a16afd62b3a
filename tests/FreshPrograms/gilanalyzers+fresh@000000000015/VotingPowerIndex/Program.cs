using System;
using System.Collections.Generic;
using System.Linq;
using System.Runtime.CompilerServices;
using System.Threading.Tasks;

namespace VotingPowerIndex;

public sealed record WeightedGame(string Name, string[] Players, int[] Weights, int Quota)
{
    public int Total => Weights.Sum();
}

public sealed record PowerReport(string Game, double[] Banzhaf, double[] Shapley);

public class AuditLog
{
    private int _games;
    private double _maxShare;
    private string _maxGame = "";

    [MethodImpl(MethodImplOptions.Synchronized)]
    public void Record(string game, double share)
    {
        _games++;
        if (share > _maxShare) { _maxShare = share; _maxGame = game; }
    }

    public override string ToString() => $"{_games} games audited; largest single-player Shapley share {_maxShare:P1} in {_maxGame}";
}

public static class PowerIndices
{
    private static long s_solved;
    public static long Solved => s_solved;

    // Banzhaf: count swings with the coalition-weight generating function, leaving one player out at a time.
    public static double[] Banzhaf(WeightedGame g)
    {
        int n = g.Weights.Length, total = g.Total;
        var swings = new double[n];
        for (int i = 0; i < n; i++)
        {
            var ways = new double[total + 1];
            ways[0] = 1;
            for (int j = 0; j < n; j++)
            {
                if (j == i) continue;
                for (int w = total - g.Weights[j]; w >= 0; w--) ways[w + g.Weights[j]] += ways[w];
            }
            for (int w = Math.Max(0, g.Quota - g.Weights[i]); w < g.Quota; w++) swings[i] += ways[w];
        }
        double sum = swings.Sum();
        return swings.Select(s => s / sum).ToArray();
    }

    // Shapley–Shubik: ways[k, w] = coalitions of size k and weight w among the others; pivots weighted by k!(n-k-1)!/n!.
    [MethodImpl(MethodImplOptions.Synchronized)]
    public static double[] ShapleyShubik(WeightedGame g)
    {
        int n = g.Weights.Length, total = g.Total;
        var phi = new double[n];
        var ways = new double[n, total + 1];
        for (int i = 0; i < n; i++)
        {
            Array.Clear(ways);
            ways[0, 0] = 1;
            int seen = 0;
            for (int j = 0; j < n; j++)
            {
                if (j == i) continue;
                seen++;
                for (int k = seen; k >= 1; k--)
                for (int w = total - g.Weights[j]; w >= 0; w--)
                    ways[k, w + g.Weights[j]] += ways[k - 1, w];
            }
            for (int k = 0; k < n; k++)
            {
                double coeff = Math.Exp(LogFactorial(k) + LogFactorial(n - k - 1) - LogFactorial(n));
                for (int w = Math.Max(0, g.Quota - g.Weights[i]); w < g.Quota; w++) phi[i] += coeff * ways[k, w];
            }
        }
        s_solved++;
        return phi;
    }

    public static double[] MonteCarloShapley(WeightedGame g, int permutations, int seed)
    {
        var rng = new Random(seed);
        var order = Enumerable.Range(0, g.Weights.Length).ToArray();
        var pivots = new double[order.Length];
        for (int p = 0; p < permutations; p++)
        {
            rng.Shuffle(order);
            int running = 0;
            foreach (int i in order)
            {
                running += g.Weights[i];
                if (running >= g.Quota) { pivots[i]++; break; }
            }
        }
        return pivots.Select(c => c / permutations).ToArray();
    }

    private static double LogFactorial(int k) { double s = 0; for (int i = 2; i <= k; i++) s += Math.Log(i); return s; }
}

public static class Program
{
    public static async Task Main()
    {
        var games = new List<WeightedGame>
        {
            new("EU Council (Nice)", Enumerable.Range(1, 27).Select(i => $"MS{i}").ToArray(),
                new[] { 29, 29, 29, 29, 27, 27, 14, 13, 12, 12, 12, 12, 12, 10, 10, 10, 7, 7, 7, 7, 7, 4, 4, 4, 4, 4, 3 }, 255),
            new("IMF board", Enumerable.Range(1, 24).Select(i => $"ED{i}").ToArray(),
                new[] { 165, 65, 61, 53, 43, 43, 41, 38, 36, 35, 33, 32, 31, 30, 29, 28, 27, 26, 25, 24, 22, 20, 18, 16 }, 443),
        };
        var rng = new Random(2024);
        for (int k = 0; k < 20; k++)
        {
            int n = 25 + rng.Next(25);
            int[] seats = Enumerable.Range(0, n).Select(_ => 1 + (int)(60 * Math.Pow(rng.NextDouble(), 3))).ToArray();
            games.Add(new($"parliament-{k:D2}", Enumerable.Range(0, n).Select(i => $"P{i}").ToArray(), seats, seats.Sum() / 2 + 1));
        }

        var audit = new AuditLog();
        var reports = new PowerReport[games.Count];
        Parallel.For(0, games.Count, i =>
        {
            reports[i] = Analyse(games[i]);
            audit.Record(games[i].Name, reports[i].Shapley.Max());
        });
        foreach (var r in reports.Take(2))
            Console.WriteLine($"{r.Game}: top Banzhaf {r.Banzhaf.Max():F4}, top Shapley {r.Shapley.Max():F4}");
        Console.WriteLine(audit);

        // Large shareholder registers: exact DP is too big, sample permutations on the pool instead.
        var registers = Enumerable.Range(0, 6).Select(k =>
        {
            var r = new Random(k);
            int[] shares = Enumerable.Range(0, 400).Select(i => i < 3 ? 4000 + r.Next(3000) : 1 + r.Next(200)).ToArray();
            return new WeightedGame($"register-{k}", shares.Select((_, i) => $"H{i}").ToArray(), shares, shares.Sum() / 2 + 1);
        }).ToArray();
        double[][] estimates = await Task.WhenAll(registers.Select((g, k) => Task.Run(() => PowerIndices.MonteCarloShapley(g, 40_000, seed: k))));
        for (int k = 0; k < registers.Length; k += 2)
            Console.WriteLine($"{registers[k].Name}: three blockholders hold {registers[k].Weights.Take(3).Sum() / (double)registers[k].Total:P1} of shares, {estimates[k].Take(3).Sum():P1} of power");
        Console.WriteLine($"exact games solved: {PowerIndices.Solved}");
    }

    private static PowerReport Analyse(WeightedGame g) => new(g.Name, PowerIndices.Banzhaf(g), PowerIndices.ShapleyShubik(g));
}
