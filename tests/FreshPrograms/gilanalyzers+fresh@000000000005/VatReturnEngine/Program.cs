using System.Globalization;

namespace VatReturnEngine;

public record InvoiceLine(string Category, decimal Net, int Quantity);

public record Invoice(int Id, int CustomerId, string Country, List<InvoiceLine> Lines);

// Port of the 2009 VB6 tax module. Rule tables and the rounding carry live in statics, like the original.
public static class LegacyTaxRules
{
    public static readonly object SyncRoot = new();
    private static string s_loadedCountry = "";
    private static readonly List<(string Category, decimal Threshold, decimal Rate)> s_rules = new();
    private static decimal s_roundingCarry;

    public static decimal ComputeTax(Invoice invoice)
    {
        if (s_loadedCountry != invoice.Country) LoadRules(invoice.Country);
        decimal total = 0;
        foreach (var line in invoice.Lines)
        {
            decimal lineTax = 0;
            foreach (var rule in s_rules)
            {
                if (rule.Category != line.Category && rule.Category != "*") continue;
                decimal taxable = Math.Max(0, line.Net * line.Quantity - rule.Threshold);
                lineTax = Math.Max(lineTax, taxable * rule.Rate);
            }
            decimal exact = lineTax + s_roundingCarry;
            decimal rounded = Math.Round(exact, 2, MidpointRounding.ToEven);
            s_roundingCarry = exact - rounded;
            total += rounded;
        }
        return total;
    }

    private static void LoadRules(string country)
    {
        s_rules.Clear();
        int seed = country.Aggregate(17, (h, c) => h * 31 + c);
        var rng = new Random(seed);
        string[] categories = { "food", "books", "energy", "services", "goods", "*" };
        for (int i = 0; i < 400; i++)
            s_rules.Add((categories[rng.Next(categories.Length)], rng.Next(0, 50), (decimal)(rng.Next(0, 27) / 100.0)));
        s_loadedCountry = country;
    }
}

public static class Program
{
    public static void Main()
    {
        var invoices = Generate(count: 6000, seed: 9);
        var taxByInvoice = new decimal[invoices.Count];
        string reportPath = Path.Combine(Path.GetTempPath(), $"vat-{Environment.ProcessId}.csv");

        using (var report = new StreamWriter(reportPath))
        {
            Parallel.ForEach(invoices, invoice =>
            {
                decimal tax;
                lock (LegacyTaxRules.SyncRoot)
                {
                    tax = LegacyTaxRules.ComputeTax(invoice);
                }
                taxByInvoice[invoice.Id] = tax;

                if (tax > 2000m)
                {
                    lock (report)
                    {
                        report.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{invoice.Id},{invoice.Country},{tax}"));
                    }
                }
            });
        }

        var byCustomer = invoices.GroupBy(i => i.CustomerId).ToList();
        var duplicateScore = new Dictionary<int, int>();
        var throttle = new SemaphoreSlim(1);
        Parallel.ForEach(byCustomer, group =>
        {
            throttle.Wait();
            try
            {
                var list = group.ToList();
                int suspicious = 0;
                for (int a = 0; a < list.Count; a++)
                    for (int b = a + 1; b < list.Count; b++)
                        if (list[a].Lines.Count == list[b].Lines.Count &&
                            list[a].Lines.Zip(list[b].Lines).All(p => p.First.Category == p.Second.Category && Math.Abs(p.First.Net - p.Second.Net) < 5m))
                            suspicious++;
                duplicateScore[group.Key] = suspicious;
            }
            finally
            {
                throttle.Release();
            }
        });

        Console.WriteLine($"total VAT: {taxByInvoice.Sum():F2}");
        foreach (var g in invoices.GroupBy(i => i.Country).OrderBy(g => g.Key))
            Console.WriteLine($"  {g.Key}: {g.Sum(i => taxByInvoice[i.Id]),14:F2}");
        Console.WriteLine($"report rows: {File.ReadAllLines(reportPath).Length}");
        Console.WriteLine($"customers with near-duplicate invoices: {duplicateScore.Count(kv => kv.Value > 0)}");
        File.Delete(reportPath);
    }

    private static List<Invoice> Generate(int count, int seed)
    {
        var rng = new Random(seed);
        string[] countries = { "DE", "FR", "NL", "IT", "ES" };
        string[] categories = { "food", "books", "energy", "services", "goods" };
        return Enumerable.Range(0, count).Select(id => new Invoice(id, rng.Next(30), countries[rng.Next(countries.Length)],
            Enumerable.Range(0, 1 + rng.Next(6)).Select(_ => new InvoiceLine(categories[rng.Next(categories.Length)], rng.Next(5, 400), 1 + rng.Next(12))).ToList()))
            .ToList();
    }
}
