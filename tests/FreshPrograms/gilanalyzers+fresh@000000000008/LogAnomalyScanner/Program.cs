using System.Text;

namespace LogAnomalyScanner;

public sealed record LogLine(long TimestampMs, string Service, int LatencyMs, int Status);

public sealed record Baseline(double Median, double Mad);

public sealed record AnomalyReport(string Service, int Lines, int Anomalies, double WorstScore);

public sealed class BaselineStore
{
    private readonly ReaderWriterLockSlim _lock = new();
    private readonly Dictionary<string, Baseline> _baselines = new();

    public void Rebuild(string service, IReadOnlyList<LogLine> history)
    {
        _lock.EnterWriteLock();
        try
        {
            double[] latencies = history.Select(l => (double)l.LatencyMs).ToArray();
            Array.Sort(latencies);
            double median = latencies[latencies.Length / 2];
            double[] deviations = latencies.Select(x => Math.Abs(x - median)).ToArray();
            Array.Sort(deviations);
            _baselines[service] = new Baseline(median, Math.Max(1.0, deviations[deviations.Length / 2]));
        }
        finally
        {
            _lock.ExitWriteLock();
        }
    }

    public Baseline Get(string service)
    {
        _lock.EnterReadLock();
        try
        {
            return _baselines[service];
        }
        finally
        {
            _lock.ExitReadLock();
        }
    }
}

public sealed class AnomalyScanner(BaselineStore baselines, string outputDirectory)
{
    public async Task<AnomalyReport> ScanAsync(string service, IReadOnlyList<LogLine> lines)
    {
        Baseline b = baselines.Get(service);
        var flagged = new StringBuilder();
        int anomalies = 0;
        double worst = 0;
        for (int i = 0; i < lines.Count; i++)
        {
            double window = 0;
            int from = Math.Max(0, i - 200);
            for (int j = from; j <= i; j++) window += lines[j].LatencyMs;
            window /= i - from + 1;
            double score = Math.Abs(window - b.Median) / (1.4826 * b.Mad);
            if (lines[i].Status >= 500) score += 2.0;
            if (score > 3.5)
            {
                anomalies++;
                flagged.Append(lines[i].TimestampMs).Append(',').Append(score.ToString("F2")).AppendLine();
            }
            worst = Math.Max(worst, score);
        }
        await File.WriteAllTextAsync(Path.Combine(outputDirectory, service + ".anomalies.csv"), flagged.ToString());
        return new AnomalyReport(service, lines.Count, anomalies, worst);
    }
}

public static class Program
{
    public static async Task Main()
    {
        string[] services = ["auth", "billing", "catalog", "checkout", "search", "profile", "gateway", "mailer"];
        var logs = services.ToDictionary(s => s, s => Generate(s, 40_000));
        string output = Path.Combine(Path.GetTempPath(), "log-anomaly-" + Environment.ProcessId);
        Directory.CreateDirectory(output);

        var store = new BaselineStore();
        Parallel.ForEach(services, service => store.Rebuild(service, logs[service]));

        var scanner = new AnomalyScanner(store, output);
        AnomalyReport[] reports = await Task.WhenAll(services.Select(s => scanner.ScanAsync(s, logs[s])));

        foreach (var r in reports.OrderByDescending(r => r.Anomalies))
            Console.WriteLine($"{r.Service,-9} lines={r.Lines} anomalies={r.Anomalies,5} worst={r.WorstScore:F2}");
        Directory.Delete(output, recursive: true);
    }

    private static List<LogLine> Generate(string service, int count)
    {
        var rng = new Random(service.Length * 7919 + service[0]);
        var lines = new List<LogLine>(count);
        long t = 1_760_000_000_000;
        int baseLatency = 20 + service.Length * 5;
        for (int i = 0; i < count; i++)
        {
            t += rng.Next(5, 50);
            bool incident = i % 9000 > 8700;
            int latency = baseLatency + rng.Next(0, 30) + (incident ? rng.Next(200, 600) : 0);
            int status = incident && rng.NextDouble() < 0.3 ? 503 : 200;
            lines.Add(new LogLine(t, service, latency, status));
        }
        return lines;
    }
}
