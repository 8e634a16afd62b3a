using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;

namespace FraudFeatureExtractor;

public readonly record struct Txn(int Account, int Merchant, long UnixSeconds, decimal Amount, string Country);

public sealed record Features(int Account, double VelocityMax1h, double AmountZ, int DistinctCountries, int DistinctMerchants, double NightShare);

public sealed class FeatureStore
{
    private readonly Dictionary<int, Features> _byAccount = new();

    public void Put(IEnumerable<Features> batch)
    {
        lock (_byAccount)
        {
            foreach (var f in batch) _byAccount[f.Account] = f;
        }
    }

    public IReadOnlyCollection<Features> All => _byAccount.Values;
}

public sealed class FlagWriter(string path)
{
    private readonly SemaphoreSlim _gate = new(1, 1);

    public async Task AppendAsync(string line)
    {
        await _gate.WaitAsync();
        try { await File.AppendAllTextAsync(path, line + Environment.NewLine); }
        finally { _gate.Release(); }
    }
}

public static class Program
{
    public static async Task Main()
    {
        var txns = Generate(accounts: 3000, perAccount: 120).GroupBy(t => t.Account).Select(g => g.OrderBy(t => t.UnixSeconds).ToArray()).ToArray();
        var store = new FeatureStore();

        int chunkCount = 8, chunkSize = (txns.Length + chunkCount - 1) / chunkCount;
        var tasks = new Task[chunkCount];
        for (int c = 0; c < chunkCount; c++)
        {
            int from = c * chunkSize, to = Math.Min(txns.Length, from + chunkSize);
            tasks[c] = Task.Factory.StartNew(() =>
            {
                var batch = new List<Features>(to - from);
                for (int a = from; a < to; a++) batch.Add(Extract(txns[a]));
                store.Put(batch);
            }, TaskCreationOptions.LongRunning);
        }
        Task.WaitAll(tasks);

        string flagPath = Path.Combine(Path.GetTempPath(), "fraud-flags.txt");
        File.Delete(flagPath);
        var writer = new FlagWriter(flagPath);
        var suspicious = store.All.Where(f => f.VelocityMax1h > 6 || f.AmountZ > 9).OrderBy(f => f.Account).ToList();
        await Task.WhenAll(suspicious.Select(f => writer.AppendAsync($"{f.Account};v={f.VelocityMax1h};z={f.AmountZ:F2}")));

        Console.WriteLine($"accounts: {store.All.Count}, flagged: {suspicious.Count}");
        Console.WriteLine($"mean distinct merchants: {store.All.Average(f => f.DistinctMerchants):F2}, mean night share: {store.All.Average(f => f.NightShare):F3}");
    }

    private static Features Extract(Txn[] history)
    {
        int velocityMax = 0, start = 0;
        for (int end = 0; end < history.Length; end++)
        {
            while (history[end].UnixSeconds - history[start].UnixSeconds > 3600) start++;
            velocityMax = Math.Max(velocityMax, end - start + 1);
        }
        double maxZ = 0;
        for (int i = 20; i < history.Length; i++)
        {
            // z-score of this amount against the previous 20, recomputed per transaction as the batch job did
            var window = history.Skip(i - 20).Take(20).Select(t => (double)t.Amount).ToArray();
            double mean = window.Average(), sd = Math.Sqrt(window.Sum(x => (x - mean) * (x - mean)) / window.Length) + 1e-6;
            maxZ = Math.Max(maxZ, ((double)history[i].Amount - mean) / sd);
        }
        int night = history.Count(t => DateTimeOffset.FromUnixTimeSeconds(t.UnixSeconds).Hour is < 6);
        return new Features(history[0].Account, velocityMax, maxZ,
            history.Select(t => t.Country).Distinct().Count(), history.Select(t => t.Merchant).Distinct().Count(),
            night / (double)history.Length);
    }

    private static IEnumerable<Txn> Generate(int accounts, int perAccount)
    {
        var rng = new Random(2026);
        string[] countries = { "DE", "FR", "NL", "US", "BR", "NG", "VN" };
        for (int a = 0; a < accounts; a++)
        {
            long t = 1_780_000_000 + rng.Next(86400);
            for (int k = 0; k < perAccount; k++)
            {
                t += rng.Next(4) == 0 ? rng.Next(30, 900) : rng.Next(3600, 86400);
                decimal amount = Math.Round((decimal)(rng.NextDouble() * 80 + 5), 2);
                if (rng.Next(500) == 0) amount *= 40;
                yield return new Txn(a, rng.Next(300), t, amount, countries[rng.Next(rng.Next(10) == 0 ? 7 : 2)]);
            }
        }
    }
}
