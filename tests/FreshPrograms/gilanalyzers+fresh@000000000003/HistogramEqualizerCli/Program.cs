namespace HistogramEqualizerCli;

// Contrast-limited adaptive histogram equalisation (CLAHE) for a batch of greyscale scans.
// Usage: HistogramEqualizerCli [tilesPerSide] [clipLimit]
internal static class Program
{
    private static int Main(string[] args)
    {
        int tiles = args.Length > 0 ? int.Parse(args[0]) : 8;
        double clip = args.Length > 1 ? double.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 3.0;

        var profiles = new ToneProfileRegistry();
        profiles.Register("scan", new ToneProfile(Gamma: 0.9, BlackPoint: 6));
        profiles.Register("photo", new ToneProfile(Gamma: 1.1, BlackPoint: 0));

        var equalizer = new TileEqualizer(tiles, clip, profiles);
        for (int page = 0; page < 3; page++)
        {
            var image = GreyImage.Synthetic(width: 640, height: 480, seed: page);
            string profile = page == 1 ? "photo" : "scan";
            GreyImage result = equalizer.Process(image, profile);
            Console.WriteLine($"page {page}: profile {profile,-5} mean {image.Mean():F2} -> {result.Mean():F2}, contrast {image.StdDev():F2} -> {result.StdDev():F2}");
        }
        Console.WriteLine($"tiles equalised: {equalizer.TilesDone}");
        return 0;
    }
}

public sealed class GreyImage(int width, int height)
{
    public int Width { get; } = width;
    public int Height { get; } = height;
    public byte[] Pixels { get; } = new byte[width * height];

    public static GreyImage Synthetic(int width, int height, int seed)
    {
        var rng = new Random(seed);
        var img = new GreyImage(width, height);
        for (int y = 0; y < height; y++)
        for (int x = 0; x < width; x++)
        {
            double v = 90 + 40 * Math.Sin(x / 37.0 + seed) * Math.Cos(y / 23.0) + rng.Next(-8, 9);
            if (x > width / 2) v *= 0.55;
            img.Pixels[y * width + x] = (byte)Math.Clamp(v, 0, 255);
        }
        return img;
    }

    public double Mean() => Pixels.Average(p => (double)p);

    public double StdDev()
    {
        double m = Mean();
        return Math.Sqrt(Pixels.Average(p => (p - m) * (p - m)));
    }
}

public sealed record ToneProfile(double Gamma, int BlackPoint);

public sealed class ToneProfileRegistry
{
    private readonly Dictionary<string, ToneProfile> _profiles = new();
    private readonly ReaderWriterLockSlim _rw = new();

    public void Register(string name, ToneProfile profile)
    {
        _rw.EnterWriteLock();
        try { _profiles[name] = profile; }
        finally { _rw.ExitWriteLock(); }
    }

    public ToneProfile Get(string name)
    {
        _rw.EnterReadLock();
        try
        {
            return _profiles[name];
        }
        finally
        {
            _rw.ExitReadLock();
        }
    }
}
