using System;
using System.Collections.Generic;
using System.Linq;
using System.Numerics;
using System.Threading;
using System.Threading.Tasks;

namespace LoadFlowSolver;

public record Line(int From, int To, Complex Impedance, double RatingMva);

public static class PowerFlow
{
    public static Complex[,] Admittance(int buses, IEnumerable<Line> lines)
    {
        var y = new Complex[buses, buses];
        foreach (var l in lines)
        {
            Complex yl = 1 / l.Impedance;
            y[l.From, l.From] += yl; y[l.To, l.To] += yl;
            y[l.From, l.To] -= yl; y[l.To, l.From] -= yl;
        }
        return y;
    }

    // Gauss-Seidel on PQ buses, bus 0 is the slack. Returns the iterations used.
    public static int GaussSeidel(Complex[,] y, Complex[] s, Complex[] v, int maxIter, double tol = 1e-7)
    {
        int n = v.Length;
        for (int it = 1; it <= maxIter; it++)
        {
            double worst = 0;
            for (int i = 1; i < n; i++)
            {
                Complex sum = 0;
                for (int k = 0; k < n; k++) if (k != i) sum += y[i, k] * v[k];
                Complex next = (Complex.Conjugate(s[i] / v[i]) - sum) / y[i, i];
                next = v[i] + 1.6 * (next - v[i]);
                worst = Math.Max(worst, (next - v[i]).Magnitude);
                v[i] = next;
            }
            if (worst < tol) return it;
        }
        return maxIter;
    }
}

public sealed class GridModel(int buses, List<Line> lines, Complex[] injections)
{
    private readonly ReaderWriterLockSlim _rw = new();
    private readonly Dictionary<int, string> _names = Enumerable.Range(0, buses).ToDictionary(i => i, i => $"SUB-{i:D3}");
    private readonly Complex[] _v = new Complex[buses];

    public string BusName(int bus)
    {
        _rw.EnterReadLock();
        try { return _names[bus]; }
        finally { _rw.ExitReadLock(); }
    }

    // N-1 contingency: drop one line, re-solve on the model's voltage vector, report the worst loading.
    public (double WorstLoading, int WorstLine, int Iterations) SolveOutage(int outage)
    {
        _rw.EnterWriteLock();
        try
        {
            var y = PowerFlow.Admittance(buses, lines.Where((_, i) => i != outage));
            Array.Fill(_v, Complex.One);
            int iterations = PowerFlow.GaussSeidel(y, injections, _v, maxIter: 400);
            double worst = 0; int worstLine = -1;
            for (int i = 0; i < lines.Count; i++)
            {
                if (i == outage) continue;
                var l = lines[i];
                Complex current = (_v[l.From] - _v[l.To]) / l.Impedance;
                double mva = (_v[l.From] * Complex.Conjugate(current)).Magnitude * 100;
                if (mva / l.RatingMva > worst) { worst = mva / l.RatingMva; worstLine = i; }
            }
            return (worst, worstLine, iterations);
        }
        finally
        {
            _rw.ExitWriteLock();
        }
    }
}

public static class Program
{
    public static void Main()
    {
        const int buses = 70;
        var rng = new Random(3);
        var lines = new List<Line>();
        for (int i = 1; i < buses; i++) lines.Add(new Line(rng.Next(i), i, new Complex(0.01 + 0.02 * rng.NextDouble(), 0.05 + 0.1 * rng.NextDouble()), 150));
        for (int extra = 0; extra < 50; extra++)
        {
            int a = rng.Next(buses), b = rng.Next(buses);
            if (a != b) lines.Add(new Line(a, b, new Complex(0.02, 0.08 + 0.1 * rng.NextDouble()), 120));
        }
        var load = Enumerable.Range(0, buses).Select(i => i == 0 ? Complex.Zero : new Complex(-0.05 - 0.1 * rng.NextDouble(), -0.02 - 0.03 * rng.NextDouble())).ToArray();

        // Base cases for the peak and the off-peak load, one thread each.
        var y0 = PowerFlow.Admittance(buses, lines);
        var vPeak = Enumerable.Repeat(Complex.One, buses).ToArray();
        var vNight = Enumerable.Repeat(Complex.One, buses).ToArray();
        int itPeak = 0, itNight = 0;
        var peakThread = new Thread(() => itPeak = PowerFlow.GaussSeidel(y0, load, vPeak, 2000, 1e-10));
        var nightThread = new Thread(() => itNight = PowerFlow.GaussSeidel(y0, load.Select(s => s * 0.45).ToArray(), vNight, 2000, 1e-10));
        peakThread.Start();
        nightThread.Start();
        peakThread.Join();
        nightThread.Join();
        Console.WriteLine($"base peak: {itPeak} iterations, min |V| {vPeak.Min(v => v.Magnitude):F4} pu");
        Console.WriteLine($"base night: {itNight} iterations, min |V| {vNight.Min(v => v.Magnitude):F4} pu");

        var model = new GridModel(buses, lines, load);
        var results = new (double Loading, int Line, int Iterations)[lines.Count];
        Parallel.For(0, lines.Count, i => results[i] = model.SolveOutage(i));

        var worst = results.Select((r, i) => (r, i)).OrderByDescending(x => x.r.Loading).Take(5);
        foreach (var (r, i) in worst)
        {
            var tripped = lines[i];
            var over = lines[r.Line];
            Console.WriteLine($"trip {model.BusName(tripped.From)}-{model.BusName(tripped.To)}: {model.BusName(over.From)}-{model.BusName(over.To)} at {r.Loading:P0} ({r.Iterations} it)");
        }
    }
}
