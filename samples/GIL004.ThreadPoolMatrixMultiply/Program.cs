using System;
using System.Globalization;
using System.Threading;

// GIL004: one ThreadPool work item per row of a matrix product, joined by a CountdownEvent.
// The fix is Parallel.For over the rows: same work, no hand-made join, exceptions propagate.
public static class Sample
{
    public const int FullSize = 1000;

    public static double Run() => Run(FullSize);

    public static double Run(int n)
    {
        var a = new double[n, n];
        var b = new double[n, n];
        var c = new double[n, n];
        for (int i = 0; i < n; i++)
        {
            for (int j = 0; j < n; j++)
            {
                a[i, j] = ((i * 31 + j * 17) % 97) / 97.0;
                b[i, j] = ((i * 13 + j * 7) % 89) / 89.0;
            }
        }

        using (var done = new CountdownEvent(n))
        {
            for (int i = 0; i < n; i++)
            {
                int row = i;
                ThreadPool.QueueUserWorkItem(_ =>
                {
                    try
                    {
                        for (int j = 0; j < n; j++)
                        {
                            double s = 0;
                            for (int k = 0; k < n; k++)
                            {
                                s += a[row, k] * b[k, j];
                            }

                            c[row, j] = s;
                        }
                    }
                    finally
                    {
                        done.Signal();
                    }
                });
            }

            done.Wait();
        }

        double checksum = 0;
        for (int i = 0; i < n; i++)
        {
            for (int j = 0; j < n; j++)
            {
                checksum += c[i, j] * ((i + j) % 5 + 1);
            }
        }

        return checksum;
    }
}

public static class Program
{
    public static void Main() => Console.WriteLine("matrix checksum: " + Sample.Run().ToString("R", CultureInfo.InvariantCulture));
}
