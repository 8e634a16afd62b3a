namespace SparseSolverBench;

public sealed class CsrMatrix
{
    public int Rows { get; }
    public int[] RowPtr { get; }
    public int[] Cols { get; }
    public double[] Values { get; }

    private CsrMatrix(int rows, int[] rowPtr, int[] cols, double[] values)
    {
        Rows = rows; RowPtr = rowPtr; Cols = cols; Values = values;
    }

    /// <summary>Five-point Laplacian on an n-by-n grid with Dirichlet boundaries.</summary>
    public static CsrMatrix Poisson2D(int n)
    {
        var rowPtr = new List<int> { 0 };
        var cols = new List<int>();
        var vals = new List<double>();
        for (int y = 0; y < n; y++)
            for (int x = 0; x < n; x++)
            {
                int i = y * n + x;
                void Add(int c, double v) { cols.Add(c); vals.Add(v); }
                if (y > 0) Add(i - n, -1);
                if (x > 0) Add(i - 1, -1);
                Add(i, 4);
                if (x < n - 1) Add(i + 1, -1);
                if (y < n - 1) Add(i + n, -1);
                rowPtr.Add(cols.Count);
            }
        return new CsrMatrix(n * n, rowPtr.ToArray(), cols.ToArray(), vals.ToArray());
    }

    public double Diagonal(int row)
    {
        for (int k = RowPtr[row]; k < RowPtr[row + 1]; k++) if (Cols[k] == row) return Values[k];
        return 1;
    }
}

/// <summary>The operator handed to the solvers; counts applications for the benchmark report.</summary>
public sealed class CountingOperator(CsrMatrix a)
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private long _applications;

    public int Size => a.Rows;
    public long Applications => _applications;

    public void Apply(double[] x, double[] y)
    {
        _gate.Wait();
        try
        {
            for (int row = 0; row < a.Rows; row++)
            {
                double sum = 0;
                for (int k = a.RowPtr[row]; k < a.RowPtr[row + 1]; k++)
                {
                    sum += a.Values[k] * x[a.Cols[k]];
                }
                y[row] = sum;
            }
            _applications++;
        }
        finally
        {
            _gate.Release();
        }
    }
}
