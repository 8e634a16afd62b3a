using System;

namespace RadiotherapyDosePlanner;

/// <summary>Voxel phantom: an elliptical body with a lung, a spinal cord and a spherical target.</summary>
public sealed class Phantom
{
    public const int N = 80, Nz = 28;
    public const double Voxel = 0.35; // cm
    public readonly float[] Density = new float[N * N * Nz];
    public readonly byte[] Structure = new byte[N * N * Nz]; // 0 outside, 1 body, 2 target, 3 cord, 4 lung

    public Phantom()
    {
        for (int z = 0; z < Nz; z++)
        for (int y = 0; y < N; y++)
        for (int x = 0; x < N; x++)
        {
            int i = (z * N + y) * N + x;
            double fx = (x - N / 2.0) / (N * 0.46), fy = (y - N / 2.0) / (N * 0.34);
            if (fx * fx + fy * fy > 1) continue;
            Structure[i] = 1; Density[i] = 1.0f;
            if (Math.Pow(x - 0.3 * N, 2) + Math.Pow(y - 0.5 * N, 2) < Math.Pow(0.14 * N, 2)) { Structure[i] = 4; Density[i] = 0.25f; }
            if (Math.Pow(x - 0.5 * N, 2) + Math.Pow(y - 0.78 * N, 2) < Math.Pow(0.035 * N, 2)) Structure[i] = 3;
            if (Math.Pow(x - 0.6 * N, 2) + Math.Pow(y - 0.45 * N, 2) + Math.Pow(2.0 * (z - Nz / 2.0), 2) < Math.Pow(0.11 * N, 2)) Structure[i] = 2;
        }
    }
}
