using System;

namespace SailRoutePlanner;

public sealed class WindField
{
    /// <summary>True wind (direction it blows from, speed in knots) of a low drifting east past a steady trade-wind flow.</summary>
    public (double FromDeg, double Knots) At(GeoPoint p, double hour)
    {
        double cLat = 41.0 - 0.02 * hour, cLon = -22.0 + 0.09 * hour;
        double dy = p.Lat - cLat, dx = (p.Lon - cLon) * 0.78, r = Math.Sqrt(dx * dx + dy * dy) + 0.3;
        double swirl = 28 * Math.Exp(-r / 4.5);
        double u = -4.0 - swirl * dy / r, v = -9.0 + swirl * dx / r;
        return ((Math.Atan2(-u, -v) * 180 / Math.PI + 360) % 360, Math.Sqrt(u * u + v * v));
    }
}

public sealed class PolarTable
{
    private static readonly double[] Angles = { 30, 45, 60, 75, 90, 110, 135, 150, 180 };
    private static readonly double[] Winds = { 6, 10, 14, 20, 25 };
    private static readonly double[,] Speeds =
    {
        { 2.1, 3.6, 4.3, 4.6, 4.4 }, { 4.0, 5.9, 6.8, 7.1, 7.0 }, { 4.7, 6.6, 7.4, 7.9, 8.0 },
        { 5.0, 6.9, 7.7, 8.3, 8.5 }, { 5.1, 7.0, 7.9, 8.7, 9.0 }, { 5.0, 7.0, 8.1, 9.2, 9.7 },
        { 4.4, 6.3, 7.5, 9.0, 9.9 }, { 3.8, 5.6, 6.9, 8.4, 9.4 }, { 3.0, 4.7, 6.0, 7.5, 8.4 },
    };

    public double Speed(double twa, double tws)
    {
        twa = Math.Abs(((twa + 540) % 360) - 180);
        if (twa < Angles[0]) return 0;
        int i = 0, j = 0;
        while (i < Angles.Length - 2 && Angles[i + 1] <= twa) i++;
        while (j < Winds.Length - 2 && Winds[j + 1] <= tws) j++;
        double fa = Math.Clamp((twa - Angles[i]) / (Angles[i + 1] - Angles[i]), 0, 1);
        double fw = Math.Clamp((tws - Winds[j]) / (Winds[j + 1] - Winds[j]), 0, 1);
        return (1 - fa) * ((1 - fw) * Speeds[i, j] + fw * Speeds[i, j + 1]) + fa * ((1 - fw) * Speeds[i + 1, j] + fw * Speeds[i + 1, j + 1]);
    }
}
