using System.Text;

namespace FraudRuleEngine;

public sealed record Transaction(long Id, int Account, int Merchant, decimal Amount, DateTime At, string Country);
public sealed record Rule(string Name, Func<Transaction, IReadOnlyList<Transaction>, double> Score);

public sealed class RuleEvaluator
{
    private readonly IReadOnlyList<Rule> _rules;
    private readonly StringBuilder _output = new();
    private uint _checksum = 2166136261;

    public RuleEvaluator(IReadOnlyList<Rule> rules) => _rules = rules;

    public string Output => _output.ToString();
    public uint Checksum => _checksum;

    public void EvaluateAll(IReadOnlyList<Transaction> txs, ILookup<int, Transaction> byAccount)
    {
        Parallel.For(0, txs.Count, i => Emit(txs[i], byAccount[txs[i].Account].ToList()));
    }

    private void Emit(Transaction tx, IReadOnlyList<Transaction> history)
    {
        lock (_output)
        {
            double total = 0;
            foreach (var rule in _rules) total += rule.Score(tx, history);
            var line = $"{tx.Id};{total:F3};{(total > 2.5 ? "REVIEW" : "OK")}";
            _output.AppendLine(line);
            foreach (char c in line) _checksum = (_checksum ^ c) * 16777619;
        }
    }
}

public static class Program
{
    public static async Task Main()
    {
        var rng = new Random(21);
        string[] countries = { "DE", "FR", "NL", "US", "BR", "NG" };
        var start = new DateTime(2024, 3, 1);
        var txs = Enumerable.Range(0, 6000).Select(i => new Transaction(i, rng.Next(300), rng.Next(80),
            Math.Round((decimal)(rng.NextDouble() * rng.NextDouble() * 3000), 2), start.AddMinutes(i * 3 + rng.Next(3)),
            countries[rng.Next(rng.Next(100) < 90 ? 3 : countries.Length)])).ToList();
        var byAccount = txs.ToLookup(t => t.Account);

        var rules = new List<Rule>
        {
            new("velocity", (t, h) => h.Count(o => Math.Abs((o.At - t.At).TotalMinutes) < 60) / 3.0),
            new("amount-z", (t, h) => { var avg = h.Average(o => (double)o.Amount); var sd = Math.Sqrt(h.Average(o => Math.Pow((double)o.Amount - avg, 2))) + 1; return Math.Max(0, ((double)t.Amount - avg) / sd); }),
            new("new-country", (t, h) => h.Any(o => o.At < t.At && o.Country == t.Country) ? 0 : 1.5),
            new("merchant-fanout", (t, h) => h.Where(o => o.At <= t.At).Select(o => o.Merchant).Distinct().Count() / 20.0),
        };

        var evaluator = new RuleEvaluator(rules);
        evaluator.EvaluateAll(txs, byAccount);
        int flagged = evaluator.Output.Split('\n').Count(l => l.EndsWith("REVIEW"));
        Console.WriteLine($"{txs.Count} transactions, {flagged} for review, checksum {evaluator.Checksum:X8}");

        var outDir = Directory.CreateTempSubdirectory("fraud").FullName;

        async Task<(int Account, int RingSize)> ProfileAccountAsync(int account)
        {
            // accounts linked through shared merchants within a day: BFS over the co-merchant graph
            var seen = new HashSet<int> { account };
            var frontier = new Queue<int>(seen);
            while (frontier.Count > 0 && seen.Count < 60)
            {
                var a = frontier.Dequeue();
                foreach (var t in byAccount[a])
                    foreach (var o in txs)
                        if (o.Merchant == t.Merchant && Math.Abs((o.At - t.At).TotalHours) < 2 && seen.Add(o.Account))
                            frontier.Enqueue(o.Account);
            }
            await File.WriteAllTextAsync(Path.Combine(outDir, $"acct{account}.ring"), string.Join(',', seen));
            return (account, seen.Count);
        }

        var profiling = new List<Task<(int Account, int RingSize)>>();
        foreach (var account in byAccount.Select(g => g.Key).Order().Take(24))
            profiling.Add(ProfileAccountAsync(account));
        var rings = await Task.WhenAll(profiling);
        Console.WriteLine($"largest ring: account {rings.MaxBy(r => r.RingSize).Account} ({rings.Max(r => r.RingSize)} accounts)");

        using var throttle = new SemaphoreSlim(4);
        var exports = rings.Select(async r =>
        {
            await throttle.WaitAsync();
            try
            {
                await File.AppendAllTextAsync(Path.Combine(outDir, $"acct{r.Account}.ring"), $"\nsize={r.RingSize}");
            }
            finally
            {
                throttle.Release();
            }
        });
        await Task.WhenAll(exports);
        Console.WriteLine($"exported {Directory.GetFiles(outDir).Length} ring files");
        Directory.Delete(outDir, true);
    }
}
