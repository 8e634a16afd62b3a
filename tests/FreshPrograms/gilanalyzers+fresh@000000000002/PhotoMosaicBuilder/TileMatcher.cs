using System.Runtime.CompilerServices;

namespace PhotoMosaicBuilder;

/// <summary>
/// Exhaustive nearest-tile search in RGB space, with a penalty for reusing a tile too often
/// (usage counts are kept in a static table).
/// </summary>
public static class TileMatcher
{
    private static readonly Dictionary<int, int> UsageCount = new();

    [MethodImpl(MethodImplOptions.Synchronized)]
    public static (int Tile, double Error) FindBestTile(TileLibrary library, RgbImage target, int x0, int y0, int size)
    {
        int best = -1;
        double bestError = double.MaxValue;
        for (int t = 0; t < library.Count; t++)
        {
            var tile = library[t];
            double error = 0;
            for (int y = 0; y < size && error < bestError; y++)
            {
                for (int x = 0; x < size; x++)
                {
                    var (r, g, b) = target.Get(x0 + x, y0 + y);
                    var (tr, tg, tb) = tile.Get(x, y);
                    error += (r - tr) * (r - tr) + (g - tg) * (g - tg) + (b - tb) * (b - tb);
                }
            }
            error *= 1.0 + 0.05 * UsageCount.GetValueOrDefault(t);
            if (error < bestError)
            {
                bestError = error;
                best = t;
            }
        }
        UsageCount[best] = UsageCount.GetValueOrDefault(best) + 1;
        return (best, bestError);
    }
}

public sealed class RgbImage(int width, int height)
{
    private readonly byte[] _data = new byte[width * height * 3];

    public int Width { get; } = width;
    public int Height { get; } = height;

    public (int R, int G, int B) Get(int x, int y)
    {
        int i = (y * Width + x) * 3;
        return (_data[i], _data[i + 1], _data[i + 2]);
    }

    public void Set(int x, int y, int r, int g, int b)
    {
        int i = (y * Width + x) * 3;
        _data[i] = (byte)r; _data[i + 1] = (byte)g; _data[i + 2] = (byte)b;
    }

    public static RgbImage Gradient(int w, int h)
    {
        var img = new RgbImage(w, h);
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++)
                img.Set(x, y, 255 * x / w, 255 * y / h, (int)(127 + 127 * Math.Sin((x + y) / 23.0)));
        return img;
    }
}

public sealed class TileLibrary
{
    private readonly List<RgbImage> _tiles;

    private TileLibrary(List<RgbImage> tiles) => _tiles = tiles;

    public int Count => _tiles.Count;
    public RgbImage this[int index] => _tiles[index];

    public static TileLibrary Generate(int count, int tileSize, int seed)
    {
        var rng = new Random(seed);
        var tiles = new List<RgbImage>(count);
        for (int t = 0; t < count; t++)
        {
            var img = new RgbImage(tileSize, tileSize);
            int r = rng.Next(256), g = rng.Next(256), b = rng.Next(256);
            for (int y = 0; y < tileSize; y++)
                for (int x = 0; x < tileSize; x++)
                    img.Set(x, y, Math.Clamp(r + rng.Next(-20, 20), 0, 255), Math.Clamp(g + rng.Next(-20, 20), 0, 255), Math.Clamp(b + rng.Next(-20, 20), 0, 255));
            tiles.Add(img);
        }
        return new TileLibrary(tiles);
    }
}
