using System.Numerics;

namespace PerceptualHashIndex;

public sealed class HashIndex
{
    private readonly IImageHasher _hasher;
    private readonly Dictionary<ushort, List<int>> _buckets = new();
    private ulong[] _hashes = [];

    public HashIndex(IImageHasher hasher) => _hasher = hasher;

    public IReadOnlyList<ulong> Hashes => _hashes;

    public void Build(IReadOnlyList<GrayImage> images)
    {
        _hashes = new ulong[images.Count];
        Parallel.For(0, images.Count, i =>
        {
            ulong h = _hasher.Hash(images[i]);
            _hashes[i] = h;
            lock (_buckets)
            {
                if (!_buckets.TryGetValue((ushort)h, out var list))
                    _buckets[(ushort)h] = list = new List<int>();
                list.Add(i);
            }
        });
    }

    public int BucketCount => _buckets.Count;
}

public static class DuplicateScanner
{
    public static List<(int A, int B, int Distance)> FindNearDuplicates(IReadOnlyList<ulong> hashes, int maxDistance, int chunks)
    {
        var partial = new List<(int, int, int)>[chunks];
        var tasks = new Task[chunks];
        for (int c = 0; c < chunks; c++)
        {
            int chunk = c;
            tasks[c] = Task.Factory.StartNew(() =>
            {
                var found = new List<(int, int, int)>();
                for (int i = chunk; i < hashes.Count; i += chunks)
                    for (int j = i + 1; j < hashes.Count; j++)
                    {
                        int d = BitOperations.PopCount(hashes[i] ^ hashes[j]);
                        if (d <= maxDistance) found.Add((i, j, d));
                    }
                partial[chunk] = found;
            }, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        }
        Task.WaitAll(tasks);
        return partial.SelectMany(p => p).OrderBy(p => p.Item1).ThenBy(p => p.Item2).ToList();
    }
}

public static class Program
{
    private static GrayImage Render(int seed, int variant)
    {
        var rng = new Random(seed);
        var img = new GrayImage(256, 192);
        double fx = 0.01 + rng.NextDouble() * 0.05, fy = 0.01 + rng.NextDouble() * 0.05, phase = rng.NextDouble() * 6;
        var noise = new Random(seed * 31 + variant);
        for (int y = 0; y < img.Height; y++)
            for (int x = 0; x < img.Width; x++)
            {
                double v = 128 + 90 * Math.Sin(x * fx + phase) * Math.Cos(y * fy) + (variant > 0 ? noise.Next(-12, 13) : 0);
                img[x, y] = (byte)Math.Clamp(v * (1 + 0.04 * variant), 0, 255);
            }
        return img;
    }

    public static void Main()
    {
        var images = new List<GrayImage>();
        for (int s = 0; s < 60; s++)
        {
            images.Add(Render(s, 0));
            if (s % 4 == 0) images.Add(Render(s, 1));
        }

        var index = new HashIndex(new DctHasher());
        index.Build(images);
        Console.WriteLine($"hashed {images.Count} images into {index.BucketCount} buckets");

        var pairs = DuplicateScanner.FindNearDuplicates(index.Hashes, maxDistance: 10, chunks: 4);
        Console.WriteLine($"near-duplicate pairs: {pairs.Count}");
        foreach (var (a, b, d) in pairs.Take(8))
            Console.WriteLine($"  {a,3} ~ {b,3}  distance {d}");
    }
}
