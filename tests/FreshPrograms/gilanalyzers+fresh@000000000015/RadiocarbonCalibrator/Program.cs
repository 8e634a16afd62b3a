using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Runtime.CompilerServices;
using System.Text;
using System.Threading;
using System.Threading.Tasks;

namespace RadiocarbonCalibrator;

public sealed record LabSample(string LabCode, int C14Age, int Error);

public sealed record CalResult(string LabCode, int MedianCalBp, int From95, int To95, double Coverage);

public sealed class CalibrationCurve(int[] calBp, double[] c14, double[] sigma)
{
    public int[] CalBp { get; } = calBp;
    public double[] C14 { get; } = c14;
    public double[] Sigma { get; } = sigma;

    // The curve ships as text (cal BP, 14C age, 1-sigma); parsing it is the slow part of start-up.
    public static CalibrationCurve Parse(string text)
    {
        var rows = text.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(l => l.Split(',')).Select(f => (int.Parse(f[0]), double.Parse(f[1], CultureInfo.InvariantCulture), double.Parse(f[2], CultureInfo.InvariantCulture)))
            .OrderBy(r => r.Item1).ToArray();
        return new CalibrationCurve(rows.Select(r => r.Item1).ToArray(), rows.Select(r => r.Item2).ToArray(), rows.Select(r => r.Item3).ToArray());
    }
}

public class Calibrator(CalibrationCurve curve)
{
    private readonly double[] _posterior = new double[curve.CalBp.Length];
    public int Calibrated;

    [MethodImpl(MethodImplOptions.Synchronized)]
    public CalResult Calibrate(LabSample s) => CalibrateInto(curve, s, _posterior, ref Calibrated);

    public static CalResult CalibrateInto(CalibrationCurve curve, LabSample s, double[] posterior, ref int counter)
    {
        double total = 0;
        for (int i = 0; i < posterior.Length; i++)
        {
            double var = s.Error * (double)s.Error + curve.Sigma[i] * curve.Sigma[i];
            double d = s.C14Age - curve.C14[i];
            posterior[i] = Math.Exp(-d * d / (2 * var)) / Math.Sqrt(var);
            total += posterior[i];
        }
        // Highest posterior density: take years in order of density until 95% is covered.
        var order = Enumerable.Range(0, posterior.Length).OrderByDescending(i => posterior[i]).ToArray();
        double covered = 0; int lo = int.MaxValue, hi = int.MinValue;
        foreach (int i in order)
        {
            if (covered >= 0.95 * total) break;
            covered += posterior[i];
            lo = Math.Min(lo, curve.CalBp[i]); hi = Math.Max(hi, curve.CalBp[i]);
        }
        double run = 0; int median = curve.CalBp[0];
        for (int i = 0; i < posterior.Length; i++) { run += posterior[i]; if (run >= total / 2) { median = curve.CalBp[i]; break; } }
        counter++;
        return new CalResult(s.LabCode, median, hi, lo, covered / total);
    }
}

public static class Program
{
    public static void Main()
    {
        // Load the curve on a loader thread while the sample list is read; wait for it before calibrating.
        CalibrationCurve? curve = null;
        var curveGate = new object();
        new Thread(() =>
        {
            var parsed = CalibrationCurve.Parse(SyntheticCurveText());
            lock (curveGate) { curve = parsed; Monitor.PulseAll(curveGate); }
        }) { IsBackground = true }.Start();

        var samples = MakeSamples(900);
        lock (curveGate)
        {
            while (curve == null) Monitor.Wait(curveGate);
        }
        Console.WriteLine($"curve: {curve.CalBp.Length} calendar years, {samples.Length} samples");

        var calibrator = new Calibrator(curve);
        CalResult[] results = samples.AsParallel().AsOrdered().Select(calibrator.Calibrate).ToArray();
        foreach (var r in results.Take(5))
            Console.WriteLine($"{r.LabCode}: median {r.MedianCalBp} cal BP, 95% {r.From95}-{r.To95} cal BP");
        Console.WriteLine($"mean 95% span {results.Average(r => r.From95 - r.To95):F0} years");

        // Re-submitted dates: results are cached by (age, error) so duplicates are not recomputed.
        var cache = new Dictionary<(int, int), CalResult>();
        var resubmitted = samples.Where((_, i) => i % 3 == 0).Concat(samples.Where((_, i) => i % 5 == 0)).ToArray();
        int computed = 0;
        Parallel.ForEach(resubmitted, () => new double[curve.CalBp.Length], (s, _, buffer) =>
        {
            var key = (s.C14Age, s.Error);
            bool known;
            lock (cache) { known = cache.ContainsKey(key); }
            if (!known)
            {
                int dummy = 0;
                var r = Calibrator.CalibrateInto(curve, s, buffer, ref dummy);
                lock (cache)
                {
                    cache.TryAdd(key, r);
                }
                Interlocked.Increment(ref computed);
            }
            return buffer;
        }, _ => { });
        Console.WriteLine($"resubmissions: {resubmitted.Length}, cache entries {cache.Count}");
    }

    private static string SyntheticCurveText()
    {
        var sb = new StringBuilder();
        for (int cal = 0; cal <= 14000; cal += 1)
        {
            double age = cal * 0.93 + 120 * Math.Sin(cal / 430.0) + 45 * Math.Sin(cal / 97.0) + 25 * Math.Sin(cal / 23.0);
            double sigma = 12 + cal / 800.0;
            sb.Append(cal).Append(',').Append(age.ToString("F1", CultureInfo.InvariantCulture)).Append(',')
              .Append(sigma.ToString("F1", CultureInfo.InvariantCulture)).Append('\n');
        }
        return sb.ToString();
    }

    private static LabSample[] MakeSamples(int n)
    {
        var rng = new Random(1949);
        return Enumerable.Range(0, n)
            .Select(i => new LabSample($"OxA-{20000 + i}", 300 + (int)(rng.NextDouble() * 11000), 20 + 5 * rng.Next(8)))
            .ToArray();
    }
}
