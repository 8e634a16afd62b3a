namespace PhotoBlurPipeline;

/// <summary>An 8-bit grayscale frame stored row-major.</summary>
public sealed class GrayImage
{
    public GrayImage(int width, int height)
    {
        Width = width;
        Height = height;
        Pixels = new byte[width * height];
    }

    public int Width { get; }
    public int Height { get; }
    public byte[] Pixels { get; }

    public byte this[int x, int y]
    {
        get => Pixels[y * Width + x];
        set => Pixels[y * Width + x] = value;
    }

    public static GrayImage Synthesize(int width, int height, int seed)
    {
        var image = new GrayImage(width, height);
        var rng = new Random(seed);
        for (int y = 0; y < height; y++)
        {
            for (int x = 0; x < width; x++)
            {
                // soft gradient plus some sensor noise
                int value = (x * 255 / width + y * 128 / height) / 2 + rng.Next(-12, 13);
                image[x, y] = (byte)Math.Clamp(value, 0, 255);
            }
        }
        return image;
    }
}
