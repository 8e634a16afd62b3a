using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;

namespace KidneyExchangeMatcher;

public enum Abo { O, A, B, AB }

public sealed record Pair(int Id, Abo Patient, Abo Donor, double Pra, int WaitDays);

public sealed record Pool(int Month, Pair[] Pairs, bool[,] Compatible);

public sealed record Plan(int Month, int Transplants, List<int[]> Cycles);

public static class Compatibility
{
    public static bool AboOk(Abo donor, Abo patient) =>
        donor == Abo.O || patient == Abo.AB || donor == patient;

    public static Pool Generate(int month, int size)
    {
        var rng = new Random(7000 + month);
        Abo Draw() { double u = rng.NextDouble(); return u < 0.44 ? Abo.O : u < 0.86 ? Abo.A : u < 0.97 ? Abo.B : Abo.AB; }
        var pairs = Enumerable.Range(0, size).Select(i => new Pair(i, Draw(), Draw(), 0.35 + rng.NextDouble() * 0.63, rng.Next(30, 2000))).ToArray();
        var ok = new bool[size, size];
        for (int d = 0; d < size; d++)
        for (int p = 0; p < size; p++)
            ok[d, p] = d != p && AboOk(pairs[d].Donor, pairs[p].Patient) && rng.NextDouble() > pairs[p].Pra;
        return new Pool(month, pairs, ok);
    }
}

// One packer reused across months: its scratch arrays are sized for the largest pool.
public sealed class CyclePacker(int maxPairs)
{
    private readonly bool[] _used = new bool[maxPairs];
    private readonly List<int[]> _cycles = new();

    public List<int[]> Enumerate(Pool pool)
    {
        _cycles.Clear();
        int n = pool.Pairs.Length;
        for (int a = 0; a < n; a++)
        for (int b = a + 1; b < n; b++)
        {
            if (pool.Compatible[a, b] && pool.Compatible[b, a]) _cycles.Add(new[] { a, b });
            for (int c = a + 1; c < n; c++)
            {
                if (c == b) continue;
                if (pool.Compatible[a, b] && pool.Compatible[b, c] && pool.Compatible[c, a]) _cycles.Add(new[] { a, b, c });
            }
        }
        return new List<int[]>(_cycles);
    }

    // Randomised greedy packing with restarts: longer cycles and long waits first, with noise.
    public Plan Pack(Pool pool, List<int[]> cycles, int restarts, int seed)
    {
        var rng = new Random(seed);
        List<int[]> best = new();
        int bestCount = -1;
        var keys = new double[cycles.Count];
        var order = new int[cycles.Count];
        for (int r = 0; r < restarts; r++)
        {
            for (int k = 0; k < cycles.Count; k++)
            {
                order[k] = k;
                keys[k] = -(cycles[k].Length * 1000 + cycles[k].Sum(i => pool.Pairs[i].WaitDays) / 10.0) * (0.7 + 0.6 * rng.NextDouble());
            }
            Array.Sort(keys, order);
            Array.Clear(_used);
            var chosen = new List<int[]>();
            int count = 0;
            foreach (int k in order)
            {
                if (cycles[k].Any(i => _used[i])) continue;
                foreach (int i in cycles[k]) _used[i] = true;
                chosen.Add(cycles[k]);
                count += cycles[k].Length;
            }
            if (count > bestCount) { bestCount = count; best = chosen; }
        }
        return new Plan(pool.Month, bestCount, best);
    }
}

public static class Program
{
    public static void Main()
    {
        var pools = Enumerable.Range(1, 16).Select(m => Compatibility.Generate(m, 70 + 3 * m)).ToArray();
        var packer = new CyclePacker(maxPairs: 200);
        var matchMutex = new Mutex();
        var plans = new Plan[pools.Length];
        int finished = 0;

        Parallel.ForEach(pools, pool =>
        {
            matchMutex.WaitOne();
            try
            {
                var cycles = packer.Enumerate(pool);
                plans[pool.Month - 1] = packer.Pack(pool, cycles, restarts: 120, seed: pool.Month);
            }
            finally
            {
                matchMutex.ReleaseMutex();
            }
            lock (Console.Error)
            {
                finished++;
                Console.Error.WriteLine($"  month {pool.Month,2} matched ({finished}/{pools.Length})");
            }
        });
        Console.WriteLine($"transplants per month: {string.Join(" ", plans.Select(p => p.Transplants))}");

        // Robustness: how many transplants survive random late crossmatch failures, per month.
        var survive = new double[pools.Length];
        var doneEvents = new ManualResetEvent[pools.Length];
        for (int i = 0; i < pools.Length; i++)
        {
            doneEvents[i] = new ManualResetEvent(false);
            ThreadPool.QueueUserWorkItem(state =>
            {
                int m = (int)state!;
                survive[m] = ExpectedSurvivors(plans[m], trials: 40000, seed: 99 + m);
                doneEvents[m].Set();
            }, i);
        }
        WaitHandle.WaitAll(doneEvents);
        foreach (var e in doneEvents) e.Dispose();
        Console.WriteLine($"expected after 8% crossmatch failures: {string.Join(" ", survive.Select(s => s.ToString("F1")))}");
    }

    // A cycle proceeds only if every arc in it passes the final crossmatch.
    private static double ExpectedSurvivors(Plan plan, int trials, int seed)
    {
        var rng = new Random(seed);
        long total = 0;
        for (int t = 0; t < trials; t++)
            foreach (var cycle in plan.Cycles)
            {
                bool ok = true;
                for (int k = 0; k < cycle.Length && ok; k++) ok = rng.NextDouble() > 0.08;
                if (ok) total += cycle.Length;
            }
        return total / (double)trials;
    }
}
