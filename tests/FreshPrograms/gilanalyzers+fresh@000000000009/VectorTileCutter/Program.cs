using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;

namespace VectorTileCutter;

public readonly record struct Pt(double X, double Y);

public sealed class Tile
{
    public int Z, X, Y;
    public List<Pt[]> Lines = new();
}

public static class TileClipper
{
    private static long s_pointsOut;

    public static long PointsOut => Interlocked.Read(ref s_pointsOut);

    // Clip every line to the tile's box (Liang-Barsky per segment), then simplify with Douglas-Peucker.
    public static void Cut(Tile tile, IReadOnlyList<Pt[]> lines, double size)
    {
        lock (typeof(TileClipper))
        {
            double x0 = tile.X * size, y0 = tile.Y * size, x1 = x0 + size, y1 = y0 + size;
            foreach (var line in lines)
            {
                var kept = new List<Pt>();
                for (int i = 0; i + 1 < line.Length; i++)
                {
                    Pt a = line[i], b = line[i + 1];
                    double t0 = 0, t1 = 1, dx = b.X - a.X, dy = b.Y - a.Y;
                    bool inside = Clip(-dx, a.X - x0, ref t0, ref t1) && Clip(dx, x1 - a.X, ref t0, ref t1)
                               && Clip(-dy, a.Y - y0, ref t0, ref t1) && Clip(dy, y1 - a.Y, ref t0, ref t1);
                    if (!inside) continue;
                    kept.Add(new Pt(a.X + t0 * dx, a.Y + t0 * dy));
                    kept.Add(new Pt(a.X + t1 * dx, a.Y + t1 * dy));
                }
                if (kept.Count < 2) continue;
                var simplified = Simplify(kept, 0, kept.Count - 1, size / 4096);
                tile.Lines.Add(simplified.ToArray());
                s_pointsOut += simplified.Count;
            }
        }
    }

    private static bool Clip(double p, double q, ref double t0, ref double t1)
    {
        if (p == 0) return q >= 0;
        double r = q / p;
        if (p < 0) { if (r > t1) return false; if (r > t0) t0 = r; }
        else { if (r < t0) return false; if (r < t1) t1 = r; }
        return true;
    }

    private static List<Pt> Simplify(List<Pt> pts, int first, int last, double tolerance)
    {
        double maxDist = 0; int index = first;
        Pt a = pts[first], b = pts[last];
        double len = Math.Sqrt((b.X - a.X) * (b.X - a.X) + (b.Y - a.Y) * (b.Y - a.Y)) + 1e-12;
        for (int i = first + 1; i < last; i++)
        {
            double d = Math.Abs((b.X - a.X) * (a.Y - pts[i].Y) - (a.X - pts[i].X) * (b.Y - a.Y)) / len;
            if (d > maxDist) { maxDist = d; index = i; }
        }
        if (maxDist <= tolerance) return new List<Pt> { a, b };
        var left = Simplify(pts, first, index, tolerance);
        left.RemoveAt(left.Count - 1);
        left.AddRange(Simplify(pts, index, last, tolerance));
        return left;
    }
}

public static class Program
{
    public static void Main()
    {
        var rng = new Random(3);
        var roads = Enumerable.Range(0, 300).Select(_ =>
        {
            double x = rng.NextDouble(), y = rng.NextDouble(), heading = rng.NextDouble() * Math.PI * 2;
            return Enumerable.Range(0, 400).Select(_ => { heading += (rng.NextDouble() - 0.5) * 0.3; x += Math.Cos(heading) * 0.002; y += Math.Sin(heading) * 0.002; return new Pt(x, y); }).ToArray();
        }).ToList();

        int tilesDone = 0;
        var heartbeat = new Thread(() =>
        {
            while (true) { Thread.Sleep(250); Console.Error.WriteLine($"  ... {Volatile.Read(ref tilesDone)} tiles"); }
        }) { IsBackground = true, Name = "heartbeat" };
        heartbeat.Start();

        var tilesByZoom = new List<Tile>[5];
        var workers = new List<Thread>();
        for (int z = 2; z <= 6; z++)
        {
            int zoom = z;
            var worker = new Thread(() =>
            {
                int n = 1 << zoom;
                var tiles = new List<Tile>();
                for (int ty = 0; ty < n; ty++)
                    for (int tx = 0; tx < n; tx++)
                    {
                        var tile = new Tile { Z = zoom, X = tx, Y = ty };
                        TileClipper.Cut(tile, roads, 1.0 / n);
                        tiles.Add(tile);
                        Interlocked.Increment(ref tilesDone);
                    }
                tilesByZoom[zoom - 2] = tiles;
            });
            workers.Add(worker);
            worker.Start();
        }
        foreach (var worker in workers) worker.Join();

        foreach (var tiles in tilesByZoom)
            Console.WriteLine($"z{tiles[0].Z}: {tiles.Count} tiles, {tiles.Count(t => t.Lines.Count > 0)} non-empty, {tiles.Sum(t => t.Lines.Count)} line parts");
        Console.WriteLine($"points written: {TileClipper.PointsOut}");
    }
}
