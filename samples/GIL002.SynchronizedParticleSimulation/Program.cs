using System;
using System.Runtime.CompilerServices;
using System.Threading.Tasks;

namespace GilSamples.Simulation
{
    /// <summary>
    /// Integrates one particle per Parallel.For item in a box with a spring force and counts wall bounces.
    /// The anti-pattern (GIL002): Step is [MethodImpl(MethodImplOptions.Synchronized)], a hidden lock on the shared
    /// Simulation instance, so every particle's integration waits for the previous one. The bounce count is an
    /// integer total, the same whatever the order.
    /// </summary>
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
        /// <summary>Full size: about 2 s of single-core work.</summary>
        public const int DefaultParticles = 3200;

        public static long Run() => Run(DefaultParticles);

        public static long Run(int particles)
        {
            var simulation = new Simulation();
            Parallel.For(0, particles, i => simulation.Step(i));
            return simulation.Bounces * 1_000_003 + simulation.Particles;
        }
    }

    internal static class Program
    {
        private static void Main() => Console.WriteLine($"result={Sample.Run()}");
    }
}
