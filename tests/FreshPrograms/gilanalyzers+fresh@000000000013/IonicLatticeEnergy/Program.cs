using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Runtime.CompilerServices;
using System.Text;
using System.Threading.Tasks;

namespace IonicLatticeEnergy;

public readonly record struct Ion(double X, double Y, double Z, int Charge);

// A cubic crystal: ions of one conventional cell in fractional coordinates (the reference ion first), the lattice
// constant in angstrom, the nearest-neighbour distance in cell units, the Born exponent, the cube boundary offsets
// whose Evjen sums are averaged, and the Madelung constant from the literature for comparison.
public sealed record Structure(string Name, Ion[] Basis, double LatticeA, double NearestNeighbour, double BornExponent, double[] Offsets, double Literature);

public sealed class ProgressTracker
{
    private int _done;
    private string _last = "";

    [MethodImpl(MethodImplOptions.Synchronized)]
    public void Tick(string label)
    {
        _done++;
        _last = label;
    }

    public override string ToString() => $"{_done} sums, last {_last}";
}

public static class Madelung
{
    // Evjen's method: neutral cubes around the reference ion, ions on a face counted half, on an edge a quarter, at a
    // corner an eighth; the cubes whose boundaries sit at the structure's offsets are averaged.
    [MethodImpl(MethodImplOptions.Synchronized)]
    public static double Evjen(Structure s, int halfWidth)
    {
        Ion reference = s.Basis[0];
        double total = 0;
        foreach (double offset in s.Offsets)
        {
            double h = halfWidth + offset, sum = 0;
            for (int i = -halfWidth - 2; i <= halfWidth + 1; i++)
                for (int j = -halfWidth - 2; j <= halfWidth + 1; j++)
                    for (int k = -halfWidth - 2; k <= halfWidth + 1; k++)
                        foreach (Ion ion in s.Basis)
                        {
                            double x = Math.Abs(i + ion.X - reference.X), y = Math.Abs(j + ion.Y - reference.Y), z = Math.Abs(k + ion.Z - reference.Z);
                            if (x > h + 1e-9 || y > h + 1e-9 || z > h + 1e-9) continue;
                            double r = Math.Sqrt(x * x + y * y + z * z);
                            if (r < 1e-9) continue;
                            double weight = (x > h - 1e-9 ? 0.5 : 1) * (y > h - 1e-9 ? 0.5 : 1) * (z > h - 1e-9 ? 0.5 : 1);
                            sum += weight * ion.Charge / r;
                        }
            total += -sum * s.NearestNeighbour / reference.Charge;
        }
        return total / s.Offsets.Length;
    }
}

public static class Program
{
    private static readonly string[] Definitions =
    {
        "NaCl;5.640;0.5;8;1.747565;0;0 0 0 1|0 .5 .5 1|.5 0 .5 1|.5 .5 0 1|.5 0 0 -1|0 .5 0 -1|0 0 .5 -1|.5 .5 .5 -1",
        "MgO;4.212;0.5;7;1.747565;0;0 0 0 2|0 .5 .5 2|.5 0 .5 2|.5 .5 0 2|.5 0 0 -2|0 .5 0 -2|0 0 .5 -2|.5 .5 .5 -2",
        "CsCl;4.123;0.8660254;10.5;1.762675;0 .5;0 0 0 1|.5 .5 .5 -1",
        "CsBr;4.286;0.8660254;11;1.762675;0 .5;0 0 0 1|.5 .5 .5 -1",
        "ZnS;5.410;0.4330127;9;1.638055;0 .25 .5 .75;0 0 0 2|0 .5 .5 2|.5 0 .5 2|.5 .5 0 2|.25 .25 .25 -2|.25 .75 .75 -2|.75 .25 .75 -2|.75 .75 .25 -2",
        "CuCl;5.420;0.4330127;9;1.638055;0 .25 .5 .75;0 0 0 1|0 .5 .5 1|.5 0 .5 1|.5 .5 0 1|.25 .25 .25 -1|.25 .75 .75 -1|.75 .25 .75 -1|.75 .75 .25 -1",
    };

