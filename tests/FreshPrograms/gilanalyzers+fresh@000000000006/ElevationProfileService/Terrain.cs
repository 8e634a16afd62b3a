namespace ElevationProfileService;

public readonly record struct GeoPoint(double Lat, double Lon);

public interface IElevationSource
{
    double ElevationAt(GeoPoint p);
}

/// <summary>Synthetic DEM made of tiles; tiles are generated on first use and kept.</summary>
public sealed class TiledDem : IElevationSource
{
    private const int TileSize = 64;
    private readonly Dictionary<(int, int), float[]> _tiles = new();
    private readonly ReaderWriterLockSlim _rw = new();
    private readonly double _cellDegrees;

    public TiledDem(double cellDegrees) => _cellDegrees = cellDegrees;

    public double ElevationAt(GeoPoint p)
    {
        double gx = p.Lon / _cellDegrees, gy = p.Lat / _cellDegrees;
        int cx = (int)Math.Floor(gx), cy = (int)Math.Floor(gy);
        double fx = gx - cx, fy = gy - cy;
        double a = Cell(cx, cy), b = Cell(cx + 1, cy), c = Cell(cx, cy + 1), d = Cell(cx + 1, cy + 1);
        return (a * (1 - fx) + b * fx) * (1 - fy) + (c * (1 - fx) + d * fx) * fy;
    }

    private float Cell(int x, int y)
    {
        var key = (Math.DivRem(x, TileSize, out int lx), Math.DivRem(y, TileSize, out int ly));
        if (lx < 0) { key.Item1--; lx += TileSize; }
        if (ly < 0) { key.Item2--; ly += TileSize; }

        float[]? tile;
        _rw.EnterReadLock();
        try
        {
            _tiles.TryGetValue(key, out tile);
        }
        finally
        {
            _rw.ExitReadLock();
        }

        if (tile is null)
        {
            tile = Generate(key.Item1, key.Item2);
            _rw.EnterWriteLock();
            try { _tiles.TryAdd(key, tile); tile = _tiles[key]; }
            finally { _rw.ExitWriteLock(); }
        }
        return tile[ly * TileSize + lx];
    }

    private static float[] Generate(int tx, int ty)
    {
        var data = new float[TileSize * TileSize];
        for (int y = 0; y < TileSize; y++)
            for (int x = 0; x < TileSize; x++)
            {
                double wx = tx * TileSize + x, wy = ty * TileSize + y;
                double h = 400 * Math.Sin(wx * 0.011) * Math.Cos(wy * 0.013) + 120 * Math.Sin((wx + wy) * 0.051) + 900;
                data[y * TileSize + x] = (float)h;
            }
        return data;
    }
}

public interface IProfileStore
{
    Task SaveAsync(string routeId, IReadOnlyList<double> profile);
}

public sealed class CsvProfileStore : IProfileStore
{
    private readonly string _folder;
    public CsvProfileStore(string folder) { _folder = folder; Directory.CreateDirectory(folder); }

    public async Task SaveAsync(string routeId, IReadOnlyList<double> profile)
    {
        await using var writer = new StreamWriter(Path.Combine(_folder, routeId + ".csv"));
        for (int i = 0; i < profile.Count; i++)
            await writer.WriteLineAsync($"{i},{profile[i]:F1}");
    }
}
