using System.Globalization;

namespace InvoiceOcrCleanup;

public sealed record RawInvoice(int Id, string VendorText, string[] LineTexts);

public sealed record CleanInvoice(int Id, string Vendor, int Distance, decimal Total);

public sealed class InvoiceCleaner
{
    private readonly VendorMatcher _matcher;
    private readonly AsyncLock _matcherLock = new();
    private readonly AsyncLock _auditLock = new();
    private readonly StreamWriter _audit;

    public InvoiceCleaner(VendorMatcher matcher, StreamWriter audit)
    {
        _matcher = matcher;
        _audit = audit;
    }

    public async Task<CleanInvoice> CleanAsync(RawInvoice invoice, CancellationToken ct)
    {
        string vendor;
        int distance;
        using (await _matcherLock.LockAsync())
        {
            (vendor, distance) = _matcher.BestMatch(invoice.VendorText);
        }

        decimal total = 0m;
        foreach (string line in invoice.LineTexts)
            total += ParseAmount(line);

        using (await _auditLock.LockAsync())
        {
            await _audit.WriteLineAsync($"{invoice.Id};{vendor};{distance};{total.ToString(CultureInfo.InvariantCulture)}");
        }
        return new CleanInvoice(invoice.Id, vendor, distance, total);
    }

    public static decimal ParseAmount(string line)
    {
        int cut = line.LastIndexOf(' ');
        string token = line[(cut + 1)..].Replace('O', '0').Replace('l', '1').Replace(',', '.');
        return decimal.TryParse(token, NumberStyles.Number, CultureInfo.InvariantCulture, out var v) ? v : 0m;
    }
}

public static class BatchValidator
{
    // Re-validates every batch of invoices on the thread pool: recomputes line totals and a
    // Luhn-style check digit over the digits of each amount.
    public static long[] ValidateBatches(IReadOnlyList<RawInvoice[]> batches)
    {
        var checksums = new long[batches.Count];
        var done = new ManualResetEvent[batches.Count];
        for (int b = 0; b < batches.Count; b++)
        {
            done[b] = new ManualResetEvent(false);
            int batchIndex = b;
            ThreadPool.QueueUserWorkItem(_ =>
            {
                long sum = 0;
                for (int round = 0; round < 40; round++)
                    foreach (RawInvoice inv in batches[batchIndex])
                        foreach (string line in inv.LineTexts)
                        {
                            decimal amount = InvoiceCleaner.ParseAmount(line);
                            string digits = ((long)(amount * 100)).ToString(CultureInfo.InvariantCulture);
                            int luhn = 0;
                            for (int i = 0; i < digits.Length; i++)
                            {
                                int d = digits[digits.Length - 1 - i] - '0';
                                if (i % 2 == 1) { d *= 2; if (d > 9) d -= 9; }
                                luhn += d;
                            }
                            sum += luhn % 10;
                        }
                checksums[batchIndex] = sum;
                done[batchIndex].Set();
            });
        }
        WaitHandle.WaitAll(done);
        foreach (var e in done) e.Dispose();
        return checksums;
    }
}

public static class Program
{
    private static readonly string[] Words = ["ACME", "GLOBEX", "INITECH", "UMBRELLA", "STARK", "WAYNE", "HOOLI", "VANDELAY", "SOYLENT", "TYRELL"];
    private static readonly string[] Suffix = ["GMBH", "LTD", "INC", "SUPPLIES", "LOGISTICS", "FOODS", "SYSTEMS", "TRADING"];

    public static async Task Main()
    {
        var vendors = new List<string>();
        foreach (var w in Words) foreach (var s in Suffix) foreach (var city in new[] { "BERLIN", "LYON", "OSLO", "PORTO", "GENT" })
            vendors.Add($"{w} {s} {city}");
        var matcher = new VendorMatcher(vendors);

        var rng = new Random(7);
        var invoices = new List<RawInvoice>();
        for (int id = 0; id < 120; id++)
        {
            char[] vendor = vendors[rng.Next(vendors.Count)].ToCharArray();
            for (int k = 0; k < 3; k++) { int p = rng.Next(vendor.Length); vendor[p] = vendor[p] == 'O' ? '0' : vendor[p] == 'I' ? 'l' : vendor[p]; }
            var lines = Enumerable.Range(0, 6).Select(i => $"item {i} qty {rng.Next(1, 9)} {rng.Next(1, 900)},{rng.Next(0, 99):D2}").ToArray();
            invoices.Add(new RawInvoice(id, new string(vendor), lines));
        }

        string auditPath = Path.Combine(Path.GetTempPath(), "invoice-audit.csv");
        await using (var audit = new StreamWriter(auditPath))
        {
            var cleaner = new InvoiceCleaner(matcher, audit);
            var results = new CleanInvoice[invoices.Count];
            await Parallel.ForEachAsync(invoices, async (inv, ct) => results[inv.Id] = await cleaner.CleanAsync(inv, ct));

            Console.WriteLine($"matched {results.Length} invoices against {matcher.VendorCount} vendors");
            Console.WriteLine($"exact matches: {results.Count(r => r.Distance == 0)}, total {results.Sum(r => r.Total):F2}");
            foreach (var r in results.Take(3)) Console.WriteLine($"  #{r.Id}: {r.Vendor} (d={r.Distance}) {r.Total:F2}");
        }

        var batches = invoices.Chunk(15).ToList();
        long[] sums = BatchValidator.ValidateBatches(batches);
        Console.WriteLine($"validation checksums: {string.Join(",", sums)}");
    }
}
