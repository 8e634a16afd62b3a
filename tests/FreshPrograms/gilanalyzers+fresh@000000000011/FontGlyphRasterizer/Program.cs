using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;

namespace FontGlyphRasterizer;

public sealed record Glyph(char Code, (double X, double Y)[][] Contours);

public sealed record Bitmap(int Width, int Height, byte[] Pixels);

public sealed class Rasterizer
{
    private const int SubSamples = 16;
    private readonly Lock _gate = new();
    private float[] _coverage = new float[128 * 128];
    private readonly List<double> _crossings = new();

    public Bitmap Render(Glyph glyph, int px)
    {
        using (_gate.EnterScope())
        {
            if (_coverage.Length < px * px) _coverage = new float[px * px];
            Array.Clear(_coverage, 0, px * px);
            var edges = new List<(double X0, double Y0, double X1, double Y1)>();
            foreach (var contour in glyph.Contours) // points alternate on-curve / control; 12 segments per quadratic
            {
                for (int i = 0; i < contour.Length; i += 2)
                {
                    var (p0, c, p1) = (contour[i], contour[(i + 1) % contour.Length], contour[(i + 2) % contour.Length]);
                    double lx = p0.X * px, ly = p0.Y * px;
                    for (int s = 1; s <= 12; s++)
                    {
                        double t = s / 12.0, u = 1 - t;
                        double x = (u * u * p0.X + 2 * u * t * c.X + t * t * p1.X) * px;
                        double y = (u * u * p0.Y + 2 * u * t * c.Y + t * t * p1.Y) * px;
                        edges.Add((lx, ly, x, y));
                        lx = x; ly = y;
                    }
                }
            }
            for (int row = 0; row < px; row++)
            {
                for (int sub = 0; sub < SubSamples; sub++)
                {
                    double y = row + (sub + 0.5) / SubSamples;
                    _crossings.Clear();
                    foreach (var e in edges)
                        if ((e.Y0 <= y) != (e.Y1 <= y))
                            _crossings.Add(e.X0 + (y - e.Y0) * (e.X1 - e.X0) / (e.Y1 - e.Y0));
                    _crossings.Sort();
                    for (int k = 0; k + 1 < _crossings.Count; k += 2)
                    {
                        double a = Math.Clamp(_crossings[k], 0, px), b = Math.Clamp(_crossings[k + 1], 0, px);
                        for (int col = (int)a; col < Math.Min(px, (int)Math.Ceiling(b)); col++)
                        {
                            double span = Math.Min(b, col + 1) - Math.Max(a, col);
                            if (span > 0) _coverage[row * px + col] += (float)(span / SubSamples);
                        }
                    }
                }
            }
            var pixels = new byte[px * px];
            for (int i = 0; i < pixels.Length; i++) pixels[i] = (byte)Math.Round(Math.Clamp(_coverage[i], 0f, 1f) * 255);
            return new Bitmap(px, px, pixels);
        }
    }
}

public sealed class GlyphCache(Rasterizer rasterizer)
{
    private readonly Dictionary<(char, int), Bitmap> _cache = new();

    public Bitmap Get(Glyph glyph, int px)
    {
        lock (_cache)
            if (_cache.TryGetValue((glyph.Code, px), out var hit)) return hit;
        var bitmap = rasterizer.Render(glyph, px);
        lock (_cache) _cache[(glyph.Code, px)] = bitmap;
        return bitmap;
    }
}

public static class Program
{
    public static void Main()
    {
        var glyphs = Enumerable.Range(33, 94).Select(c => MakeGlyph((char)c)).ToArray();
        var cache = new GlyphCache(new Rasterizer());

        var requests = (from size in new[] { 24, 48, 96 } from g in glyphs select (g, size)).ToList();
        long ink = 0;
        Parallel.ForEach(requests, r =>
        {
            var bmp = cache.Get(r.g, r.size);
            Interlocked.Add(ref ink, bmp.Pixels.Sum(p => (long)p));
        });

        // Kerning: horizontal gap between the right profile of one glyph and the left profile of the next.
        var atlas = glyphs.Select(g => cache.Get(g, 48)).ToArray();
        var kern = new int[glyphs.Length, glyphs.Length];
        int chunks = Environment.ProcessorCount * 2;
        var tasks = new Task[chunks];
        for (int k = 0; k < chunks; k++)
        {
            int chunk = k;
            tasks[k] = Task.Factory.StartNew(() =>
            {
                for (int left = chunk; left < atlas.Length; left += chunks)
                    for (int right = 0; right < atlas.Length; right++)
                        kern[left, right] = MinGap(atlas[left], atlas[right]);
            }, TaskCreationOptions.LongRunning);
        }
        Task.WaitAll(tasks);

        Console.WriteLine($"rendered {requests.Count} bitmaps, total ink {ink}");
        Console.WriteLine($"kern A-V {kern['A' - 33, 'V' - 33]}, T-o {kern['T' - 33, 'o' - 33]}, mean gap {kern.Cast<int>().Average():F2} px");
    }

    private static int MinGap(Bitmap left, Bitmap right)
    {
        int w = left.Width, best = int.MaxValue; // widths are equal (same em size)
        for (int y = 0; y < left.Height; y++)
        {
            int lEdge = -1, rEdge = w;
            for (int x = 0; x < w; x++) if (left.Pixels[y * w + x] > 127) lEdge = x;
            for (int x = w - 1; x >= 0; x--) if (right.Pixels[y * w + x] > 127) rEdge = x;
            if (lEdge >= 0 && rEdge < w) best = Math.Min(best, (w - 1 - lEdge) + rEdge);
        }
        return best == int.MaxValue ? w : best;
    }

    private static Glyph MakeGlyph(char code)
    {
        var rng = new Random(code);
        var list = new (double, double)[1 + code % 3][];
        for (int c = 0; c < list.Length; c++)
        {
            int n = 2 * (4 + rng.Next(6));
            double cx = 0.3 + 0.4 * rng.NextDouble(), cy = 0.3 + 0.4 * rng.NextDouble(), r = 0.12 + 0.18 * rng.NextDouble();
            list[c] = Enumerable.Range(0, n).Select(i =>
            {
                double a = 2 * Math.PI * i / n, rr = r * (i % 2 == 1 ? 1.25 : 0.9 + 0.2 * rng.NextDouble());
                return (cx + rr * Math.Cos(a), cy + rr * Math.Sin(a));
            }).ToArray();
        }
        return new Glyph(code, list);
    }
}
