using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;

namespace YieldCurveBootstrap;

public sealed record ParBond(double Maturity, double Coupon);

/// <summary>
/// Bootstraps zero curves from par bond quotes for each currency, then prices a bond book off every
/// curve under a grid of parallel shifts. Results are written to a report by a pair of writer threads.
/// </summary>
public static class Program
{
    public static void Main(string[] args)
    {
        int bookSize = args.Length > 0 ? int.Parse(args[0]) : 2_000;
        string[] currencies = ["USD", "EUR", "GBP", "JPY"];
        var results = new ConcurrentDictionary<string, double[]>();
        var reportLines = new BlockingCollection<string>(boundedCapacity: 256);
        string reportPath = Path.Combine(Path.GetTempPath(), "curve-report.txt");

        using var report = new StreamWriter(reportPath);
        var writers = new Thread[2];
        for (int w = 0; w < writers.Length; w++)
        {
            writers[w] = new Thread(() =>
            {
                foreach (var line in reportLines.GetConsumingEnumerable())
                {
                    lock (report) report.WriteLine(line);
                }
            }) { IsBackground = true };
            writers[w].Start();
        }

        var sw = Stopwatch.StartNew();
        var pricers = new List<Thread>();
        foreach (var ccy in currencies)
        {
            var thread = new Thread(() =>
            {
                var quotes = Quotes(ccy);
                double[] zeros = BootstrapZeros(quotes);
                var book = Book(ccy, bookSize);
                var pv = new double[41];
                for (int s = 0; s < pv.Length; s++)
                {
                    double shift = (s - 20) * 0.0005;
                    foreach (var bond in book) pv[s] += Price(bond, zeros, shift);
                }
                results[ccy] = pv;
                reportLines.Add(string.Create(CultureInfo.InvariantCulture, $"{ccy} base PV {pv[20]:F2}, DV01 {(pv[19] - pv[21]) / 2 / 5:F4}"));
            });
            thread.Start();
            pricers.Add(thread);
        }
        pricers.ForEach(t => t.Join());

        reportLines.CompleteAdding();
        foreach (var w in writers) w.Join();
        Console.WriteLine($"Priced {currencies.Length} x {bookSize} bonds under 41 shifts in {sw.ElapsedMilliseconds} ms -> {reportPath}");
        foreach (var (ccy, pv) in results.OrderBy(r => r.Key)) Console.WriteLine($"  {ccy}: {pv[20]:F2}");
    }

    // Annual-pay par bonds at integer maturities 1..30: solve each discount factor in turn.
    private static double[] BootstrapZeros(IReadOnlyList<ParBond> quotes)
    {
        var df = new double[quotes.Count + 1];
        df[0] = 1;
        for (int i = 0; i < quotes.Count; i++)
        {
            double c = quotes[i].Coupon, annuity = 0;
            for (int j = 1; j <= i; j++) annuity += df[j];
            df[i + 1] = (1 - c * annuity) / (1 + c);
        }
        var zeros = new double[df.Length];
        for (int t = 1; t < df.Length; t++) zeros[t] = -Math.Log(df[t]) / t;
        return zeros;
    }

    private static double Price(ParBond bond, double[] zeros, double shift)
    {
        double pv = 0;
        int years = (int)bond.Maturity;
        for (int t = 1; t <= years; t++)
        {
            double z = zeros[Math.Min(t, zeros.Length - 1)] + shift;
            pv += (bond.Coupon + (t == years ? 1 : 0)) * Math.Exp(-z * t);
        }
        return pv * 100;
    }

    private static List<ParBond> Quotes(string ccy)
    {
        double level = ccy switch { "USD" => 0.042, "EUR" => 0.025, "GBP" => 0.038, _ => 0.006 };
        return Enumerable.Range(1, 30).Select(t => new ParBond(t, level + 0.01 * (1 - Math.Exp(-t / 8.0)))).ToList();
    }

    private static List<ParBond> Book(string ccy, int size)
    {
        var rng = new Random(ccy[0] * 961 + ccy[1] * 31 + ccy[2]);
        return Enumerable.Range(0, size).Select(_ => new ParBond(1 + rng.Next(30), 0.01 + rng.NextDouble() * 0.05)).ToList();
    }
}
