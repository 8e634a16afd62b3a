using System.Collections.Concurrent;
using System.Diagnostics;

namespace TileRenderFarm;

public sealed record Tile(int Zoom, int X, int Y, byte[] Pixels);

public sealed class HillshadeRenderer
{
    private const int TileSize = 256;
    private readonly Func<double, double, double> _elevation;

    public HillshadeRenderer(Func<double, double, double> elevation) => _elevation = elevation;

    public Tile Render(int zoom, int tx, int ty)
    {
        var pixels = new byte[TileSize * TileSize];
        double scale = 1.0 / (1 << zoom) / TileSize;
        for (int py = 0; py < TileSize; py++)
        for (int px = 0; px < TileSize; px++)
        {
            double x = (tx * TileSize + px) * scale, y = (ty * TileSize + py) * scale;
            double dzdx = (_elevation(x + scale, y) - _elevation(x - scale, y)) / (2 * scale);
            double dzdy = (_elevation(x, y + scale) - _elevation(x, y - scale)) / (2 * scale);
            double slope = Math.Atan(0.002 * Math.Sqrt(dzdx * dzdx + dzdy * dzdy));
            double aspect = Math.Atan2(dzdy, -dzdx);
            double shade = Math.Cos(0.785) * Math.Cos(slope) + Math.Sin(0.785) * Math.Sin(slope) * Math.Cos(2.356 - aspect);
            pixels[py * TileSize + px] = (byte)Math.Clamp(shade * 255, 0, 255);
        }
        return new Tile(zoom, tx, ty, pixels);
    }
}

public static class Program
{
    static double Terrain(double x, double y) =>
        800 * Math.Sin(x * 9.1) * Math.Cos(y * 7.3) + 300 * Math.Sin(x * 31 + y * 17) + 60 * Math.Cos(x * 97 - y * 83);

    public static void Main()
    {
        var renderer = new HillshadeRenderer(Terrain);
        var outDir = Directory.CreateTempSubdirectory("tiles").FullName;
        var sw = Stopwatch.StartNew();

        var writeQueue = new BlockingCollection<Tile>(boundedCapacity: 32);
        long bytesWritten = 0;
        var writer = new Thread(() =>
        {
            foreach (var tile in writeQueue.GetConsumingEnumerable())
            {
                var path = Path.Combine(outDir, $"{tile.Zoom}_{tile.X}_{tile.Y}.raw");
                File.WriteAllBytes(path, tile.Pixels);
                bytesWritten += tile.Pixels.Length;
            }
        }) { IsBackground = true, Name = "tile-writer" };
        writer.Start();

        // zoom 3: 64 tiles, rendered in 4 chunks of rows
        const int zoom = 3, side = 1 << zoom;
        int chunks = 4;
        var tasks = new Task[chunks];
        for (int c = 0; c < chunks; c++)
        {
            int firstRow = c * side / chunks, lastRow = (c + 1) * side / chunks;
            tasks[c] = new Task(() =>
            {
                for (int ty = firstRow; ty < lastRow; ty++)
                    for (int tx = 0; tx < side; tx++)
                        writeQueue.Add(renderer.Render(zoom, tx, ty));
            });
            tasks[c].Start();
        }
        Task.WaitAll(tasks);
        writeQueue.CompleteAdding();
        writer.Join();
        Console.WriteLine($"zoom {zoom}: {side * side} tiles, {bytesWritten / 1024} KiB in {sw.ElapsedMilliseconds} ms");

        // overview tiles at zoom 1, done with the thread pool directly
        var overview = Enumerable.Range(0, 4)
            .Select(i => Task.Run(() => renderer.Render(1, i % 2, i / 2)))
            .ToArray();
        var overviewTiles = Task.WhenAll(overview).GetAwaiter().GetResult();
        foreach (var t in overviewTiles)
            Console.WriteLine($"  overview {t.X},{t.Y}: mean shade {t.Pixels.Average(b => b):F1}");
        Directory.Delete(outDir, true);
    }
}
