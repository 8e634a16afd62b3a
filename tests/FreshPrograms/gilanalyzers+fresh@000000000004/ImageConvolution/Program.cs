using System.Diagnostics;

namespace ImageConvolution;

sealed class GrayImage
{
    public GrayImage(int width, int height) { Width = width; Height = height; Pixels = new float[width * height]; }
    public int Width { get; }
    public int Height { get; }
    public float[] Pixels { get; }
    public float this[int x, int y]
    {
        get => Pixels[Math.Clamp(y, 0, Height - 1) * Width + Math.Clamp(x, 0, Width - 1)];
        set => Pixels[y * Width + x] = value;
    }
}

static class Filters
{
    public static GrayImage Sobel(GrayImage src)
    {
        var dst = new GrayImage(src.Width, src.Height);
        int mid = src.Height / 2;
        var top = new Thread(() => SobelRows(src, dst, 0, mid));
        var bottom = new Thread(() => SobelRows(src, dst, mid, src.Height));
        top.Start();
        bottom.Start();
        top.Join();
        bottom.Join();
        return dst;
    }

    static void SobelRows(GrayImage s, GrayImage d, int y0, int y1)
    {
        for (int y = y0; y < y1; y++)
            for (int x = 0; x < s.Width; x++)
            {
                float gx = -s[x - 1, y - 1] - 2 * s[x - 1, y] - s[x - 1, y + 1] + s[x + 1, y - 1] + 2 * s[x + 1, y] + s[x + 1, y + 1];
                float gy = -s[x - 1, y - 1] - 2 * s[x, y - 1] - s[x + 1, y - 1] + s[x - 1, y + 1] + 2 * s[x, y + 1] + s[x + 1, y + 1];
                d[x, y] = MathF.Sqrt(gx * gx + gy * gy);
            }
    }

    // Gaussian blur on 64x64 tiles; tiles write into a shared accumulation buffer with overlap,
    // so neighbouring tiles are serialised through a small set of stripe locks.
    public static GrayImage TiledBlur(GrayImage src, int radius)
    {
        const int tile = 64;
        var acc = new GrayImage(src.Width, src.Height);
        var stripes = new[] { new object(), new object() };
        int tilesX = (src.Width + tile - 1) / tile, tilesY = (src.Height + tile - 1) / tile;
        var kernel = Enumerable.Range(-radius, 2 * radius + 1).Select(k => MathF.Exp(-k * k / (2f * radius * radius / 4))).ToArray();
        float norm = kernel.Sum() * kernel.Sum();
        Parallel.For(0, tilesX * tilesY, t =>
        {
            int tx = t % tilesX, ty = t / tilesX;
            lock (stripes[(tx + ty) % stripes.Length])
            {
                for (int y = ty * tile; y < Math.Min(src.Height, (ty + 1) * tile); y++)
                    for (int x = tx * tile; x < Math.Min(src.Width, (tx + 1) * tile); x++)
                    {
                        float sum = 0;
                        for (int j = -radius; j <= radius; j++)
                            for (int i = -radius; i <= radius; i++)
                                sum += kernel[i + radius] * kernel[j + radius] * src[x + i, y + j];
                        acc[x, y] = sum / norm;
                    }
            }
        });
        return acc;
    }

    public static int[] Histogram(GrayImage img)
    {
        var total = new int[256];
        Parallel.For(0, img.Height, y =>
        {
            var row = new int[256];
            for (int x = 0; x < img.Width; x++) row[(int)Math.Clamp(img[x, y], 0, 255)]++;
            lock (total)
            {
                for (int b = 0; b < 256; b++) total[b] += row[b];
            }
        });
        return total;
    }
}

static class Program
{
    static void Main()
    {
        var img = new GrayImage(1024, 768);
        for (int y = 0; y < img.Height; y++)
            for (int x = 0; x < img.Width; x++)
                img[x, y] = 128 + 100 * MathF.Sin(x * 0.05f) * MathF.Cos(y * 0.03f) + ((x / 128 + y / 96) % 2 == 0 ? 20 : -20);

        var sw = Stopwatch.StartNew();
        var edges = Filters.Sobel(img);
        var blurred = Filters.TiledBlur(img, 4);
        var hist = Filters.Histogram(blurred);
        Console.WriteLine($"sobel max {edges.Pixels.Max():F1}, blur mean {blurred.Pixels.Average():F2}, {sw.ElapsedMilliseconds} ms");
        Console.WriteLine($"histogram mode: {Array.IndexOf(hist, hist.Max())}");
    }
}
