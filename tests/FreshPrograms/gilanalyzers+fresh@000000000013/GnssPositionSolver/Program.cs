using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;

namespace GnssPositionSolver
{
    public readonly record struct Vec3(double X, double Y, double Z)
    {
        public static Vec3 operator -(Vec3 a, Vec3 b) => new(a.X - b.X, a.Y - b.Y, a.Z - b.Z);
        public static Vec3 operator +(Vec3 a, Vec3 b) => new(a.X + b.X, a.Y + b.Y, a.Z + b.Z);
        public static Vec3 operator *(double k, Vec3 a) => new(k * a.X, k * a.Y, k * a.Z);
        public double Norm => Math.Sqrt(X * X + Y * Y + Z * Z);
        public double Dot(Vec3 o) => X * o.X + Y * o.Y + Z * o.Z;
    }

    public sealed record Epoch(int Second, Vec3 Truth, Vec3[] Satellites, double[] Pseudoranges);

    public sealed record Fix(int Second, Vec3 Position, double ClockBiasM, int Excluded, double ErrorM);

    // Gauss-Newton on the four unknowns (x, y, z, receiver clock bias in metres). The design matrix and the normal
    // equations are kept in the solver so each epoch reuses them.
    public sealed class LeastSquaresSolver
    {
        private readonly double[,] _h = new double[16, 4];
        private readonly double[] _residual = new double[16];
        private readonly double[,] _n = new double[4, 5];

        public (Vec3 Position, double Bias, double Rss) Solve(Epoch epoch, Vec3 guess, int exclude)
        {
            (Vec3 p, double bias, double rss) = (guess, 0, 0);
            for (int iteration = 0; iteration < 8; iteration++)
            {
                int rows = 0;
                for (int s = 0; s < epoch.Satellites.Length; s++)
                {
                    if (s == exclude) continue;
                    Vec3 los = epoch.Satellites[s] - p;
                    double range = los.Norm;
                    _h[rows, 0] = -los.X / range; _h[rows, 1] = -los.Y / range; _h[rows, 2] = -los.Z / range; _h[rows, 3] = 1;
                    _residual[rows++] = epoch.Pseudoranges[s] - (range + bias);
                }
                Array.Clear(_n);
                for (int r = 0; r < rows; r++)
                    for (int i = 0; i < 4; i++)
                    {
                        for (int j = 0; j < 4; j++) _n[i, j] += _h[r, i] * _h[r, j];
                        _n[i, 4] += _h[r, i] * _residual[r];
                    }
                for (int col = 0; col < 4; col++)
                    for (int row = col + 1; row < 4; row++)
                    {
                        double f = _n[row, col] / _n[col, col];
                        for (int k = col; k < 5; k++) _n[row, k] -= f * _n[col, k];
                    }
                var dx = new double[4];
                for (int i = 3; i >= 0; i--)
                {
                    double sum = _n[i, 4];
                    for (int k = i + 1; k < 4; k++) sum -= _n[i, k] * dx[k];
                    dx[i] = sum / _n[i, i];
                }
                p = p + new Vec3(dx[0], dx[1], dx[2]);
                bias += dx[3]; rss = 0;
                for (int r = 0; r < rows; r++) rss += _residual[r] * _residual[r];
            }
            return (p, bias, rss);
        }
    }

    public sealed class FixProcessor(Vec3 initialGuess)
    {
        private readonly LeastSquaresSolver _solver = new();
        private readonly object _solverSync = new();

        public Fix Process(Epoch epoch)
        {
            Monitor.Enter(_solverSync);
            try
            {
                int n = epoch.Satellites.Length, excluded = -1;
                var best = _solver.Solve(epoch, initialGuess, exclude: -1);
                double global = best.Rss / Math.Max(1, n - 4), bestStat = global;
                // Receiver autonomous integrity monitoring: every leave-one-out solution, the cleanest wins on a failed test.
                for (int s = 0; s < n; s++)
                {
                    var candidate = _solver.Solve(epoch, initialGuess, exclude: s);
                    double stat = candidate.Rss / Math.Max(1, n - 5);
                    if (n >= 6 && global > 60 && stat < bestStat) { best = candidate; bestStat = stat; excluded = s; }
                }
                return new Fix(epoch.Second, best.Position, best.Bias, excluded, (best.Position - epoch.Truth).Norm);
            }
            finally
            {
                Monitor.Exit(_solverSync);
            }
        }
    }

