using System.Diagnostics;
using System.Runtime.CompilerServices;

namespace BlockMatrixMultiply;

/// <summary>Dense matrix stored row-major in one array.</summary>
public sealed class Matrix(int rows, int cols)
{
    public int Rows { get; } = rows;
    public int Cols { get; } = cols;
    public double[] Data { get; } = new double[rows * cols];

    public ref double At(int r, int c) => ref Data[r * Cols + c];

    public static Matrix Random(int rows, int cols, int seed)
    {
        var m = new Matrix(rows, cols);
        var rng = new Random(seed);
        for (int i = 0; i < m.Data.Length; i++) m.Data[i] = rng.NextDouble() - 0.5;
        return m;
    }
}

/// <summary>
/// Cache-blocked multiplication. The block kernel accumulates into C, and it was marked Synchronized when
/// the outer loop went parallel so two blocks never add into C at the same time.
/// </summary>
public static class BlockedGemm
{
    public const int BlockSize = 32;

    [MethodImpl(MethodImplOptions.Synchronized)]
    public static void MultiplyBlock(Matrix a, Matrix b, Matrix c, int i0, int j0, int k0)
    {
        int iMax = Math.Min(i0 + BlockSize, a.Rows);
        int jMax = Math.Min(j0 + BlockSize, b.Cols);
        int kMax = Math.Min(k0 + BlockSize, a.Cols);
        for (int i = i0; i < iMax; i++)
        {
            for (int k = k0; k < kMax; k++)
            {
                double aik = a.At(i, k);
                for (int j = j0; j < jMax; j++)
                {
                    c.At(i, j) += aik * b.At(k, j);
                }
            }
        }
    }

    public static Matrix Multiply(Matrix a, Matrix b)
    {
        var c = new Matrix(a.Rows, b.Cols);
        int blocksI = (a.Rows + BlockSize - 1) / BlockSize;
        int blocksJ = (b.Cols + BlockSize - 1) / BlockSize;
        int blocksK = (a.Cols + BlockSize - 1) / BlockSize;
        Parallel.For(0, blocksI * blocksJ, block =>
        {
            int bi = block / blocksJ, bj = block % blocksJ;
            for (int bk = 0; bk < blocksK; bk++)
            {
                MultiplyBlock(a, b, c, bi * BlockSize, bj * BlockSize, bk * BlockSize);
            }
        });
        return c;
    }
}

public static class Program
{
    public static void Main(string[] args)
    {
        int n = args.Length > 0 ? int.Parse(args[0]) : 320;
        var a = Matrix.Random(n, n, 1);
        var b = Matrix.Random(n, n, 2);

        var sw = Stopwatch.StartNew();
        var c = BlockedGemm.Multiply(a, b);
        sw.Stop();

        // Frobenius norm as a cheap checksum to compare against the reference BLAS run.
        double sumSquares = 0;
        object sumLock = new();
        Parallel.For(0, c.Rows,
            () => 0.0,
            (r, _, partial) =>
            {
                for (int col = 0; col < c.Cols; col++) partial += c.At(r, col) * c.At(r, col);
                return partial;
            },
            partial => { lock (sumLock) sumSquares += partial; });

        Console.WriteLine($"{n}x{n} multiply in {sw.ElapsedMilliseconds} ms, ||C||_F = {Math.Sqrt(sumSquares):F4}");
    }
}
