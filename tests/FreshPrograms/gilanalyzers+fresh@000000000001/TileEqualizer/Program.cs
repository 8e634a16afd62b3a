using System.Diagnostics;

namespace TileEqualizer;

/// <summary>
/// Adaptive (tile-based) histogram equalisation for scanned microscope slides, followed by a gamma pass.
/// The slide is cut into tiles; each tile gets its own equalisation curve.
/// </summary>
public sealed class SlideProcessor
{
    private readonly byte[,] _pixels;
    private readonly int _tile;
    private readonly Mutex _writeMutex = new();
    private readonly Semaphore _statsGate = new(1, 1);
    private readonly object _lutLock = new();
    private byte[]? _gammaLut;

    public SlideProcessor(byte[,] pixels, int tile)
    {
        _pixels = pixels;
        _tile = tile;
    }

    public double MeanContrast { get; private set; }

    private byte[] GammaLut
    {
        get
        {
            lock (_lutLock)
            {
                if (_gammaLut is null)
                {
                    _gammaLut = new byte[256];
                    for (int i = 0; i < 256; i++)
                    {
                        _gammaLut[i] = (byte)Math.Round(255 * Math.Pow(i / 255.0, 0.8));
                    }
                }
                return _gammaLut;
            }
        }
    }

    public void Equalize()
    {
        int h = _pixels.GetLength(0), w = _pixels.GetLength(1);
        int tilesY = (h + _tile - 1) / _tile, tilesX = (w + _tile - 1) / _tile;
        double contrastSum = 0;

        Parallel.For(0, tilesY * tilesX, t =>
        {
            int y0 = t / tilesX * _tile, x0 = t % tilesX * _tile;
            int y1 = Math.Min(h, y0 + _tile), x1 = Math.Min(w, x0 + _tile);

            // The slide array is written in place, so tiles take turns.
            _writeMutex.WaitOne();
            try
            {
                var hist = new int[256];
                for (int y = y0; y < y1; y++)
                    for (int x = x0; x < x1; x++)
                        hist[_pixels[y, x]]++;

                var cdf = new int[256];
                int running = 0;
                for (int i = 0; i < 256; i++) { running += hist[i]; cdf[i] = running; }
                int total = running, cdfMin = cdf.First(c => c > 0);

                for (int y = y0; y < y1; y++)
                    for (int x = x0; x < x1; x++)
                        _pixels[y, x] = (byte)((cdf[_pixels[y, x]] - cdfMin) * 255L / Math.Max(1, total - cdfMin));
            }
            finally
            {
                _writeMutex.ReleaseMutex();
            }

            _statsGate.WaitOne();
            try
            {
                double mean = 0, sq = 0;
                int n = 0;
                for (int y = y0; y < y1; y++)
                {
                    for (int x = x0; x < x1; x++)
                    {
                        mean += _pixels[y, x];
                        sq += _pixels[y, x] * (double)_pixels[y, x];
                        n++;
                    }
                }
                mean /= n;
                contrastSum += Math.Sqrt(sq / n - mean * mean);
            }
            finally
            {
                _statsGate.Release();
            }
        });

        MeanContrast = contrastSum / (tilesY * tilesX);

        var lut = GammaLut;
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++)
                _pixels[y, x] = lut[_pixels[y, x]];
    }
}

public static class Program
{
    public static void Main(string[] args)
    {
        int size = args.Length > 0 ? int.Parse(args[0]) : 1024;
        var rng = new Random(21);
        var slide = new byte[size, size];
        for (int y = 0; y < size; y++)
            for (int x = 0; x < size; x++)
                slide[y, x] = (byte)(60 + 40 * Math.Sin(x / 37.0) * Math.Cos(y / 53.0) + rng.Next(20));

        var sw = Stopwatch.StartNew();
        var processor = new SlideProcessor(slide, tile: 64);
        processor.Equalize();
        Console.WriteLine($"Equalised {size}x{size} slide in {sw.ElapsedMilliseconds} ms, mean tile contrast {processor.MeanContrast:F1}");
    }
}
