using System.Diagnostics;

namespace ElevationTileGenerator;

internal static class Program
{
    private static void Main(string[] args)
    {
        int zoom = args.Length > 0 ? int.Parse(args[0]) : 3;
        var dem = DigitalElevationModel.Synthetic(width: 1024, height: 1024, seed: 42);
        var tiles = TileGrid.ForZoom(zoom, dem).ToList();
        var renderer = new TileRenderer(dem, ColorRamp.Terrain);

        var sw = Stopwatch.StartNew();
        Parallel.ForEach(tiles, tile => renderer.Render(tile));
        sw.Stop();

        long checksum = tiles.Sum(t => t.Pixels!.Sum(p => (long)(p & 0xFF)));
        Console.WriteLine($"zoom {zoom}: {tiles.Count} tiles of {TileGrid.TileSize}px rendered in {sw.ElapsedMilliseconds} ms (checksum {checksum})");
    }
}
