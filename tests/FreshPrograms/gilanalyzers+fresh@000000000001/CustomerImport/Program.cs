using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace CustomerImport;

public sealed record CustomerRow(int Line, string Name, string Email, string Phone, DateOnly Joined, decimal Spend);

public sealed record ImportError(int Line, string Message);

/// <summary>
/// Imports the CRM export: parses and validates each CSV line, normalises names and phone numbers,
/// and writes one cleaned file per region.
/// </summary>
public static partial class Program
{
    [GeneratedRegex(@"^[^@\s]+@[^@\s]+\.[a-z]{2,}$", RegexOptions.IgnoreCase)]
    private static partial Regex EmailPattern();

    private static readonly object ParseLock = new();
    private static readonly List<ImportError> Errors = new();

    public static async Task Main(string[] args)
    {
        int lines = args.Length > 0 ? int.Parse(args[0]) : 40_000;
        string[] csv = MakeExport(lines);
        var sw = Stopwatch.StartNew();

        // Parsing reports errors into the shared list, so it was put under a lock.
        var rows = csv.Skip(1)
            .Select((text, index) => (text, line: index + 2))
            .AsParallel()
            .Select(item =>
            {
                lock (ParseLock)
                {
                    return TryParse(item.text, item.line);
                }
            })
            .Where(row => row is not null)
            .Select(row => row!)
            .ToList();

        var normalised = new List<CustomerRow>(rows.Count);
        rows.AsParallel().ForAll(row =>
        {
            lock (normalised)
            {
                var name = CultureInfo.InvariantCulture.TextInfo.ToTitleCase(row.Name.Trim().ToLowerInvariant());
                var digits = new StringBuilder();
                foreach (char ch in row.Phone) if (char.IsDigit(ch)) digits.Append(ch);
                string phone = digits.Length == 11 && digits[0] == '0' ? "+44" + digits.ToString(1, 10) : digits.ToString();
                normalised.Add(row with { Name = name, Phone = phone, Email = row.Email.ToLowerInvariant() });
            }
        });

        string outDir = Path.Combine(Path.GetTempPath(), "customer-import");
        Directory.CreateDirectory(outDir);
        var byRegion = normalised.GroupBy(r => r.Phone.StartsWith("+44") ? "uk" : "intl");
        await Task.WhenAll(byRegion.Select(g => File.WriteAllLinesAsync(
            Path.Combine(outDir, g.Key + ".csv"),
            g.OrderBy(r => r.Line).Select(r => string.Join(',', r.Line, r.Name, r.Email, r.Phone, r.Joined.ToString("O"), r.Spend.ToString(CultureInfo.InvariantCulture))))));

        Console.WriteLine($"{normalised.Count} rows imported, {Errors.Count} rejected, {sw.ElapsedMilliseconds} ms -> {outDir}");
    }

    private static CustomerRow? TryParse(string text, int line)
    {
        var fields = text.Split(',');
        if (fields.Length != 5)
        {
            Errors.Add(new ImportError(line, $"expected 5 fields, got {fields.Length}"));
            return null;
        }
        if (!EmailPattern().IsMatch(fields[1]))
        {
            Errors.Add(new ImportError(line, "bad email"));
            return null;
        }
        if (!DateOnly.TryParseExact(fields[3], "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var joined)
            || !decimal.TryParse(fields[4], NumberStyles.Number, CultureInfo.InvariantCulture, out var spend))
        {
            Errors.Add(new ImportError(line, "bad date or amount"));
            return null;
        }
        return new CustomerRow(line, fields[0], fields[1], fields[2], joined, spend);
    }

    private static string[] MakeExport(int count)
    {
        var rng = new Random(12);
        string[] first = ["ada", "GRACE", "alan", "Barbara", "edsger", "KATHERINE", "donald"];
        string[] last = ["lovelace", "HOPPER", "turing", "liskov", "dijkstra", "johnson", "knuth"];
        var lines = new string[count + 1];
        lines[0] = "name,email,phone,joined,spend";
        for (int i = 1; i <= count; i++)
        {
            string name = $"  {first[rng.Next(first.Length)]} {last[rng.Next(last.Length)]} ";
            string email = rng.Next(50) == 0 ? "not-an-email" : $"user{i}@example.com";
            string phone = rng.Next(2) == 0 ? $"0{rng.Next(7000, 7999)} {rng.Next(100000, 999999)}" : $"+1 555 {rng.Next(1000000, 9999999)}";
            lines[i] = $"{name},{email},{phone},2026-{1 + rng.Next(12):D2}-{1 + rng.Next(28):D2},{rng.Next(0, 5000)}.{rng.Next(100):D2}";
        }
        return lines;
    }
}
