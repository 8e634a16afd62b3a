using System;
using System.Collections.Generic;
using System.Threading.Tasks;

// GIL001: renders the Mandelbrot set row by row with Parallel.For and collects the rows into a list. Each row is
// computed inside the lock that guards the list, so only one row renders at a time. The result is a checksum over the
// rows sorted by index, independent of the order they finish in. The fix (GIL001.MoveOutOfLock) renders the row
// before the lock and keeps only the list's Add inside it.
public static class Sample
{
    /// <summary>Full size: rows (the image is twice as wide); about 2 s of single-core work.</summary>
    public const int FullSize = 1500;

    private const int MaxIterations = 500;

    private static readonly object Gate = new object();

    public static long Run() => Run(FullSize);

    public static long Run(int height)
    {
        int width = height * 2;
        var rows = new List<KeyValuePair<int, int[]>>();
        Parallel.For(0, height, y =>
        {
            lock (Gate)
            {
                var counts = new int[width];
                for (int x = 0; x < width; x++)
                {
                    counts[x] = Escape(-2.0 + 3.0 * x / width, -1.2 + 2.4 * y / height);
                }

                rows.Add(new KeyValuePair<int, int[]>(y, counts));
            }
        });

        rows.Sort((a, b) => a.Key.CompareTo(b.Key));
        long checksum = 17;
        foreach (var row in rows)
        {
            foreach (var count in row.Value)
            {
                checksum = checksum * 31 + count;
            }
        }

        return checksum;
    }

    /// <summary>Iterations until z escapes the radius-2 disc, at most MaxIterations.</summary>
    private static int Escape(double cr, double ci)
    {
        double zr = 0, zi = 0;
        int n = 0;
        while (n < MaxIterations && zr * zr + zi * zi <= 4.0)
        {
            double t = zr * zr - zi * zi + cr;
            zi = 2 * zr * zi + ci;
            zr = t;
            n++;
        }

        return n;
    }
}

public static class Program
{
    public static void Main() => Console.WriteLine($"checksum={Sample.Run()}");
}
