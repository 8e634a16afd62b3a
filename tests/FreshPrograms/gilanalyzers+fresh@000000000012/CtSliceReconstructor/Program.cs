using System;
using System.Collections.Generic;
using System.Linq;
using System.Runtime.InteropServices;
using System.Threading;
using System.Threading.Tasks;

namespace CtSliceReconstructor;

public sealed record Ellipse(double Cx, double Cy, double A, double B, double ThetaDeg, double Density);

public sealed record SliceReport(int Index, double Peak, double RoiMean, int RawBytes, int PackedBytes);

public static class Phantom
{
    public static Ellipse[] SheppLogan(double z) => new Ellipse[]
    {
        new(0, 0, 0.69, 0.92, 0, 2.0),
        new(0, -0.0184, 0.6624, 0.874, 0, -0.98),
        new(0.22, 0, 0.11 + 0.05 * z, 0.31, -18, -0.02),
        new(-0.22, 0, 0.16, 0.41 - 0.1 * z, 18, -0.02),
        new(0, 0.35, 0.21, 0.25, 0, 0.01 + 0.02 * z),
        new(0, 0.1, 0.046, 0.046, 0, 0.01),
        new(0, -0.1, 0.046, 0.046, 0, 0.01),
        new(-0.08, -0.605, 0.046, 0.023, 0, 0.01),
        new(0.06, -0.605, 0.023 + 0.02 * z, 0.046, 0, 0.01),
    };

    /// <summary>Analytic parallel-beam line integrals of the phantom at one view angle.</summary>
    public static double[] Project(Ellipse[] phantom, double theta, int detectors)
    {
        var p = new double[detectors];
        for (int d = 0; d < detectors; d++)
        {
            double t = -Math.Sqrt(2) + 2 * Math.Sqrt(2) * d / (detectors - 1);
            foreach (var e in phantom)
            {
                double a = theta - e.ThetaDeg * Math.PI / 180;
                double a2 = e.A * e.A * Math.Cos(a) * Math.Cos(a) + e.B * e.B * Math.Sin(a) * Math.Sin(a);
                double tt = t - (e.Cx * Math.Cos(theta) + e.Cy * Math.Sin(theta));
                if (tt * tt <= a2) p[d] += 2 * e.Density * e.A * e.B * Math.Sqrt(a2 - tt * tt) / a2;
            }
        }
        return p;
    }

    /// <summary>Ram-Lak filtering by direct convolution in the detector domain.</summary>
    public static double[] RampFilter(double[] projection, double tau)
    {
        int n = projection.Length;
        var kernel = new double[2 * n - 1];
        for (int k = -(n - 1); k < n; k++)
            kernel[k + n - 1] = k == 0 ? 1 / (4 * tau * tau) : k % 2 == 0 ? 0 : -1 / (k * k * Math.PI * Math.PI * tau * tau);
        var filtered = new double[n];
        for (int i = 0; i < n; i++)
        {
            double acc = 0;
            for (int k = 0; k < n; k++) acc += projection[k] * kernel[i - k + n - 1];
            filtered[i] = acc * tau;
        }
        return filtered;
    }
}

public sealed class SliceReconstruction(int size, int detectors)
{
    private readonly Lock _gate = new();
    public double[] Image { get; } = new double[size * size];

    public void Backproject(double theta, double[] filtered, int views)
    {
        double c = Math.Cos(theta), s = Math.Sin(theta), step = 2 * Math.Sqrt(2) / (detectors - 1);
        using (_gate.EnterScope())
        {
            for (int y = 0; y < size; y++)
            {
                double py = 1 - 2.0 * (y + 0.5) / size;
                for (int x = 0; x < size; x++)
                {
                    double px = -1 + 2.0 * (x + 0.5) / size;
                    double pos = (px * c + py * s + Math.Sqrt(2)) / step;
                    int i0 = (int)pos;
                    if (i0 < 0 || i0 + 1 >= detectors) continue;
                    double w = pos - i0;
                    Image[y * size + x] += ((1 - w) * filtered[i0] + w * filtered[i0 + 1]) * Math.PI / views;
                }
            }
        }
    }
}

public static class SliceArchive
{
    private static readonly object ZlibGate = new();

    [DllImport("libz.so.1")]
    private static extern int compress2(byte[] dest, ref nuint destLen, byte[] source, nuint sourceLen, int level);

    public static int Pack(ushort[] pixels)
    {
        var raw = MemoryMarshal.AsBytes(pixels.AsSpan()).ToArray();
        var packed = new byte[raw.Length + raw.Length / 100 + 64];
        lock (ZlibGate)
        {
            nuint len = (nuint)packed.Length;
            int rc = compress2(packed, ref len, raw, (nuint)raw.Length, 9);
            if (rc != 0) throw new InvalidOperationException($"zlib error {rc}");
            return (int)len;
        }
    }
}

public static class Program
{
    public static void Main()
    {
        const int Size = 192, Detectors = 275, Views = 144, Slices = 6;
        var reports = new List<SliceReport>();
        var stored = new Dictionary<int, ushort[]>();

        for (int z = 0; z < Slices; z++)
        {
            var phantom = Phantom.SheppLogan(z / (double)Slices);
            var recon = new SliceReconstruction(Size, Detectors);
            double tau = 2 * Math.Sqrt(2) / (Detectors - 1);
            Parallel.For(0, Views, v =>
            {
                double theta = Math.PI * v / Views;
                var filtered = Phantom.RampFilter(Phantom.Project(phantom, theta, Detectors), tau);
                recon.Backproject(theta, filtered, Views);
            });

            var pixels = new ushort[Size * Size];
            Parallel.For(0, Size, y =>
            {
                for (int x = 0; x < Size; x++)
                    pixels[y * Size + x] = (ushort)Math.Clamp(1000 + 1000 * recon.Image[y * Size + x], 0, 4095);
            });
            stored[z] = pixels;

            var roi = Enumerable.Range(0, Size * Size)
                .Where(i => Math.Pow(-1 + 2.0 * (i % Size + 0.5) / Size, 2) + Math.Pow(0.65 - 2.0 * (i / Size + 0.5) / Size, 2) < 0.01)
                .Average(i => recon.Image[i]);
            reports.Add(new SliceReport(z, recon.Image.Max(), roi, Size * Size * 2, 0));
        }

        var packedSizes = new int[Slices];
        Parallel.ForEach(stored, entry => packedSizes[entry.Key] = SliceArchive.Pack(entry.Value));

        foreach (var r in reports.Select(r => r with { PackedBytes = packedSizes[r.Index] }))
            Console.WriteLine($"slice {r.Index}: peak {r.Peak:F3}, ROI mean {r.RoiMean:F3}, " +
                              $"zlib {r.RawBytes / 1024} KiB -> {r.PackedBytes / 1024} KiB");
    }
}
