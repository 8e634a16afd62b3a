using System.Diagnostics;
using System.Text.Json;

namespace SalesDashboardExport;

public sealed record Sale(string Region, string Product, DateOnly Day, int Units, decimal UnitPrice);

public sealed record RegionKpis(string Region, decimal Revenue, double MedianBasket, string BestProduct, double[] WeeklyTrend);

/// <summary>
/// Exports the dashboard tiles: per-region KPIs as JSON files for the web front end, plus a simple
/// moving-average forecast per region.
/// </summary>
public static class Program
{
    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true };

    public static async Task Main(string[] args)
    {
        int salesPerRegion = args.Length > 0 ? int.Parse(args[0]) : 60_000;
        var byRegion = Generate(salesPerRegion).GroupBy(s => s.Region).ToDictionary(g => g.Key, g => g.ToList());
        string outDir = Path.Combine(Path.GetTempPath(), "dashboard-tiles");
        Directory.CreateDirectory(outDir);

        var sw = Stopwatch.StartNew();
        Task.WaitAll(byRegion.Select(async pair =>
        {
            var kpis = ComputeKpis(pair.Key, pair.Value);
            string json = JsonSerializer.Serialize(kpis, Json);
            await File.WriteAllTextAsync(Path.Combine(outDir, pair.Key + ".json"), json);
        }).ToArray());
        Console.WriteLine($"KPI tiles written in {sw.ElapsedMilliseconds} ms");

        sw.Restart();
        var forecasts = await Task.WhenAll(byRegion.Select(pair => Task.Run(() => (Region: pair.Key, Next: Forecast(pair.Value)))));
        foreach (var (region, next) in forecasts.OrderBy(f => f.Region))
        {
            Console.WriteLine($"  {region,-6} next-week forecast {next:N0} units");
        }
        Console.WriteLine($"Forecasts in {sw.ElapsedMilliseconds} ms");
    }

    private static RegionKpis ComputeKpis(string region, List<Sale> sales)
    {
        decimal revenue = 0;
        var baskets = new List<double>(sales.Count);
        var perProduct = new Dictionary<string, decimal>();
        var weekly = new double[53];
        foreach (var s in sales)
        {
            decimal amount = s.Units * s.UnitPrice;
            revenue += amount;
            baskets.Add((double)amount);
            perProduct[s.Product] = perProduct.GetValueOrDefault(s.Product) + amount;
            weekly[s.Day.DayOfYear / 7] += s.Units;
        }
        baskets.Sort();
        return new RegionKpis(region, revenue, baskets[baskets.Count / 2], perProduct.MaxBy(kv => kv.Value).Key, weekly);
    }

    private static double Forecast(List<Sale> sales)
    {
        var daily = sales.GroupBy(s => s.Day).OrderBy(g => g.Key).Select(g => (double)g.Sum(s => s.Units)).ToArray();
        // exponentially weighted moving average, then a week of it
        double level = daily[0];
        foreach (var d in daily.Skip(1)) level = 0.2 * d + 0.8 * level;
        return level * 7;
    }

    private static IEnumerable<Sale> Generate(int perRegion)
    {
        string[] regions = ["north", "south", "east", "west", "online"];
        string[] products = ["kettle", "toaster", "blender", "grill", "mixer", "fryer"];
        var rng = new Random(2026);
        foreach (var region in regions)
        {
            for (int i = 0; i < perRegion; i++)
            {
                yield return new Sale(region, products[rng.Next(products.Length)], new DateOnly(2026, 1, 1).AddDays(rng.Next(365)),
                    1 + rng.Next(4), 10 + rng.Next(190));
            }
        }
    }
}
