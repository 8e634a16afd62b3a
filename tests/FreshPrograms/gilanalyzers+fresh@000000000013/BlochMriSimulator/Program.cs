using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Runtime.CompilerServices;
using System.Text;
using System.Threading.Tasks;

namespace BlochMriSimulator;

public sealed record Tissue(string Name, double T1, double T2, double ProtonDensity, double OffResonanceHz);

public sealed record SequenceProtocol(string Name, double TrMs, double TeMs, double FlipDeg, int DummyScans);

// Simulates a spoiled gradient echo on a set of isochromats spread over the voxel's off-resonance. The magnetisation
// arrays are reused from call to call so a long sweep does not allocate.
public sealed class BlochSimulator
{
    private readonly int _isochromats;
    private readonly double[] _mx, _my, _mz;

    public BlochSimulator(int isochromats)
    {
        _isochromats = isochromats;
        _mx = new double[isochromats];
        _my = new double[isochromats];
        _mz = new double[isochromats];
    }

    [MethodImpl(MethodImplOptions.Synchronized)]
    public double SimulateSignal(Tissue tissue, SequenceProtocol protocol)
    {
        Array.Fill(_mx, 0.0);
        Array.Fill(_my, 0.0);
        Array.Fill(_mz, tissue.ProtonDensity);
        double alpha = protocol.FlipDeg * Math.PI / 180, ca = Math.Cos(alpha), sa = Math.Sin(alpha);
        double e1Te = Math.Exp(-protocol.TeMs / tissue.T1), e2Te = Math.Exp(-protocol.TeMs / tissue.T2);
        double rest = protocol.TrMs - protocol.TeMs;
        double e1Rest = Math.Exp(-rest / tissue.T1), e2Rest = Math.Exp(-rest / tissue.T2);
        double signal = 0;
        for (int tr = 0; tr <= protocol.DummyScans; tr++)
        {
            double sumX = 0, sumY = 0;
            for (int k = 0; k < _isochromats; k++)
            {
                double df = tissue.OffResonanceHz * (2.0 * k / (_isochromats - 1) - 1);
                // RF pulse about x
                double y = _my[k] * ca - _mz[k] * sa, z = _my[k] * sa + _mz[k] * ca, x = _mx[k];
                // precession and relaxation until the echo
                double phi = 2 * Math.PI * df * protocol.TeMs / 1000, c = Math.Cos(phi), s = Math.Sin(phi);
                double xe = (x * c - y * s) * e2Te, ye = (x * s + y * c) * e2Te;
                sumX += xe; sumY += ye;
                // the rest of the TR, then a spoiler that dephases the transverse part by the isochromat's index
                double phi2 = 2 * Math.PI * (df * rest / 1000 + k * 0.37), c2 = Math.Cos(phi2), s2 = Math.Sin(phi2);
                _mx[k] = (xe * c2 - ye * s2) * e2Rest;
                _my[k] = (xe * s2 + ye * c2) * e2Rest;
                _mz[k] = tissue.ProtonDensity + (z - tissue.ProtonDensity) * e1Te * e1Rest;
            }
            signal = Math.Sqrt(sumX * sumX + sumY * sumY) / _isochromats;
        }
        return signal;
    }
}

public static class Program
{
    private static readonly Tissue[] Tissues =
    {
        new("white matter", 790, 92, 0.69, 40), new("grey matter", 1170, 100, 0.80, 45), new("CSF", 4000, 2000, 1.00, 20),
        new("fat", 290, 165, 0.90, 220), new("muscle", 1100, 44, 0.72, 60), new("liver", 800, 40, 0.70, 70),
        new("blood", 1550, 275, 0.95, 35), new("cartilage", 1050, 42, 0.75, 55),
    };

    public static async Task Main()
    {
        string dir = Path.Combine(Path.GetTempPath(), "bloch-" + Environment.ProcessId);
        Directory.CreateDirectory(dir);
        try
        {
            string[] definitions = { "t1w,25,4,30,160", "pdw,60,4,8,120", "t2starw,120,30,15,100", "flash,11,5,12,200", "fisp,8,3,50,240", "longte,200,60,20,80" };
            var paths = new List<string>();
            foreach (string line in definitions)
            {
                string path = Path.Combine(dir, line.Split(',')[0] + ".protocol");
                await File.WriteAllTextAsync(path, line);
                paths.Add(path);
            }
            SequenceProtocol[] protocols = await Task.WhenAll(paths.Select(LoadProtocolAsync));

            var simulator = new BlochSimulator(isochromats: 360);
            var contrast = new double[Tissues.Length * protocols.Length];
            Parallel.For(0, contrast.Length, cell =>
            {
                contrast[cell] = simulator.SimulateSignal(Tissues[cell % Tissues.Length], protocols[cell / Tissues.Length]);
            });

            Console.WriteLine("protocol      " + string.Join(" ", Tissues.Select(t => t.Name.PadLeft(12))));
            for (int p = 0; p < protocols.Length; p++)
                Console.WriteLine($"{protocols[p].Name,-13} " + string.Join(" ", Enumerable.Range(0, Tissues.Length).Select(t => contrast[p * Tissues.Length + t].ToString("F4", CultureInfo.InvariantCulture).PadLeft(12))));

            var checksums = new Dictionary<string, double>();
            await Task.WhenAll(protocols.Select(async protocol =>
            {
                var local = new BlochSimulator(isochromats: 64);
                var csv = new StringBuilder("flip," + string.Join(",", Tissues.Select(t => t.Name)) + "\n");
                double total = 0;
                for (int flip = 5; flip <= 90; flip += 5)
                {
                    csv.Append(flip);
                    foreach (Tissue tissue in Tissues)
                    {
                        double s = local.SimulateSignal(tissue, protocol with { FlipDeg = flip });
                        total += s;
                        csv.Append(',').Append(s.ToString("F5", CultureInfo.InvariantCulture));
                    }
                    csv.Append('\n');
                }
                lock (checksums) checksums[protocol.Name] = total;
                await File.WriteAllTextAsync(Path.Combine(dir, protocol.Name + "-flipsweep.csv"), csv.ToString());
            }));

            foreach (SequenceProtocol p in protocols)
                Console.WriteLine($"flip sweep {p.Name,-8} sum {checksums[p.Name]:F4}, Ernst angle (white matter) {Math.Acos(Math.Exp(-p.TrMs / Tissues[0].T1)) * 180 / Math.PI:F1} deg");
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    private static async Task<SequenceProtocol> LoadProtocolAsync(string path)
    {
        string text = await File.ReadAllTextAsync(path);
        string[] f = text.Trim().Split(',');
        return new SequenceProtocol(f[0], double.Parse(f[1], CultureInfo.InvariantCulture), double.Parse(f[2], CultureInfo.InvariantCulture),
            double.Parse(f[3], CultureInfo.InvariantCulture), int.Parse(f[4], CultureInfo.InvariantCulture));
    }
}
