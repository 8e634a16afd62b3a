using System;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;

namespace CircuitTransientSim;

public readonly record struct Corner(double RScale, double CScale, double TempC, double Amplitude);
public readonly record struct TransientResult(double Delay50, double PeakOut, double DiodeCharge);
public readonly record struct YieldResult(double VoutAt5V, double KneeVin);
/// <summary>RC ladder with a clamp diode on the last node, integrated with backward Euler and Newton.</summary>
public sealed class TransientSolver
{
    public const int Stages = 16;
    private readonly double[,] _a = new double[Stages, Stages];
    private readonly double[] _b = new double[Stages];
    private readonly double[] _v = new double[Stages];

    public TransientResult Simulate(Corner corner, int steps, double dt)
    {
        double r = 1000.0 * corner.RScale, c = 2e-9 * corner.CScale;
        double vt = 8.617e-5 * (corner.TempC + 273.15), isat = 1e-14 * Math.Pow(2.0, (corner.TempC - 25.0) / 10.0);
        Array.Clear(_v);
        double delay = double.NaN, peak = 0.0, charge = 0.0;
        for (int step = 1; step <= steps; step++)
        {
            double t = step * dt;
            double vin = t > 1e-6 && t < 150e-6 ? corner.Amplitude : 0.0;
            double[] prev = (double[])_v.Clone();
            for (int iter = 0; iter < 20; iter++)
            {
                Array.Clear(_a);
                Array.Clear(_b);
                double g = 1.0 / r, gc = c / dt;
                for (int k = 0; k < Stages; k++)
                {
                    _a[k, k] += gc + g;
                    _b[k] += gc * prev[k];
                    if (k == 0) _b[k] += g * vin; else { _a[k, k - 1] -= g; _a[k - 1, k] -= g; _a[k - 1, k - 1] += g; }
                }
                double vd = Math.Min(_v[Stages - 1], 1.2);
                double id = isat * (Math.Exp(vd / vt) - 1.0), gd = isat / vt * Math.Exp(vd / vt);
                _a[Stages - 1, Stages - 1] += gd;
                _b[Stages - 1] -= id - gd * vd;
                double[] next = Dense.Solve(_a, _b);
                double change = 0.0;
                for (int k = 0; k < Stages; k++) { change = Math.Max(change, Math.Abs(next[k] - _v[k])); _v[k] = next[k]; }
                if (change < 1e-9) break;
            }
            double vout = _v[Stages - 1];
            peak = Math.Max(peak, vout);
            charge += isat * (Math.Exp(Math.Min(vout, 1.2) / vt) - 1.0) * dt;
            if (double.IsNaN(delay) && vout >= 0.5 * 0.62) delay = t;
        }
        return new TransientResult(delay, peak, charge);
    }
}

public static class Dense
{
    public static double[] Solve(double[,] a, double[] b)
    {
        int n = b.Length;
        var m = (double[,])a.Clone();
        var x = (double[])b.Clone();
        for (int col = 0; col < n; col++)
        {
            int piv = col;
            for (int row = col + 1; row < n; row++) if (Math.Abs(m[row, col]) > Math.Abs(m[piv, col])) piv = row;
            for (int k = 0; k < n && piv != col; k++) (m[col, k], m[piv, k]) = (m[piv, k], m[col, k]);
            (x[col], x[piv]) = (x[piv], x[col]);
            for (int row = col + 1; row < n; row++)
            {
                double f = m[row, col] / m[col, col];
                for (int k = col; k < n; k++) m[row, k] -= f * m[col, k];
                x[row] -= f * x[col];
            }
        }
        for (int row = n - 1; row >= 0; row--)
        {
            double s = x[row];
            for (int k = row + 1; k < n; k++) s -= m[row, k] * x[k];
            x[row] = s / m[row, row];
        }
        return x;
    }
}

public static class Program
{
    private static void SimulateRange(Corner[] corners, TransientResult[] results, int lo, int hi)
    {
        var solver = new TransientSolver();
        for (int i = lo; i < hi; i++) results[i] = solver.Simulate(corners[i], 800, 0.5e-6);
    }

