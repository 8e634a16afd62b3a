namespace PaletteQuantizer;

/// <summary>Maps colours to their nearest palette entry, remembering answers for colours already seen.</summary>
public sealed class NearestColourMapper
{
    private readonly Rgb[] _palette;
    private readonly Dictionary<int, byte> _memo = new();
    private readonly object _memoLock = new();

    public NearestColourMapper(Rgb[] palette) => _palette = palette;

    public void MapRow(RgbImage image, int y, byte[] indices)
    {
        int offset = y * image.Width;
        lock (_memoLock)
        {
            for (int x = 0; x < image.Width; x++)
            {
                Rgb c = image.Pixels[offset + x];
                if (!_memo.TryGetValue(c.Packed, out byte index))
                {
                    int best = int.MaxValue;
                    for (int p = 0; p < _palette.Length; p++)
                    {
                        int dr = c.R - _palette[p].R, dg = c.G - _palette[p].G, db = c.B - _palette[p].B;
                        int d = 2 * dr * dr + 4 * dg * dg + 3 * db * db;
                        if (d < best) { best = d; index = (byte)p; }
                    }
                    _memo[c.Packed] = index;
                }
                indices[offset + x] = index;
            }
        }
    }
}

public sealed class QuantizeJob
{
    private readonly IPaletteBuilder _builder;
    private readonly Lock _progressLock = new();
    private int _rowsDone;

    public QuantizeJob(IPaletteBuilder builder) => _builder = builder;

    public (Rgb[] Palette, byte[] Indices) Run(RgbImage image, int colours)
    {
        var histogram = new Dictionary<int, int>();
        Parallel.For(0, image.Height,
            () => new Dictionary<int, int>(),
            (y, _, local) =>
            {
                for (int x = 0; x < image.Width; x++)
                {
                    Rgb c = image.Pixels[y * image.Width + x];
                    int key = new Rgb((byte)(c.R & 0xF8), (byte)(c.G & 0xF8), (byte)(c.B & 0xF8)).Packed;
                    local[key] = local.GetValueOrDefault(key) + 1;
                }
                return local;
            },
            local =>
            {
                lock (histogram)
                {
                    foreach (var (key, count) in local)
                        histogram[key] = histogram.GetValueOrDefault(key) + count;
                }
            });

        Rgb[] palette = _builder.Build(histogram, colours);
        var mapper = new NearestColourMapper(palette);
        var indices = new byte[image.Pixels.Length];
        Parallel.For(0, image.Height, y =>
        {
            mapper.MapRow(image, y, indices);
            using (_progressLock.EnterScope())
            {
                _rowsDone++;
            }
        });
        return (palette, indices);
    }

    public int RowsDone => _rowsDone;
}

public static class Program
{
    public static void Main()
    {
        var image = new RgbImage(640, 480);
        var rng = new Random(8);
        for (int y = 0; y < image.Height; y++)
            for (int x = 0; x < image.Width; x++)
            {
                double t = x / 640.0, s = y / 480.0;
                int r = (int)(255 * (0.5 + 0.5 * Math.Sin(6 * t + 2 * s))) + rng.Next(-10, 11);
                int g = (int)(255 * s * (1 - t)) + rng.Next(-10, 11);
                int b = (int)(255 * (0.5 + 0.5 * Math.Cos(9 * s * t))) + rng.Next(-10, 11);
                image.Pixels[y * image.Width + x] = new Rgb((byte)Math.Clamp(r, 0, 255), (byte)Math.Clamp(g, 0, 255), (byte)Math.Clamp(b, 0, 255));
            }

        var job = new QuantizeJob(new MedianCutBuilder());
        var (palette, indices) = job.Run(image, colours: 64);

        double error = 0;
        for (int i = 0; i < indices.Length; i++)
        {
            Rgb a = image.Pixels[i], p = palette[indices[i]];
            error += (a.R - p.R) * (a.R - p.R) + (a.G - p.G) * (a.G - p.G) + (a.B - p.B) * (a.B - p.B);
        }
        Console.WriteLine($"palette {palette.Length} colours, rows {job.RowsDone}");
        Console.WriteLine($"PSNR {10 * Math.Log10(255.0 * 255 * 3 / (error / indices.Length)):F2} dB");
        Console.WriteLine($"first entries: {string.Join(" ", palette.Take(4).Select(c => $"#{c.Packed:X6}"))}");
    }
}
