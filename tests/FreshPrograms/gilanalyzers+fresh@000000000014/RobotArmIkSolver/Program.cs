using System;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Runtime.InteropServices;
using System.Threading;
using System.Threading.Tasks;

namespace RobotArmIkSolver;

internal static class Zlib
{
    // The vendored zlib build on the controllers was not compiled thread-safe; every call goes through this gate.
    public static readonly object Gate = new();

    [DllImport("libz.so.1")]
    public static extern int compress2(byte[] dest, ref nuint destLen, byte[] source, nuint sourceLen, int level);

    [DllImport("libz.so.1")]
    public static extern int uncompress(byte[] dest, ref nuint destLen, byte[] source, nuint sourceLen);

    [DllImport("libz.so.1")]
    public static extern nuint compressBound(nuint sourceLen);
}

public readonly record struct Pose(double X, double Y, double Z, double Pitch);

/// <summary>Base yaw plus five pitch joints; damped least squares on position and approach pitch.</summary>
public static class Arm
{
    private static readonly double[] Length = { 0.0, 0.42, 0.38, 0.22, 0.12, 0.08 };
    private static readonly double[] Min = { -3.0, -0.3, -2.6, -2.2, -2.0, -1.8 };
    private static readonly double[] Max = { 3.0, 2.8, 0.2, 2.2, 2.0, 1.8 };
    private const double BaseHeight = 0.33;

    public static Pose Forward(double[] q)
    {
        double r = 0, z = BaseHeight, phi = 0;
        for (int j = 1; j < 6; j++) { phi += q[j]; r += Length[j] * Math.Cos(phi); z += Length[j] * Math.Sin(phi); }
        return new Pose(r * Math.Cos(q[0]), r * Math.Sin(q[0]), z, phi);
    }

    private static double[] Error(Pose target, Pose p) => new[] { target.X - p.X, target.Y - p.Y, target.Z - p.Z, 0.2 * (target.Pitch - p.Pitch) };

    public static (bool Ok, int Iterations) Solve(Pose target, double[] q, int maxIterations = 120)
    {
        var jac = new double[4, 6];
        for (int iter = 1; iter <= maxIterations; iter++)
        {
            double[] e = Error(target, Forward(q));
            if (Math.Sqrt(e.Sum(v => v * v)) < 1e-4) return (true, iter);
            for (int j = 0; j < 6; j++)
            {
                double keep = q[j];
                q[j] += 1e-6;
                double[] ej = Error(target, Forward(q));
                q[j] = keep;
                for (int r = 0; r < 4; r++) jac[r, j] = (e[r] - ej[r]) / 1e-6;
            }
            var a = new double[4, 5];
            for (int r = 0; r < 4; r++)
            {
                for (int c = 0; c < 4; c++) for (int j = 0; j < 6; j++) a[r, c] += jac[r, j] * jac[c, j];
                a[r, r] += 0.01 * 0.01;
                a[r, 4] = e[r];
            }
            for (int col = 0; col < 4; col++)
                for (int r = 0; r < 4; r++)
                {
                    if (r == col) continue;
                    double f = a[r, col] / a[col, col];
                    for (int k = col; k < 5; k++) a[r, k] -= f * a[col, k];
                }
            for (int j = 0; j < 6; j++)
            {
                double step = 0;
                for (int r = 0; r < 4; r++) step += jac[r, j] * a[r, 4] / a[r, r];
                q[j] = Math.Clamp(q[j] + step, Min[j], Max[j]);
            }
        }
        return (false, maxIterations);
    }
}

