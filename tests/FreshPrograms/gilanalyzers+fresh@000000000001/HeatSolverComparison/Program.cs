using System.Diagnostics;

namespace HeatSolverComparison;

/// <summary>
/// Steady-state heat on a square plate (hot top edge, cold elsewhere). Runs three iterative solvers
/// side by side to compare how many sweeps each needs to converge.
/// </summary>
public static class Program
{
    private const int N = 96;
    private const double Tolerance = 1e-4;

    private static readonly object SolverGate = new();

    public static void Main()
    {
        var sw = Stopwatch.StartNew();
        int jacobi = 0, gaussSeidel = 0, sor = 0;

        Parallel.Invoke(
            () =>
            {
                lock (SolverGate)
                {
                    jacobi = Solve(omega: 0, inPlace: false);
                }
            },
            () =>
            {
                lock (SolverGate)
                {
                    gaussSeidel = Solve(omega: 1.0, inPlace: true);
                }
            },
            () =>
            {
                lock (SolverGate)
                {
                    sor = Solve(omega: 1.9, inPlace: true);
                }
            });

        Console.WriteLine($"Jacobi {jacobi} sweeps, Gauss-Seidel {gaussSeidel}, SOR(1.9) {sor}; {sw.ElapsedMilliseconds} ms");

        // Residual norms of the three boundary variants, for the report appendix.
        var norms = new Dictionary<string, double>();
        var normsLock = new object();
        Parallel.Invoke(
            () => { double r = BoundaryResidual(1.0); lock (normsLock) norms["hot-top"] = r; },
            () => { double r = BoundaryResidual(0.5); lock (normsLock) norms["warm-top"] = r; },
            () => { double r = BoundaryResidual(0.0); lock (normsLock) norms["cold"] = r; });

        foreach (var (name, value) in norms.OrderBy(kv => kv.Key))
        {
            Console.WriteLine($"  {name}: {value:E3}");
        }
    }

    private static int Solve(double omega, bool inPlace)
    {
        var u = NewPlate(1.0);
        var next = inPlace ? u : NewPlate(1.0);
        for (int sweep = 1; sweep <= 20_000; sweep++)
        {
            double maxChange = 0;
            for (int i = 1; i < N - 1; i++)
            {
                for (int j = 1; j < N - 1; j++)
                {
                    double avg = 0.25 * (u[i - 1, j] + u[i + 1, j] + u[i, j - 1] + u[i, j + 1]);
                    double value = omega == 0 ? avg : u[i, j] + omega * (avg - u[i, j]);
                    maxChange = Math.Max(maxChange, Math.Abs(value - u[i, j]));
                    next[i, j] = value;
                }
            }
            if (!inPlace)
            {
                (u, next) = (next, u);
            }
            if (maxChange < Tolerance)
            {
                return sweep;
            }
        }
        return -1;
    }

    private static double BoundaryResidual(double topTemperature)
    {
        var u = NewPlate(topTemperature);
        double sum = 0;
        for (int i = 1; i < N - 1; i++)
            for (int j = 1; j < N - 1; j++)
                sum += Math.Pow(u[i - 1, j] + u[i + 1, j] + u[i, j - 1] + u[i, j + 1] - 4 * u[i, j], 2);
        return Math.Sqrt(sum);
    }

    private static double[,] NewPlate(double top)
    {
        var plate = new double[N, N];
        for (int j = 0; j < N; j++) plate[0, j] = top;
        return plate;
    }
}
