using System.Globalization;

namespace BondLadderPricer;

internal static class Program
{
    private static void Main()
    {
        CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
        var curve = new ZeroCurve(
            tenors: [0.5, 1, 2, 3, 5, 7, 10, 20, 30],
            zeroRates: [0.041, 0.040, 0.038, 0.037, 0.036, 0.0365, 0.037, 0.039, 0.040]);
        var analytics = new BondAnalytics(curve);
        var ratings = new RatingSpreadTable();
        var audit = new StringWriter();
        var desk = new LadderDesk(analytics, ratings, new AuditTrail(audit));

        var ladder = Ladder.Build(count: 240, seed: 11);
        var results = desk.PriceAll(ladder);

        decimal notional = ladder.Sum(b => b.Notional);
        double pv = results.Sum(r => r.Price * (double)r.Bond.Notional / 100.0);
        double dv01 = results.Sum(r => r.Dv01 * (double)r.Bond.Notional / 100.0);
        Console.WriteLine($"bonds:     {results.Count}");
        Console.WriteLine($"notional:  {notional:N0}");
        Console.WriteLine($"pv:        {pv:N2}");
        Console.WriteLine($"dv01:      {dv01:N2}");
        Console.WriteLine($"audit lines: {audit.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries).Length}");
        foreach (var r in results.OrderByDescending(r => r.Dv01).Take(3))
        {
            Console.WriteLine($"  {r.Bond.Isin} {r.Bond.Rating,-4} price {r.Price:F4} dv01 {r.Dv01:F5}");
        }
    }
}

public sealed record Bond(string Isin, double Coupon, double Maturity, string Rating, decimal Notional);

public sealed record Quote(Bond Bond, double Price, double Dv01);

public static class Ladder
{
    private static readonly string[] Ratings = ["AAA", "AA", "A", "BBB", "BB"];

    public static List<Bond> Build(int count, int seed)
    {
        var rng = new Random(seed);
        var list = new List<Bond>(count);
        for (int i = 0; i < count; i++)
        {
            double maturity = 1 + rng.Next(0, 58) * 0.5;
            double coupon = Math.Round(0.02 + rng.NextDouble() * 0.04, 4);
            list.Add(new Bond($"XS{100000 + i}", coupon, maturity, Ratings[rng.Next(Ratings.Length)], 1_000_000m * (1 + rng.Next(9))));
        }
        return list;
    }
}

public sealed class LadderDesk(BondAnalytics analytics, RatingSpreadTable spreads, AuditTrail audit)
{
    public List<Quote> PriceAll(IReadOnlyList<Bond> ladder)
    {
        var quotes = new Quote[ladder.Count];
        Parallel.ForEach(ladder, (bond, _, index) =>
        {
            double spread = spreads.SpreadFor(bond.Rating);
            var (price, dv01) = analytics.PriceWithRisk(bond, spread);
            quotes[index] = new Quote(bond, price, dv01);
            audit.Record(bond.Isin, price);
        });
        return quotes.ToList();
    }
}

public sealed class AuditTrail(TextWriter sink)
{
    private readonly object _writeGate = new();

    public void Record(string isin, double price)
    {
        lock (_writeGate)
        {
            sink.WriteLine($"{isin};{price:F6}");
        }
    }
}
