using System;
using System.Collections.Generic;
using System.Linq;
using System.Runtime.CompilerServices;
using System.Threading;
using System.Threading.Tasks;

namespace TwoViewTriangulator;

public readonly record struct Vec3(double X, double Y, double Z)
{
    public static Vec3 operator -(Vec3 a, Vec3 b) => new(a.X - b.X, a.Y - b.Y, a.Z - b.Z);
    public double Length => Math.Sqrt(X * X + Y * Y + Z * Z);
}

public readonly record struct Pixel(double U, double V);

public sealed record Camera(string Id, double Focal, double Cx, double Cy, double Yaw, Vec3 Centre)
{
    public Pixel Project(Vec3 p)
    {
        double x = p.X - Centre.X, y = p.Y - Centre.Y, z = p.Z - Centre.Z;
        double c = Math.Cos(Yaw), s = Math.Sin(Yaw);
        double xc = c * x - s * z, zc = s * x + c * z;
        return new Pixel(Cx + Focal * xc / zc, Cy - Focal * y / zc);
    }
}

public sealed record Observation(int PointId, Pixel Left, Pixel Right);

public sealed class CalibrationStore
{
    private readonly ReaderWriterLockSlim _lock = new();
    private readonly Dictionary<string, Camera> _cameras = new();

    public void Register(Camera camera)
    {
        _lock.EnterWriteLock();
        try { _cameras[camera.Id] = camera; }
        finally { _lock.ExitWriteLock(); }
    }

    public Camera Get(string id)
    {
        _lock.EnterReadLock();
        try
        {
            return _cameras[id];
        }
        finally
        {
            _lock.ExitReadLock();
        }
    }
}

// Midpoint-free two-view triangulation: a linear estimate from the two rays, then Gauss-Newton on the reprojection
// error. The normal-equation scratch lives in the rig.
public sealed class StereoRig(Camera left, Camera right)
{
    private readonly double[,] _jtj = new double[3, 3];
    private readonly double[] _jtr = new double[3];
    private readonly double[] _residual = new double[4];
    private readonly double[,] _jacobian = new double[4, 3];

    [MethodImpl(MethodImplOptions.Synchronized)]
    public Vec3 Triangulate(Observation o)
    {
        // Start from the parallel-camera depth for the disparity, then let Gauss-Newton take out the toe-in.
        double disparity = (o.Left.U - left.Cx) - (o.Right.U - right.Cx);
        double depth = left.Focal * (right.Centre.X - left.Centre.X) / Math.Max(1.0, Math.Abs(disparity));
        double[] p = { left.Centre.X + (o.Left.U - left.Cx) * depth / left.Focal, left.Centre.Y - (o.Left.V - left.Cy) * depth / left.Focal, left.Centre.Z + depth };
        for (int iteration = 0; iteration < 20; iteration++)
        {
            Residuals(o, p, _residual);
            for (int k = 0; k < 3; k++)
            {
                double h = 1e-5 * Math.Max(1, Math.Abs(p[k]));
                double[] q = (double[])p.Clone();
                q[k] += h;
                var shifted = new double[4];
                Residuals(o, q, shifted);
                for (int r = 0; r < 4; r++) _jacobian[r, k] = (shifted[r] - _residual[r]) / h;
            }
            Array.Clear(_jtj);
            Array.Clear(_jtr);
            for (int r = 0; r < 4; r++)
                for (int i = 0; i < 3; i++)
                {
                    _jtr[i] -= _jacobian[r, i] * _residual[r];
                    for (int j = 0; j < 3; j++) _jtj[i, j] += _jacobian[r, i] * _jacobian[r, j];
                }
            double det = Det3(_jtj);
            if (Math.Abs(det) < 1e-18) break;
            for (int k = 0; k < 3; k++)
            {
                var m = (double[,])_jtj.Clone();
                for (int r = 0; r < 3; r++) m[r, k] = _jtr[r];
                p[k] += Det3(m) / det;
            }
        }
        return new Vec3(p[0], p[1], p[2]);
    }

