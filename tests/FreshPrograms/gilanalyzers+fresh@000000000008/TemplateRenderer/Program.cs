using System.Net;
using System.Text;

namespace TemplateRenderer;

public sealed record OrderLine(string Sku, string Title, int Quantity, decimal Price);

public sealed record EmailModel(int CustomerId, string Name, string City, IReadOnlyList<OrderLine> Lines);

public sealed class CompiledTemplate(IReadOnlyList<string> parts)
{
    // Even parts are literal text, odd parts are placeholders such as "name" or "#lines".
    public IReadOnlyList<string> Parts => parts;

    public static CompiledTemplate Parse(string source)
    {
        var parts = new List<string>();
        int pos = 0;
        while (true)
        {
            int open = source.IndexOf("{{", pos, StringComparison.Ordinal);
            if (open < 0) { parts.Add(source[pos..]); break; }
            int close = source.IndexOf("}}", open, StringComparison.Ordinal);
            parts.Add(source[pos..open]);
            parts.Add(source[(open + 2)..close].Trim());
            pos = close + 2;
        }
        return new CompiledTemplate(parts);
    }
}

public sealed class TemplateEngine(IReadOnlyDictionary<string, string> sources)
{
    private readonly object _compileGate = new();
    private readonly SemaphoreSlim _renderGate = new(1, 1);
    private volatile Dictionary<string, CompiledTemplate>? _compiled;

    public CompiledTemplate Get(string name)
    {
        var compiled = _compiled;
        if (compiled is null)
        {
            lock (_compileGate)
            {
                compiled = _compiled ??= sources.ToDictionary(s => s.Key, s => CompiledTemplate.Parse(s.Value));
            }
        }
        return compiled[name];
    }

    public async Task<string> RenderAsync(string templateName, EmailModel model, CancellationToken ct)
    {
        CompiledTemplate template = Get(templateName);
        await _renderGate.WaitAsync(ct);
        try
        {
            var sb = new StringBuilder();
            for (int i = 0; i < template.Parts.Count; i++)
            {
                string part = template.Parts[i];
                if (i % 2 == 0) { sb.Append(part); continue; }
                if (part == "#lines")
                {
                    foreach (var line in model.Lines)
                        sb.Append("<tr><td>").Append(WebUtility.HtmlEncode(line.Title)).Append("</td><td>")
                          .Append(line.Quantity).Append("</td><td>").Append((line.Price * line.Quantity).ToString("F2")).Append("</td></tr>");
                    continue;
                }
                sb.Append(WebUtility.HtmlEncode(part switch
                {
                    "name" => model.Name,
                    "city" => model.City,
                    "total" => model.Lines.Sum(l => l.Price * l.Quantity).ToString("F2"),
                    _ => "",
                }));
            }
            return sb.ToString();
        }
        finally
        {
            _renderGate.Release();
        }
    }
}

public static class Program
{
    public static async Task Main()
    {
        var engine = new TemplateEngine(new Dictionary<string, string>
        {
            ["order-confirmation"] = "<h1>Thanks, {{ name }}!</h1><p>Shipping to {{ city }}</p><table>{{ #lines }}</table><p>Total {{ total }}</p>",
        });
        var rng = new Random(1234);
        string[] cities = ["Berlin", "Lyon", "Utrecht", "Porto", "Kraków"];
        var models = Enumerable.Range(0, 4000).Select(c => new EmailModel(c, $"Customer <{c}>", cities[c % cities.Length],
            Enumerable.Range(0, 20 + c % 30).Select(l => new OrderLine($"SKU-{l}", $"Item \"{l}\" & more", rng.Next(1, 4), rng.Next(100, 9000) / 100m)).ToList())).ToList();

        string outbox = Path.Combine(Path.GetTempPath(), $"outbox-{Environment.ProcessId}.html");
        var outboxGate = new SemaphoreSlim(1, 1);
        long totalChars = 0;
        await Parallel.ForEachAsync(models, async (model, ct) =>
        {
            string html = await engine.RenderAsync("order-confirmation", model, ct);
            Interlocked.Add(ref totalChars, html.Length);
            if (model.CustomerId % 500 != 0) return;
            await outboxGate.WaitAsync(ct);
            try
            {
                await File.AppendAllTextAsync(outbox, html + "\n", ct);
            }
            finally
            {
                outboxGate.Release();
            }
        });

        Console.WriteLine($"rendered {models.Count} emails, {totalChars} characters");
        Console.WriteLine($"outbox sample: {File.ReadAllLines(outbox).Length} messages");
        File.Delete(outbox);
    }
}
