using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;

namespace AirlineCrewPairing;

public readonly record struct Leg(int Id, int From, int To, int DepartMin, int ArriveMin);

public sealed record Pairing(int Base, int[] Legs, double Cost);

public sealed class PairingCostService
{
    private readonly object _sync = new();
    private readonly double[] _dutyScratch = new double[64];
    private readonly Leg[] _legs;

    public PairingCostService(Leg[] legs) => _legs = legs;

    // One service is shared by every crew base; the scratch array is why the lock was added.
    public List<Pairing> BuildPairings(int crewBase, int candidates, int seed)
    {
        var result = new List<Pairing>();
        lock (_sync)
        {
            var rng = new Random(seed);
            for (int c = 0; c < candidates; c++)
            {
                var chain = new List<int>();
                int at = crewBase, clock = 0;
                for (int step = 0; step < 6; step++)
                {
                    int pick = -1;
                    for (int probe = 0; probe < 40; probe++)
                    {
                        var leg = _legs[rng.Next(_legs.Length)];
                        if (leg.From == at && leg.DepartMin >= clock + 35) { pick = leg.Id; break; }
                    }
                    if (pick < 0) break;
                    chain.Add(pick);
                    at = _legs[pick].To;
                    clock = _legs[pick].ArriveMin;
                }
                if (chain.Count == 0 || at != crewBase) continue;
                double cost = 0;
                for (int i = 0; i < chain.Count; i++)
                {
                    var leg = _legs[chain[i]];
                    _dutyScratch[i] = leg.ArriveMin - leg.DepartMin;
                    double sit = i == 0 ? 0 : leg.DepartMin - _legs[chain[i - 1]].ArriveMin;
                    cost += _dutyScratch[i] * 1.0 + Math.Max(0, sit - 45) * 0.6 + Math.Pow(sit / 60.0, 2);
                }
                double duty = _legs[chain[^1]].ArriveMin - _legs[chain[0]].DepartMin;
                cost += duty > 600 ? 250 + (duty - 600) * 3 : 0;
                result.Add(new Pairing(crewBase, chain.ToArray(), cost));
            }
        }
        return result;
    }
}

public static class Program
{
    public static void Main()
    {
        var rng = new Random(7);
        const int stations = 12;
        var legs = new Leg[4000];
        for (int i = 0; i < legs.Length; i++)
        {
            int from = rng.Next(stations), to = (from + 1 + rng.Next(stations - 1)) % stations;
            int dep = rng.Next(5 * 60, 22 * 60);
            legs[i] = new Leg(i, from, to, dep, dep + 50 + rng.Next(180));
        }

        var service = new PairingCostService(legs);
        var bases = new[] { 0, 3, 5, 8, 11 };
        var pool = new List<Pairing>();
        Parallel.ForEach(bases, b =>
        {
            var built = service.BuildPairings(b, 60_000, 100 + b);
            lock (pool) pool.AddRange(built);
        });

        // Leg coverage counts: each worker counts into its own array and merges once.
        var coverage = new int[legs.Length];
        Parallel.ForEach(pool, () => new int[legs.Length], (p, _, local) =>
        {
            foreach (int leg in p.Legs) local[leg]++;
            return local;
        },
        local =>
        {
            lock (coverage)
            {
                for (int i = 0; i < local.Length; i++) coverage[i] += local[i];
            }
        });

        // Greedy cover: cheapest cost per newly covered leg, evaluated in parallel per round.
        var covered = new bool[legs.Length];
        var chosen = new List<Pairing>();
        for (int round = 0; round < 40; round++)
        {
            Pairing? best = null;
            double bestRatio = double.MaxValue;
            object bestGate = new();
            Parallel.ForEach(pool, p =>
            {
                int fresh = p.Legs.Count(l => !covered[l]);
                if (fresh == 0) return;
                double ratio = p.Cost / fresh;
                lock (bestGate)
                {
                    if (ratio < bestRatio) { bestRatio = ratio; best = p; }
                }
            });
            if (best is null) break;
            chosen.Add(best);
            foreach (int l in best.Legs) covered[l] = true;
        }

        Console.WriteLine($"candidate pairings: {pool.Count}");
        Console.WriteLine($"legs seen in any pairing: {coverage.Count(c => c > 0)} of {legs.Length}");
        Console.WriteLine($"chosen: {chosen.Count}, legs covered: {covered.Count(c => c)}, cost {chosen.Sum(p => p.Cost):F1}");
    }
}
