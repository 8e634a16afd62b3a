using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;

namespace RadiotherapyDosePlanner;

public sealed record BeamData(double Attenuation, double BuildUp);

public sealed class BeamDataStore
{
    private readonly ReaderWriterLockSlim _rw = new();
    private readonly Dictionary<string, BeamData> _byEnergy = new()
    {
        ["6MV"] = new BeamData(0.049, 1.5), ["10MV"] = new BeamData(0.041, 2.4), ["15MV"] = new BeamData(0.036, 2.9),
    };

    public BeamData Get(string energy)
    {
        _rw.EnterReadLock();
        try
        {
            return _byEnergy[energy];
        }
        finally
        {
            _rw.ExitReadLock();
        }
    }
}

public static class Program
{
    private static float[] ComputeBeam(Phantom ph, double angleDeg, BeamData data)
    {
        double a = angleDeg * Math.PI / 180, dx = Math.Cos(a), dy = Math.Sin(a), c = Phantom.N / 2.0;
        const int Bins = 2 * Phantom.N;
        var aperture = new bool[Bins, Phantom.Nz];
        for (int i = 0; i < ph.Structure.Length; i++)
        {
            if (ph.Structure[i] != 2) continue;
            int x = i % Phantom.N, y = i / Phantom.N % Phantom.N, z = i / (Phantom.N * Phantom.N);
            aperture[(int)Math.Round(-(x - c) * dy + (y - c) * dx + Phantom.N), z] = true;
        }
        var dose = new float[ph.Density.Length];
        for (int i = 0; i < dose.Length; i++)
        {
            if (ph.Structure[i] == 0) continue;
            int x = i % Phantom.N, y = i / Phantom.N % Phantom.N, z = i / (Phantom.N * Phantom.N);
            double u = -(x - c) * dy + (y - c) * dx + Phantom.N;
            double open = 0;
            for (int du = -2; du <= 2; du++)
            for (int dz = -1; dz <= 1; dz++)
            {
                int bu = (int)Math.Round(u) + du, bz = z + dz;
                if (bu >= 0 && bu < Bins && bz >= 0 && bz < Phantom.Nz && aperture[bu, bz]) open += Math.Exp(-(du * du + dz * dz) / 2.0);
            }
            if (open == 0) continue;
            double depth = 0, px = x, py = y;
            while (true)
            {
                px -= dx; py -= dy;
                int ix = (int)Math.Round(px), iy = (int)Math.Round(py);
                if (ix < 0 || iy < 0 || ix >= Phantom.N || iy >= Phantom.N) break;
                depth += ph.Density[(z * Phantom.N + iy) * Phantom.N + ix] * Phantom.Voxel;
            }
            double pdd = Math.Exp(-data.Attenuation * depth) * (1 - Math.Exp(-(depth + 0.3) / data.BuildUp * 3));
            dose[i] = (float)(pdd * Math.Min(1.0, open / 4.0));
        }
        var scattered = new float[dose.Length];
        for (int i = 0; i < dose.Length; i++)
        {
            if (ph.Structure[i] == 0) continue;
            int x = i % Phantom.N, y = i / Phantom.N % Phantom.N, plane = i - y * Phantom.N - x;
            double sum = 0, norm = 0;
            for (int ky = Math.Max(0, y - 3); ky <= Math.Min(Phantom.N - 1, y + 3); ky++)
            for (int kx = Math.Max(0, x - 3); kx <= Math.Min(Phantom.N - 1, x + 3); kx++)
            {
                double w = Math.Exp(-((kx - x) * (kx - x) + (ky - y) * (ky - y)) / 4.0);
                sum += w * dose[plane + ky * Phantom.N + kx];
                norm += w;
            }
            scattered[i] = (float)(0.85 * dose[i] + 0.15 * sum / norm);
        }
        return scattered;
    }

    public static async Task Main()
    {
        var inv = CultureInfo.InvariantCulture;
        var phantom = new Phantom();
        var store = new BeamDataStore();
        double[] angles = { 0, 40, 80, 120, 160, 200, 240, 280, 320 };
        string folder = Path.Combine(Path.GetTempPath(), $"rt-plan-{Environment.ProcessId}");
        Directory.CreateDirectory(folder);

        float[][] beams = await Task.WhenAll(angles.Select(async angle =>
        {
            float[] d = ComputeBeam(phantom, angle, store.Get(angle % 80 == 0 ? "6MV" : "10MV"));
            byte[] raw = new byte[d.Length * sizeof(float)];
            Buffer.BlockCopy(d, 0, raw, 0, raw.Length);
            await File.WriteAllBytesAsync(Path.Combine(folder, $"beam{angle:000}.bin"), raw);
            return d;
        }));

        var weights = Enumerable.Repeat(1.0, angles.Length).ToArray();
        var total = new double[phantom.Density.Length];
        const double prescription = 2.0, cordLimit = 0.9, lungLimit = 0.6;
        double step = 0.2 / phantom.Structure.Count(v => v == 2);
        for (int iter = 0; ; iter++)
        {
            Parallel.For(0, Phantom.Nz, z =>
            {
                for (int i = z * Phantom.N * Phantom.N; i < (z + 1) * Phantom.N * Phantom.N; i++)
                {
                    double s = 0;
                    for (int b = 0; b < beams.Length; b++) s += weights[b] * beams[b][i];
                    total[i] = s;
                }
            });
            if (iter == 120) break;
            var grad = new double[angles.Length];
            for (int i = 0; i < total.Length; i++)
            {
                byte st = phantom.Structure[i];
                double g = st == 2 ? 2 * (total[i] - prescription)
                         : st == 3 ? 10 * Math.Max(0, total[i] - cordLimit)
                         : st == 4 ? 3 * Math.Max(0, total[i] - lungLimit) : 0.0;
                if (g == 0) continue;
                for (int b = 0; b < beams.Length; b++) grad[b] += g * beams[b][i];
            }
            for (int b = 0; b < weights.Length; b++) weights[b] = Math.Max(0, weights[b] - step * grad[b]);
        }

        string Stats(byte structure)
        {
            var d = Enumerable.Range(0, total.Length).Where(i => phantom.Structure[i] == structure).Select(i => total[i]).OrderBy(v => v).ToArray();
            return string.Format(inv, "n={0,5} min {1:F3} mean {2:F3} D95 {3:F3} max {4:F3}", d.Length, d[0], d.Average(), d[(int)(0.05 * d.Length)], d[^1]);
        }
        Console.WriteLine("Beam weights: " + string.Join(" ", angles.Select((a, b) => string.Format(inv, "{0}:{1:F3}", a, weights[b]))));
        Console.WriteLine("target " + Stats(2));
        Console.WriteLine("cord   " + Stats(3));
        Console.WriteLine("lung   " + Stats(4));
        Console.WriteLine("body   " + Stats(1));
        Console.WriteLine($"{Directory.GetFiles(folder, "beam*.bin").Length} beam dose files written");
        Directory.Delete(folder, true);
    }
}
