using System;

namespace CircuitTransientSim;

/// <summary>
/// Port of the old NODAL.FOR DC operating-point routine. The working storage stayed module-level, as it was
/// in the COMMON block, and each call warm-starts Newton from the previous solution.
/// </summary>
internal static class LegacyNodal
{
    public static readonly object Gate = new();
    private const int MaxNodes = 32;
    private static readonly double[,] A = new double[MaxNodes, MaxNodes];
    private static readonly double[] B = new double[MaxNodes];
    private static readonly double[] X = new double[MaxNodes];
    private static int _nodes;
    public static long NewtonIterations;

    public static void Setup(int nodes)
    {
        _nodes = nodes;
        Array.Clear(X);
    }

    public static double SolveOperatingPoint(double[] rSeries, double[] rShunt, double isat, double vin)
    {
        const double vt = 0.025852;
        int n = _nodes;
        for (int iter = 0; iter < 60; iter++)
        {
            NewtonIterations++;
            for (int i = 0; i < n; i++) { B[i] = 0.0; for (int j = 0; j < n; j++) A[i, j] = 0.0; }
            for (int k = 0; k < n; k++)
            {
                double g = 1.0 / rSeries[k];
                A[k, k] += g + 1.0 / rShunt[k];
                if (k == 0) B[0] += g * vin; else { A[k, k - 1] -= g; A[k - 1, k] -= g; A[k - 1, k - 1] += g; }
            }
            double vd = Math.Min(X[n - 1], 0.9);
            double gd = isat / vt * Math.Exp(vd / vt);
            A[n - 1, n - 1] += gd;
            B[n - 1] -= isat * (Math.Exp(vd / vt) - 1.0) - gd * vd;

            for (int col = 0; col < n; col++)
            {
                for (int row = col + 1; row < n; row++)
                {
                    double f = A[row, col] / A[col, col];
                    for (int k = col; k < n; k++) A[row, k] -= f * A[col, k];
                    B[row] -= f * B[col];
                }
            }
            double change = 0.0;
            for (int row = n - 1; row >= 0; row--)
            {
                double s = B[row];
                for (int k = row + 1; k < n; k++) s -= A[row, k] * X[k];
                double next = s / A[row, row];
                change = Math.Max(change, Math.Abs(next - X[row]));
                X[row] = next;
            }
            if (change < 1e-10) break;
        }
        return X[n - 1];
    }
}
