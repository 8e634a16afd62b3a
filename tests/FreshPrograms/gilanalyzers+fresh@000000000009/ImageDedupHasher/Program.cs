using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Numerics;
using System.Threading;
using System.Threading.Tasks;

namespace ImageDedupHasher;

public sealed record GrayImage(string Name, int Width, int Height, byte[] Pixels);

// pHash: downscale to 32x32, 2-D DCT, compare the top-left 8x8 block with its median.
public sealed class PerceptualHasher
{
    private const int N = 32;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly double[,] _small = new double[N, N];
    private readonly double[,] _dct = new double[N, N];

    public ulong Hash(GrayImage img)
    {
        _gate.Wait();
        try
        {
            for (int y = 0; y < N; y++)
                for (int x = 0; x < N; x++)
                    _small[y, x] = img.Pixels[(y * img.Height / N) * img.Width + x * img.Width / N];
            for (int u = 0; u < 8; u++)
                for (int v = 0; v < 8; v++)
                {
                    double sum = 0;
                    for (int y = 0; y < N; y++)
                        for (int x = 0; x < N; x++)
                            sum += _small[y, x] * Math.Cos((2 * x + 1) * v * Math.PI / (2 * N)) * Math.Cos((2 * y + 1) * u * Math.PI / (2 * N));
                    _dct[u, v] = sum;
                }
            var block = new double[64];
            for (int i = 0; i < 64; i++) block[i] = _dct[i / 8, i % 8];
            double median = block.Skip(1).OrderBy(d => d).ElementAt(31);
            ulong bits = 0;
            for (int i = 0; i < 64; i++) if (block[i] > median) bits |= 1UL << i;
            return bits;
        }
        finally
        {
            _gate.Release();
        }
    }
}

public static class Program
{
    public static async Task Main()
    {
        var images = Enumerable.Range(0, 300).Select(MakeImage).ToList();
        var hasher = new PerceptualHasher();
        var buckets = new Dictionary<ushort, List<(string Name, ulong Hash)>>();

        Parallel.ForEach(images, img =>
        {
            ulong h = hasher.Hash(img);
            lock (buckets)
            {
                if (!buckets.TryGetValue((ushort)(h >> 48), out var list)) buckets[(ushort)(h >> 48)] = list = new();
                list.Add((img.Name, h));
            }
        });

        int near = 0;
        foreach (var list in buckets.Values)
            for (int i = 0; i < list.Count; i++)
                for (int j = i + 1; j < list.Count; j++)
                    if (BitOperations.PopCount(list[i].Hash ^ list[j].Hash) <= 6) near++;

        string outDir = Path.Combine(Path.GetTempPath(), "dedup-dhash");
        Directory.CreateDirectory(outDir);
        async Task WriteDifferenceHashAsync(GrayImage img)
        {
            var sb = new System.Text.StringBuilder();
            for (int band = 0; band < 16; band++)
            {
                ulong dh = 0;
                int y0 = band * img.Height / 16;
                for (int i = 0; i < 64; i++)
                {
                    int y = y0 + (i / 8) * img.Height / 256, x = (i % 8) * img.Width / 9, x2 = ((i % 8) + 1) * img.Width / 9;
                    int left = 0, right = 0;
                    for (int k = 0; k < img.Width / 9; k++) { left += img.Pixels[y * img.Width + x + k]; right += img.Pixels[y * img.Width + x2 + k]; }
                    if (left > right) dh |= 1UL << i;
                }
                sb.Append(dh.ToString("x16")).Append(' ');
            }
            await File.WriteAllTextAsync(Path.Combine(outDir, img.Name + ".dhash"), sb.ToString());
        }
        await Task.WhenAll(images.Select(WriteDifferenceHashAsync));

        Console.WriteLine($"images: {images.Count}, buckets: {buckets.Count}, near-duplicate pairs: {near}");
    }

    private static GrayImage MakeImage(int id)
    {
        // every fifth image is a slightly brightened copy of the one before it
        int source = id % 5 == 4 ? id - 1 : id;
        var rng = new Random(source);
        int w = 320, h = 240;
        var px = new byte[w * h];
        double fx = rng.NextDouble() * 0.05, fy = rng.NextDouble() * 0.05, phase = rng.NextDouble() * 6;
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++)
                px[y * w + x] = (byte)Math.Clamp(128 + 100 * Math.Sin(fx * x + phase) * Math.Cos(fy * y) + (source != id ? 12 : 0), 0, 255);
        return new GrayImage($"img{id:D3}", w, h, px);
    }
}
