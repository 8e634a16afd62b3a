using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Runtime.CompilerServices;
using System.Text;
using System.Threading.Tasks;

namespace TournamentBracketSim;

public record Game(int Home, int Away, int Margin);

public record Conference(string Name, int[] Teams, List<Game> Games);

public record RegionOdds(string Region, int[] Seeds, double[] ChampionOdds);

public class SeasonRater
{
    private readonly Dictionary<int, double> _ratings = new();
    private double[,] _matrix = new double[0, 0];
    private double[] _rhs = Array.Empty<double>();

    // Massey ratings (with a Colley prior) per conference, solved by Gauss-Seidel on the rater's own matrix.
    [MethodImpl(MethodImplOptions.Synchronized)]
    public void RateConference(Conference conf)
    {
        int n = conf.Teams.Length;
        var index = conf.Teams.Select((t, i) => (t, i)).ToDictionary(p => p.t, p => p.i);
        _matrix = new double[n, n];
        _rhs = new double[n];
        foreach (var g in conf.Games)
        {
            int h = index[g.Home], a = index[g.Away];
            _matrix[h, h]++; _matrix[a, a]++; _matrix[h, a]--; _matrix[a, h]--;
            _rhs[h] += g.Margin; _rhs[a] -= g.Margin;
        }
        for (int i = 0; i < n; i++) _matrix[i, i] += 2; // Colley-style prior keeps the system well posed
        var r = new double[n];
        for (int sweep = 0; sweep < 20000; sweep++)
        {
            double change = 0;
            for (int i = 0; i < n; i++)
            {
                double s = _rhs[i];
                for (int j = 0; j < n; j++) if (j != i) s -= _matrix[i, j] * r[j];
                double next = s / _matrix[i, i];
                change = Math.Max(change, Math.Abs(next - r[i]));
                r[i] = next;
            }
            if (change < 1e-13) break;
        }
        for (int i = 0; i < n; i++) _ratings[conf.Teams[i]] = r[i];
    }

    public double Rating(int team) => _ratings[team];
}

public static class Program
{
    public static async Task Main()
    {
        var rng = new Random(1939);
        double[] strength = Enumerable.Range(0, 320).Select(_ => rng.NextDouble() * 30).ToArray();
        var conferences = Enumerable.Range(0, 16).Select(c =>
        {
            int[] teams = Enumerable.Range(c * 20, 20).ToArray();
            var games = new List<Game>();
            foreach (int h in teams)
                foreach (int a in teams)
                    if (h != a && rng.Next(3) == 0)
                        games.Add(new Game(h, a, (int)Math.Round(strength[h] - strength[a] + 3 + rng.NextDouble() * 20 - 10)));
            return new Conference($"C{c:D2}", teams, games);
        }).ToList();

        var rater = new SeasonRater();
        Parallel.ForEach(conferences, rater.RateConference);

        // Field of 64: the best four of every conference, snake-seeded into four regions of 16.
        var field = conferences.SelectMany(c => c.Teams.OrderByDescending(rater.Rating).Take(4))
                               .OrderByDescending(t => strength[t] * 0.5 + rater.Rating(t)).ToArray();
        string[] names = { "East", "West", "South", "Midwest" };
        var regions = names.Select((name, r) => (name, seeds: Enumerable.Range(0, 16).Select(s => field[s * 4 + (s % 2 == 0 ? r : 3 - r)]).ToArray())).ToList();

        string outDir = Path.Combine(Path.GetTempPath(), $"bracket-{Environment.ProcessId}");
        Directory.CreateDirectory(outDir);
        RegionOdds[] odds = await Task.WhenAll(regions.Select(r => SimulateRegionAsync(r.name, r.seeds, strength, 200_000, outDir)));

        string[][] saved = await Task.WhenAll(names.Select(n => File.ReadAllLinesAsync(Path.Combine(outDir, n + ".csv"))));

        foreach (var o in odds)
        {
            int fav = Array.IndexOf(o.ChampionOdds, o.ChampionOdds.Max());
            Console.WriteLine($"{o.Region,-8} favourite seed {fav + 1,2} (team {o.Seeds[fav]}) {o.ChampionOdds[fav]:P1}; 16-seed {o.ChampionOdds[15]:P3}");
        }
        Console.WriteLine($"saved rows: {saved.Sum(s => s.Length)}");
        Directory.Delete(outDir, recursive: true);
    }

    private static async Task<RegionOdds> SimulateRegionAsync(string region, int[] seeds, double[] strength, int sims, string outDir)
    {
        var rng = new Random(region.Length * 7919 + region[0]);
        int[] bracketOrder = { 0, 15, 7, 8, 4, 11, 3, 12, 5, 10, 2, 13, 6, 9, 1, 14 };
        var wins = new int[16];
        var alive = new int[16];
        for (int s = 0; s < sims; s++)
        {
            for (int i = 0; i < 16; i++) alive[i] = bracketOrder[i];
            for (int size = 16; size > 1; size /= 2)
            {
                for (int m = 0; m < size / 2; m++)
                {
                    int a = alive[2 * m], b = alive[2 * m + 1];
                    double diff = strength[seeds[a]] - strength[seeds[b]];
                    double pA = 1 / (1 + Math.Exp(-diff / 6.5));
                    alive[m] = rng.NextDouble() < pA ? a : b;
                }
            }
            wins[alive[0]]++;
        }
        var odds = wins.Select(w => (double)w / sims).ToArray();
        var csv = new StringBuilder("seed,team,champion\n");
        for (int i = 0; i < 16; i++) csv.Append($"{i + 1},{seeds[i]},{odds[i]:F5}\n");
        await File.WriteAllTextAsync(Path.Combine(outDir, region + ".csv"), csv.ToString());
        return new RegionOdds(region, seeds, odds);
    }
}
