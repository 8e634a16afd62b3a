namespace HistogramEqualizerCli;

public sealed class TileEqualizer(int tilesPerSide, double clipLimit, ToneProfileRegistry profiles)
{
    private readonly ReaderWriterLockSlim _lutLock = new();
    private byte[][] _luts = Array.Empty<byte[]>();
    private int _tilesDone;
    private readonly object _countGate = new();

    public int TilesDone => _tilesDone;

    public GreyImage Process(GreyImage image, string profileName)
    {
        ToneProfile profile = profiles.Get(profileName);
        int tileW = image.Width / tilesPerSide, tileH = image.Height / tilesPerSide;
        _luts = new byte[tilesPerSide * tilesPerSide][];

        Parallel.For(0, tilesPerSide * tilesPerSide, tile =>
        {
            int tx = tile % tilesPerSide, ty = tile / tilesPerSide;
            _lutLock.EnterWriteLock();
            try
            {
                var hist = new int[256];
                for (int y = ty * tileH; y < (ty + 1) * tileH; y++)
                for (int x = tx * tileW; x < (tx + 1) * tileW; x++)
                {
                    hist[image.Pixels[y * image.Width + x]]++;
                }
                int limit = (int)(clipLimit * tileW * tileH / 256);
                int excess = 0;
                for (int b = 0; b < 256; b++)
                {
                    if (hist[b] > limit) { excess += hist[b] - limit; hist[b] = limit; }
                }
                for (int b = 0; b < 256; b++) hist[b] += excess / 256;

                var lut = new byte[256];
                long cdf = 0, total = hist.Sum();
                for (int b = 0; b < 256; b++)
                {
                    cdf += hist[b];
                    double v = Math.Pow(cdf / (double)total, profile.Gamma) * 255;
                    lut[b] = (byte)Math.Clamp(v - profile.BlackPoint, 0, 255);
                }
                _luts[tile] = lut;
            }
            finally
            {
                _lutLock.ExitWriteLock();
            }

            lock (_countGate)
            {
                _tilesDone++;
            }
        });

        return Interpolate(image, tileW, tileH);
    }

    private GreyImage Interpolate(GreyImage image, int tileW, int tileH)
    {
        var output = new GreyImage(image.Width, image.Height);
        Parallel.For(0, image.Height, y =>
        {
            double fy = Math.Clamp((y - tileH / 2.0) / tileH, 0, tilesPerSide - 1.0001);
            int y0 = (int)fy;
            double wy = fy - y0;
            for (int x = 0; x < image.Width; x++)
            {
                double fx = Math.Clamp((x - tileW / 2.0) / tileW, 0, tilesPerSide - 1.0001);
                int x0 = (int)fx;
                double wx = fx - x0;
                byte p = image.Pixels[y * image.Width + x];
                double v =
                    (1 - wy) * ((1 - wx) * _luts[y0 * tilesPerSide + x0][p] + wx * _luts[y0 * tilesPerSide + x0 + 1][p]) +
                    wy * ((1 - wx) * _luts[(y0 + 1) * tilesPerSide + x0][p] + wx * _luts[(y0 + 1) * tilesPerSide + x0 + 1][p]);
                output.Pixels[y * image.Width + x] = (byte)Math.Round(v);
            }
        });
        return output;
    }
}
