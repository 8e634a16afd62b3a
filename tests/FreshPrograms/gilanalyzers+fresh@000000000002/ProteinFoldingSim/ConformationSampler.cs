namespace ProteinFoldingSim;

public readonly record struct SampleResult(int Trajectory, double Energy);

/// <summary>Simple Metropolis Monte Carlo over a C-alpha bead model.</summary>
public sealed class ConformationSampler(string sequence, int steps)
{
    public SampleResult SampleParallel(int trajectories, int threadCount)
    {
        var results = new SampleResult[trajectories];
        var threads = new Thread[threadCount];
        for (int t = 0; t < threadCount; t++)
        {
            threads[t] = new Thread(worker =>
            {
                int id = (int)worker!;
                for (int traj = id; traj < trajectories; traj += threadCount)
                {
                    results[traj] = RunTrajectory(traj);
                }
            });
            threads[t].Start(t);
        }
        foreach (var thread in threads)
        {
            thread.Join();
        }

        return results.MinBy(r => r.Energy);
    }

    private SampleResult RunTrajectory(int seed)
    {
        var rng = new Random(seed);
        var beads = Chain.Extended(sequence.Length);
        double energy = ForceField.Energy(sequence, beads);
        const double kT = 0.6;

        for (int step = 0; step < steps; step++)
        {
            int i = rng.Next(1, beads.Length);
            var saved = beads[i];
            beads[i] = Chain.Perturb(beads[i - 1], beads[i], rng);
            double trial = ForceField.Energy(sequence, beads);
            if (trial <= energy || rng.NextDouble() < Math.Exp((energy - trial) / kT))
            {
                energy = trial;
            }
            else
            {
                beads[i] = saved;
            }
        }
        return new SampleResult(seed, energy);
    }
}

public readonly record struct Vec3(double X, double Y, double Z)
{
    public static Vec3 operator +(Vec3 a, Vec3 b) => new(a.X + b.X, a.Y + b.Y, a.Z + b.Z);
    public static Vec3 operator -(Vec3 a, Vec3 b) => new(a.X - b.X, a.Y - b.Y, a.Z - b.Z);
    public double Length => Math.Sqrt(X * X + Y * Y + Z * Z);
}

public static class Chain
{
    public static Vec3[] Extended(int n) => Enumerable.Range(0, n).Select(i => new Vec3(3.8 * i, 0, 0)).ToArray();

    public static Vec3 Perturb(Vec3 previous, Vec3 current, Random rng)
    {
        var d = current - previous + new Vec3(rng.NextDouble() - 0.5, rng.NextDouble() - 0.5, rng.NextDouble() - 0.5);
        double scale = 3.8 / d.Length;
        return previous + new Vec3(d.X * scale, d.Y * scale, d.Z * scale);
    }
}
