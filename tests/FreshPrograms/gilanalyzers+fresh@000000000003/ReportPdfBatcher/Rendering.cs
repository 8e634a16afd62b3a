using System.Text;

namespace ReportPdfBatcher;

public sealed class AmountFormatter
{
    private readonly StringBuilder _buffer = new();
    public readonly object Sync = new();

    // Formats an amount with grouping and accounting parentheses into the shared buffer.
    public string Format(decimal amount)
    {
        _buffer.Clear();
        string digits = Math.Abs(amount).ToString("F2");
        int intLen = digits.IndexOf('.');
        for (int i = 0; i < digits.Length; i++)
        {
            if (i > 0 && i < intLen && (intLen - i) % 3 == 0) _buffer.Append(',');
            _buffer.Append(digits[i]);
        }
        return amount < 0 ? $"({_buffer})" : _buffer.ToString();
    }
}

public static class SummaryBuilder
{
    public static Dictionary<string, string> Build(IReadOnlyList<Customer> customers, AmountFormatter formatter)
    {
        return customers
            .AsParallel()
            .Select(c =>
            {
                lock (formatter.Sync)
                {
                    var sb = new StringBuilder();
                    decimal balance = 0;
                    foreach (var byDay in c.Transactions.GroupBy(t => t.Date).OrderBy(g => g.Key))
                    {
                        foreach (var t in byDay.OrderBy(t => t.Description, StringComparer.Ordinal))
                        {
                            balance += t.Amount;
                            sb.Append(byDay.Key.ToString("yyyy-MM-dd")).Append(' ')
                              .Append(formatter.Format(t.Amount)).Append(' ')
                              .Append(formatter.Format(balance)).Append('\n');
                        }
                    }
                    return (c.Id, Summary: sb.ToString());
                }
            })
            .ToDictionary(x => x.Id, x => x.Summary);
    }
}

public sealed class StatementRenderer(TemplateStore templates, string outDir)
{
    private const int LinesPerPage = 48, Columns = 72;

    public async Task<RenderedDoc[]> RenderAllAsync(IReadOnlyList<Customer> customers, Dictionary<string, string> summaries)
    {
        string template = await LoadTemplateAsync();
        var renders = new List<Task<RenderedDoc>>();
        foreach (var customer in customers)
        {
            renders.Add(RenderOneAsync(customer, summaries[customer.Id], template));
        }
        return await Task.WhenAll(renders);
    }

    private async Task<string> LoadTemplateAsync()
    {
        string text = await File.ReadAllTextAsync(templates.TemplatePath);
        return text.Replace("\r", "");
    }

    private async Task<RenderedDoc> RenderOneAsync(Customer customer, string summary, string template)
    {
        var pages = new List<string>();
        var page = new StringBuilder();
        int lines = 0;
        foreach (string raw in summary.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            // greedy word wrap, then justify each wrapped line to the column width
            foreach (string line in Wrap(raw + " " + new string('.', raw.Length % 40), Columns))
            {
                page.AppendLine(Justify(line, Columns));
                if (++lines == LinesPerPage)
                {
                    pages.Add(page.ToString());
                    page.Clear();
                    lines = 0;
                }
            }
        }
        if (page.Length > 0) pages.Add(page.ToString());

        var doc = new StringBuilder();
        for (int p = 0; p < pages.Count; p++)
        {
            doc.Append(template.Replace("{name}", customer.Name).Replace("{page}", (p + 1).ToString()).Replace("{pages}", pages.Count.ToString()).Replace("BODY", pages[p]));
        }
        string path = Path.Combine(outDir, customer.Id + ".txt");
        await File.WriteAllTextAsync(path, doc.ToString());
        return new RenderedDoc(customer.Id, pages.Count, new FileInfo(path).Length);
    }

    private static IEnumerable<string> Wrap(string text, int width)
    {
        var words = text.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var line = new StringBuilder();
        foreach (var w in words)
        {
            if (line.Length + w.Length + 1 > width && line.Length > 0) { yield return line.ToString(); line.Clear(); }
            if (line.Length > 0) line.Append(' ');
            line.Append(w);
        }
        if (line.Length > 0) yield return line.ToString();
    }

    private static string Justify(string line, int width)
    {
        var words = line.Split(' ');
        if (words.Length < 2 || line.Length >= width) return line;
        int gaps = words.Length - 1, extra = width - line.Length;
        var sb = new StringBuilder(words[0]);
        for (int i = 1; i < words.Length; i++)
        {
            sb.Append(' ', 1 + extra / gaps + (i <= extra % gaps ? 1 : 0)).Append(words[i]);
        }
        return sb.ToString();
    }
}
