using System.Diagnostics;

namespace FraudScreening;

public sealed record Payment(long Id, string CardHash, string MerchantId, decimal Amount, int HourOfDay, string Country);

/// <summary>
/// Scores payments with a small logistic model. Card velocity features come from a process-wide cache that
/// the scorer updates as it goes, so scoring is not thread-safe.
/// </summary>
public sealed class RiskModel
{
    private static readonly Dictionary<string, (int Count, decimal Total)> CardHistory = new();
    private static readonly Dictionary<string, double> MerchantPrior = new();

    private readonly double[] _weights = [-4.2, 0.8, 1.3, 0.6, 2.1, -0.4];

    public double Score(Payment p)
    {
        CardHistory.TryGetValue(p.CardHash, out var history);
        CardHistory[p.CardHash] = (history.Count + 1, history.Total + p.Amount);

        if (!MerchantPrior.TryGetValue(p.MerchantId, out double prior))
        {
            // derive a stable prior from the merchant id (stand-in for the chargeback table)
            prior = 0;
            foreach (char ch in p.MerchantId) prior = (prior * 31 + ch) % 997;
            prior /= 997;
            MerchantPrior[p.MerchantId] = prior;
        }

        double avg = history.Count == 0 ? 0 : (double)(history.Total / history.Count);
        double[] features =
        [
            1,
            Math.Log10(1 + (double)p.Amount),
            history.Count > 5 ? 1 : history.Count / 5.0,
            avg == 0 ? 0 : Math.Min(3, (double)p.Amount / avg),
            p.Country is "XX" or "ZZ" ? 1 : 0,
            p.HourOfDay is >= 1 and <= 5 ? -1 : 0,
        ];
        double z = prior;
        for (int i = 0; i < features.Length; i++) z += _weights[i] * features[i];

        // A few rounds of the calibration curve the risk team fitted.
        for (int round = 0; round < 200; round++)
        {
            z = z * 0.999 + Math.Tanh(z) * 0.001;
        }
        return 1 / (1 + Math.Exp(-z));
    }
}

public static class Program
{
    public static void Main(string[] args)
    {
        int count = args.Length > 0 ? int.Parse(args[0]) : 60_000;
        var payments = Generate(count);
        var model = new RiskModel();

        var sw = Stopwatch.StartNew();
        var flagged = new List<(Payment Payment, double Score)>();
        const int ReviewQueueSize = 20;
        var reviewLock = new object();

        Parallel.ForEach(payments, payment =>
        {
            double score;
            lock (model)
            {
                score = model.Score(payment);
            }

            if (score < 0.5)
            {
                return;
            }

            lock (reviewLock)
            {
                if (flagged.Count < ReviewQueueSize)
                {
                    flagged.Add((payment, score));
                }
                else
                {
                    int weakest = 0;
                    for (int i = 1; i < flagged.Count; i++)
                        if (flagged[i].Score < flagged[weakest].Score) weakest = i;
                    if (flagged[weakest].Score < score) flagged[weakest] = (payment, score);
                }
            }
        });

        Console.WriteLine($"Scored {count} payments in {sw.ElapsedMilliseconds} ms; top of review queue:");
        foreach (var (payment, score) in flagged.OrderByDescending(f => f.Score).Take(5))
        {
            Console.WriteLine($"  #{payment.Id} {payment.Amount,10:N2} {payment.Country} score {score:F3}");
        }
    }

    private static List<Payment> Generate(int count)
    {
        var rng = new Random(77);
        string[] countries = ["GB", "DE", "FR", "XX", "US", "ZZ", "NL"];
        return Enumerable.Range(0, count).Select(i => new Payment(
            i,
            $"card{rng.Next(4000):X4}",
            $"m-{rng.Next(300)}",
            Math.Round((decimal)(Math.Exp(rng.NextDouble() * 7)), 2),
            rng.Next(24),
            countries[rng.Next(countries.Length)])).ToList();
    }
}
