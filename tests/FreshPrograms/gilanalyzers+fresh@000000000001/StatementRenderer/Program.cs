using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace StatementRenderer;

/// <summary>
/// Month-end job of the statements service: render every account's statement, "upload" it to the document
/// store (simulated latency) and keep a small cache of the latest statement per holder.
/// </summary>
public static class Program
{
    private static readonly SemaphoreSlim UploadSlots = new(4);
    private static readonly SemaphoreSlim CacheGate = new(1, 1);
    private static readonly Dictionary<string, int> LatestSize = new();

    public static async Task Main(string[] args)
    {
        int accounts = args.Length > 0 ? int.Parse(args[0]) : 400;
        var data = Generate(accounts);
        var rendered = new string[data.Count];

        var sw = Stopwatch.StartNew();
        Parallel.For(0, data.Count, i =>
        {
            rendered[i] = StatementTemplate.Render(data[i]);
        });
        Console.WriteLine($"Rendered {accounts} statements in {sw.ElapsedMilliseconds} ms");

        var uploads = data.Select((account, i) => UploadAsync(account, rendered[i]));
        await Task.WhenAll(uploads);
        Console.WriteLine($"Uploaded in {sw.ElapsedMilliseconds} ms total; cache holds {LatestSize.Count} holders");
    }

    private static async Task UploadAsync(Account account, string html)
    {
        await UploadSlots.WaitAsync();
        try
        {
            // Stand-in for the PUT to the document store.
            await Task.Delay(5);
        }
        finally
        {
            UploadSlots.Release();
        }

        await CacheGate.WaitAsync();
        try
        {
            LatestSize[account.Holder] = html.Length;
        }
        finally
        {
            CacheGate.Release();
        }
    }

    private static List<Account> Generate(int count)
    {
        var rng = new Random(8);
        string[] merchants = ["Grocer & Sons", "Rail <Fares>", "Coffee Corner", "Payroll", "Energy Co", "Bookshop"];
        var list = new List<Account>();
        for (int a = 0; a < count; a++)
        {
            var txs = new List<Transaction>();
            for (int t = 0; t < 250; t++)
            {
                var date = new DateOnly(2026, 11, 1 + rng.Next(30));
                string merchant = merchants[rng.Next(merchants.Length)];
                decimal amount = merchant == "Payroll" ? 2500m : -Math.Round((decimal)(rng.NextDouble() * 120), 2);
                txs.Add(new Transaction(date, merchant, amount));
            }
            list.Add(new Account($"ACC{a:D6}", $"Holder {a % 300}", txs));
        }
        return list;
    }
}

/// <summary>
/// Renders monthly account statements to HTML. The template engine keeps a static formatting buffer,
/// which is why rendering was made process-wide exclusive.
/// </summary>
public static class StatementTemplate
{
    private static readonly object RenderLock = new();
    private static readonly CultureInfo Culture = CultureInfo.GetCultureInfo("en-GB");

    public static string Render(Account account)
    {
        lock (RenderLock)
        {
            var html = new StringBuilder();
            html.Append("<html><body><h1>Statement for ").Append(account.Holder).Append("</h1><table>");
            decimal balance = 0;
            foreach (var tx in account.Transactions.OrderBy(t => t.Date))
            {
                balance += tx.Amount;
                html.Append("<tr><td>").Append(tx.Date.ToString("dd MMM yyyy", Culture))
                    .Append("</td><td>").Append(System.Net.WebUtility.HtmlEncode(tx.Description))
                    .Append("</td><td class=\"num\">").Append(tx.Amount.ToString("N2", Culture))
                    .Append("</td><td class=\"num\">").Append(balance.ToString("N2", Culture))
                    .Append("</td></tr>");
            }
            html.Append("</table><p>Closing balance ").Append(balance.ToString("C", Culture)).Append("</p></body></html>");
            return html.ToString();
        }
    }
}
