using System;
using System.Collections.Generic;
using System.Linq;
using System.Runtime.CompilerServices;
using System.Threading.Tasks;

namespace LensSpotDiagram;

public sealed record Surface(double Radius, double ThicknessAfter, double IndexD, double Abbe);

public sealed record SpotResult(double FieldDeg, double WavelengthUm, double RmsUm, double CentroidMm, int Traced, int Vignetted);

public sealed class TraceStats
{
    public int Traced;
    public int Vignetted;
}

public sealed class LensSystem
{
    private readonly Surface[] _surfaces;
    private readonly double _aperture;
    private readonly int _grid;
    private readonly double[] _hitX, _hitY;

    public LensSystem(Surface[] surfaces, double entrancePupilRadius, int pupilGrid)
    {
        _surfaces = surfaces;
        _aperture = entrancePupilRadius;
        _grid = pupilGrid;
        _hitX = new double[pupilGrid * pupilGrid];
        _hitY = new double[pupilGrid * pupilGrid];
        (ImageDistance, FocalLength) = Paraxial();
    }

    public double ImageDistance { get; }

    public double FocalLength { get; }

    private static double Index(Surface s, double um) =>
        s.IndexD <= 1.0 ? 1.0 : s.IndexD - (s.IndexD - 1) / s.Abbe * (um - 0.5876) / (0.6563 - 0.4861);

    private (double BackFocus, double Efl) Paraxial()
    {
        double y = 1.0, u = 0.0, n = 1.0;
        foreach (var s in _surfaces)
        {
            double n2 = Index(s, 0.5876);
            u = (n * u - y * (n2 - n) / s.Radius) / n2;
            n = n2;
            if (s != _surfaces[^1]) y += u * s.ThicknessAfter;
        }
        return (-y / u, -1.0 / u);
    }

    /// <summary>Real ray through every surface; returns false when the ray misses a surface or is totally reflected.</summary>
    public bool Trace(double x, double y, double fieldDeg, double um, out double hx, out double hy)
    {
        double th = fieldDeg * Math.PI / 180;
        double px = x, py = y - 5 * Math.Tan(th), pz = -5, dx = 0, dy = Math.Sin(th), dz = Math.Cos(th);
        double n = 1.0, vertex = 0;
        hx = hy = 0;
        foreach (var s in _surfaces)
        {
            double cz = vertex + s.Radius, ox = px, oy = py, oz = pz - cz;
            double b = ox * dx + oy * dy + oz * dz, c = ox * ox + oy * oy + oz * oz - s.Radius * s.Radius;
            double disc = b * b - c;
            if (disc < 0) return false;
            double t = s.Radius > 0 ? -b - Math.Sqrt(disc) : -b + Math.Sqrt(disc);
            px += t * dx; py += t * dy; pz += t * dz;
            double nx = px / s.Radius, ny = py / s.Radius, nz = (pz - cz) / s.Radius;
            double n2 = Index(s, um), mu = n / n2, cosI = -(nx * dx + ny * dy + nz * dz);
            double k = 1 - mu * mu * (1 - cosI * cosI);
            if (k < 0) return false;
            double g = mu * cosI - Math.Sqrt(k);
            dx = mu * dx + g * nx; dy = mu * dy + g * ny; dz = mu * dz + g * nz;
            n = n2;
            vertex += s.ThicknessAfter;
        }
        double tImage = (vertex - _surfaces[^1].ThicknessAfter + ImageDistance - pz) / dz;
        hx = px + tImage * dx;
        hy = py + tImage * dy;
        return true;
    }

    [MethodImpl(MethodImplOptions.Synchronized)]
    public SpotResult TraceField(double fieldDeg, double um)
    {
        int traced = 0, vignetted = 0;
        for (int i = 0; i < _grid; i++)
            for (int j = 0; j < _grid; j++)
            {
                double x = _aperture * (2.0 * i / (_grid - 1) - 1), y = _aperture * (2.0 * j / (_grid - 1) - 1);
                if (x * x + y * y > _aperture * _aperture) continue;
                if (Trace(x, y, fieldDeg, um, out _hitX[traced], out _hitY[traced])) traced++;
                else vignetted++;
            }
        double cx = 0, cy = 0, rms = 0;
        for (int r = 0; r < traced; r++) { cx += _hitX[r]; cy += _hitY[r]; }
        cx /= traced; cy /= traced;
        for (int r = 0; r < traced; r++) rms += (_hitX[r] - cx) * (_hitX[r] - cx) + (_hitY[r] - cy) * (_hitY[r] - cy);
        return new SpotResult(fieldDeg, um, 1000 * Math.Sqrt(rms / traced), cy, traced, vignetted);
    }
}

public static class Program
{
    public static void Main()
    {
        var cooke = new[]
        {
            new Surface(22.01, 3.26, 1.6204, 60.3), new Surface(-435.76, 6.01, 1.0, 0),
            new Surface(-22.21, 0.99, 1.6200, 36.4), new Surface(20.29, 4.75, 1.0, 0),
            new Surface(79.68, 2.95, 1.6204, 60.3), new Surface(-18.40, 0.0, 1.0, 0),
        };
        var lens = new LensSystem(cooke, entrancePupilRadius: 5.0, pupilGrid: 151);
        double[] fields = Enumerable.Range(0, 21).Select(i => i * 1.0).ToArray();
        double[] wavelengths = { 0.4861, 0.5876, 0.6563 };

        var spots = new SpotResult[fields.Length * wavelengths.Length];
        var stats = new TraceStats();
        Parallel.For(0, spots.Length, k =>
        {
            var spot = lens.TraceField(fields[k / wavelengths.Length], wavelengths[k % wavelengths.Length]);
            spots[k] = spot;
            lock (stats)
            {
                stats.Traced += spot.Traced;
                stats.Vignetted += spot.Vignetted;
            }
        });

        double focal = lens.FocalLength;
        var distortion = new double[fields.Length];
        Parallel.For(1, fields.Length, f =>
        {
            double ideal = focal * Math.Tan(fields[f] * Math.PI / 180);
            distortion[f] = lens.Trace(0, 0, fields[f], 0.5876, out _, out double chief) ? chief / ideal - 1 : double.NaN;
        });

        Console.WriteLine($"EFL {focal:F2} mm, back focus {lens.ImageDistance:F2} mm, {stats.Traced:N0} rays traced, {stats.Vignetted:N0} lost");
        foreach (var group in spots.GroupBy(s => s.FieldDeg).Where(g => g.Key % 4 == 0))
            Console.WriteLine($"field {group.Key,4:F1} deg: RMS spot " +
                              string.Join(" / ", group.Select(s => $"{s.RmsUm:F1}")) +
                              $" um (F/d/C), distortion {distortion[(int)group.Key]:P2}");
    }
}
