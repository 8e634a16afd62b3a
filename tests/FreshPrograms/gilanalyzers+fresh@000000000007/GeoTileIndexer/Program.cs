namespace Mapping.Indexing;

public readonly record struct GeoPoint(long Id, double Lat, double Lon);

/// <summary>
/// Point index for the tile server. Writers append, then the grid is rebuilt; readers query cells.
/// </summary>
public sealed class TileIndex : IDisposable
{
    private readonly ReaderWriterLockSlim _rw = new(LockRecursionPolicy.NoRecursion);
    private readonly List<GeoPoint> _points = new();
    private Dictionary<(int, int), GeoPoint[]> _cells = new();
    private readonly int _zoom;

    public TileIndex(int zoom) => _zoom = zoom;

    public int Version { get; private set; }

    public void AddPoints(IReadOnlyList<GeoPoint> batch)
    {
        _rw.EnterWriteLock();
        try
        {
            _points.AddRange(batch);
        }
        finally
        {
            _rw.ExitWriteLock();
        }
    }

    public void Rebuild()
    {
        _rw.EnterWriteLock();
        try
        {
            var sorted = _points.ToArray();
            Array.Sort(sorted, (a, b) => Morton(a).CompareTo(Morton(b)));
            _cells = sorted
                .GroupBy(p => TileOf(p))
                .ToDictionary(g => g.Key, g => g.ToArray());
            Version++;
        }
        finally
        {
            _rw.ExitWriteLock();
        }
    }

    public int CountInTile(int x, int y)
    {
        _rw.EnterReadLock();
        try
        {
            return _cells.TryGetValue((x, y), out var pts) ? pts.Length : 0;
        }
        finally
        {
            _rw.ExitReadLock();
        }
    }

    public (int X, int Y) TileOf(GeoPoint p)
    {
        int n = 1 << _zoom;
        int x = (int)((p.Lon + 180.0) / 360.0 * n);
        double latRad = p.Lat * Math.PI / 180.0;
        int y = (int)((1.0 - Math.Log(Math.Tan(latRad) + 1.0 / Math.Cos(latRad)) / Math.PI) / 2.0 * n);
        return (Math.Clamp(x, 0, n - 1), Math.Clamp(y, 0, n - 1));
    }

    private static ulong Morton(GeoPoint p)
    {
        uint x = (uint)((p.Lon + 180.0) / 360.0 * 65535), y = (uint)((p.Lat + 90.0) / 180.0 * 65535);
        ulong m = 0;
        for (int i = 0; i < 16; i++)
            m |= ((ulong)((x >> i) & 1) << (2 * i)) | ((ulong)((y >> i) & 1) << (2 * i + 1));
        return m;
    }

    public void Dispose() => _rw.Dispose();
}

public static class Program
{
    public static void Main()
    {
        var rng = new Random(2024);
        var batches = Enumerable.Range(0, 16).Select(b =>
            (IReadOnlyList<GeoPoint>)Enumerable.Range(0, 3_000)
                .Select(i => new GeoPoint(b * 10_000L + i, 47 + rng.NextDouble() * 8, 5 + rng.NextDouble() * 10))
                .ToList())
            .ToList();

        using var index = new TileIndex(zoom: 9);
        // Each ingest batch is appended and the grid rebuilt so readers see it immediately.
        Parallel.ForEach(batches, batch =>
        {
            index.AddPoints(batch);
            index.Rebuild();
        });

        var probe = index.TileOf(new GeoPoint(0, 51.5, 10.0));
        int total = 0;
        Parallel.For(probe.X - 10, probe.X + 10, x =>
        {
            int local = 0;
            for (int y = probe.Y - 10; y < probe.Y + 10; y++) local += index.CountInTile(x, y);
            Interlocked.Add(ref total, local);
        });
        Console.WriteLine($"version={index.Version} nearProbe={total}");
    }
}
