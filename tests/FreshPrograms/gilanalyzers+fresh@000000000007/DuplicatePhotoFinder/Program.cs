using System.Numerics;

namespace Gallery.Dedupe;

public interface IImageHasher
{
    Task<ulong> HashAsync(string name, byte[] gray, int width, int height);
}

/// <summary>Difference hash (dHash) with a small on-disk sidecar so re-runs can skip unchanged photos.</summary>
public sealed class DifferenceHasher(string sidecarPath) : IImageHasher
{
    private readonly SemaphoreSlim _sidecarGate = new(1, 1);

    public async Task<ulong> HashAsync(string name, byte[] gray, int width, int height)
    {
        // Box-filter down to 9x8, averaging every source pixel.
        var small = new double[8, 9];
        for (int y = 0; y < height; y++)
            for (int x = 0; x < width; x++)
                small[y * 8 / height, x * 9 / width] += gray[y * width + x];
        ulong hash = 0;
        for (int r = 0; r < 8; r++)
            for (int c = 0; c < 8; c++)
                if (small[r, c] > small[r, c + 1]) hash |= 1UL << (r * 8 + c);

        await _sidecarGate.WaitAsync();
        try
        {
            await File.AppendAllTextAsync(sidecarPath, $"{name} {hash:X16}\n");
        }
        finally
        {
            _sidecarGate.Release();
        }
        return hash;
    }
}

public static class Program
{
    private static byte[] Render(int seed, int width, int height)
    {
        var px = new byte[width * height];
        int baseSeed = seed / 2; // every second photo is a near-duplicate of the one before it
        for (int y = 0; y < height; y++)
            for (int x = 0; x < width; x++)
                px[y * width + x] = (byte)(128 + 100 * Math.Sin((x + baseSeed * 37) / 53.0) * Math.Cos((y - baseSeed * 11) / 41.0) + (seed & 1) * ((x ^ y) & 3));
        return px;
    }

    public static async Task Main()
    {
        const int width = 640, height = 480;
        string dir = Directory.CreateTempSubdirectory("photos").FullName;
        for (int i = 0; i < 16; i++)
            await File.WriteAllBytesAsync(Path.Combine(dir, $"IMG_{i:D4}.raw"), Render(i, width, height));

        string[] paths = Directory.GetFiles(dir, "*.raw").Order(StringComparer.Ordinal).ToArray();
        byte[][] photos = await Task.WhenAll(paths.Select(p => File.ReadAllBytesAsync(p)));

        IImageHasher hasher = new DifferenceHasher(Path.Combine(dir, "hashes.txt"));
        var pending = new List<Task<ulong>>();
        for (int i = 0; i < photos.Length; i++)
            pending.Add(hasher.HashAsync(Path.GetFileName(paths[i]), photos[i], width, height));
        ulong[] hashes = await Task.WhenAll(pending);

        int pairs = 0;
        for (int i = 0; i < hashes.Length; i++)
            for (int j = i + 1; j < hashes.Length; j++)
                if (BitOperations.PopCount(hashes[i] ^ hashes[j]) <= 6)
                {
                    pairs++;
                    Console.WriteLine($"{Path.GetFileName(paths[i])} ~ {Path.GetFileName(paths[j])}");
                }
        Console.WriteLine($"photos={photos.Length} nearDuplicatePairs={pairs}");
        Directory.Delete(dir, true);
    }
}