public static class Program
{
    public static async Task Main()
    {
        var inv = CultureInfo.InvariantCulture;
        const int gx = 30, gy = 30, gz = 12;
        var reachable = new bool[gx * gy * gz];
        Parallel.For(0, reachable.Length, i =>
        {
            int x = i % gx, y = i / gx % gy, z = i / (gx * gy);
            var target = new Pose(-1.0 + 2.0 * x / (gx - 1), -1.0 + 2.0 * y / (gy - 1), 1.1 * z / (gz - 1), -Math.PI / 2);
            reachable[i] = Arm.Solve(target, new[] { Math.Atan2(target.Y, target.X), 0.8, -1.2, -0.6, -0.4, 0.0 }, 60).Ok;
        });
        Console.WriteLine(string.Format(inv, "Top-down reachable workspace: {0} of {1} grid points ({2:P1})",
            reachable.Count(b => b), reachable.Length, reachable.Count(b => b) / (double)reachable.Length));

        const int paths = 48, waypoints = 320;
        var compressed = new byte[paths][];
        var rawBytes = new long[paths];
        Parallel.For(0, paths, p =>
        {
            var rng = new Random(600 + p);
            Pose pick = new(0.35 + 0.3 * rng.NextDouble(), -0.4 + 0.8 * rng.NextDouble(), 0.05, -Math.PI / 2);
            Pose place = new(-0.2 - 0.3 * rng.NextDouble(), 0.3 + 0.3 * rng.NextDouble(), 0.12, -Math.PI / 2);
            var q = new[] { Math.Atan2(pick.Y, pick.X), 0.8, -1.2, -0.6, -0.4, 0.0 };
            var log = new float[waypoints * 12];
            for (int w = 0; w < waypoints; w++)
            {
                double s = w / (waypoints - 1.0), lift = 0.35 * Math.Sin(Math.PI * s);
                var target = new Pose(pick.X + s * (place.X - pick.X), pick.Y + s * (place.Y - pick.Y), pick.Z + s * (place.Z - pick.Z) + lift, -Math.PI / 2);
                double[] before = (double[])q.Clone();
                Arm.Solve(target, q);
                for (int j = 0; j < 6; j++) { log[w * 12 + j] = (float)q[j]; log[w * 12 + 6 + j] = (float)((q[j] - before[j]) * waypoints); }
            }
            var quantised = new short[log.Length];
            for (int k = 0; k < log.Length; k++)
                quantised[k] = (short)Math.Round((log[k] - (k >= 12 ? log[k - 12] : 0f)) * 2000f);
            byte[] raw = new byte[quantised.Length * sizeof(short)];
            Buffer.BlockCopy(quantised, 0, raw, 0, raw.Length);
            rawBytes[p] = raw.Length;
            lock (Zlib.Gate)
            {
                byte[]? best = null;
                for (int level = 1; level <= 9; level++)
                {
                    nuint size = Zlib.compressBound((nuint)raw.Length);
                    var buffer = new byte[size];
                    if (Zlib.compress2(buffer, ref size, raw, (nuint)raw.Length, level) != 0) throw new InvalidOperationException("compress2 failed");
                    if (best is null || (int)size < best.Length) best = buffer.AsSpan(0, (int)size).ToArray();
                }
                var check = new byte[raw.Length];
                nuint checkLen = (nuint)check.Length;
                if (Zlib.uncompress(check, ref checkLen, best!, (nuint)best!.Length) != 0 || !check.AsSpan().SequenceEqual(raw)) throw new InvalidDataException("round trip failed");
                compressed[p] = best;
            }
        });

        string folder = Path.Combine(Path.GetTempPath(), $"arm-logs-{Environment.ProcessId}");
        Directory.CreateDirectory(folder);
        using var throttle = new SemaphoreSlim(2);
        await Task.WhenAll(Enumerable.Range(0, paths).Select(async p =>
        {
            await throttle.WaitAsync();
            try
            {
                await File.WriteAllBytesAsync(Path.Combine(folder, $"path{p:00}.z"), compressed[p]);
            }
            finally
            {
                throttle.Release();
            }
        }));
        long onDisk = Directory.GetFiles(folder).Sum(f => new FileInfo(f).Length);
        Directory.Delete(folder, true);

        Console.WriteLine(string.Format(inv, "{0} trajectories, {1} raw bytes -> {2} compressed ({3:F2}x)", paths, rawBytes.Sum(), onDisk, rawBytes.Sum() / (double)onDisk));
        for (int p = 0; p < paths; p += 12)
            Console.WriteLine(string.Format(inv, "  path {0,2}: {1,6} -> {2,6} bytes", p, rawBytes[p], compressed[p].Length));
    }
}
