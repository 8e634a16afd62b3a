using System.Collections.Concurrent;
using System.Diagnostics;

namespace ThumbnailBatch;

public readonly record struct Rgb(byte R, byte G, byte B);

public sealed class Photo
{
    public Photo(string name, int width, int height, Rgb[] pixels) { Name = name; Width = width; Height = height; Pixels = pixels; }
    public string Name { get; }
    public int Width { get; }
    public int Height { get; }
    public Rgb[] Pixels { get; }
}

public interface IThumbnailer
{
    Photo Shrink(Photo source, int maxSide);
}

public sealed class BoxFilterThumbnailer : IThumbnailer
{
    public Photo Shrink(Photo source, int maxSide)
    {
        double scale = (double)maxSide / Math.Max(source.Width, source.Height);
        int w = Math.Max(1, (int)(source.Width * scale)), h = Math.Max(1, (int)(source.Height * scale));
        var dst = new Rgb[w * h];
        for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++)
        {
            int x0 = (int)(x / scale), x1 = Math.Min(source.Width, (int)((x + 1) / scale));
            int y0 = (int)(y / scale), y1 = Math.Min(source.Height, (int)((y + 1) / scale));
            long r = 0, g = 0, b = 0; int n = 0;
            for (int sy = y0; sy < y1; sy++)
            for (int sx = x0; sx < x1; sx++)
            {
                var p = source.Pixels[sy * source.Width + sx];
                r += p.R; g += p.G; b += p.B; n++;
            }
            n = Math.Max(n, 1);
            dst[y * w + x] = new Rgb((byte)(r / n), (byte)(g / n), (byte)(b / n));
        }
        return new Photo(source.Name + ".thumb", w, h, dst);
    }
}

public sealed class ThumbnailJob(IThumbnailer thumbnailer, int workers)
{
    public Photo[] Run(IReadOnlyList<Photo> photos, int maxSide)
    {
        var thumbs = new Photo[photos.Count];
        int per = (photos.Count + workers - 1) / workers;
        var chunks = new List<Task>();
        for (int w = 0; w < workers; w++)
        {
            int first = w * per, last = Math.Min(photos.Count, first + per);
            chunks.Add(Task.Factory.StartNew(() =>
            {
                for (int i = first; i < last; i++)
                    thumbs[i] = thumbnailer.Shrink(photos[i], maxSide);
            }, TaskCreationOptions.LongRunning));
        }
        Task.WaitAll(chunks.ToArray());
        return thumbs;
    }
}

public static class Program
{
    public static void Main()
    {
        var photos = new Photo[24];
        Parallel.For(0, photos.Length, i =>
        {
            var rng = new Random(i);
            int w = 1200 + rng.Next(800), h = 900 + rng.Next(600);
            var px = new Rgb[w * h];
            for (int p = 0; p < px.Length; p++)
                px[p] = new Rgb((byte)(p % w * 255 / w), (byte)(p / w * 255 / h), (byte)rng.Next(256));
            photos[i] = new Photo($"IMG_{4000 + i}.jpg", w, h, px);
        });

        var sw = Stopwatch.StartNew();
        var job = new ThumbnailJob(new BoxFilterThumbnailer(), workers: 4);
        var thumbs = job.Run(photos, 160);
        Console.WriteLine($"{thumbs.Length} thumbnails in {sw.ElapsedMilliseconds} ms");

        var uploads = new BlockingCollection<Photo>();
        var uploaded = new List<string>();
        var uploader = new Thread(() =>
        {
            foreach (var t in uploads.GetConsumingEnumerable())
            {
                Thread.Sleep(2); // stands in for the HTTP PUT to the CDN
                uploaded.Add($"{t.Name} {t.Width}x{t.Height}");
            }
        });
        uploader.Start();
        foreach (var t in thumbs) uploads.Add(t);
        uploads.CompleteAdding();
        uploader.Join();
        Console.WriteLine($"uploaded {uploaded.Count}; first: {uploaded[0]}");
    }
}
