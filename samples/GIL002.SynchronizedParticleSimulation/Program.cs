using System;
using System.Runtime.CompilerServices;
using System.Threading.Tasks;

// GIL002: integrates one particle per Parallel.For item in a box with a spring force and counts wall bounces.
// Step is [MethodImpl(MethodImplOptions.Synchronized)], a hidden lock on the shared Simulation instance, so every
// particle's integration waits for the previous one. The bounce count is an integer total, the same whatever the
// order. The fix (GIL002.NarrowLock) drops the attribute and locks a private field around the two counter updates only.
public sealed class Simulation
{
    private const int Steps = 100_000;
    private const double Dt = 0.001;

    private long _bounces;
    private long _particles;

    public long Bounces => _bounces;

    public long Particles => _particles;

    [MethodImpl(MethodImplOptions.Synchronized)]
    public void Step(int particle)
    {
        double x = 0.1 + (particle % 97) * 0.008;
        double v = 0.5 + (particle % 13) * 0.25;
        double k = 1.0 + (particle % 7);
        long bounces = 0;
        for (int t = 0; t < Steps; t++)
        {
            v -= k * (x - 0.5) * Dt;
            x += v * Dt;
            if (x > 1.0)
            {
                x = 2.0 - x;
                v = -v;
                bounces++;
            }
            else if (x < 0.0)
            {
                x = -x;
                v = -v;
                bounces++;
            }
        }

        _bounces += bounces;
        _particles++;
    }
}

public static class Sample
{
    /// <summary>Full size: particles, about 2 s of single-core work.</summary>
    public const int FullSize = 3200;

    public static long Run() => Run(FullSize);

    public static long Run(int particles)
    {
        var simulation = new Simulation();
        Parallel.For(0, particles, i => simulation.Step(i));
        return simulation.Bounces * 1_000_003 + simulation.Particles;
    }
}

public static class Program
{
    public static void Main() => Console.WriteLine($"result={Sample.Run()}");
}
