using System;
using System.Globalization;
using System.Threading.Tasks;

// GIL006: plans the load of numbered cargo manifests with a legacy 0/1 knapsack solver. The solver keeps its dynamic
// programming table and its choice table in static fields, so two threads inside Solve at once would corrupt each
// other's tables: every call is serialised behind one global lock and Parallel.For runs on one core. The item handed
// to the solver is the manifest number itself (results[i] = LegacyPlanner.Solve(i)). Solve clears its tables before it
// uses them (no information flows from one manifest to the next), so worker processes, each with its own statics,
// compute exactly the same plans: the fix maps the manifest numbers over GilAnalyzers.Processes.ProcessPool.
public static class Sample
{
    /// <summary>Full size: manifests, about 3 s of single-core work.</summary>
    public const int FullSize = 192;

    private static readonly object LegacyGate = new object();

    public static long Run() => Run(FullSize);

    public static long Run(int manifestCount)
    {
        var results = new long[manifestCount];
        Parallel.For(0, manifestCount, i =>
        {
            lock (LegacyGate)
            {
                results[i] = LegacyPlanner.Solve(i);
            }
        });

        long combined = 17;
        foreach (long plan in results)
        {
            combined = unchecked(combined * 31 + plan);
        }

        return combined;
    }
}

/// <summary>
/// The legacy code: a 0/1 knapsack over a manifest's parcels (weights and values from the manifest number), with the
/// best-value table and the take/skip table as static scratch buffers, cleared at the start of each call. Solve returns
/// the best value and a checksum of the chosen parcels in one number.
/// </summary>
public static class LegacyPlanner
{
    public const int Parcels = 360;
    public const int Capacity = 40_000;

    private static readonly long[] s_best = new long[Capacity + 1];
    private static readonly bool[,] s_take = new bool[Parcels, Capacity + 1];

    public static long Solve(int manifest)
    {
        Array.Clear(s_best);
        Array.Clear(s_take);

        var weights = new int[Parcels];
        var values = new int[Parcels];
        uint seed = 2166136261u ^ (uint)manifest * 16777619u;
        for (int p = 0; p < Parcels; p++)
        {
            seed ^= seed << 13;
            seed ^= seed >> 17;
            seed ^= seed << 5;
            weights[p] = 50 + (int)(seed % 900);
            values[p] = weights[p] + (int)(seed >> 20) % 400;
        }

        for (int p = 0; p < Parcels; p++)
        {
            int weight = weights[p];
            int value = values[p];
            for (int c = Capacity; c >= weight; c--)
            {
                long with = s_best[c - weight] + value;
                if (with > s_best[c])
                {
                    s_best[c] = with;
                    s_take[p, c] = true;
                }
            }
        }

        // Walk the choices back from the full capacity: which parcels go on board.
        long chosen = 0;
        int remaining = Capacity;
        for (int p = Parcels - 1; p >= 0; p--)
        {
            if (s_take[p, remaining])
            {
                chosen = unchecked(chosen * 1_000_003 + p);
                remaining -= weights[p];
            }
        }

        return (s_best[Capacity] << 32) ^ (chosen & 0xFFFF_FFFF);
    }
}

public static class Program
{
    /// <summary>Prints the combined result. An optional argument sets the number of manifests (default <see cref="Sample.FullSize"/>).</summary>
    public static int Main(string[] args)
    {
        int manifests = Sample.FullSize;
        if (args.Length > 0 && (!int.TryParse(args[0], NumberStyles.None, CultureInfo.InvariantCulture, out manifests) || manifests < 1))
        {
            Console.Error.WriteLine("usage: GIL006.IndexDrivenKnapsack [manifest count >= 1]; got '" + args[0] + "'");
            return 2;
        }

        Console.WriteLine("combined: " + Sample.Run(manifests).ToString("X16", CultureInfo.InvariantCulture));
        return 0;
    }
}
