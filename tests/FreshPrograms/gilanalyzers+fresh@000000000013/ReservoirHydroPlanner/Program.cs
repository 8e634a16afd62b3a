using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using System.Threading.Tasks;

namespace ReservoirHydroPlanner;

public sealed record Reservoir(string Name, double Capacity, double MaxRelease, double MeanInflow, double HeadFactor, double MinStorage);

public sealed record TraceResult(int Trace, double Revenue, double MinStorage, int SpillWeeks);

// Release rule from stochastic dynamic programming: release[week, storage level, inflow class] in hm3 per week.
public sealed class PolicyTable(Reservoir reservoir, int levels, double[,,] release)
{
    public Reservoir Reservoir { get; } = reservoir;
    public int Levels { get; } = levels;

    public double Release(int week, double storage, int inflowClass)
    {
        double pos = Math.Clamp(storage / Reservoir.Capacity * (Levels - 1), 0, Levels - 1.0001);
        int i = (int)pos;
        return release[week, i, inflowClass] * (1 - (pos - i)) + release[week, i + 1, inflowClass] * (pos - i);
    }
}

public static class Hydrology
{
    public static readonly double[] ClassFactor = { 0.35, 0.65, 1.0, 1.5, 2.4 };
    public static readonly double[] ClassProbability = { 0.15, 0.25, 0.3, 0.2, 0.1 };

    public static double Seasonal(int week) => 1 + 0.8 * Math.Sin(2 * Math.PI * (week - 10) / 52.0);
    public static double Price(int week) => 42 + 18 * Math.Cos(2 * Math.PI * (week - 2) / 52.0);
    public static double Energy(Reservoir r, double storage, double release) => release * r.HeadFactor * (0.6 + 0.4 * storage / r.Capacity);

    public static PolicyTable Solve(Reservoir r, int levels = 150, int decisions = 50, int years = 3)
    {
        var value = new double[levels];
        var release = new double[52, levels, ClassFactor.Length];
        for (int stage = years * 52 - 1; stage >= 0; stage--)
        {
            int week = stage % 52;
            double price = Price(week);
            var next = new double[levels];
            for (int s = 0; s < levels; s++)
            {
                double storage = r.Capacity * s / (levels - 1), expected = 0;
                for (int k = 0; k < ClassFactor.Length; k++)
                {
                    double inflow = r.MeanInflow * Seasonal(week) * ClassFactor[k], best = double.MinValue;
                    for (int d = 0; d < decisions; d++)
                    {
                        double q = r.MaxRelease * d / (decisions - 1);
                        double end = storage + inflow - q;
                        if (end < r.MinStorage) continue;
                        double spill = Math.Max(0, end - r.Capacity);
                        end = Math.Min(end, r.Capacity);
                        double pos = end / r.Capacity * (levels - 1);
                        int i = Math.Min((int)pos, levels - 2);
                        double future = value[i] + (pos - i) * (value[i + 1] - value[i]);
                        double total = Energy(r, storage, q) * price - 3 * spill + 0.999 * future;
                        if (total > best) { best = total; release[week, s, k] = q; }
                    }
                    expected += ClassProbability[k] * (best == double.MinValue ? -1e6 : best);
                }
                next[s] = expected;
            }
            value = next;
        }
        return new PolicyTable(r, levels, release);
    }
}

// Replays long synthetic inflow traces through a release rule. The weekly storage buffer is reused between traces.
public sealed class PolicySimulator(PolicyTable policy, int years)
{
    private readonly object _sync = new();
    private readonly double[] _storage = new double[years * 52 + 1];

