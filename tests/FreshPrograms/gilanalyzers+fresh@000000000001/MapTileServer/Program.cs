using System.Diagnostics;

namespace MapTileServer;

public readonly record struct TileKey(int Zoom, int X, int Y);

/// <summary>
/// Tile back end: renders 256x256 elevation tiles (colour ramp + hillshade) from a procedural terrain and
/// keeps the encoded tiles in memory. The pre-warm job renders a whole zoom level at start-up.
/// </summary>
public sealed class TileRenderer
{
    private const int TileSize = 256;
    private readonly SemaphoreSlim _renderGate = new(1, 1);
    private readonly Dictionary<TileKey, byte[]> _tiles = new();

    public int CachedTiles
    {
        get { lock (_tiles) return _tiles.Count; }
    }

    public async Task<byte[]> RenderAsync(TileKey key)
    {
        byte[] png;
        await _renderGate.WaitAsync();
        try
        {
            var rgb = new byte[TileSize * TileSize * 3];
            double scale = 1.0 / (1 << key.Zoom);
            for (int py = 0; py < TileSize; py++)
            {
                for (int px = 0; px < TileSize; px++)
                {
                    double wx = (key.X + px / (double)TileSize) * scale, wy = (key.Y + py / (double)TileSize) * scale;
                    double h = Elevation(wx, wy);
                    double shade = Math.Clamp(0.5 + (Elevation(wx + 0.001 * scale, wy) - h) * 40, 0, 1);
                    int o = (py * TileSize + px) * 3;
                    rgb[o] = (byte)(h < 0.3 ? 30 : 90 + 120 * h * shade);
                    rgb[o + 1] = (byte)(h < 0.3 ? 80 : 140 * shade);
                    rgb[o + 2] = (byte)(h < 0.3 ? 160 : 60 * shade);
                }
            }
            png = Encode(rgb);
        }
        finally
        {
            _renderGate.Release();
        }

        lock (_tiles)
        {
            _tiles[key] = png;
        }
        await Task.Yield();
        return png;
    }

    // Sum of a few octaves of smooth value noise.
    private static double Elevation(double x, double y)
    {
        double total = 0, amplitude = 0.5, frequency = 4;
        for (int octave = 0; octave < 5; octave++)
        {
            total += amplitude * (0.5 + 0.25 * (Math.Sin(x * frequency * 6.1 + Math.Cos(y * frequency * 3.7)) + Math.Sin(y * frequency * 5.3 - x * 2.9)));
            amplitude *= 0.5;
            frequency *= 2;
        }
        return total;
    }

    // Stand-in for PNG encoding: run-length encode the RGB bytes.
    private static byte[] Encode(byte[] rgb)
    {
        var output = new List<byte>(rgb.Length / 4);
        for (int i = 0; i < rgb.Length;)
        {
            int run = 1;
            while (i + run < rgb.Length && run < 255 && rgb[i + run] == rgb[i]) run++;
            output.Add((byte)run);
            output.Add(rgb[i]);
            i += run;
        }
        return output.ToArray();
    }
}

public static class Program
{
    public static async Task Main(string[] args)
    {
        int zoom = args.Length > 0 ? int.Parse(args[0]) : 2;
        var renderer = new TileRenderer();
        var sw = Stopwatch.StartNew();

        int side = 1 << zoom;
        var warmup = new List<Task<byte[]>>();
        for (int x = 0; x < side; x++)
        {
            for (int y = 0; y < side; y++)
            {
                var key = new TileKey(zoom, x, y);
                warmup.Add(Task.Run(() => renderer.RenderAsync(key)));
            }
        }
        var tiles = await Task.WhenAll(warmup);

        Console.WriteLine($"Pre-rendered {tiles.Length} tiles at z{zoom} ({tiles.Sum(t => (long)t.Length) / 1024} KiB) in {sw.ElapsedMilliseconds} ms; cache {renderer.CachedTiles}");
    }
}
