using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using System.Threading;
using System.Threading.Tasks;

namespace PlayerRatingEngine;

public record Shot(int Player, double Distance, double Angle, bool Header, bool Goal);
public record Match(int Id, string League, int Home, int Away, int HomeGoals, int AwayGoals, Shot[] Shots);

// Logistic expected-goals model; the feature buffer is kept on the instance to avoid per-shot allocations.
public sealed class XgModel
{
    private readonly SemaphoreSlim _one = new SemaphoreSlim(1, 1);
    private readonly double[] _features = new double[6];
    private readonly double[] _weights = { -0.4, -0.16, 1.1, -0.8, 0.0008, -0.03 };

    public Dictionary<int, double> PlayerXg(Match match)
    {
        _one.Wait();
        try
        {
            var byPlayer = new Dictionary<int, double>();
            foreach (Shot s in match.Shots)
            {
                // Monte Carlo over positional noise in the tracking data.
                double sum = 0;
                for (int k = 0; k < 400; k++)
                {
                    double d = s.Distance + ((k * 7919) % 100 - 50) / 100.0, a = s.Angle + ((k * 104729) % 100 - 50) / 1000.0;
                    _features[0] = 1; _features[1] = d; _features[2] = a; _features[3] = s.Header ? 1 : 0;
                    _features[4] = d * d; _features[5] = d * a;
                    double z = 0;
                    for (int f = 0; f < _features.Length; f++) z += _weights[f] * _features[f];
                    sum += 1 / (1 + Math.Exp(-z));
                }
                byPlayer[s.Player] = byPlayer.GetValueOrDefault(s.Player) + sum / 400;
            }
            return byPlayer;
        }
        finally
        {
            _one.Release();
        }
    }
}

public static class Program
{
    static List<Match> Fixtures(Random rng)
    {
        var matches = new List<Match>();
        string[] leagues = { "premier", "liga", "serie-a", "bundes", "ligue-1" };
        for (int id = 0; id < 1500; id++)
        {
            string league = leagues[id % leagues.Length];
            int home = rng.Next(20), away = (home + 1 + rng.Next(19)) % 20;
            var shots = Enumerable.Range(0, 8 + rng.Next(20)).Select(_ => new Shot(
                (rng.Next(2) == 0 ? home : away) * 30 + rng.Next(11), 4 + rng.NextDouble() * 28, rng.NextDouble() * 1.4,
                rng.Next(6) == 0, rng.Next(9) == 0)).ToArray();
            matches.Add(new Match(id, league, home, away, shots.Count(s => s.Goal && s.Player / 30 == home), shots.Count(s => s.Goal && s.Player / 30 == away), shots));
        }
        return matches;
    }

    // Elo with goal-difference multiplier, replayed many times with different K to pick the best calibrated one.
    static async Task<string> RateLeagueAsync(string league, IReadOnlyList<Match> matches, string dir)
    {
        double bestBrier = double.MaxValue, bestK = 0;
        double[] best = new double[20];
        for (int k = 2; k <= 50; k++)
        {
            var elo = Enumerable.Repeat(1500.0, 20).ToArray();
            double brier = 0;
            for (int rep = 0; rep < 40; rep++)
                foreach (Match m in matches)
                {
                    double expected = 1 / (1 + Math.Pow(10, (elo[m.Away] - elo[m.Home] - 60) / 400));
                    double actual = m.HomeGoals > m.AwayGoals ? 1 : m.HomeGoals == m.AwayGoals ? 0.5 : 0;
                    brier += (expected - actual) * (expected - actual);
                    double delta = k * Math.Log(Math.Abs(m.HomeGoals - m.AwayGoals) + 1 + 1e-9) * (actual - expected);
                    elo[m.Home] += delta; elo[m.Away] -= delta;
                }
            if (brier < bestBrier) { bestBrier = brier; bestK = k; best = elo; }
        }
        var sb = new StringBuilder();
        foreach (int team in Enumerable.Range(0, 20).OrderByDescending(t => best[t])) sb.AppendLine($"{team},{best[team]:F1}");
        await File.WriteAllTextAsync(Path.Combine(dir, league + "-elo.csv"), sb.ToString());
        return $"{league}: K={bestK}, top team {Enumerable.Range(0, 20).MaxBy(t => best[t])} ({best.Max():F0})";
    }

    public static async Task Main()
    {
        var matches = Fixtures(new Random(90));
        string dir = Path.Combine(Path.GetTempPath(), "ratings");
        Directory.CreateDirectory(dir);

        var byLeague = matches.GroupBy(m => m.League).ToList();
        string[] summaries = await Task.WhenAll(byLeague.Select(g => RateLeagueAsync(g.Key, g.ToList(), dir)));
        foreach (string s in summaries) Console.WriteLine(s);

        var model = new XgModel();
        var seasonXg = new Dictionary<int, double>();
        Parallel.ForEach(matches, match =>
        {
            Dictionary<int, double> xg = model.PlayerXg(match);
            lock (seasonXg)
            {
                foreach (var (player, value) in xg) seasonXg[player] = seasonXg.GetValueOrDefault(player) + value;
            }
        });

        foreach (var (player, xg) in seasonXg.OrderByDescending(kv => kv.Value).ThenBy(kv => kv.Key).Take(5))
            Console.WriteLine($"player {player} (team {player / 30}): {xg:F2} xG");
    }
}
