using System;

namespace HuckelOrbitalSolver;

// Cyclic Jacobi diagonalisation, ported line by line from a 1990s Fortran/C teaching code.
// The original kept its matrices in COMMON blocks; the port keeps them in statics, sized for the last call.
public static class LegacyJacobi
{
    public static readonly object Sync = new();
    private static double[,] s_a = new double[0, 0];
    private static double[] s_d = Array.Empty<double>();
    private static int s_n;
    public static int Rotations;

    public static void Diagonalise(double[,] m)
    {
        int n = m.GetLength(0);
        if (n != s_n)
        {
            s_a = new double[n, n];
            s_d = new double[n];
            s_n = n;
        }
        Array.Copy(m, s_a, m.Length);
        for (int sweep = 0; sweep < 60; sweep++)
        {
            double off = 0;
            for (int p = 0; p < n; p++) for (int q = p + 1; q < n; q++) off += s_a[p, q] * s_a[p, q];
            if (off < 1e-22) break;
            for (int p = 0; p < n; p++)
            for (int q = p + 1; q < n; q++)
            {
                if (Math.Abs(s_a[p, q]) < 1e-14) continue;
                double theta = (s_a[q, q] - s_a[p, p]) / (2 * s_a[p, q]);
                double t = Math.Sign(theta) / (Math.Abs(theta) + Math.Sqrt(theta * theta + 1));
                if (theta == 0) t = 1;
                double c = 1 / Math.Sqrt(t * t + 1), s = t * c;
                for (int k = 0; k < n; k++)
                {
                    double akp = s_a[k, p], akq = s_a[k, q];
                    s_a[k, p] = c * akp - s * akq;
                    s_a[k, q] = s * akp + c * akq;
                }
                for (int k = 0; k < n; k++)
                {
                    double apk = s_a[p, k], aqk = s_a[q, k];
                    s_a[p, k] = c * apk - s * aqk;
                    s_a[q, k] = s * apk + c * aqk;
                }
                Rotations++;
            }
        }
        for (int i = 0; i < n; i++) s_d[i] = s_a[i, i];
    }

    public static double[] SortedEigenvalues()
    {
        var copy = (double[])s_d.Clone();
        Array.Sort(copy);
        return copy;
    }
}
