using System.Diagnostics;

namespace SparseSolverBench;

internal static class Program
{
    private static void Main(string[] args)
    {
        int gridSide = args.Length > 0 ? int.Parse(args[0]) : 60;
        var matrix = CsrMatrix.Poisson2D(gridSide);
        var op = new CountingOperator(matrix);
        var rhs = Enumerable.Range(0, matrix.Rows).Select(i => Math.Sin(i * 0.01) + 1).ToArray();

        var results = new Dictionary<string, SolveResult>();
        var resultsLock = new object();
        void Record(string name, SolveResult r)
        {
            lock (resultsLock)
            {
                results[name] = r;
            }
        }

        var sw = Stopwatch.StartNew();
        Parallel.Invoke(
            () => Record("cg", Solvers.ConjugateGradient(op, rhs, tol: 1e-8, maxIter: 400)),
            () => Record("jacobi-pcg", Solvers.PreconditionedCg(op, matrix, rhs, tol: 1e-8, maxIter: 400)),
            () => Record("steepest", Solvers.SteepestDescent(op, rhs, tol: 1e-6, maxIter: 400)));
        sw.Stop();

        foreach (var (name, r) in results.OrderBy(kv => kv.Key))
            Console.WriteLine($"{name,-11} iterations {r.Iterations,4}  residual {r.Residual:E2}");
        Console.WriteLine($"{op.Applications} mat-vecs, {sw.ElapsedMilliseconds} ms");
    }
}