    public static class Program
    {
        private const double EarthRadius = 6_371_000, OrbitRadius = 26_560_000;

        public static void Main()
        {
            double lat = 48.1 * Math.PI / 180, lon = 11.6 * Math.PI / 180;
            var start = new Vec3(EarthRadius * Math.Cos(lat) * Math.Cos(lon), EarthRadius * Math.Cos(lat) * Math.Sin(lon), EarthRadius * Math.Sin(lat));
            Vec3 east = new(-Math.Sin(lon), Math.Cos(lon), 0);
            List<Epoch> epochs = Enumerable.Range(0, 3600).Select(t => MakeEpoch(t, start + (20.0 * t) * east)).ToList();

            var processor = new FixProcessor(start);
            var fixes = new List<Fix>();
            int faultyEpochs = 0;
            string nmeaPath = Path.Combine(Path.GetTempPath(), $"gnss-{Environment.ProcessId}.nmea");
            using var nmea = new BlockingCollection<string>(boundedCapacity: 256);

            var writer = new Thread(() =>
            {
                using var file = new StreamWriter(nmeaPath);
                foreach (string sentence in nmea.GetConsumingEnumerable()) file.WriteLine(sentence);
            }) { IsBackground = true, Name = "nmea-writer" };
            writer.Start();

            Parallel.ForEach(epochs, epoch =>
            {
                Fix fix = processor.Process(epoch);
                lock (fixes)
                {
                    fixes.Add(fix);
                    if (fix.Excluded >= 0) faultyEpochs++;
                }
                nmea.Add($"$GPGGA,{fix.Second:D5},{fix.Position.X:F1},{fix.Position.Y:F1},{fix.Position.Z:F1},{fix.Excluded}");
            });
            nmea.CompleteAdding();
            writer.Join();

            fixes.Sort((a, b) => a.Second.CompareTo(b.Second));
            double rms = Math.Sqrt(fixes.Average(f => f.ErrorM * f.ErrorM));
            Console.WriteLine($"{fixes.Count} fixes, RMS error {rms:F2} m, max {fixes.Max(f => f.ErrorM):F2} m, exclusions {faultyEpochs}");
            foreach (Fix f in fixes.Where(f => f.Second % 600 == 0))
                Console.WriteLine($"t={f.Second,4}s  error {f.ErrorM,6:F2} m  clock {f.ClockBiasM,9:F2} m  excluded sat {f.Excluded}");
            Console.WriteLine($"NMEA lines written: {File.ReadLines(nmeaPath).Count()}");
            File.Delete(nmeaPath);
        }

        private static Epoch MakeEpoch(int second, Vec3 receiver)
        {
            var rng = new Random(second * 31 + 7);
            var (sats, ranges) = (new List<Vec3>(), new List<double>());
            double clockBias = 1500 + 0.8 * second;
            for (int plane = 0; plane < 6; plane++)
                for (int slot = 0; slot < 4; slot++)
                {
                    double raan = plane * Math.PI / 3, inc = 55 * Math.PI / 180, u = 2 * Math.PI * (second / 43_080.0 + slot / 4.0 + plane / 24.0);
                    double xo = OrbitRadius * Math.Cos(u), yo = OrbitRadius * Math.Sin(u);
                    var sat = new Vec3(xo * Math.Cos(raan) - yo * Math.Cos(inc) * Math.Sin(raan), xo * Math.Sin(raan) + yo * Math.Cos(inc) * Math.Cos(raan), yo * Math.Sin(inc));
                    Vec3 los = sat - receiver;
                    if (los.Dot(receiver) / (los.Norm * receiver.Norm) < Math.Sin(10 * Math.PI / 180)) continue;
                    double noise = 3 * Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble());
                    double multipath = second % 97 == 0 && sats.Count == 2 ? 180 : 0;
                    sats.Add(sat); ranges.Add(los.Norm + clockBias + noise + multipath);
                }
            return new Epoch(second, receiver, sats.ToArray(), ranges.ToArray());
        }
    }
}