    public static void Main()
    {
        var inv = CultureInfo.InvariantCulture;
        var corners = (from rs in new[] { 0.9, 1.0, 1.1 } from cs in new[] { 0.8, 1.0, 1.2 }
                       from temp in new[] { -40.0, 25.0, 85.0, 125.0 } from amp in new[] { 3.3, 5.0 }
                       select new Corner(rs, cs, temp, amp)).ToArray();
        var results = new TransientResult[corners.Length];

        int workers = Math.Max(2, Environment.ProcessorCount);
        int per = (corners.Length + workers - 1) / workers;
        var threads = new Thread[workers - 1];
        for (int w = 0; w < threads.Length; w++)
        {
            int lo = w * per, hi = Math.Min(corners.Length, lo + per);
            threads[w] = new Thread(() => SimulateRange(corners, results, lo, hi));
            threads[w].Start();
        }
        SimulateRange(corners, results, Math.Min(corners.Length, (workers - 1) * per), corners.Length);
        foreach (Thread t in threads) t.Join();

        int worst = Enumerable.Range(0, corners.Length).OrderByDescending(i => results[i].Delay50).First();
        Console.WriteLine(string.Format(inv, "Transient corners: {0}, worst delay {1:F1} us at R x{2} C x{3} {4} C {5} V",
            corners.Length, results[worst].Delay50 * 1e6, corners[worst].RScale, corners[worst].CScale, corners[worst].TempC, corners[worst].Amplitude));
        Console.WriteLine(string.Format(inv, "Peak clamp voltage: {0:F4} V, max diode charge {1:E3} C",
            results.Max(x => x.PeakOut), results.Max(x => x.DiodeCharge)));

        const int instances = 700;
        var yields = new YieldResult[instances];
        string logPath = Path.Combine(Path.GetTempPath(), $"ladder-mc-{Environment.ProcessId}.csv");
        using (var log = new StreamWriter(logPath))
        {
            Parallel.For(0, instances, i =>
            {
                var rng = new Random(1000 + i);
                var rSeries = new double[TransientSolver.Stages];
                var rShunt = new double[TransientSolver.Stages];
                for (int k = 0; k < rSeries.Length; k++)
                {
                    rSeries[k] = 1000.0 * (1.0 + 0.05 * (2.0 * rng.NextDouble() - 1.0));
                    rShunt[k] = 200000.0 * (1.0 + 0.05 * (2.0 * rng.NextDouble() - 1.0));
                }
                double isat = 1e-14 * Math.Exp(0.3 * (2.0 * rng.NextDouble() - 1.0));
                YieldResult y;
                lock (LegacyNodal.Gate)
                {
                    LegacyNodal.Setup(TransientSolver.Stages);
                    double knee = double.NaN, vout = 0.0;
                    for (int s = 0; s <= 50; s++)
                    {
                        double vin = 5.0 * s / 50;
                        vout = LegacyNodal.SolveOperatingPoint(rSeries, rShunt, isat, vin);
                        if (double.IsNaN(knee) && vout >= 0.55) knee = vin;
                    }
                    y = new YieldResult(vout, knee);
                }
                yields[i] = y;
                lock (log)
                {
                    log.WriteLine(string.Format(inv, "{0},{1:F6},{2:F3}", i, y.VoutAt5V, y.KneeVin));
                }
            });
        }
        long bytes = new FileInfo(logPath).Length;
        File.Delete(logPath);

        int pass = yields.Count(y => y.VoutAt5V < 0.615 && y.KneeVin <= 1.4);
        Console.WriteLine(string.Format(inv, "Monte Carlo: {0}/{1} instances within spec ({2:P1}), log {3} bytes",
            pass, instances, pass / (double)instances, bytes));
        Console.WriteLine(string.Format(inv, "Mean clamp {0:F5} V, knee range {1:F2}..{2:F2} V",
            yields.Average(y => y.VoutAt5V), yields.Min(y => y.KneeVin), yields.Max(y => y.KneeVin)));
    }
}
