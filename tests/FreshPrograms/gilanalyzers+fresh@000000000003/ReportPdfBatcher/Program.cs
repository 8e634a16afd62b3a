using System.Globalization;

namespace ReportPdfBatcher;

// Month-end job: renders one statement document per customer (layout, line breaking,
// pagination) and writes the page streams to an output folder.
public static class Program
{
    public static async Task Main()
    {
        CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
        string outDir = Path.Combine(Path.GetTempPath(), $"statements-{Environment.ProcessId}");
        Directory.CreateDirectory(outDir);
        try
        {
            var customers = CustomerFeed.Synthetic(count: 36, seed: 8);
            var templates = new TemplateStore(outDir);
            await templates.SeedAsync();

            var formatter = new AmountFormatter();
            var summaries = SummaryBuilder.Build(customers, formatter);
            var renderer = new StatementRenderer(templates, outDir);
            var docs = await renderer.RenderAllAsync(customers, summaries);

            Console.WriteLine($"statements: {docs.Length}");
            Console.WriteLine($"pages:      {docs.Sum(d => d.Pages)}");
            Console.WriteLine($"bytes:      {docs.Sum(d => d.Bytes)}");
            Console.WriteLine($"largest:    {docs.MaxBy(d => d.Pages)!.Customer} ({docs.Max(d => d.Pages)} pages)");
        }
        finally
        {
            Directory.Delete(outDir, recursive: true);
        }
    }
}

public sealed record Customer(string Id, string Name, IReadOnlyList<Transaction> Transactions);
public sealed record Transaction(DateOnly Date, string Description, decimal Amount);
public sealed record RenderedDoc(string Customer, int Pages, long Bytes);

public static class CustomerFeed
{
    private static readonly string[] Merchants = ["Coffee Corner", "Metro Transit", "Bookshop on Main", "Grocer & Sons", "Online Marketplace", "Fuel Station 24", "Cinema Plaza"];

    public static List<Customer> Synthetic(int count, int seed)
    {
        var rng = new Random(seed);
        var list = new List<Customer>();
        for (int c = 0; c < count; c++)
        {
            var tx = new List<Transaction>();
            int n = 40 + rng.Next(220);
            for (int i = 0; i < n; i++)
            {
                tx.Add(new Transaction(new DateOnly(2026, 11, 1 + rng.Next(30)), Merchants[rng.Next(Merchants.Length)] + " ref " + rng.Next(100000),
                    Math.Round((decimal)(rng.NextDouble() * 400 - 120), 2)));
            }
            list.Add(new Customer($"C{c:D4}", $"Customer {c}", tx));
        }
        return list;
    }
}

public sealed class TemplateStore(string dir)
{
    public string TemplatePath => Path.Combine(dir, "statement.tpl");

    public Task SeedAsync() => File.WriteAllTextAsync(TemplatePath, "HEADER {name}\nBODY\nFOOTER page {page} of {pages}\n");
}
