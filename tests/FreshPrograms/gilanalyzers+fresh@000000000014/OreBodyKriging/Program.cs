using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;

namespace OreBodyKriging;

public readonly record struct Sample(double X, double Y, double Z, double Grade);
public sealed record Spherical(double Nugget, double Sill, double Range)
{
    public double Gamma(double h) => h <= 0 ? 0 : h >= Range ? Nugget + Sill : Nugget + Sill * (1.5 * h / Range - 0.5 * Math.Pow(h / Range, 3));
}

public sealed class VariogramLibrary
{
    private readonly ReaderWriterLockSlim _rw = new();
    private readonly Dictionary<string, Spherical> _models = new();

    public void Register(string domain, Spherical model)
    {
        _rw.EnterWriteLock();
        try { _models[domain] = model; } finally { _rw.ExitWriteLock(); }
    }

    public Spherical Get(string domain)
    {
        _rw.EnterReadLock();
        try
        {
            return _models[domain];
        }
        finally
        {
            _rw.ExitReadLock();
        }
    }
}

/// <summary>Ordinary kriging of 10 m blocks from the nearest composites; the system matrices are reused between blocks.</summary>
public sealed class KrigingEstimator(Sample[] samples, int neighbours)
{
    private readonly ReaderWriterLockSlim _rw = new();
    private readonly double[,] _lhs = new double[neighbours + 1, neighbours + 2];
    private readonly int[] _nearest = new int[neighbours];
    private readonly double[] _best = new double[neighbours];

    public void EstimateBench(int bench, int nx, int ny, Spherical model, double[] estimates)
    {
        _rw.EnterWriteLock();
        try
        {
            double z = -5.0 - 10.0 * bench;
            for (int by = 0; by < ny; by++)
            for (int bx = 0; bx < nx; bx++)
            {
                double x = 5.0 + 10.0 * bx, y = 5.0 + 10.0 * by;
                int n = neighbours, found = 0;
                for (int s = 0; s < samples.Length; s++)
                {
                    double dx = samples[s].X - x, dy = samples[s].Y - y, dz = (samples[s].Z - z) * 2.0;
                    double d = dx * dx + dy * dy + dz * dz;
                    if (found == n && d >= _best[n - 1]) continue;
                    int at = found < n ? found++ : n - 1;
                    while (at > 0 && _best[at - 1] > d) { _best[at] = _best[at - 1]; _nearest[at] = _nearest[at - 1]; at--; }
                    _best[at] = d;
                    _nearest[at] = s;
                }
                for (int i = 0; i < n; i++)
                {
                    Sample a = samples[_nearest[i]];
                    for (int j = 0; j < n; j++)
                    {
                        Sample b = samples[_nearest[j]];
                        _lhs[i, j] = model.Gamma(Math.Sqrt(Math.Pow(a.X - b.X, 2) + Math.Pow(a.Y - b.Y, 2) + Math.Pow(a.Z - b.Z, 2)));
                    }
                    _lhs[i, n] = 1.0;
                    _lhs[n, i] = 1.0;
                    _lhs[i, n + 1] = model.Gamma(Math.Sqrt(Math.Pow(a.X - x, 2) + Math.Pow(a.Y - y, 2) + Math.Pow(a.Z - z, 2)));
                }
                _lhs[n, n] = 0.0;
                _lhs[n, n + 1] = 1.0;
                for (int col = 0; col <= n; col++)
                {
                    int piv = col;
                    for (int r = col + 1; r <= n; r++) if (Math.Abs(_lhs[r, col]) > Math.Abs(_lhs[piv, col])) piv = r;
                    for (int k = 0; k <= n + 1; k++) (_lhs[col, k], _lhs[piv, k]) = (_lhs[piv, k], _lhs[col, k]);
                    for (int r = 0; r <= n; r++)
                    {
                        if (r == col) continue;
                        double f = _lhs[r, col] / _lhs[col, col];
                        for (int k = col; k <= n + 1; k++) _lhs[r, k] -= f * _lhs[col, k];
                    }
                }
                double grade = 0.0;
                for (int i = 0; i < n; i++) grade += _lhs[i, n + 1] / _lhs[i, i] * samples[_nearest[i]].Grade;
                estimates[(bench * ny + by) * nx + bx] = Math.Max(0.0, grade);
            }
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
        var inv = CultureInfo.InvariantCulture;
        var rng = new Random(314);
        var blobs = Enumerable.Range(0, 5).Select(_ => (X: 400 * rng.NextDouble(), Y: 400 * rng.NextDouble(), Z: -20 - 60 * rng.NextDouble(), A: 1.5 + 2.5 * rng.NextDouble())).ToArray();
        var samples = new List<Sample>();
        for (int hole = 0; hole < 64; hole++)
        {
            double hx = 25 + 50 * (hole % 8) + 12 * (rng.NextDouble() - 0.5), hy = 25 + 50 * (hole / 8) + 12 * (rng.NextDouble() - 0.5);
            for (double z = -1; z > -100; z -= 2)
            {
                double g = blobs.Sum(b => b.A * Math.Exp(-(Math.Pow(hx - b.X, 2) + Math.Pow(hy - b.Y, 2)) / 6000.0 - Math.Pow(z - b.Z, 2) / 900.0));
                samples.Add(new Sample(hx, hy, z, g * Math.Exp(0.3 * (rng.NextDouble() - 0.5))));
            }
        }
        Sample[] composites = samples.ToArray();

        var library = new VariogramLibrary();
        library.Register("oxide", new Spherical(0.05, 0.9, 140));
        library.Register("sulphide", new Spherical(0.08, 1.2, 110));

        const int nx = 40, ny = 40, benches = 10;
        double[] cutoffs = { 0.25, 0.5, 1.0, 1.5, 2.0 };
        var estimates = new double[nx * ny * benches];
        var blocksAbove = new long[cutoffs.Length];
        var tallyLock = new Lock();
        var estimator = new KrigingEstimator(composites, 16);

        Parallel.For(0, benches, bench =>
        {
            Spherical model = library.Get(bench < 3 ? "oxide" : "sulphide");
            estimator.EstimateBench(bench, nx, ny, model, estimates);
            var counts = new long[cutoffs.Length];
            for (int i = bench * nx * ny; i < (bench + 1) * nx * ny; i++)
                for (int c = 0; c < cutoffs.Length; c++) if (estimates[i] >= cutoffs[c]) counts[c]++;
            using (tallyLock.EnterScope())
            {
                for (int c = 0; c < cutoffs.Length; c++) blocksAbove[c] += counts[c];
            }
        });

        const double tonnesPerBlock = 10 * 10 * 10 * 2.7;
        Console.WriteLine($"{composites.Length} composites, {estimates.Length} blocks kriged");
        Console.WriteLine("cutoff g/t   Mt      mean g/t   koz");
        for (int c = 0; c < cutoffs.Length; c++)
        {
            double[] ore = estimates.Where(g => g >= cutoffs[c]).ToArray();
            double mean = ore.Length == 0 ? 0 : ore.Average();
            Console.WriteLine(string.Format(inv, "{0,6:F2}   {1,6:F2}   {2,7:F3}   {3,7:F1}", cutoffs[c],
                blocksAbove[c] * tonnesPerBlock / 1e6, mean, blocksAbove[c] * tonnesPerBlock * mean / 31.1035 / 1000.0));
        }
        for (int b = 0; b < benches; b++)
            Console.WriteLine(string.Format(inv, "bench {0} (RL {1,4}): mean {2:F3} g/t", b, -10 * b, estimates.Skip(b * nx * ny).Take(nx * ny).Average()));
    }
}
