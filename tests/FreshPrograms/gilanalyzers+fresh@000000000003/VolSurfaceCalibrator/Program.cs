using System.Globalization;

namespace VolSurfaceCalibrator;

// Calibrates an implied-volatility surface from a grid of option quotes, then checks the
// barrier-option desk's Monte Carlo prices against it.
public static class Program
{
    public static void Main()
    {
        CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
        var market = MarketGrid.Create(spot: 100, rate: 0.03, seed: 4);
        var calibrator = new SurfaceCalibrator(market.Spot, market.Rate);
        var surface = calibrator.Calibrate(market.Quotes);

        Console.WriteLine($"quotes calibrated: {surface.Count}");
        foreach (var expiry in surface.GroupBy(p => p.Expiry).OrderBy(g => g.Key))
        {
            Console.WriteLine($"  T={expiry.Key:F2}: " + string.Join(" ", expiry.OrderBy(p => p.Strike).Select(p => $"{p.Vol:P1}")));
        }

        var barriers = BarrierBook.Create(count: 24);
        var mc = new NativeMonteCarlo(market.Spot, market.Rate, paths: 4000, steps: 64);
        var prices = mc.PriceAll(barriers, surface);
        Console.WriteLine($"barrier book value: {prices.Sum():F4}");
        Console.WriteLine($"max single price:   {prices.Max():F4}");
    }
}

public sealed record OptionQuote(double Strike, double Expiry, double Price);
public sealed record VolPoint(double Strike, double Expiry, double Vol);
public sealed record Barrier(double Strike, double Level, double Expiry);

public sealed record MarketGrid(double Spot, double Rate, List<OptionQuote> Quotes)
{
    public static MarketGrid Create(double spot, double rate, int seed)
    {
        var rng = new Random(seed);
        var quotes = new List<OptionQuote>();
        foreach (double t in new[] { 0.25, 0.5, 1.0, 2.0 })
        foreach (double k in new[] { 80.0, 90, 100, 110, 120 })
        {
            double vol = 0.2 + 0.1 * Math.Abs(Math.Log(k / spot)) + 0.02 * t + rng.NextDouble() * 0.005;
            quotes.Add(new OptionQuote(k, t, BlackScholes.Call(spot, k, t, rate, vol)));
        }
        return new MarketGrid(spot, rate, quotes);
    }
}

public static class BarrierBook
{
    public static List<Barrier> Create(int count) =>
        Enumerable.Range(0, count).Select(i => new Barrier(90 + i % 5 * 5, 125 + i % 4 * 5, i % 3 == 0 ? 0.5 : 1.0)).ToList();
}

public static class BlackScholes
{
    public static double Call(double s, double k, double t, double r, double vol)
    {
        double d1 = (Math.Log(s / k) + (r + vol * vol / 2) * t) / (vol * Math.Sqrt(t));
        double d2 = d1 - vol * Math.Sqrt(t);
        return s * Cnd(d1) - k * Math.Exp(-r * t) * Cnd(d2);
    }

    public static double Vega(double s, double k, double t, double r, double vol)
    {
        double d1 = (Math.Log(s / k) + (r + vol * vol / 2) * t) / (vol * Math.Sqrt(t));
        return s * Math.Sqrt(t) * Math.Exp(-d1 * d1 / 2) / Math.Sqrt(2 * Math.PI);
    }

    public static double Cnd(double x)
    {
        // Abramowitz-Stegun 26.2.17
        double l = Math.Abs(x), k = 1 / (1 + 0.2316419 * l);
        double w = 1 - 1 / Math.Sqrt(2 * Math.PI) * Math.Exp(-l * l / 2) *
            (0.31938153 * k - 0.356563782 * k * k + 1.781477937 * Math.Pow(k, 3) - 1.821255978 * Math.Pow(k, 4) + 1.330274429 * Math.Pow(k, 5));
        return x < 0 ? 1 - w : w;
    }
}
