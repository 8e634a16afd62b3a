using System.Runtime.CompilerServices;

namespace LeaderboardRanker;

public readonly record struct Match(int League, int Winner, int Loser, int Day);

public sealed class RatingService
{
    private readonly Dictionary<(int League, int Player), double> _ratings = new();
    private readonly object _percentileSync = new();
    private readonly object _topSync = new();
    private readonly List<(int League, int Player, double Rating)> _top = new();

    public Dictionary<int, double[]> Percentiles { get; } = new();
    public IReadOnlyList<(int League, int Player, double Rating)> Top => _top;

    [MethodImpl(MethodImplOptions.Synchronized)]
    public void Recompute(int league, IReadOnlyList<Match> history, int players)
    {
        var r = new double[players];
        Array.Fill(r, 1500);
        // several passes so that early matches are re-judged with later strength estimates
        for (int pass = 0; pass < 12; pass++)
        {
            double k = 32.0 / (1 + pass);
            foreach (var m in history)
            {
                double expected = 1 / (1 + Math.Pow(10, (r[m.Loser] - r[m.Winner]) / 400));
                r[m.Winner] += k * (1 - expected);
                r[m.Loser] -= k * (1 - expected);
            }
        }
        for (int p = 0; p < players; p++) _ratings[(league, p)] = r[p];
    }

    public double[] ComputePercentiles(int league, int players)
    {
        double[] ratings;
        lock (_ratings) ratings = Enumerable.Range(0, players).Select(p => _ratings[(league, p)]).ToArray();
        var pct = new double[players];
        bool taken = false;
        try
        {
            Monitor.Enter(_percentileSync, ref taken);
            var sorted = (double[])ratings.Clone();
            Array.Sort(sorted);
            for (int p = 0; p < players; p++)
            {
                int below = 0;
                foreach (var s in sorted) if (s < ratings[p]) below++; else break;
                pct[p] = 100.0 * below / players;
            }
            Percentiles[league] = pct;
        }
        finally
        {
            if (taken) Monitor.Exit(_percentileSync);
        }
        return pct;
    }

    public void OfferTop(int league, int player, double rating)
    {
        lock (_topSync)
        {
            _top.Add((league, player, rating));
            _top.Sort((a, b) => b.Rating.CompareTo(a.Rating));
            if (_top.Count > 5) _top.RemoveAt(_top.Count - 1);
        }
    }
}

public static class Program
{
    public static void Main()
    {
        const int leagues = 12, players = 400;
        var rng = new Random(20);
        var history = Enumerable.Range(0, leagues).ToDictionary(l => l, l =>
            (IReadOnlyList<Match>)Enumerable.Range(0, 8000).Select(d =>
            {
                int a = rng.Next(players), b = (a + 1 + rng.Next(players - 1)) % players;
                return a % 7 < b % 7 ? new Match(l, a, b, d) : new Match(l, b, a, d);
            }).ToList());

        var service = new RatingService();
        Parallel.ForEach(history, kv => service.Recompute(kv.Key, kv.Value, players));
        Parallel.For(0, leagues, league =>
        {
            var pct = service.ComputePercentiles(league, players);
            int best = Array.IndexOf(pct, pct.Max());
            service.OfferTop(league, best, pct[best]);
        });

        foreach (var (league, player, rating) in service.Top)
            Console.WriteLine($"league {league,2} player {player,3}: {rating:F2} percentile");
    }
}
