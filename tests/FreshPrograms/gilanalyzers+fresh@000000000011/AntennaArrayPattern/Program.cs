using System;
using System.Diagnostics;
using System.Threading;
using System.Threading.Tasks;

namespace AntennaArrayPattern;

// Planar phased array: for each steering direction, sample the array factor over an
// azimuth/elevation grid and report the peak side-lobe level and the 3 dB beamwidth.
internal static class Program
{
    private const int Rows = 10, Cols = 10;
    private const double Spacing = 0.5; // wavelengths
    private static int _anglesDone;

    private static void Main()
    {
        var sw = Stopwatch.StartNew();
        var weights = new double[Rows * Cols];

        // Taylor-like taper per element: each index writes only its own slot.
        Parallel.For(0, weights.Length, i =>
        {
            int r = i / Cols, c = i % Cols;
            double wr = 0.54 - 0.46 * Math.Cos(2 * Math.PI * (r + 0.5) / Rows);
            double wc = 0.54 - 0.46 * Math.Cos(2 * Math.PI * (c + 0.5) / Cols);
            weights[i] = wr * wc;
        });

        const int steerCount = 32;
        var sidelobeDb = new double[steerCount];
        var beamwidth = new double[steerCount];

        var progress = new Thread(() =>
        {
            while (Volatile.Read(ref _anglesDone) < steerCount)
            {
                Console.Error.WriteLine($"  steered {Volatile.Read(ref _anglesDone)}/{steerCount}");
                Thread.Sleep(200);
            }
        }) { IsBackground = true, Name = "progress" };
        progress.Start();

        int workerCount = Environment.ProcessorCount;
        var workers = new Thread[workerCount];
        for (int w = 0; w < workerCount; w++)
        {
            int first = w * steerCount / workerCount;
            int last = (w + 1) * steerCount / workerCount;
            workers[w] = new Thread(() =>
            {
                for (int s = first; s < last; s++)
                {
                    double steerAz = -60 + 120.0 * s / (steerCount - 1);
                    (sidelobeDb[s], beamwidth[s]) = ScanPattern(weights, steerAz, 10.0);
                    Interlocked.Increment(ref _anglesDone);
                }
            });
            workers[w].Start();
        }
        foreach (var t in workers) t.Join();

        double worst = double.MinValue;
        for (int s = 0; s < steerCount; s++)
        {
            worst = Math.Max(worst, sidelobeDb[s]);
            if (s % 8 == 0)
                Console.WriteLine($"steer {-60 + 120.0 * s / (steerCount - 1),7:F1} deg  PSL {sidelobeDb[s],7:F2} dB  BW {beamwidth[s],5:F1} deg");
        }
        Console.WriteLine($"worst side-lobe over the scan: {worst:F2} dB");
        Console.Error.WriteLine($"elapsed {sw.ElapsedMilliseconds} ms");
    }

    private static (double PeakSidelobeDb, double BeamwidthDeg) ScanPattern(double[] weights, double steerAzDeg, double steerElDeg)
    {
        const int azSteps = 181, elSteps = 31;
        double ks = 2 * Math.PI * Spacing;
        double u0 = Math.Sin(Rad(steerAzDeg)) * Math.Cos(Rad(steerElDeg));
        double v0 = Math.Sin(Rad(steerElDeg));
        var cut = new double[azSteps];
        double peak = 0;
        var power = new double[azSteps * elSteps];
        for (int e = 0; e < elSteps; e++)
        {
            double el = -5 + e;
            for (int a = 0; a < azSteps; a++)
            {
                double az = -90 + a;
                double u = Math.Sin(Rad(az)) * Math.Cos(Rad(el)) - u0;
                double v = Math.Sin(Rad(el)) - v0;
                double re = 0, im = 0;
                for (int r = 0; r < Rows; r++)
                    for (int c = 0; c < Cols; c++)
                    {
                        double phase = ks * (c * u + r * v);
                        double w = weights[r * Cols + c];
                        re += w * Math.Cos(phase);
                        im += w * Math.Sin(phase);
                    }
                double p = re * re + im * im;
                power[e * azSteps + a] = p;
                peak = Math.Max(peak, p);
                if (Math.Abs(el - steerElDeg) < 0.5) cut[a] = p;
            }
        }
        int main = 0;
        for (int a = 1; a < azSteps; a++) if (cut[a] > cut[main]) main = a;
        int lo = main, hi = main;
        while (lo > 0 && cut[lo] > cut[main] / 2) lo--;
        while (hi < azSteps - 1 && cut[hi] > cut[main] / 2) hi++;
        // Side lobes: everything more than twice the half-power width away from the main lobe.
        int guard = Math.Max(hi - lo, 2);
        double side = 0;
        for (int a = 0; a < azSteps; a++)
            if (Math.Abs(a - main) > guard) side = Math.Max(side, cut[a]);
        return (10 * Math.Log10(side / peak + 1e-12), hi - lo);
    }

    private static double Rad(double deg) => deg * Math.PI / 180.0;
}
