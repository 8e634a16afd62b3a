using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace InvoiceBatch;

public sealed record LineItem(string Sku, string Description, int Quantity, decimal UnitPrice, decimal VatRate);

public sealed record Customer(string Id, string Name, string Address, IReadOnlyList<LineItem> Items);

public interface IInvoiceRenderer
{
    Task<int> RenderAsync(Customer customer, string outputDir);
}

/// <summary>Renders an invoice as a fixed-width text document and saves it.</summary>
public sealed class TextInvoiceRenderer : IInvoiceRenderer
{
    private static readonly CultureInfo Gb = CultureInfo.GetCultureInfo("en-GB");

    public async Task<int> RenderAsync(Customer customer, string outputDir)
    {
        var doc = new StringBuilder();
        doc.AppendLine($"INVOICE {customer.Id}").AppendLine(customer.Name).AppendLine(customer.Address).AppendLine();
        decimal net = 0, vat = 0;
        var byRate = new SortedDictionary<decimal, decimal>();
        foreach (var item in customer.Items.OrderBy(i => i.Sku, StringComparer.Ordinal))
        {
            decimal lineNet = item.Quantity * item.UnitPrice;
            decimal lineVat = Math.Round(lineNet * item.VatRate, 2, MidpointRounding.ToEven);
            net += lineNet;
            vat += lineVat;
            byRate[item.VatRate] = byRate.GetValueOrDefault(item.VatRate) + lineVat;
            doc.Append(item.Sku.PadRight(10)).Append(item.Description.PadRight(28))
               .Append(item.Quantity.ToString(Gb).PadLeft(5)).Append(lineNet.ToString("N2", Gb).PadLeft(12)).AppendLine();
        }
        foreach (var (rate, amount) in byRate) doc.AppendLine($"VAT @ {rate:P0}: {amount.ToString("N2", Gb)}");
        doc.AppendLine($"TOTAL {(net + vat).ToString("C", Gb)}");

        string text = doc.ToString();
        await File.WriteAllTextAsync(Path.Combine(outputDir, customer.Id + ".txt"), text);
        return text.Length;
    }
}

public static class Program
{
    public static async Task Main(string[] args)
    {
        int customers = args.Length > 0 ? int.Parse(args[0]) : 300;
        string outDir = Path.Combine(Path.GetTempPath(), "invoice-batch");
        Directory.CreateDirectory(outDir);
        var batch = Generate(customers);
        IInvoiceRenderer renderer = new TextInvoiceRenderer();

        var sw = Stopwatch.StartNew();
        var renders = new List<Task<int>>();
        foreach (var customer in batch)
        {
            renders.Add(renderer.RenderAsync(customer, outDir));
        }
        int[] sizes = await Task.WhenAll(renders);
        Console.WriteLine($"{sizes.Length} invoices, {sizes.Sum() / 1024} KiB, {sw.ElapsedMilliseconds} ms");

        // Check what landed on disk: read a sample back and count the totals lines.
        var sample = batch.Take(20).Select(c => CountTotalsAsync(Path.Combine(outDir, c.Id + ".txt")));
        int[] totals = await Task.WhenAll(sample);
        Console.WriteLine($"verified {totals.Count(t => t == 1)}/{totals.Length} sample invoices");
    }

    private static async Task<int> CountTotalsAsync(string path)
    {
        string[] lines = await File.ReadAllLinesAsync(path);
        return lines.Count(l => l.StartsWith("TOTAL ", StringComparison.Ordinal));
    }

    private static List<Customer> Generate(int count)
    {
        var rng = new Random(15);
        string[] products = ["Widget", "Gasket", "Bracket", "Hinge", "Spring", "Washer", "Bearing"];
        decimal[] rates = [0.20m, 0.05m, 0m];
        return Enumerable.Range(0, count).Select(c => new Customer(
            $"INV-{c:D5}",
            $"Customer {c}",
            $"{rng.Next(1, 200)} High Street",
            Enumerable.Range(0, 400).Select(i => new LineItem(
                $"SKU{rng.Next(10000):D5}", products[rng.Next(products.Length)] + " size " + rng.Next(1, 12),
                rng.Next(1, 50), Math.Round((decimal)(rng.NextDouble() * 30), 2), rates[rng.Next(rates.Length)])).ToList())).ToList();
    }
}
