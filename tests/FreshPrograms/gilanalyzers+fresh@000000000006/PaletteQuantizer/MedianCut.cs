namespace PaletteQuantizer;

public readonly record struct Rgb(byte R, byte G, byte B)
{
    public int Packed => (R << 16) | (G << 8) | B;
    public static Rgb FromPacked(int p) => new((byte)(p >> 16), (byte)(p >> 8), (byte)p);
}

public sealed class RgbImage(int width, int height)
{
    public int Width { get; } = width;
    public int Height { get; } = height;
    public Rgb[] Pixels { get; } = new Rgb[width * height];
}

public interface IPaletteBuilder
{
    Rgb[] Build(IReadOnlyDictionary<int, int> histogram, int colours);
}

public sealed class MedianCutBuilder : IPaletteBuilder
{
    public Rgb[] Build(IReadOnlyDictionary<int, int> histogram, int colours)
    {
        var boxes = new List<List<(Rgb Colour, int Count)>> { histogram.OrderBy(kv => kv.Key).Select(kv => (Rgb.FromPacked(kv.Key), kv.Value)).ToList() };
        while (boxes.Count < colours)
        {
            var box = boxes.Where(b => b.Count > 1).OrderByDescending(Range).FirstOrDefault();
            if (box is null) break;
            int channel = WidestChannel(box);
            box.Sort((a, b) => Channel(a.Colour, channel) != Channel(b.Colour, channel)
                ? Channel(a.Colour, channel).CompareTo(Channel(b.Colour, channel))
                : a.Colour.Packed.CompareTo(b.Colour.Packed));
            long half = box.Sum(e => (long)e.Count) / 2, acc = 0;
            int cut = 1;
            for (; cut < box.Count - 1; cut++) { acc += box[cut - 1].Count; if (acc >= half) break; }
            boxes.Remove(box);
            boxes.Add(box.Take(cut).ToList());
            boxes.Add(box.Skip(cut).ToList());
        }
        return boxes.Select(Average).ToArray();
    }

    private static int Channel(Rgb c, int ch) => ch == 0 ? c.R : ch == 1 ? c.G : c.B;

    private static int WidestChannel(List<(Rgb Colour, int Count)> box)
    {
        int best = 0, bestRange = -1;
        for (int ch = 0; ch < 3; ch++)
        {
            int r = box.Max(e => Channel(e.Colour, ch)) - box.Min(e => Channel(e.Colour, ch));
            if (r > bestRange) { bestRange = r; best = ch; }
        }
        return best;
    }

    private static int Range(List<(Rgb Colour, int Count)> box) =>
        Enumerable.Range(0, 3).Max(ch => box.Max(e => Channel(e.Colour, ch)) - box.Min(e => Channel(e.Colour, ch)));

    private static Rgb Average(List<(Rgb Colour, int Count)> box)
    {
        long r = 0, g = 0, b = 0, n = 0;
        foreach (var (c, count) in box) { r += c.R * count; g += c.G * count; b += c.B * count; n += count; }
        return new Rgb((byte)(r / n), (byte)(g / n), (byte)(b / n));
    }
}
