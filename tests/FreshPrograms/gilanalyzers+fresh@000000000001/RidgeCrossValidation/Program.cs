using System.Diagnostics;

namespace RidgeCrossValidation;

public sealed record FoldResult(int Fold, double Lambda, double Rmse);

/// <summary>
/// Picks the ridge penalty for the house-price model by k-fold cross-validation. Each fold fits the model
/// for every candidate lambda by solving the normal equations.
/// </summary>
public sealed class CrossValidator
{
    private readonly double[][] _x;
    private readonly double[] _y;
    private readonly List<FoldResult> _results = new();

    public CrossValidator(double[][] x, double[] y)
    {
        _x = x;
        _y = y;
    }

    public IReadOnlyList<FoldResult> Run(int folds, double[] lambdas)
    {
        var tasks = new List<Task>();
        for (int f = 0; f < folds; f++)
        {
            int fold = f;
            tasks.Add(Task.Factory.StartNew(() =>
            {
                foreach (double lambda in lambdas)
                {
                    var trainIdx = Enumerable.Range(0, _y.Length).Where(i => i % folds != fold).ToArray();
                    var testIdx = Enumerable.Range(0, _y.Length).Where(i => i % folds == fold).ToArray();
                    double[] w = Fit(trainIdx, lambda);
                    double sq = 0;
                    foreach (int i in testIdx)
                    {
                        double err = Predict(w, _x[i]) - _y[i];
                        sq += err * err;
                    }
                    Report(new FoldResult(fold, lambda, Math.Sqrt(sq / testIdx.Length)));
                }
            }, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default));
        }
        Task.WaitAll(tasks.ToArray());
        return _results;
    }

    private void Report(FoldResult result)
    {
        lock (_results)
        {
            _results.Add(result);
        }
    }

    private double[] Fit(int[] rows, double lambda)
    {
        int p = _x[0].Length;
        var a = new double[p, p + 1];
        foreach (int r in rows)
        {
            for (int i = 0; i < p; i++)
            {
                for (int j = 0; j < p; j++) a[i, j] += _x[r][i] * _x[r][j];
                a[i, p] += _x[r][i] * _y[r];
            }
        }
        for (int i = 0; i < p; i++) a[i, i] += lambda;

        // Gaussian elimination with partial pivoting
        for (int col = 0; col < p; col++)
        {
            int pivot = col;
            for (int r = col + 1; r < p; r++) if (Math.Abs(a[r, col]) > Math.Abs(a[pivot, col])) pivot = r;
            for (int c = 0; c <= p; c++) (a[col, c], a[pivot, c]) = (a[pivot, c], a[col, c]);
            for (int r = 0; r < p; r++)
            {
                if (r == col) continue;
                double factor = a[r, col] / a[col, col];
                for (int c = col; c <= p; c++) a[r, c] -= factor * a[col, c];
            }
        }
        var w = new double[p];
        for (int i = 0; i < p; i++) w[i] = a[i, p] / a[i, i];
        return w;
    }

    private static double Predict(double[] w, double[] row)
    {
        double s = 0;
        for (int i = 0; i < w.Length; i++) s += w[i] * row[i];
        return s;
    }
}

public static class Program
{
    public static void Main(string[] args)
    {
        int n = args.Length > 0 ? int.Parse(args[0]) : 6000;
        const int Features = 40;
        var rng = new Random(10);
        var truth = Enumerable.Range(0, Features).Select(i => i % 5 == 0 ? rng.NextDouble() * 3 : 0).ToArray();
        var x = new double[n][];
        var y = new double[n];
        for (int r = 0; r < n; r++)
        {
            x[r] = Enumerable.Range(0, Features).Select(_ => rng.NextDouble() * 2 - 1).ToArray();
            y[r] = x[r].Zip(truth, (a, b) => a * b).Sum() + rng.NextDouble() * 0.5;
        }

        double[] lambdas = [0.01, 0.1, 1, 10, 100];
        var sw = Stopwatch.StartNew();
        var results = new CrossValidator(x, y).Run(folds: 5, lambdas);
        foreach (var g in results.GroupBy(r => r.Lambda).OrderBy(g => g.Key))
        {
            Console.WriteLine($"lambda {g.Key,7}: mean RMSE {g.Average(r => r.Rmse):F4}");
        }
        Console.WriteLine($"{results.Count} fits in {sw.ElapsedMilliseconds} ms");
    }
}
