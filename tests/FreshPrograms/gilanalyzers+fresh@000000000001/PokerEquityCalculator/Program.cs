using System.Diagnostics;
using System.Runtime.CompilerServices;

namespace PokerEquityCalculator;

/// <summary>Cards are 0..51: rank = card / 4 (0 = deuce), suit = card % 4.</summary>
public sealed class EquityCalculator
{
    private readonly List<string> _auditTrail = new();

    /// <summary>Monte Carlo equity of hero's hole cards against one random opponent hand.</summary>
    [MethodImpl(MethodImplOptions.Synchronized)]
    public double Equity(int heroA, int heroB, int trials, int seed)
    {
        var rng = new Random(seed);
        var deck = Enumerable.Range(0, 52).Where(c => c != heroA && c != heroB).ToArray();
        Span<int> hero = stackalloc int[7];
        Span<int> villain = stackalloc int[7];
        double wins = 0;
        for (int t = 0; t < trials; t++)
        {
            // partial Fisher-Yates: we need 2 villain cards and 5 board cards
            for (int i = 0; i < 7; i++)
            {
                int j = i + rng.Next(deck.Length - i);
                (deck[i], deck[j]) = (deck[j], deck[i]);
            }
            hero[0] = heroA; hero[1] = heroB;
            villain[0] = deck[0]; villain[1] = deck[1];
            for (int b = 0; b < 5; b++) hero[2 + b] = villain[2 + b] = deck[2 + b];
            int h = Rank(hero), v = Rank(villain);
            wins += h > v ? 1 : h == v ? 0.5 : 0;
        }
        return wins / trials;
    }

    [MethodImpl(MethodImplOptions.Synchronized)]
    public void Audit(string line) => _auditTrail.Add(line);

    public int AuditCount => _auditTrail.Count;

    // Coarse 7-card strength: category * 15^2 + top two ranks. Good enough for a study tool.
    private static int Rank(ReadOnlySpan<int> cards)
    {
        Span<int> rankCounts = stackalloc int[13];
        Span<int> suitCounts = stackalloc int[4];
        foreach (int c in cards) { rankCounts[c / 4]++; suitCounts[c % 4]++; }
        int pairs = 0, trips = 0, quads = 0, high = 0, second = 0;
        for (int r = 12; r >= 0; r--)
        {
            if (rankCounts[r] == 4) quads++;
            else if (rankCounts[r] == 3) trips++;
            else if (rankCounts[r] == 2) pairs++;
            if (rankCounts[r] > 0) { if (high == 0) high = r + 1; else if (second == 0) second = r + 1; }
        }
        bool flush = false;
        foreach (int s in suitCounts) flush |= s >= 5;
        int run = 0, straight = 0;
        for (int r = 0; r < 13; r++) { run = rankCounts[r] > 0 ? run + 1 : 0; if (run >= 5) straight = 1; }
        int category = quads > 0 ? 7 : trips > 0 && pairs > 0 ? 6 : flush ? 5 : straight > 0 ? 4 : trips > 0 ? 3 : pairs >= 2 ? 2 : pairs == 1 ? 1 : 0;
        return category * 225 + high * 15 + second;
    }
}

public static class Program
{
    public static async Task Main(string[] args)
    {
        int trials = args.Length > 0 ? int.Parse(args[0]) : 60_000;
        // Starting hands for the study chart: (rank, rank, suited)
        (int, int, bool)[] hands = [(12, 12, false), (12, 11, true), (10, 9, true), (6, 6, false), (12, 3, false), (4, 2, true), (8, 7, true), (11, 11, false)];
        var calculator = new EquityCalculator();

        var sw = Stopwatch.StartNew();
        var jobs = hands.Select((hand, index) => Task.Run(() =>
        {
            var (r1, r2, suited) = hand;
            int a = r1 * 4, b = r2 * 4 + (suited ? 0 : 1);
            double equity = calculator.Equity(a, b, trials, seed: index);
            calculator.Audit($"{r1}/{r2}{(suited ? "s" : "o")} = {equity:P1}");
            return (hand, equity);
        }));
        var results = await Task.WhenAll(jobs);

        foreach (var ((r1, r2, suited), equity) in results.OrderByDescending(r => r.equity))
        {
            Console.WriteLine($"{"23456789TJQKA"[r1]}{"23456789TJQKA"[r2]}{(suited ? "s" : "o")}  {equity:P1}");
        }
        Console.WriteLine($"{hands.Length} hands x {trials} trials in {sw.ElapsedMilliseconds} ms ({calculator.AuditCount} audit lines)");
    }
}