    public static async Task Main()
    {
        string dir = Path.Combine(Path.GetTempPath(), "madelung-" + Environment.ProcessId);
        Directory.CreateDirectory(dir);
        try
        {
            var files = new List<string>();
            for (int i = 0; i < Definitions.Length; i++)
            {
                files.Add(Path.Combine(dir, $"structure-{i}.txt"));
                await File.WriteAllTextAsync(files[^1], Definitions[i]);
            }
            Structure[] structures = await Task.WhenAll(files.Select(LoadStructureAsync));

            int[] widths = { 4, 8, 12, 16 };
            var results = new ConcurrentDictionary<(string, int), double>();
            var progress = new ProgressTracker();
            var jobs = structures.SelectMany(s => widths.Select(w => (Structure: s, Width: w)));
            Parallel.ForEach(jobs, job =>
            {
                results[(job.Structure.Name, job.Width)] = Madelung.Evjen(job.Structure, job.Width);
                progress.Tick($"{job.Structure.Name}/{job.Width}");
            });
            Console.WriteLine($"Evjen sums done ({progress.ToString().Split(',')[0]})");
            foreach (Structure s in structures)
                Console.WriteLine($"{s.Name,-5} " + string.Join("  ", widths.Select(w => $"R={w,2}: {results[(s.Name, w)]:F6}")) + $"   literature {s.Literature:F6}");

            double[] energies = await Task.WhenAll(structures.Select(s => ExportConvergenceAsync(s, results[(s.Name, widths[^1])], dir)));
            for (int i = 0; i < structures.Length; i++)
                Console.WriteLine($"{structures[i].Name,-5} Born-Lande lattice energy {energies[i],9:F1} kJ/mol");
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    private static async Task<Structure> LoadStructureAsync(string path)
    {
        string text = await File.ReadAllTextAsync(path);
        string[] parts = text.Split(';');
        double F(int i) => double.Parse(parts[i], CultureInfo.InvariantCulture);
        Ion[] basis = parts[6].Split('|').Select(t => t.Split(' ').Select(v => double.Parse(v, CultureInfo.InvariantCulture)).ToArray())
            .Select(v => new Ion(v[0], v[1], v[2], (int)v[3])).ToArray();
        double[] offsets = parts[5].Split(' ').Select(v => double.Parse(v, CultureInfo.InvariantCulture)).ToArray();
        return new Structure(parts[0], basis, F(1), F(2), F(3), offsets, F(4));
    }

    // Plain spherical cut-off sums shell by shell (they do not converge, which is the point of the table), then the
    // Born-Lande lattice energy from the converged constant.
    private static async Task<double> ExportConvergenceAsync(Structure s, double madelung, string dir)
    {
        const int Cells = 11;
        Ion reference = s.Basis[0];
        var terms = new List<(double R, double Term)>();
        for (int i = -Cells; i <= Cells; i++)
            for (int j = -Cells; j <= Cells; j++)
                for (int k = -Cells; k <= Cells; k++)
                    foreach (Ion ion in s.Basis)
                    {
                        double x = i + ion.X - reference.X, y = j + ion.Y - reference.Y, z = k + ion.Z - reference.Z;
                        double r = Math.Sqrt(x * x + y * y + z * z);
                        if (r > 1e-9 && r <= Cells) terms.Add((r, ion.Charge / r));
                    }
        terms.Sort((a, b) => a.R.CompareTo(b.R));
        var csv = new StringBuilder("cutoff_nn,partial_madelung\n");
        double partial = 0;
        for (int t = 0; t < terms.Count; t++)
        {
            partial += terms[t].Term;
            if (t + 1 == terms.Count || terms[t + 1].R - terms[t].R > 1e-9)
                csv.Append((terms[t].R / s.NearestNeighbour).ToString("F4", CultureInfo.InvariantCulture)).Append(',')
                   .Append((-partial * s.NearestNeighbour / reference.Charge).ToString("F6", CultureInfo.InvariantCulture)).Append('\n');
        }

        double r0 = s.NearestNeighbour * s.LatticeA, z2 = reference.Charge * reference.Charge;
        double energy = -1389.35 * madelung * z2 / r0 * (1 - 1 / s.BornExponent);
        await File.WriteAllTextAsync(Path.Combine(dir, s.Name + "-convergence.csv"), csv.ToString());
        return energy;
    }
}
