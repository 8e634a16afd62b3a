namespace VideoTranscodeScheduler;

public sealed record Segment(int Index, int Width, int Height, IReadOnlyList<byte[]> Frames);

public sealed class SourceVideo(int width, int height, List<byte[]> frames)
{
    public static SourceVideo Synthetic(int width, int height, int frames, int seed)
    {
        var rng = new Random(seed);
        var list = new List<byte[]>();
        for (int f = 0; f < frames; f++)
        {
            var px = new byte[width * height];
            for (int y = 0; y < height; y++)
                for (int x = 0; x < width; x++)
                    px[y * width + x] = (byte)(((x + f * 2) / 10 + y / 10) % 2 * 160 + rng.Next(30));
            list.Add(px);
        }
        return new SourceVideo(width, height, list);
    }

    public List<Segment> Split(int framesPerSegment) =>
        frames.Chunk(framesPerSegment).Select((chunk, i) => new Segment(i, width, height, chunk)).ToList();
}

/// <summary>Writes a poster frame (the sharpest frame of the segment, box-downscaled 2x) as a PGM file.</summary>
public sealed class ThumbnailService(string directory)
{
    public async Task<string> WritePosterAsync(Segment segment)
    {
        int bestFrame = 0;
        double bestSharpness = -1;
        for (int f = 0; f < segment.Frames.Count; f++)
        {
            var px = segment.Frames[f];
            double sharpness = 0;
            for (int y = 1; y < segment.Height - 1; y++)
                for (int x = 1; x < segment.Width - 1; x++)
                {
                    int i = y * segment.Width + x;
                    int lap = 4 * px[i] - px[i - 1] - px[i + 1] - px[i - segment.Width] - px[i + segment.Width];
                    sharpness += lap * lap;
                }
            if (sharpness > bestSharpness) { bestSharpness = sharpness; bestFrame = f; }
        }

        int w = segment.Width / 2, h = segment.Height / 2;
        var small = new byte[w * h];
        var src = segment.Frames[bestFrame];
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++)
                small[y * w + x] = (byte)((src[2 * y * segment.Width + 2 * x] + src[2 * y * segment.Width + 2 * x + 1] + src[(2 * y + 1) * segment.Width + 2 * x] + src[(2 * y + 1) * segment.Width + 2 * x + 1]) / 4);

        string path = Path.Combine(directory, $"poster-{segment.Index:D3}.pgm");
        await using var file = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 4096, useAsync: true);
        byte[] header = System.Text.Encoding.ASCII.GetBytes($"P5\n{w} {h}\n255\n");
        await file.WriteAsync(header);
        await file.WriteAsync(small);
        return path;
    }
}
