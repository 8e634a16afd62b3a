namespace ElevationTileGenerator;

public sealed class Tile(int x, int y, double originX, double originY, double scale)
{
    public int X { get; } = x;
    public int Y { get; } = y;
    public double OriginX { get; } = originX;
    public double OriginY { get; } = originY;
    public double Scale { get; } = scale;
    public object Sync { get; } = new();
    public int Version { get; set; }
    public uint[]? Pixels { get; set; }
}

public static class TileGrid
{
    public const int TileSize = 256;

    public static IEnumerable<Tile> ForZoom(int zoom, DigitalElevationModel dem)
    {
        int perSide = 1 << zoom;
        double scale = (double)dem.Width / (perSide * TileSize);
        for (int ty = 0; ty < perSide; ty++)
            for (int tx = 0; tx < perSide; tx++)
                yield return new Tile(tx, ty, tx * TileSize * scale, ty * TileSize * scale, scale);
    }
}

public sealed class DigitalElevationModel
{
    private readonly float[] _heights;

    private DigitalElevationModel(int width, int height, float[] heights)
    {
        Width = width;
        Height = height;
        _heights = heights;
    }

    public int Width { get; }
    public int Height { get; }

    public static DigitalElevationModel Synthetic(int width, int height, int seed)
    {
        var rng = new Random(seed);
        var peaks = Enumerable.Range(0, 12).Select(_ => (X: rng.NextDouble() * width, Y: rng.NextDouble() * height, H: 400 + rng.NextDouble() * 2400, R: 60 + rng.NextDouble() * 200)).ToArray();
        var data = new float[width * height];
        for (int y = 0; y < height; y++)
            for (int x = 0; x < width; x++)
            {
                double h = -20;
                foreach (var p in peaks)
                {
                    double d2 = ((x - p.X) * (x - p.X) + (y - p.Y) * (y - p.Y)) / (p.R * p.R);
                    h += p.H * Math.Exp(-d2);
                }
                data[y * width + x] = (float)h;
            }
        return new DigitalElevationModel(width, height, data);
    }

    public float Sample(double x, double y)
    {
        int ix = Math.Clamp((int)x, 0, Width - 1);
        int iy = Math.Clamp((int)y, 0, Height - 1);
        return _heights[iy * Width + ix];
    }
}
