using System.Runtime.InteropServices;

namespace RateLimiterSimulation;

/// <summary>The traffic model was validated against glibc's random(); we keep using it so runs match the reference tables.</summary>
internal static partial class LibcRandom
{
    public static readonly object Gate = new();

    [LibraryImport("libc", EntryPoint = "srandom")]
    public static partial void Seed(uint seed);

    [LibraryImport("libc", EntryPoint = "random")]
    public static partial int Next();

    public const double Max = 2147483648.0;
}

public sealed record Scenario(string Name, double RequestsPerSecond, double BurstProbability, int Seconds, uint Seed);

public sealed record ScenarioResult(string Scenario, string Limiter, int Offered, int Accepted, double P99WaitMs);

public sealed class ScenarioRunner
{
    private readonly Func<IRateLimiter> _limiterFactory;

    public ScenarioRunner(Func<IRateLimiter> limiterFactory) => _limiterFactory = limiterFactory;

    public ScenarioResult Run(Scenario scenario)
    {
        IRateLimiter limiter = _limiterFactory();
        var waits = new List<double>();
        int offered = 0, accepted = 0;

        lock (LibcRandom.Gate)
        {
            LibcRandom.Seed(scenario.Seed);
            double t = 0;
            while (t < scenario.Seconds)
            {
                double u = (LibcRandom.Next() + 1) / LibcRandom.Max;
                double rate = scenario.RequestsPerSecond;
                if (LibcRandom.Next() / LibcRandom.Max < scenario.BurstProbability) rate *= 8;
                t += -Math.Log(u) / rate;
                offered++;

                double retryAt = t;
                int attempts = 0;
                while (!limiter.TryAcquire(retryAt) && attempts < 20)
                {
                    double jitter = LibcRandom.Next() / LibcRandom.Max;
                    retryAt += 0.01 * (1 << Math.Min(attempts, 6)) * (0.5 + jitter);
                    attempts++;
                }
                if (attempts < 20) { accepted++; waits.Add((retryAt - t) * 1000); }
            }
        }

        waits.Sort();
        double p99 = waits.Count == 0 ? 0 : waits[(int)(waits.Count * 0.99)];
        return new ScenarioResult(scenario.Name, limiter.Name, offered, accepted, p99);
    }
}

public static class Program
{
    public static void Main()
    {
        lock (LibcRandom.Gate)
        {
            LibcRandom.Seed(1);
        }

        var scenarios = new List<Scenario>();
        uint seed = 11;
        foreach (double rps in new[] { 50.0, 120.0, 300.0 })
            foreach (double burst in new[] { 0.0, 0.05, 0.2 })
                scenarios.Add(new Scenario($"rps{rps}-burst{burst}", rps, burst, Seconds: 120, Seed: seed++));

        var runners = new Dictionary<string, ScenarioRunner>
        {
            ["bucket"] = new(() => new TokenBucket(capacity: 40, refillPerSecond: 100)),
            ["window"] = new(() => new SlidingWindowLog(limit: 100, windowSeconds: 1.0)),
        };

        foreach (var (kind, runner) in runners)
        {
            var results = new ScenarioResult[scenarios.Count];
            Parallel.ForEach(Enumerable.Range(0, scenarios.Count), i => results[i] = runner.Run(scenarios[i]));
            foreach (var r in results)
                Console.WriteLine($"{kind,-6} {r.Scenario,-16} offered {r.Offered,6} accepted {r.Accepted,6} p99 wait {r.P99WaitMs,8:F1} ms");
        }

        // Shared limiter hammered from several threads: capacity only, no refill, so exactly 500 get through.
        var shared = new TokenBucket(capacity: 500, refillPerSecond: 0);
        int granted = 0;
        Parallel.For(0, 2000, _ => { if (shared.TryAcquire(0)) Interlocked.Increment(ref granted); });
        Console.WriteLine($"shared bucket granted {granted} of 2000");
    }
}
