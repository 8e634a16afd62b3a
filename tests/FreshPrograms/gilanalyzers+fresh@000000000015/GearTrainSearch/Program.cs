using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading.Tasks;

namespace GearTrainSearch;

public readonly record struct Train(int A, int B, int C, int D)
{
    public double Ratio => (double)A / B * C / D;
    public int Teeth => A + B + C + D;
    public override string ToString() => $"{A}:{B} x {C}:{D}";
}

public sealed record Target(string Name, double Ratio, double Tolerance);

public class GearCatalog
{
    private readonly int[] _teeth;
    private readonly List<Train> _candidates = new();

    public GearCatalog(int minTeeth, int maxTeeth, IEnumerable<int> missing)
    {
        var skip = new HashSet<int>(missing);
        _teeth = Enumerable.Range(minTeeth, maxTeeth - minTeeth + 1).Where(t => !skip.Contains(t)).ToArray();
    }

    public int Count => _teeth.Length;

    // Two-stage compound trains within tolerance, fewest teeth first.
    public Train[] FindTrains(Target target, int keep)
    {
        lock (typeof(GearCatalog))
        {
            _candidates.Clear();
            foreach (int a in _teeth)
            foreach (int b in _teeth)
            {
                double r1 = (double)a / b;
                foreach (int c in _teeth)
                foreach (int d in _teeth)
                {
                    double err = Math.Abs(r1 * c / d - target.Ratio) / target.Ratio;
                    if (err <= target.Tolerance) _candidates.Add(new Train(a, b, c, d));
                }
            }
            return _candidates.OrderBy(t => t.Teeth).ThenBy(t => Math.Abs(t.Ratio - target.Ratio)).Take(keep).ToArray();
        }
    }
}

public static class Program
{
    public static void Main()
    {
        var catalog = new GearCatalog(12, 84, missing: new[] { 53, 59, 61, 67, 71, 73, 79, 83 });
        Console.WriteLine($"catalog: {catalog.Count} wheel sizes");

        var targets = new[]
        {
            new Target("hour hand 1/12", 1.0 / 12, 1e-9), new Target("minute from seconds 1/60", 1.0 / 60, 1e-9),
            new Target("day-of-week 1/7", 1.0 / 7, 1e-9), new Target("lunar phase 1/29.53", 1 / 29.530589, 2e-4),
            new Target("sidereal 366.2422/365.2422", 366.2422 / 365.2422, 2e-4), new Target("metric 25.4/16", 25.4 / 16, 1e-9),
            new Target("lathe 11 tpi from 8", 8.0 / 11, 1e-9), new Target("equation of time 1/1.7", 1 / 1.7, 3e-4),
        };
        var results = new Train[targets.Length][];
        Parallel.ForEach(Enumerable.Range(0, targets.Length), i => results[i] = Plan(catalog, targets[i]));
        for (int i = 0; i < targets.Length; i++)
        {
            var best = results[i].FirstOrDefault();
            Console.WriteLine(results[i].Length == 0
                ? $"{targets[i].Name,-28} no train"
                : $"{targets[i].Name,-28} {best,-16} teeth {best.Teeth,3}  err {Math.Abs(best.Ratio - targets[i].Ratio) / targets[i].Ratio:E1}");
        }

        // Best lunar train with three stages where the last stage is a 1:1 idler pair, searched over the first wheel.
        double lunar = 1 / 29.530589;
        double bestErr = double.MaxValue;
        long bestKey = long.MaxValue;
        string bestText = "";
        var bestGate = new object();
        Parallel.For(12, 65, a =>
        {
            for (int b = 12; b <= 120; b++)
            for (int c = 12; c <= 64; c++)
            for (int d = 12; d <= 120; d++)
            {
                double err = Math.Abs((double)a / b * c / d - lunar);
                if (err <= bestErr)
                {
                    lock (bestGate)
                    {
                        long key = ((a * 200L + b) * 200 + c) * 200 + d;
                        if (err < bestErr || (err == bestErr && key < bestKey))
                        {
                            bestErr = err;
                            bestKey = key;
                            bestText = $"{a}:{b} x {c}:{d} (1/{1 / ((double)a / b * c / d):F6} days)";
                        }
                    }
                }
            }
        });
        Console.WriteLine($"closest lunar train: {bestText}, error {bestErr / lunar:E2}");

        // Hunting-tooth pairs (coprime counts wear evenly): distinct reduced ratios available from one mesh.
        var distinct = new HashSet<(int, int)>();
        var pairs = from a in Enumerable.Range(12, 109) from b in Enumerable.Range(12, 109) select (a, b);
        int hunting = pairs.AsParallel().Count(p =>
        {
            int g = Gcd(p.a, p.b);
            lock (distinct)
            {
                distinct.Add((p.a / g, p.b / g));
            }
            return g == 1;
        });
        Console.WriteLine($"{hunting} hunting-tooth meshes, {distinct.Count} distinct single-mesh ratios");
    }

    private static Train[] Plan(GearCatalog catalog, Target target) => catalog.FindTrains(target, keep: 5);

    private static int Gcd(int a, int b)
    {
        while (b != 0) (a, b) = (b, a % b);
        return a;
    }
}
