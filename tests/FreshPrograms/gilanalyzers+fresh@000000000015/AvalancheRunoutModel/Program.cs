using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;

namespace AvalancheRunoutModel;

// A slope profile sampled every StepM metres: elevation in metres.
public sealed class SlopeProfile
{
    public string Name = "";
    public double StepM;
    public double[] Elevation = Array.Empty<double>();

    public double Angle(int i)
    {
        int j = Math.Min(i + 1, Elevation.Length - 1);
        if (j == i) return 0;
        return Math.Atan2(Elevation[i] - Elevation[j], StepM);
    }
}

public readonly record struct VoellmyParams(double Mu, double Xi, double FlowHeight);

// Voellmy–Salm block model: dv/dt = g (sin a - mu cos a) - g v^2 / (xi h).
public sealed class RunoutIntegrator(double dt)
{
    private const double G = 9.81;
    private readonly object _gate = new();
    private readonly List<double> _trace = new();
    public double LastPeakSpeed { get; private set; }

    public double Simulate(SlopeProfile p, VoellmyParams v)
    {
        Monitor.Enter(_gate);
        try
        {
            _trace.Clear();
            double s = 0, speed = 0.5, peak = 0;
            while (true)
            {
                int i = (int)(s / p.StepM);
                if (i >= p.Elevation.Length - 1) break;
                double a = p.Angle(i);
                double acc = G * (Math.Sin(a) - v.Mu * Math.Cos(a)) - G * speed * speed / (v.Xi * v.FlowHeight);
                speed += acc * dt;
                if (speed <= 0) break;
                s += speed * dt;
                peak = Math.Max(peak, speed);
                _trace.Add(speed);
            }
            LastPeakSpeed = peak;
            return s;
        }
        finally
        {
            Monitor.Exit(_gate);
        }
    }
}

public static class HazardMapper
{
    public static double ReachProbability(RunoutIntegrator integrator, SlopeProfile p, double targetM, int samples, int seed)
    {
        var rng = new Random(seed);
        int reached = 0;
        for (int k = 0; k < samples; k++)
        {
            var v = new VoellmyParams(0.2 + 0.25 * rng.NextDouble(), 1000 + 2000 * rng.NextDouble(), 1.0 + rng.NextDouble());
            if (integrator.Simulate(p, v) >= targetM) reached++;
        }
        return reached / (double)samples;
    }
}

public static class Program
{
    public static void Main()
    {
        var profiles = Enumerable.Range(0, 12).Select(MakeProfile).ToArray();

        // Release-zone hazard: probability that each path reaches its road at 85% of its length.
        var integrator = new RunoutIntegrator(dt: 0.05);
        var reach = new double[profiles.Length];
        Parallel.ForEach(Enumerable.Range(0, profiles.Length), i =>
        {
            var p = profiles[i];
            reach[i] = HazardMapper.ReachProbability(integrator, p, p.StepM * p.Elevation.Length * 0.85, 220, 100 + i);
        });
        for (int i = 0; i < profiles.Length; i += 3) Console.WriteLine($"{profiles[i].Name}: P(reach road) = {reach[i]:P1}");

        // Design-event runout percentiles per path, split over worker threads by hand.
        var p95 = new double[profiles.Length];
        int workers = 3;
        var threads = new Thread[workers];
        for (int w = 0; w < workers; w++)
        {
            int from = w * profiles.Length / workers, to = (w + 1) * profiles.Length / workers;
            threads[w] = new Thread(() =>
            {
                var local = new RunoutIntegrator(0.05);
                for (int i = from; i < to; i++)
                {
                    var rng = new Random(500 + i);
                    var runs = new double[240];
                    for (int k = 0; k < runs.Length; k++)
                        runs[k] = local.Simulate(profiles[i], new VoellmyParams(0.12 + 0.2 * rng.NextDouble(), 1500 + 1500 * rng.NextDouble(), 1.5));
                    Array.Sort(runs);
                    p95[i] = runs[(int)(0.95 * runs.Length)];
                }
            });
            threads[w].Start();
        }
        foreach (var t in threads) t.Join();
        Console.WriteLine("95th percentile runout: " + string.Join(", ", p95.Select(d => $"{d:F0} m")));

        // Histogram of runout over a parameter sweep on the steepest path.
        var steep = profiles.OrderByDescending(p => p.Elevation[0] - p.Elevation[^1]).First();
        var histogram = new int[20];
        double binM = steep.StepM * steep.Elevation.Length / histogram.Length;
        Parallel.For(0, 40, () => new int[histogram.Length], (row, _, local) =>
        {
            var sim = new RunoutIntegrator(0.05);
            for (int c = 0; c < 20; c++)
            {
                double d = sim.Simulate(steep, new VoellmyParams(0.1 + row * 0.005, 800 + c * 150, 1.2));
                local[Math.Min(histogram.Length - 1, (int)(d / binM))]++;
            }
            return local;
        },
        local =>
        {
            lock (histogram)
            {
                for (int b = 0; b < histogram.Length; b++) histogram[b] += local[b];
            }
        });
        Console.WriteLine($"{steep.Name} runout histogram: " + string.Join(" ", histogram));
    }

    private static SlopeProfile MakeProfile(int k)
    {
        var rng = new Random(k * 13 + 7);
        int n = 900 + 40 * k;
        var z = new double[n];
        double top = 2400 + 60 * k;
        for (int i = 0; i < n; i++)
        {
            double x = i / (double)n;
            z[i] = top - (top - 1300) * (1 - Math.Pow(1 - x, 2.2)) + 4 * Math.Sin(i * 0.07 + k) + rng.NextDouble();
        }
        return new SlopeProfile { Name = $"path-{k:D2}", StepM = 2.0, Elevation = z };
    }
}
