using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;

namespace HuckelOrbitalSolver;

public sealed class Molecule
{
    public string Name { get; }
    public int Atoms { get; }
    public List<(int A, int B)> Bonds { get; } = new();

    public Molecule(string name, int atoms) { Name = name; Atoms = atoms; }

    public double[,] Adjacency()
    {
        var m = new double[Atoms, Atoms];
        foreach (var (a, b) in Bonds) { m[a, b] = 1; m[b, a] = 1; }
        return m;
    }

    public List<int>[] Neighbours()
    {
        var n = Enumerable.Range(0, Atoms).Select(_ => new List<int>()).ToArray();
        foreach (var (a, b) in Bonds) { n[a].Add(b); n[b].Add(a); }
        return n;
    }

    public static Molecule Polyene(int n)
    {
        var m = new Molecule($"polyene C{n}", n);
        for (int i = 0; i + 1 < n; i++) m.Bonds.Add((i, i + 1));
        return m;
    }

    public static Molecule Annulene(int n)
    {
        var m = new Molecule($"[{n}]annulene", n);
        for (int i = 0; i < n; i++) m.Bonds.Add((i, (i + 1) % n));
        return m;
    }

    // Brick-wall picture of a honeycomb flake: (w+1) x (h+1) sites, rungs where (i + j) is even.
    public static Molecule Flake(int w, int h)
    {
        var m = new Molecule($"flake {w}x{h}", (w + 1) * (h + 1));
        int Id(int i, int j) => j * (w + 1) + i;
        for (int j = 0; j <= h; j++)
        for (int i = 0; i <= w; i++)
        {
            if (i < w) m.Bonds.Add((Id(i, j), Id(i + 1, j)));
            if (j < h && (i + j) % 2 == 0) m.Bonds.Add((Id(i, j), Id(i, j + 1)));
        }
        return m;
    }
}

public sealed record HuckelResult(string Name, int Atoms, double PiEnergyBeta, double GapBeta, int Rotations);

public static class Program
{
    public static void Main()
    {
        var molecules = new List<Molecule>();
        for (int n = 20; n <= 120; n += 10) molecules.Add(Molecule.Polyene(n));
        for (int n = 18; n <= 98; n += 8) molecules.Add(Molecule.Annulene(n));
        for (int w = 6; w <= 22; w += 2) for (int h = 1; h <= 7; h += 2) molecules.Add(Molecule.Flake(w, h));

        var report = new List<HuckelResult>();
        Parallel.ForEach(molecules, m =>
        {
            var result = Solve(m);
            lock (report)
            {
                report.Add(result);
            }
        });
        foreach (var r in report.OrderBy(r => r.Name, StringComparer.Ordinal).Where((_, i) => i % 6 == 0))
            Console.WriteLine($"{r.Name,-16} {r.Atoms,3} atoms  E_pi = {r.PiEnergyBeta,8:F4} beta  gap {r.GapBeta:F4} beta");

        // Kekule structure counts of the flakes (perfect matchings), one pool work item per flake.
        var flakes = molecules.Where(m => m.Name.StartsWith("flake")).ToArray();
        var kekule = new long[flakes.Length];
        int remaining = flakes.Length;
        using var done = new ManualResetEventSlim(false);
        for (int i = 0; i < flakes.Length; i++)
        {
            ThreadPool.QueueUserWorkItem(idx =>
            {
                kekule[idx] = CountKekule(flakes[idx]);
                if (Interlocked.Decrement(ref remaining) == 0) done.Set();
            }, i, preferLocal: false);
        }
        done.Wait();
        for (int i = 3; i < flakes.Length; i += 8) Console.WriteLine($"{flakes[i].Name,-12} Kekule structures: {kekule[i]}");
        Console.WriteLine($"largest count {kekule.Max()} ({flakes[Array.IndexOf(kekule, kekule.Max())].Name})");
    }

    private static HuckelResult Solve(Molecule m)
    {
        double[] x;
        int rotations;
        lock (LegacyJacobi.Sync)
        {
            int before = LegacyJacobi.Rotations;
            LegacyJacobi.Diagonalise(m.Adjacency());
            x = LegacyJacobi.SortedEigenvalues();
            rotations = LegacyJacobi.Rotations - before;
        }
        // E = alpha + x beta with beta < 0: the largest x are bonding; two electrons per occupied level.
        Array.Reverse(x);
        int occupied = m.Atoms / 2;
        double energy = 2 * x.Take(occupied).Sum();
        double gap = occupied < x.Length ? x[occupied - 1] - x[occupied] : 0;
        return new HuckelResult(m.Name, m.Atoms, energy, gap, rotations);
    }

    private static long CountKekule(Molecule m)
    {
        var nb = m.Neighbours();
        var matched = new bool[m.Atoms];
        long Count(int from)
        {
            int v = from;
            while (v < matched.Length && matched[v]) v++;
            if (v == matched.Length) return 1;
            long total = 0;
            matched[v] = true;
            foreach (int u in nb[v])
            {
                if (matched[u]) continue;
                matched[u] = true;
                total += Count(v + 1);
                matched[u] = false;
            }
            matched[v] = false;
            return total;
        }
        return m.Atoms % 2 == 1 ? 0 : Count(0);
    }
}
