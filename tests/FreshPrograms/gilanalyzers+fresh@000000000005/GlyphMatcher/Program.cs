namespace GlyphMatcher;

public sealed class Bitmap
{
    private readonly byte[] _pixels;
    public int Width { get; }
    public int Height { get; }

    public Bitmap(int width, int height) { Width = width; Height = height; _pixels = new byte[width * height]; }

    public byte this[int x, int y]
    {
        get => x < 0 || y < 0 || x >= Width || y >= Height ? (byte)0 : _pixels[y * Width + x];
        set => _pixels[y * Width + x] = value;
    }
}

public sealed class LetterStats
{
    public int Count;
    public double ConfidenceSum;
}

public static class Glyphs
{
    public const int Size = 16;

    public static Bitmap Render(char c)
    {
        var bmp = new Bitmap(Size, Size);
        var rng = new Random(c * 7919);
        for (int stroke = 0; stroke < 5; stroke++)
        {
            int x0 = rng.Next(2, 14), y0 = rng.Next(2, 14), x1 = rng.Next(2, 14), y1 = rng.Next(2, 14);
            for (int t = 0; t <= 24; t++)
                bmp[x0 + (x1 - x0) * t / 24, y0 + (y1 - y0) * t / 24] = 255;
        }
        return bmp;
    }

    public static double Match(Bitmap page, int ox, int oy, Bitmap glyph)
    {
        double dot = 0, norm = 1;
        for (int y = 0; y < Size; y++)
            for (int x = 0; x < Size; x++)
            {
                double p = page[ox + x, oy + y], g = glyph[x, y];
                dot += p * g;
                norm += p * p + g * g;
            }
        return 2 * dot / norm;
    }
}

public static class Program
{
    public static void Main()
    {
        const string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";
        var templates = alphabet.ToDictionary(c => c, Glyphs.Render);
        var rng = new Random(3);
        int cols = 48, rows = 36, shiftX = 3, shiftY = 2;
        var text = new char[rows * cols];
        var raw = new Bitmap(cols * Glyphs.Size + 8, rows * Glyphs.Size + 8);
        for (int i = 0; i < text.Length; i++)
        {
            text[i] = alphabet[rng.Next(alphabet.Length)];
            var g = templates[text[i]];
            for (int y = 0; y < Glyphs.Size; y++)
                for (int x = 0; x < Glyphs.Size; x++)
                    raw[shiftX + (i % cols) * Glyphs.Size + x, shiftY + (i / cols) * Glyphs.Size + y] = rng.Next(100) < 4 ? (byte)255 : g[x, y];
        }

        var clean = new Bitmap(raw.Width, raw.Height);
        int bands = 4, bandHeight = (raw.Height + bands - 1) / bands;
        void Denoise(int band)
        {
            var window = new byte[9];
            for (int y = band * bandHeight; y < Math.Min(raw.Height, (band + 1) * bandHeight); y++)
                for (int x = 0; x < raw.Width; x++)
                {
                    int k = 0;
                    for (int dy = -1; dy <= 1; dy++) for (int dx = -1; dx <= 1; dx++) window[k++] = raw[x + dx, y + dy];
                    Array.Sort(window);
                    clean[x, y] = Math.Max(window[4], (byte)(raw[x, y] / 2));
                }
        }
        var helpers = new List<Thread>();
        for (int b = 1; b < bands; b++)
        {
            int band = b;
            var th = new Thread(() => Denoise(band));
            helpers.Add(th);
            th.Start();
        }
        Denoise(0);
        helpers.ForEach(th => th.Join());

        var candidates = (from dy in Enumerable.Range(0, 6) from dx in Enumerable.Range(0, 6) select (dx, dy)).ToList();
        var bestGate = new object();
        double bestScore = double.MinValue;
        (int dx, int dy) bestOffset = (0, 0);
        Parallel.For(0, candidates.Count, c =>
        {
            Monitor.Enter(bestGate);
            try
            {
                var (dx, dy) = candidates[c];
                double score = 0;
                for (int i = 0; i < cols * 4; i++)
                    score += templates.Values.Max(t => Glyphs.Match(clean, dx + (i % cols) * Glyphs.Size, dy + (i / cols) * Glyphs.Size, t));
                if (score > bestScore) { bestScore = score; bestOffset = (dx, dy); }
            }
            finally
            {
                Monitor.Exit(bestGate);
            }
        });

        var stats = alphabet.ToDictionary(c => c, _ => new LetterStats());
        var recognised = new char[text.Length];
        Parallel.For(0, text.Length, i =>
        {
            int ox = bestOffset.dx + (i % cols) * Glyphs.Size, oy = bestOffset.dy + (i / cols) * Glyphs.Size;
            var best = templates.MaxBy(kv => Glyphs.Match(clean, ox, oy, kv.Value));
            double confidence = Glyphs.Match(clean, ox, oy, best.Value);
            recognised[i] = best.Key;
            var s = stats[best.Key];
            lock (s)
            {
                s.Count++;
                s.ConfidenceSum += confidence;
            }
        });

        int correct = recognised.Where((c, i) => c == text[i]).Count();
        Console.WriteLine($"offset {bestOffset}, accuracy {correct}/{text.Length}");
        foreach (var kv in stats.OrderByDescending(kv => kv.Value.Count).Take(4))
            Console.WriteLine($"{kv.Key}: {kv.Value.Count} glyphs, mean confidence {kv.Value.ConfidenceSum / kv.Value.Count:F3}");
    }
}
