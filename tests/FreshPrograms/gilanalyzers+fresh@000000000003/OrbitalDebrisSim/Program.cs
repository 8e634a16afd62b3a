using System.Collections.Concurrent;

namespace OrbitalDebrisSim;

internal static class Program
{
    private static void Main(string[] args)
    {
        int workers = args.Length > 0 ? int.Parse(args[0]) : 4;
        var catalog = DebrisCatalog.Generate(count: 1600, seed: 42);
        var propagator = new Propagator(stepSeconds: 10.0, steps: 360);
        var screening = new ConjunctionScreen(thresholdKm: 25.0);

        using var journal = new JournalWriter();
        journal.Post($"propagating {catalog.Length} objects on {workers} workers");

        var finalStates = new StateVector[catalog.Length];
        int chunk = (catalog.Length + workers - 1) / workers;
        var threads = new Thread[workers];
        for (int w = 0; w < workers; w++)
        {
            int from = w * chunk;
            int to = Math.Min(catalog.Length, from + chunk);
            threads[w] = new Thread(() =>
            {
                for (int i = from; i < to; i++)
                {
                    finalStates[i] = propagator.Propagate(catalog[i]);
                }
            })
            { Name = $"propagate-{w}" };
            threads[w].Start();
        }
        foreach (var t in threads)
        {
            t.Join();
        }

        journal.Post("propagation done");
        var hits = screening.Screen(finalStates);
        foreach (var hit in hits.OrderBy(h => h.A).ThenBy(h => h.B).Take(5))
        {
            journal.Post($"close approach {hit.A}-{hit.B} at {hit.DistanceKm:F2} km");
        }
        journal.Post($"{hits.Count} conjunctions under {screening.ThresholdKm} km");
        journal.Complete();

        double meanRadius = finalStates.Average(s => Math.Sqrt(s.X * s.X + s.Y * s.Y + s.Z * s.Z));
        Console.WriteLine($"objects:      {finalStates.Length}");
        Console.WriteLine($"mean radius:  {meanRadius:F3} km");
        Console.WriteLine($"conjunctions: {hits.Count}");
        foreach (var line in journal.Lines)
        {
            Console.WriteLine("  " + line);
        }
    }
}

public readonly record struct StateVector(double X, double Y, double Z, double Vx, double Vy, double Vz);

public record Conjunction(int A, int B, double DistanceKm);

public static class DebrisCatalog
{
    public static StateVector[] Generate(int count, int seed)
    {
        const double Mu = 398600.4418;
        var rng = new Random(seed);
        var result = new StateVector[count];
        for (int i = 0; i < count; i++)
        {
            double r = 6778 + rng.NextDouble() * 800;
            double angle = rng.NextDouble() * 2 * Math.PI;
            double inc = (rng.NextDouble() - 0.5) * 0.2;
            double v = Math.Sqrt(Mu / r);
            result[i] = new StateVector(
                r * Math.Cos(angle), r * Math.Sin(angle), r * inc * 0.01,
                -v * Math.Sin(angle), v * Math.Cos(angle) * Math.Cos(inc), v * Math.Sin(inc));
        }
        return result;
    }
}

public sealed class Propagator(double stepSeconds, int steps)
{
    private const double Mu = 398600.4418;

    // Fourth-order Runge-Kutta under two-body gravity.
    public StateVector Propagate(StateVector s)
    {
        double h = stepSeconds;
        for (int k = 0; k < steps; k++)
        {
            var k1 = Derivative(s);
            var k2 = Derivative(Add(s, k1, h / 2));
            var k3 = Derivative(Add(s, k2, h / 2));
            var k4 = Derivative(Add(s, k3, h));
            s = new StateVector(
                s.X + h / 6 * (k1.X + 2 * k2.X + 2 * k3.X + k4.X),
                s.Y + h / 6 * (k1.Y + 2 * k2.Y + 2 * k3.Y + k4.Y),
                s.Z + h / 6 * (k1.Z + 2 * k2.Z + 2 * k3.Z + k4.Z),
                s.Vx + h / 6 * (k1.Vx + 2 * k2.Vx + 2 * k3.Vx + k4.Vx),
                s.Vy + h / 6 * (k1.Vy + 2 * k2.Vy + 2 * k3.Vy + k4.Vy),
                s.Vz + h / 6 * (k1.Vz + 2 * k2.Vz + 2 * k3.Vz + k4.Vz));
        }
        return s;
    }

    private static StateVector Derivative(StateVector s)
    {
        double r = Math.Sqrt(s.X * s.X + s.Y * s.Y + s.Z * s.Z);
        double f = -Mu / (r * r * r);
        return new StateVector(s.Vx, s.Vy, s.Vz, f * s.X, f * s.Y, f * s.Z);
    }

    private static StateVector Add(StateVector s, StateVector d, double h) =>
        new(s.X + d.X * h, s.Y + d.Y * h, s.Z + d.Z * h, s.Vx + d.Vx * h, s.Vy + d.Vy * h, s.Vz + d.Vz * h);
}
