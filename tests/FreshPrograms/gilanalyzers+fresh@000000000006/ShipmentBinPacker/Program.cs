namespace ShipmentBinPacker;

public interface IQuoteProvider
{
    string Carrier { get; }
    Task<decimal> QuoteAsync(Order order, int boxes, CancellationToken ct = default);
}

/// <summary>Zone-based tariff: prices every zone route for the shipment, keeps the cheapest, logs the quote.</summary>
public sealed class TariffQuoteProvider : IQuoteProvider
{
    private readonly string _logFolder;
    public TariffQuoteProvider(string carrier, string logFolder) { Carrier = carrier; _logFolder = logFolder; Directory.CreateDirectory(logFolder); }
    public string Carrier { get; }

    public async Task<decimal> QuoteAsync(Order order, int boxes, CancellationToken ct = default)
    {
        double grams = order.Items.Sum(i => i.WeightGrams);
        double best = double.MaxValue;
        for (int zone = 0; zone < 400; zone++)
            for (int service = 0; service < 60; service++)
            {
                double perKg = 1.1 + 0.013 * zone + 0.05 * Math.Sqrt(service + 1);
                double volumetric = boxes * 0.004 * (30 + service % 7);
                double price = Math.Max(grams / 1000, volumetric) * perKg + 2.5 * boxes * (1 + Math.Sin(zone * 0.1) * 0.05);
                best = Math.Min(best, price);
            }
        decimal quote = Math.Round((decimal)best, 2);
        await File.WriteAllTextAsync(Path.Combine(_logFolder, $"{Carrier}-{order.Id}.txt"), quote.ToString(), ct);
        return quote;
    }
}

public sealed class FulfilmentPlanner
{
    private readonly PackingHeuristic _packer;
    private readonly IQuoteProvider _quotes;
    private readonly List<PackResult> _bestPacked = new();

    public FulfilmentPlanner(PackingHeuristic packer, IQuoteProvider quotes)
    {
        _packer = packer;
        _quotes = quotes;
    }

    public IReadOnlyList<PackResult> BestPacked => _bestPacked;

    public PackResult[] PackAll(IReadOnlyList<Order> orders)
    {
        var results = new PackResult[orders.Count];
        Parallel.ForEach(orders, order =>
        {
            PackResult r = _packer.Pack(order);
            results[order.Id] = r;
            lock (_bestPacked)
            {
                _bestPacked.Add(r);
                _bestPacked.Sort((a, b) => b.Utilisation != a.Utilisation ? b.Utilisation.CompareTo(a.Utilisation) : a.OrderId.CompareTo(b.OrderId));
                if (_bestPacked.Count > 5) _bestPacked.RemoveAt(5);
            }
        });
        return results;
    }

    public async Task<decimal[]> QuoteAllAsync(IReadOnlyList<Order> orders, PackResult[] packed)
    {
        var pending = new List<Task<decimal>>();
        foreach (Order order in orders)
            pending.Add(_quotes.QuoteAsync(order, packed[order.Id].Boxes));
        return await Task.WhenAll(pending);
    }
}

public static class Program
{
    public static async Task Main()
    {
        var rng = new Random(4);
        var orders = Enumerable.Range(0, 60).Select(id => new Order(id,
            Enumerable.Range(0, 40 + rng.Next(80)).Select(k => new Item($"SKU{rng.Next(500)}", 200 + rng.Next(4800), 50 + rng.Next(3000))).ToArray())).ToList();

        var planner = new FulfilmentPlanner(
            new FirstFitDecreasingWithRepair(boxVolume: 12_000),
            new TariffQuoteProvider("parcelco", Path.Combine(Path.GetTempPath(), "binpacker-quotes")));

        PackResult[] packed = planner.PackAll(orders);
        decimal[] quotes = await planner.QuoteAllAsync(orders, packed);

        Console.WriteLine($"orders {orders.Count}, boxes {packed.Sum(p => p.Boxes)}, mean utilisation {packed.Average(p => p.Utilisation):P1}");
        Console.WriteLine($"total shipping {quotes.Sum():F2}");
        foreach (var p in planner.BestPacked)
            Console.WriteLine($"  order {p.OrderId,2}: {p.Boxes} boxes at {p.Utilisation:P1}");
    }
}
