using System;
using System.Collections.Generic;
using System.Linq;
using System.Runtime.InteropServices;
using System.Threading.Tasks;

namespace VrpSavingsSolver;

public readonly record struct Stop(int Id, double X, double Y, int Demand);
public sealed record Region(string Name, Stop Depot, Stop[] Customers, int VehicleCapacity);

public static class Libc
{
    public static readonly object Gate = new();
    [DllImport("libc.so.6")] public static extern void srandom(uint seed);
    [DllImport("libc.so.6")] public static extern int random();
}

public sealed class RoutePlanner
{
    private static long s_moveEvaluations;
    public static long MoveEvaluations => s_moveEvaluations;

    static double Dist(Stop a, Stop b) => Math.Sqrt((a.X - b.X) * (a.X - b.X) + (a.Y - b.Y) * (a.Y - b.Y));

    public static double Cost(Region r, List<List<Stop>> routes) =>
        routes.Sum(route => Dist(r.Depot, route[0]) + Dist(route[^1], r.Depot) + route.Zip(route.Skip(1), Dist).Sum());

    // Clarke-Wright savings, then 2-opt inside each route.
    public List<List<Stop>> PlanRegion(Region r)
    {
        lock (typeof(RoutePlanner))
        {
            var routeOf = r.Customers.ToDictionary(c => c.Id, c => new List<Stop> { c });
            var savings = new List<(double Saving, Stop A, Stop B)>();
            foreach (Stop a in r.Customers)
                foreach (Stop b in r.Customers)
                    if (a.Id < b.Id) savings.Add((Dist(r.Depot, a) + Dist(r.Depot, b) - Dist(a, b), a, b));
            foreach (var (_, a, b) in savings.OrderByDescending(s => s.Saving).ThenBy(s => s.A.Id).ThenBy(s => s.B.Id))
            {
                List<Stop> ra = routeOf[a.Id], rb = routeOf[b.Id];
                if (ra == rb) continue;
                if (ra[^1].Id != a.Id) { if (ra[0].Id == a.Id) ra.Reverse(); else continue; }
                if (rb[0].Id != b.Id) { if (rb[^1].Id == b.Id) rb.Reverse(); else continue; }
                if (ra.Sum(s => s.Demand) + rb.Sum(s => s.Demand) > r.VehicleCapacity) continue;
                ra.AddRange(rb);
                foreach (Stop s in rb) routeOf[s.Id] = ra;
            }
            var routes = routeOf.Values.Distinct().ToList();
            foreach (var route in routes) s_moveEvaluations += TwoOpt(r.Depot, route);
            return routes;
        }
    }

    public static long TwoOpt(Stop depot, List<Stop> route)
    {
        long evaluations = 0;
        for (bool improved = true; improved;)
        {
            improved = false;
            for (int i = 0; i < route.Count - 1; i++)
                for (int j = i + 1; j < route.Count; j++, evaluations++)
                {
                    Stop prev = i == 0 ? depot : route[i - 1], next = j == route.Count - 1 ? depot : route[j + 1];
                    double delta = Dist(prev, route[j]) + Dist(route[i], next) - Dist(prev, route[i]) - Dist(route[j], next);
                    if (delta < -1e-9) { route.Reverse(i, j - i + 1); improved = true; }
                }
        }
        return evaluations;
    }
}

public static class Program
{
    public static void Main()
    {
        var rng = new Random(42);
        var regions = Enumerable.Range(0, 6).Select(i => new Region($"zone-{(char)('A' + i)}",
            new Stop(0, 50, 50, 0),
            Enumerable.Range(1, 260).Select(id => new Stop(id, rng.NextDouble() * 100, rng.NextDouble() * 100, 1 + rng.Next(9))).ToArray(),
            120)).ToList();

        var planner = new RoutePlanner();
        var plans = new Dictionary<string, List<List<Stop>>>();
        Parallel.ForEach(regions, region =>
        {
            List<List<Stop>> routes = planner.PlanRegion(region);
            lock (plans) plans[region.Name] = routes;
            lock (Console.Error) Console.Error.WriteLine($"  planned {region.Name}: {routes.Count} vehicles");
        });

        // Iterated local search: random segment shuffles followed by 2-opt. The shuffles use libc random() so that
        // runs match the numbers the old C planner produced for the same seeds.
        var best = regions.ToDictionary(r => r.Name, r => RoutePlanner.Cost(r, plans[r.Name]));
        var restarts = regions.SelectMany(r => Enumerable.Range(0, 60).Select(k => (Region: r, Seed: (uint)(k + 1)))).ToList();
        Parallel.ForEach(restarts, job =>
        {
            var candidate = plans[job.Region.Name].Select(route => route.ToList()).ToList();
            double cost;
            lock (Libc.Gate)
            {
                Libc.srandom(job.Seed);
                foreach (var route in candidate)
                {
                    for (int k = 0; k < route.Count; k++)
                    {
                        int a = Libc.random() % route.Count, b = Libc.random() % route.Count;
                        (route[a], route[b]) = (route[b], route[a]);
                    }
                    RoutePlanner.TwoOpt(job.Region.Depot, route);
                }
                cost = RoutePlanner.Cost(job.Region, candidate);
            }
            lock (best)
            {
                if (cost < best[job.Region.Name]) best[job.Region.Name] = cost;
            }
        });

        foreach (Region r in regions)
            Console.WriteLine($"{r.Name}: {plans[r.Name].Count} routes, savings cost {RoutePlanner.Cost(r, plans[r.Name]):F1}, best after search {best[r.Name]:F1}");
        Console.WriteLine($"2-opt move evaluations in construction: {RoutePlanner.MoveEvaluations}");
    }
}
