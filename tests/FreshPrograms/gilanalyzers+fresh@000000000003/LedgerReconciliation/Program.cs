using System.Globalization;

namespace LedgerReconciliation;

// Nightly reconciliation: bank statement lines against general-ledger entries.
// Exact matches by reference first, then fuzzy matching of the leftovers by amount,
// date window and counterparty similarity.
internal static class Program
{
    private static void Main()
    {
        CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
        var (bank, ledger) = Fixtures.Generate(entries: 6000, seed: 31);
        var log = new RunLog(Console.Out);

        log.Info($"loaded {bank.Count} bank lines and {ledger.Count} ledger entries");
        var normalised = Normaliser.NormaliseAll(bank);
        log.Info("normalised counterparties");

        var matcher = new FuzzyMatcher(ledger);
        var engine = new ReconciliationEngine(matcher, log);
        var result = engine.Reconcile(normalised);

        log.Info($"exact: {result.Exact}, fuzzy: {result.Fuzzy}, unmatched: {result.Unmatched}");
        log.Info($"unmatched amount: {result.UnmatchedAmount:N2}");
    }
}

public sealed record BankLine(int Id, DateOnly Date, decimal Amount, string Counterparty, string? Reference);
public sealed record LedgerEntry(int Id, DateOnly Date, decimal Amount, string Counterparty, string Reference);
public sealed record Outcome(int Exact, int Fuzzy, int Unmatched, decimal UnmatchedAmount);

public static class Fixtures
{
    private static readonly string[] Names = ["Globex Corporation", "Initech LLC", "Umbrella Trading", "Hooli Services", "Vandelay Imports", "Stark Supplies"];

    public static (List<BankLine>, List<LedgerEntry>) Generate(int entries, int seed)
    {
        var rng = new Random(seed);
        var bank = new List<BankLine>();
        var ledger = new List<LedgerEntry>();
        var start = new DateOnly(2026, 1, 1);
        for (int i = 0; i < entries; i++)
        {
            var date = start.AddDays(rng.Next(300));
            decimal amount = Math.Round((decimal)(rng.NextDouble() * 20_000), 2);
            string name = Names[rng.Next(Names.Length)];
            string reference = $"INV-{100000 + i}";
            ledger.Add(new LedgerEntry(i, date, amount, name, reference));
            int kind = rng.Next(10);
            if (kind < 6) bank.Add(new BankLine(i, date, amount, name.ToUpperInvariant(), reference));
            else if (kind < 9) bank.Add(new BankLine(i, date.AddDays(rng.Next(0, 3)), amount, name[..^2].ToUpperInvariant() + " PAYMT", null));
        }
        return (bank, ledger);
    }
}

public sealed class RunLog(TextWriter output)
{
    private readonly object _sync = new();
    private int _line;

    public void Info(string message)
    {
        lock (_sync)
        {
            _line++;
            output.WriteLine($"[{_line:D3}] {message}");
        }
    }
}

public static class Normaliser
{
    public static List<BankLine> NormaliseAll(List<BankLine> lines)
    {
        const int Parts = 4;
        var results = new List<BankLine>[Parts];
        var tasks = new List<Task>();
        for (int p = 0; p < Parts; p++)
        {
            int part = p;
            var task = new Task(() =>
            {
                var chunk = new List<BankLine>();
                for (int i = part; i < lines.Count; i += Parts)
                {
                    chunk.Add(lines[i] with { Counterparty = Canonical(lines[i].Counterparty) });
                }
                results[part] = chunk;
            });
            task.Start();
            tasks.Add(task);
        }
        Task.WaitAll(tasks.ToArray());
        return results.SelectMany(r => r).OrderBy(l => l.Id).ToList();
    }

    private static string Canonical(string name)
    {
        var chars = name.ToLowerInvariant().Where(char.IsLetter).ToArray();
        string s = new(chars);
        foreach (var suffix in new[] { "llc", "corporation", "paymt", "services", "trading", "imports", "supplies" })
        {
            s = s.Replace(suffix, "");
        }
        return s;
    }
}