    private void Residuals(Observation o, double[] p, double[] into)
    {
        Pixel l = left.Project(new Vec3(p[0], p[1], p[2])), r = right.Project(new Vec3(p[0], p[1], p[2]));
        (into[0], into[1], into[2], into[3]) = (l.U - o.Left.U, l.V - o.Left.V, r.U - o.Right.U, r.V - o.Right.V);
    }

    private static double Det3(double[,] m) =>
        m[0, 0] * (m[1, 1] * m[2, 2] - m[1, 2] * m[2, 1]) - m[0, 1] * (m[1, 0] * m[2, 2] - m[1, 2] * m[2, 0]) + m[0, 2] * (m[1, 0] * m[2, 1] - m[1, 1] * m[2, 0]);
}

public static class Program
{
    public static void Main()
    {
        var store = new CalibrationStore();
        store.Register(new Camera("nikon-left", 2400, 2000, 1500, 0.04, new Vec3(0, 1.6, 0)));
        store.Register(new Camera("nikon-right", 2400, 2000, 1500, -0.04, new Vec3(1.2, 1.6, 0)));

        var rng = new Random(31);
        var truth = new List<Vec3>();
        for (int row = 0; row < 60; row++)
            for (int col = 0; col < 200; col++)
            {
                double x = -8 + col * 0.09, y = row * 0.25, z = 24 + 0.02 * col + (col % 40 < 6 ? -0.35 : 0) + 0.01 * rng.NextDouble();
                truth.Add(new Vec3(x, y, z));
            }
        double Noise() => (rng.NextDouble() + rng.NextDouble() - 1) * 0.6;
        Camera cameraL = store.Get("nikon-left"), cameraR = store.Get("nikon-right");
        List<Observation> observations = truth.Select((p, i) =>
        {
            Pixel l = cameraL.Project(p), r = cameraR.Project(p);
            return new Observation(i, new Pixel(l.U + Noise(), l.V + Noise()), new Pixel(r.U + Noise(), r.V + Noise()));
        }).ToList();

        var rig = new StereoRig(store.Get("nikon-left"), store.Get("nikon-right"));
        Vec3[] points = observations.AsParallel().AsOrdered().Select(rig.Triangulate).ToArray();

        var reprojection = new double[points.Length];
        Parallel.For(0, points.Length, i =>
        {
            Camera l = store.Get("nikon-left"), r = store.Get("nikon-right");
            Pixel pl = l.Project(points[i]), pr = r.Project(points[i]);
            Observation o = observations[i];
            reprojection[i] = Math.Sqrt(((pl.U - o.Left.U) * (pl.U - o.Left.U) + (pl.V - o.Left.V) * (pl.V - o.Left.V) + (pr.U - o.Right.U) * (pr.U - o.Right.U) + (pr.V - o.Right.V) * (pr.V - o.Right.V)) / 4);
        });

        double[] errors = points.Select((p, i) => (p - truth[i]).Length).ToArray();
        Console.WriteLine($"{points.Length} points triangulated");
        Console.WriteLine($"reprojection RMS {Math.Sqrt(reprojection.Average(e => e * e)):F3} px, 3-D error RMS {Math.Sqrt(errors.Average(e => e * e)) * 1000:F1} mm, max {errors.Max() * 1000:F1} mm");
        Vec3[] wall = points.Where((p, i) => i % 200 % 40 >= 6).ToArray();
        double mx = wall.Average(p => p.X), mz = wall.Average(p => p.Z);
        double slope = wall.Sum(p => (p.X - mx) * (p.Z - mz)) / wall.Sum(p => (p.X - mx) * (p.X - mx));
        double recess = points.Where((p, i) => i % 200 % 40 < 6).Average(p => mz + slope * (p.X - mx) - p.Z);
        Console.WriteLine($"facade plane: depth {mz:F3} m at x = {mx:F2} m, slope {slope:F4}; window recess depth {recess * 1000:F0} mm (built 350 mm)");
    }
}