    public TraceResult Run(int trace)
    {
        lock (_sync)
        {
            Reservoir r = policy.Reservoir;
            uint state = 0x9E3779B9u * (uint)(trace + 1);
            double revenue = 0;
            int spillWeeks = 0;
            _storage[0] = 0.6 * r.Capacity;
            for (int t = 0; t < years * 52; t++)
            {
                int week = t % 52, k = 0;
                state ^= state << 13; state ^= state >> 17; state ^= state << 5;
                for (double u = state / 4294967296.0, c = Hydrology.ClassProbability[0]; u > c && k < 4; c += Hydrology.ClassProbability[++k]) { }
                double storage = _storage[t], weekly = r.MeanInflow * Hydrology.Seasonal(week) * Hydrology.ClassFactor[k], released = 0;
                for (int day = 0; day < 7; day++)
                {
                    double q = Math.Min(policy.Release(week, storage, k) / 7, Math.Max(0, storage + weekly / 7 - r.MinStorage));
                    revenue += Hydrology.Energy(r, storage, q) * Hydrology.Price(week);
                    storage += weekly / 7 - q - storage * 0.0002;
                    released += q;
                }
                if (storage > r.Capacity) { spillWeeks++; storage = r.Capacity; }
                _storage[t + 1] = storage;
            }
            return new TraceResult(trace, revenue, _storage.Min(), spillWeeks);
        }
    }
}

public static class Program
{
    public static async Task Main()
    {
        Reservoir[] reservoirs =
        {
            new("Upper Glen", 420, 38, 22, 1.9, 40), new("Kessel", 960, 70, 41, 1.2, 90),
            new("Black Lake", 250, 30, 17, 2.6, 25), new("Ardmore", 640, 52, 30, 1.5, 60),
        };
        string outDir = Path.Combine(Path.GetTempPath(), "reservoir-" + Environment.ProcessId);
        Directory.CreateDirectory(outDir);

        async Task<PolicyTable> OptimiseAndSaveAsync(Reservoir r)
        {
            PolicyTable policy = Hydrology.Solve(r);
            var csv = new StringBuilder("week,storage_pct,dry,normal,wet\n");
            for (int week = 0; week < 52; week++)
                for (int pct = 0; pct <= 100; pct += 10)
                    csv.AppendLine(string.Join(",", new[] { week, pct }.Select(v => v.ToString(CultureInfo.InvariantCulture))
                        .Concat(new[] { 0, 2, 4 }.Select(k => policy.Release(week, r.Capacity * pct / 100, k).ToString("F2", CultureInfo.InvariantCulture)))));
            await File.WriteAllTextAsync(Path.Combine(outDir, r.Name.Replace(' ', '_') + ".csv"), csv.ToString());
            return policy;
        }
        PolicyTable[] policies = await Task.WhenAll(reservoirs.Select(OptimiseAndSaveAsync));

        foreach (PolicyTable policy in policies)
        {
            var simulator = new PolicySimulator(policy, years: 40);
            var results = new TraceResult[300];
            var worstLock = new object();
            TraceResult? worst = null;
            Parallel.ForEach(Enumerable.Range(0, results.Length), trace =>
            {
                TraceResult result = simulator.Run(trace);
                results[trace] = result;
                if (worst == null || result.MinStorage <= worst.MinStorage)
                {
                    lock (worstLock)
                    {
                        if (worst == null || result.MinStorage < worst.MinStorage || (result.MinStorage == worst.MinStorage && result.Trace < worst.Trace)) worst = result;
                    }
                }
            });
            double[] revenue = results.Select(x => x.Revenue / 40 / 1000).Order().ToArray();
            Console.WriteLine($"{policy.Reservoir.Name,-10} revenue/yr k: p10 {revenue[30],8:F1}  p50 {revenue[150],8:F1}  p90 {revenue[270],8:F1}  spill weeks/yr {results.Average(x => x.SpillWeeks) / 40:F2}  worst min storage {worst!.MinStorage:F1} hm3 (trace {worst.Trace})");
        }
        Console.WriteLine($"policy files: {Directory.GetFiles(outDir).Length}");
        Directory.Delete(outDir, recursive: true);
    }
}
