using System.Diagnostics;

namespace OptionPricer;

public sealed record OptionContract(string Ticker, double Spot, double Strike, double Volatility, double Rate, double Years, bool IsCall);

public sealed record Greeks(string Ticker, double Delta, double Vega);

/// <summary>Monte Carlo pricing of a small book of European options, plus bump-and-reprice Greeks.</summary>
public static class Program
{
    private const int PathsPerBatch = 4_000;
    private const int Batches = 24;

    // The pricing engine used to be called from the request thread only; the gate was added when
    // the nightly job started pricing in parallel and the totals came out wrong.
    private static readonly SemaphoreSlim EngineGate = new(1, 1);

    public static void Main(string[] args)
    {
        var book = new List<OptionContract>
        {
            new("ACME", 100, 105, 0.25, 0.03, 1.0, true),
            new("GLOBX", 52, 50, 0.32, 0.03, 0.5, false),
            new("INIT", 310, 300, 0.18, 0.03, 2.0, true),
        };

        var sw = Stopwatch.StartNew();
        foreach (var option in book)
        {
            Console.WriteLine($"{option.Ticker,-6} price {Price(option, seed: 7):F4}");
        }

        var greeks = new List<Greeks>();
        var bookLock = new object();
        Parallel.ForEach(book, option =>
        {
            Monitor.Enter(bookLock);
            try
            {
                double basePrice = Price(option, seed: 11);
                double up = Price(option with { Spot = option.Spot * 1.01 }, seed: 11);
                double volUp = Price(option with { Volatility = option.Volatility + 0.01 }, seed: 11);
                greeks.Add(new Greeks(option.Ticker, (up - basePrice) / (option.Spot * 0.01), (volUp - basePrice) / 0.01));
            }
            finally
            {
                Monitor.Exit(bookLock);
            }
        });

        foreach (var g in greeks.OrderBy(g => g.Ticker))
        {
            Console.WriteLine($"{g.Ticker,-6} delta {g.Delta:F3} vega {g.Vega:F3}");
        }

        double notional = 0;
        var totalLock = new object();
        Parallel.For(0, book.Count, () => 0.0, (i, _, local) =>
        {
            var o = book[i];
            return local + o.Spot * 100 * Math.Exp(-o.Rate * o.Years);
        },
        local =>
        {
            lock (totalLock)
            {
                notional += local;
            }
        });

        Console.WriteLine($"Discounted notional {notional:F0}, done in {sw.ElapsedMilliseconds} ms");
    }

    public static double Price(OptionContract option, int seed)
    {
        double payoffSum = 0;
        Parallel.For(0, Batches, batch =>
        {
            EngineGate.Wait();
            try
            {
                var rng = new Random(seed * 7919 + batch);
                double drift = (option.Rate - 0.5 * option.Volatility * option.Volatility) * option.Years;
                double diffusion = option.Volatility * Math.Sqrt(option.Years);
                for (int p = 0; p < PathsPerBatch; p++)
                {
                    double u1 = 1.0 - rng.NextDouble(), u2 = rng.NextDouble();
                    double z = Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2);
                    double terminal = option.Spot * Math.Exp(drift + diffusion * z);
                    payoffSum += option.IsCall ? Math.Max(terminal - option.Strike, 0) : Math.Max(option.Strike - terminal, 0);
                }
            }
            finally
            {
                EngineGate.Release();
            }
        });
        return Math.Exp(-option.Rate * option.Years) * payoffSum / (Batches * PathsPerBatch);
    }
}
