#nullable enable
using System.Diagnostics;

namespace InventoryForecast;

public sealed record Sku(string Code, double[] WeeklySales);
public sealed record Forecast(string Code, double[] NextWeeks, double ReorderPoint);

public sealed class ForecastService
{
    private readonly SemaphoreSlim _modelGate = new(1, 1);
    private readonly SemaphoreSlim _resultsGate = new(1, 1);
    private readonly object _seasonLock = new();
    private readonly Dictionary<string, Forecast> _results = new();
    private double[]? _seasonalIndex;

    public IReadOnlyDictionary<string, Forecast> Results => _results;

    private double[] SeasonalIndex(IReadOnlyList<Sku> all)
    {
        lock (_seasonLock)
        {
            if (_seasonalIndex is null)
            {
                var idx = new double[52];
                foreach (var s in all)
                    for (int w = 0; w < s.WeeklySales.Length; w++) idx[w % 52] += s.WeeklySales[w];
                double mean = idx.Average();
                _seasonalIndex = idx.Select(v => v / mean).ToArray();
            }
            return _seasonalIndex;
        }
    }

    public async Task RunAsync(IReadOnlyList<Sku> skus, int horizon)
    {
        var season = SeasonalIndex(skus);
        await Parallel.ForEachAsync(skus, async (sku, ct) =>
        {
            Forecast forecast;
            await _modelGate.WaitAsync(ct);
            try
            {
                // Holt-Winters grid search over (alpha, beta) minimising one-step-ahead squared error
                double bestErr = double.MaxValue, bestA = 0, bestB = 0;
                for (double a = 0.05; a < 1; a += 0.05)
                    for (double b = 0.05; b < 1; b += 0.05)
                    {
                        double level = sku.WeeklySales[0], trend = 0, err = 0;
                        for (int t = 1; t < sku.WeeklySales.Length; t++)
                        {
                            double s = season[t % 52];
                            double predicted = (level + trend) * s;
                            err += (sku.WeeklySales[t] - predicted) * (sku.WeeklySales[t] - predicted);
                            double newLevel = a * sku.WeeklySales[t] / s + (1 - a) * (level + trend);
                            trend = b * (newLevel - level) + (1 - b) * trend;
                            level = newLevel;
                        }
                        if (err < bestErr) { bestErr = err; bestA = a; bestB = b; }
                    }
                var next = Enumerable.Range(1, horizon)
                    .Select(h => Math.Max(0, sku.WeeklySales[^1] * (1 + bestB * h * 0.01) * season[(sku.WeeklySales.Length + h) % 52] * (0.5 + bestA)))
                    .ToArray();
                double sigma = Math.Sqrt(bestErr / sku.WeeklySales.Length);
                forecast = new Forecast(sku.Code, next, next.Take(2).Sum() + 1.65 * sigma);
            }
            finally
            {
                _modelGate.Release();
            }

            await _resultsGate.WaitAsync(ct);
            try
            {
                _results[sku.Code] = forecast;
            }
            finally
            {
                _resultsGate.Release();
            }
        });
    }
}

public static class Program
{
    public static async Task Main()
    {
        var rng = new Random(24);
        var skus = Enumerable.Range(0, 300).Select(i =>
        {
            double baseline = 20 + rng.Next(200);
            var weeks = Enumerable.Range(0, 156)
                .Select(w => Math.Max(0, baseline * (1 + 0.3 * Math.Sin(2 * Math.PI * w / 52)) * (1 + 0.002 * w) + rng.NextDouble() * 10))
                .ToArray();
            return new Sku($"SKU-{i:00000}", weeks);
        }).ToList();

        var sw = Stopwatch.StartNew();
        var service = new ForecastService();
        await service.RunAsync(skus, horizon: 8);
        var reorder = service.Results.Values.OrderByDescending(f => f.ReorderPoint).Take(3);
        Console.WriteLine($"forecast {service.Results.Count} SKUs in {sw.ElapsedMilliseconds} ms");
        foreach (var f in reorder)
            Console.WriteLine($"  {f.Code}: reorder at {f.ReorderPoint:F0}, next week {f.NextWeeks[0]:F0}");
    }
}
