using System.Runtime.CompilerServices;

namespace DemoScene.Effects;

public readonly record struct Tile(int X0, int Y0, int Size);

/// <summary>
/// Old-school plasma effect. The renderer keeps a palette and a frame counter, and was made thread-safe by
/// marking the public entry points Synchronized when the tiled scheduler arrived.
/// </summary>
public sealed class PlasmaRenderer
{
    private readonly uint[] _palette = new uint[256];
    private readonly uint[] _frame;
    private readonly int _width;
    private int _tilesDrawn;

    public PlasmaRenderer(int width, int height)
    {
        _width = width;
        _frame = new uint[width * height];
        for (int i = 0; i < 256; i++)
        {
            byte r = (byte)(128 + 127 * Math.Sin(Math.PI * i / 32.0));
            byte g = (byte)(128 + 127 * Math.Sin(Math.PI * i / 64.0));
            byte b = (byte)(128 + 127 * Math.Sin(Math.PI * i / 128.0));
            _palette[i] = 0xFF000000u | (uint)(r << 16) | (uint)(g << 8) | b;
        }
    }

    public uint[] Frame => _frame;
    public int TilesDrawn => _tilesDrawn;

    [MethodImpl(MethodImplOptions.Synchronized)]
    public void RenderTile(Tile tile, double time)
    {
        for (int y = tile.Y0; y < tile.Y0 + tile.Size; y++)
        {
            for (int x = tile.X0; x < tile.X0 + tile.Size; x++)
            {
                double v = Math.Sin(x / 16.0 + time)
                         + Math.Sin((y / 8.0 + time) / 2.0)
                         + Math.Sin((x + y + time * 20) / 16.0)
                         + Math.Sin(Math.Sqrt(x * x + y * y) / 8.0);
                int index = (int)((v + 4) * 32) & 0xFF;
                _frame[y * _width + x] = _palette[index];
            }
        }
    }

    [MethodImpl(MethodImplOptions.Synchronized)]
    public void MarkTileDone()
    {
        _tilesDrawn++;
    }
}

public sealed class LumaHistogram
{
    private readonly int[] _bins = new int[256];
    private readonly Lock _gate = new();

    public int[] Bins => _bins;

    public void Merge(int[] partial)
    {
        using (_gate.EnterScope())
        {
            for (int i = 0; i < _bins.Length; i++)
                _bins[i] += partial[i];
        }
    }
}

public static class Program
{
    public static void Main()
    {
        const int width = 512, height = 512, tileSize = 64;
        var renderer = new PlasmaRenderer(width, height);
        var histogram = new LumaHistogram();
        var tiles = new List<Tile>();
        for (int ty = 0; ty < height; ty += tileSize)
            for (int tx = 0; tx < width; tx += tileSize)
                tiles.Add(new Tile(tx, ty, tileSize));

        for (int frame = 0; frame < 4; frame++)
        {
            double t = frame * 0.25;
            Parallel.For(0, tiles.Count, i =>
            {
                var tile = tiles[i];
                renderer.RenderTile(tile, t);
                renderer.MarkTileDone();

                var partial = new int[256];
                for (int y = tile.Y0; y < tile.Y0 + tile.Size; y++)
                    for (int x = tile.X0; x < tile.X0 + tile.Size; x++)
                    {
                        uint p = renderer.Frame[y * width + x];
                        partial[(((p >> 16) & 0xFF) * 3 + ((p >> 8) & 0xFF) * 6 + (p & 0xFF)) / 10]++;
                    }
                histogram.Merge(partial);
            });
        }

        int peak = Array.IndexOf(histogram.Bins, histogram.Bins.Max());
        Console.WriteLine($"tiles={renderer.TilesDrawn} peakLuma={peak} centre=#{renderer.Frame[256 * width + 256]:X8}");
    }
}
