using System.Numerics;

namespace NewtonFractal;

public readonly record struct Rgb(byte R, byte G, byte B)
{
    public int Luma => (R * 299 + G * 587 + B * 114) / 1000;
}

public class Image
{
    private readonly Rgb[] _data;
    public int Width { get; }
    public int Height { get; }

    public Image(int width, int height)
    {
        Width = width;
        Height = height;
        _data = new Rgb[width * height];
    }

    public Rgb this[int x, int y]
    {
        get => _data[y * Width + x];
        set => _data[y * Width + x] = value;
    }

    public long Checksum()
    {
        long sum = 0;
        for (int i = 0; i < _data.Length; i++) sum = sum * 31 + _data[i].R + _data[i].G * 7 + _data[i].B * 13;
        return sum;
    }
}

public class NewtonRenderer
{
    private static readonly Complex[] Roots = { new(1, 0), new(-0.5, Math.Sqrt(3) / 2), new(-0.5, -Math.Sqrt(3) / 2) };
    private static readonly Rgb[] Palette = { new(220, 60, 60), new(60, 200, 90), new(70, 90, 230) };
    private readonly int _maxIterations;

    public NewtonRenderer(int maxIterations) => _maxIterations = maxIterations;

    public Rgb Shade(Complex z)
    {
        for (int it = 0; it < _maxIterations; it++)
        {
            Complex z2 = z * z;
            z -= (z2 * z - 1) / (3 * z2);
            for (int r = 0; r < Roots.Length; r++)
            {
                if ((z - Roots[r]).Magnitude < 1e-6)
                {
                    double fade = 1.0 - (double)it / _maxIterations;
                    var c = Palette[r];
                    return new Rgb((byte)(c.R * fade), (byte)(c.G * fade), (byte)(c.B * fade));
                }
            }
        }
        return new Rgb(0, 0, 0);
    }
}

public class Program
{
    public static void Main()
    {
        var renderer = new NewtonRenderer(maxIterations: 60);
        var overview = new Image(640, 480);
        Parallel.For(0, overview.Height, y =>
        {
            for (int x = 0; x < overview.Width; x++)
            {
                var z = new Complex((x - overview.Width / 2.0) / 160.0, (y - overview.Height / 2.0) / 160.0);
                overview[x, y] = renderer.Shade(z);
            }
        });

        var detail = new Image(400, 300);
        const int samples = 3;
        using var imageMutex = new Mutex();
        Parallel.For(0, detail.Height, y =>
        {
            imageMutex.WaitOne();
            try
            {
                for (int x = 0; x < detail.Width; x++)
                {
                    int r = 0, g = 0, b = 0;
                    for (int sy = 0; sy < samples; sy++)
                        for (int sx = 0; sx < samples; sx++)
                        {
                            var z = new Complex(-0.2 + (x + sx / (double)samples) / 2000.0, 0.1 + (y + sy / (double)samples) / 2000.0);
                            var c = renderer.Shade(z);
                            r += c.R; g += c.G; b += c.B;
                        }
                    int n = samples * samples;
                    detail[x, y] = new Rgb((byte)(r / n), (byte)(g / n), (byte)(b / n));
                }
            }
            finally
            {
                imageMutex.ReleaseMutex();
            }
        });

        var lumaHistogram = new int[16];
        Parallel.For(0, overview.Height, y =>
        {
            var rowCounts = new int[16];
            for (int x = 0; x < overview.Width; x++) rowCounts[overview[x, y].Luma / 16]++;
            lock (lumaHistogram)
            {
                for (int b = 0; b < rowCounts.Length; b++) lumaHistogram[b] += rowCounts[b];
            }
        });

        Console.WriteLine($"overview checksum {overview.Checksum()}");
        Console.WriteLine($"detail checksum   {detail.Checksum()}");
        Console.WriteLine("luma histogram: " + string.Join(" ", lumaHistogram));
    }
}
