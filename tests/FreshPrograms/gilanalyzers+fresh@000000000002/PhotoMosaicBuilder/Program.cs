using System.Diagnostics;

namespace PhotoMosaicBuilder;

internal static class Program
{
    private static void Main(string[] args)
    {
        int cellsPerSide = args.Length > 0 ? int.Parse(args[0]) : 40;
        var library = TileLibrary.Generate(count: 300, tileSize: 12, seed: 10);
        var target = RgbImage.Gradient(cellsPerSide * 12, cellsPerSide * 12);

        var composer = new MosaicComposer(library, cellSize: 12);
        var sw = Stopwatch.StartNew();
        var mosaic = composer.Compose(target);
        sw.Stop();

        Console.WriteLine($"{mosaic.Assignments.Length} cells in {sw.ElapsedMilliseconds} ms, {mosaic.DistinctTiles} distinct tiles used");
        Console.WriteLine("worst matches:");
        foreach (var (cell, error) in composer.WorstMatches) Console.WriteLine($"  cell {cell}: error {error:F0}");
    }
}
