using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading.Tasks;

namespace WarehouseSlotting;

public record Sku(int Id, string Code, double PicksPerDay, int Family);

public record Zone(string Name, List<Sku> Skus);

public record SlotPlan(string Zone, int[] SlotOfSku, double Cost, long SwapsAccepted);

public sealed class Totals
{
    public double Cost;
    public long Swaps;
}

public static class SlotGeometry
{
    private static readonly object TableGate = new();
    private static double[,]? _travel;
    public const int Aisles = 12, BaysPerAisle = 20, Levels = 4;
    public static int SlotCount => Aisles * BaysPerAisle * Levels;

    // Travel seconds between slots (and from the dock, slot index SlotCount), built once.
    public static double[,] Travel()
    {
        if (_travel is null)
        {
            lock (TableGate)
            {
                if (_travel is null)
                {
                    int n = SlotCount;
                    var t = new double[n + 1, n + 1];
                    for (int a = 0; a <= n; a++)
                        for (int b = 0; b <= n; b++)
                            t[a, b] = Distance(a, b, n);
                    _travel = t;
                }
            }
        }
        return _travel;
    }

    private static double Distance(int a, int b, int dock)
    {
        (int aisle, int bay, int level) Pos(int s) => s == dock ? (0, -2, 0) : (s / (BaysPerAisle * Levels), s / Levels % BaysPerAisle, s % Levels);
        var p = Pos(a); var q = Pos(b);
        double walk = p.aisle == q.aisle ? Math.Abs(p.bay - q.bay) * 1.4
                    : (Math.Min(p.bay + q.bay + 4, 2 * BaysPerAisle - p.bay - q.bay) * 1.4 + Math.Abs(p.aisle - q.aisle) * 3.0);
        return walk + Math.Abs(p.level - q.level) * 4.5;
    }
}

public static class SlotOptimizer
{
    public static long SwapsTried;

    // Pairwise-swap local search: frequent SKUs near the dock, families close together.
    public static SlotPlan Optimise(Zone zone, int seed)
    {
        lock (typeof(SlotOptimizer))
        {
            var travel = SlotGeometry.Travel();
            int dock = SlotGeometry.SlotCount, n = zone.Skus.Count;
            var rng = new Random(seed);
            var slotOf = Enumerable.Range(0, SlotGeometry.SlotCount).OrderBy(_ => rng.Next()).Take(n).ToArray();
            double SkuCost(int i)
            {
                double c = zone.Skus[i].PicksPerDay * travel[dock, slotOf[i]] * 2;
                for (int j = 0; j < n; j++)
                    if (j != i && zone.Skus[j].Family == zone.Skus[i].Family) c += 0.8 * travel[slotOf[i], slotOf[j]];
                return c;
            }
            long accepted = 0;
            for (int iter = 0; iter < 40_000; iter++)
            {
                int a = rng.Next(n), b = rng.Next(n);
                if (a == b) continue;
                double before = SkuCost(a) + SkuCost(b);
                (slotOf[a], slotOf[b]) = (slotOf[b], slotOf[a]);
                if (SkuCost(a) + SkuCost(b) < before) accepted++;
                else (slotOf[a], slotOf[b]) = (slotOf[b], slotOf[a]);
                SwapsTried++;
            }
            double total = Enumerable.Range(0, n).Sum(SkuCost);
            return new SlotPlan(zone.Name, slotOf, total, accepted);
        }
    }
}

public static class Program
{
    public static void Main()
    {
        var rng = new Random(88);
        var zones = Enumerable.Range(0, 8).Select(z => new Zone($"Z{z}",
            Enumerable.Range(0, 120).Select(i => new Sku(z * 1000 + i, $"SKU-{z}-{i:D3}",
                Math.Round(200 * Math.Pow(rng.NextDouble(), 3), 2), rng.Next(15))).ToList())).ToList();

        var plans = new SlotPlan[zones.Count];
        var totals = new Totals();
        Parallel.For(0, zones.Count, z =>
        {
            var plan = SlotOptimizer.Optimise(zones[z], seed: 500 + z);
            plans[z] = plan;
            lock (totals)
            {
                totals.Cost += plan.Cost;
                totals.Swaps += plan.SwapsAccepted;
            }
        });

        var travel = SlotGeometry.Travel();
        foreach (var plan in plans)
        {
            var zone = zones.First(z => z.Name == plan.Zone);
            var fastest = zone.Skus.OrderByDescending(s => s.PicksPerDay).First();
            int slot = plan.SlotOfSku[zone.Skus.IndexOf(fastest)];
            Console.WriteLine($"{plan.Zone}: cost {plan.Cost,10:F0}  accepted {plan.SwapsAccepted,5}  top SKU {fastest.Code} -> slot {slot} ({travel[SlotGeometry.SlotCount, slot]:F1} s from dock)");
        }
        Console.WriteLine($"swaps tried {SlotOptimizer.SwapsTried}, accepted {totals.Swaps}, total cost {totals.Cost:F0}");
    }
}
