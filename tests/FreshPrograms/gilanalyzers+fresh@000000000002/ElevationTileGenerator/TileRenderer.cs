namespace ElevationTileGenerator;

/// <summary>Hillshade + hypsometric tint renderer for 256x256 web-mercator style tiles.</summary>
public sealed class TileRenderer
{
    private readonly DigitalElevationModel _dem;
    private readonly ColorRamp _ramp;
    private readonly object _rampLock = new();

    public TileRenderer(DigitalElevationModel dem, ColorRamp ramp)
    {
        _dem = dem;
        _ramp = ramp;
    }

    public void Render(Tile tile)
    {
        int size = TileGrid.TileSize;
        var shade = new float[size * size];
        var heights = new float[size * size];

        // The preview window reads tiles while they are rendered; hold the tile while its buffers change.
        lock (tile.Sync)
        {
            for (int y = 0; y < size; y++)
            {
                for (int x = 0; x < size; x++)
                {
                    double demX = tile.OriginX + x * tile.Scale;
                    double demY = tile.OriginY + y * tile.Scale;
                    float h = _dem.Sample(demX, demY);
                    double dzdx = (_dem.Sample(demX + 1, demY) - _dem.Sample(demX - 1, demY)) / 2.0;
                    double dzdy = (_dem.Sample(demX, demY + 1) - _dem.Sample(demX, demY - 1)) / 2.0;
                    double slope = Math.Atan(Math.Sqrt(dzdx * dzdx + dzdy * dzdy));
                    double aspect = Math.Atan2(dzdy, -dzdx);
                    const double zenith = 45 * Math.PI / 180, azimuth = 315 * Math.PI / 180;
                    shade[y * size + x] = (float)Math.Max(0, Math.Cos(zenith) * Math.Cos(slope) + Math.Sin(zenith) * Math.Sin(slope) * Math.Cos(azimuth - aspect));
                    heights[y * size + x] = h;
                }
            }
            tile.Version++;
        }

        var pixels = new uint[size * size];
        lock (_rampLock)
        {
            for (int i = 0; i < pixels.Length; i++)
            {
                var (r, g, b) = _ramp.Lookup(heights[i]);
                double s = 0.35 + 0.65 * shade[i];
                pixels[i] = 0xFF000000u | ((uint)(r * s) << 16) | ((uint)(g * s) << 8) | (uint)(b * s);
            }
        }
        tile.Pixels = pixels;
    }
}
