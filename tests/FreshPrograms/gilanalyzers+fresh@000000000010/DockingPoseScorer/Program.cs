using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;

namespace DockingPoseScorer;

public readonly record struct Atom(double X, double Y, double Z, double Charge, double Radius);

public sealed class Ligand(string id, Atom[] atoms)
{
    public string Id { get; } = id;
    public Atom[] Atoms { get; } = atoms;
    public object Sync { get; } = new();
    public double BestScore { get; set; } = double.MaxValue;
    public int BestPose { get; set; } = -1;
}

// Vina-like empirical score: steric gauss terms, repulsion and a screened Coulomb term against the pocket atoms.
public sealed class PoseScorer(Atom[] pocket)
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly Atom[] _moved = new Atom[64];

    public async Task<double> ScorePoseAsync(Ligand ligand, int pose, CancellationToken ct)
    {
        await _gate.WaitAsync(ct);
        try
        {
            double a = pose * 0.37, b = pose * 0.11, shift = (pose % 7) * 0.4;
            double ca = Math.Cos(a), sa = Math.Sin(a), cb = Math.Cos(b), sb = Math.Sin(b);
            for (int i = 0; i < ligand.Atoms.Length; i++)
            {
                Atom at = ligand.Atoms[i];
                double x = ca * at.X - sa * at.Y, y = sa * at.X + ca * at.Y;
                double z = cb * at.Z - sb * y;
                _moved[i] = at with { X = x + shift, Y = cb * y + sb * at.Z, Z = z };
            }
            double score = 0;
            for (int i = 0; i < ligand.Atoms.Length; i++)
                foreach (Atom p in pocket)
                {
                    double dx = _moved[i].X - p.X, dy = _moved[i].Y - p.Y, dz = _moved[i].Z - p.Z;
                    double r = Math.Sqrt(dx * dx + dy * dy + dz * dz);
                    double surface = r - _moved[i].Radius - p.Radius;
                    score += -0.0356 * Math.Exp(-4 * surface * surface) + (surface < 0 ? 0.84 * surface * surface : 0);
                    score += 0.1 * _moved[i].Charge * p.Charge / (r * Math.Max(4.0, r));
                }
            return score;
        }
        finally
        {
            _gate.Release();
        }
    }
}

public static class Program
{
    static Atom RandomAtom(Random rng, double spread) =>
        new(spread * (rng.NextDouble() - 0.5), spread * (rng.NextDouble() - 0.5), spread * (rng.NextDouble() - 0.5),
            rng.NextDouble() - 0.5, 1.5 + 0.5 * rng.NextDouble());

    public static async Task Main()
    {
        var rng = new Random(8);
        Atom[] pocket = Enumerable.Range(0, 300).Select(_ => RandomAtom(rng, 34)).ToArray();
        var ligands = Enumerable.Range(0, 48)
            .Select(i => new Ligand($"ZINC{100000 + i * 37}", Enumerable.Range(0, 20 + rng.Next(40)).Select(_ => RandomAtom(rng, 6)).ToArray()))
            .ToList();

        var scorer = new PoseScorer(pocket);
        string hitsPath = Path.Combine(Path.GetTempPath(), "docking-hits.tsv");
        File.Delete(hitsPath);
        var fileGate = new SemaphoreSlim(1, 1);
        var sw = Stopwatch.StartNew();

        var jobs = ligands.SelectMany(l => Enumerable.Range(0, 16).Select(pose => (Ligand: l, Pose: pose)));
        await Parallel.ForEachAsync(jobs, async (job, ct) =>
        {
            double score = await scorer.ScorePoseAsync(job.Ligand, job.Pose, ct);
            lock (job.Ligand.Sync)
            {
                if (score < job.Ligand.BestScore) { job.Ligand.BestScore = score; job.Ligand.BestPose = job.Pose; }
            }
            if (score < 35.0)
            {
                await fileGate.WaitAsync(ct);
                try { await File.AppendAllTextAsync(hitsPath, $"{job.Ligand.Id}\t{job.Pose}\t{score:F3}\n", ct); }
                finally { fileGate.Release(); }
            }
        });
        Console.Error.WriteLine($"scored {ligands.Count * 16} poses in {sw.ElapsedMilliseconds} ms");

        foreach (Ligand l in ligands.OrderBy(l => l.BestScore).Take(8))
            Console.WriteLine($"{l.Id}: best pose {l.BestPose}, score {l.BestScore:F3} ({l.Atoms.Length} atoms)");
        int hits = File.Exists(hitsPath) ? File.ReadAllLines(hitsPath).Length : 0;
        Console.WriteLine($"{hits} poses below 35.0 written to {Path.GetFileName(hitsPath)}");
    }
}
