using System;
using System.IO;
using System.Linq;
using System.Numerics;
using System.Threading;
using System.Threading.Tasks;

namespace StereoDepthMatcher;

public sealed record StereoPair(string Name, int Width, int Height, byte[] Left, byte[] Right, int[] TrueDisparity);

public sealed record CensusPair(StereoPair Pair, ulong[] Left, ulong[] Right);

public static class Scenes
{
    public static StereoPair Make(string name, int seed, int width, int height)
    {
        var rng = new Random(seed);
        var left = new byte[width * height];
        rng.NextBytes(left);
        var truth = new int[width * height];
        var boxes = Enumerable.Range(0, 4)
            .Select(_ => (X: rng.Next(40, width - 120), Y: rng.Next(20, height - 90), W: rng.Next(50, 110), H: rng.Next(40, 80), D: rng.Next(24, 44)))
            .ToArray();
        for (int y = 0; y < height; y++)
            for (int x = 0; x < width; x++)
            {
                int d = 6 + y / 24;
                foreach (var b in boxes)
                    if (x >= b.X && x < b.X + b.W && y >= b.Y && y < b.Y + b.H) d = Math.Max(d, b.D);
                truth[y * width + x] = d;
            }
        var right = new byte[width * height];
        for (int y = 0; y < height; y++)
            for (int x = 0; x < width; x++)
            {
                int src = Math.Min(width - 1, x + truth[y * width + x]);
                right[y * width + x] = (byte)Math.Clamp(left[y * width + src] + rng.Next(-6, 7), 0, 255);
            }
        return new StereoPair(name, width, height, left, right, truth);
    }

    public static ulong[] Census(byte[] image, int width, int height)
    {
        var census = new ulong[width * height];
        for (int y = 2; y < height - 2; y++)
            for (int x = 3; x < width - 3; x++)
            {
                ulong bits = 0;
                byte centre = image[y * width + x];
                for (int dy = -2; dy <= 2; dy++)
                    for (int dx = -3; dx <= 3; dx++)
                        bits = (bits << 1) | (image[(y + dy) * width + x + dx] < centre ? 1UL : 0UL);
                census[y * width + x] = bits;
            }
        return census;
    }
}

public sealed class BlockMatcher(int width, int maxDisparity, int radius)
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly int[] _cost = new int[width * maxDisparity];
    private readonly int[] _aggregated = new int[width * maxDisparity];

    public void MatchRows(CensusPair census, int rowStart, int rowEnd, int[] disparity)
    {
        _gate.Wait();
        try
        {
            for (int y = rowStart; y < rowEnd; y++)
            {
                int row = y * width;
                for (int x = 0; x < width; x++)
                    for (int d = 0; d < maxDisparity; d++)
                        _cost[x * maxDisparity + d] = x >= d ? BitOperations.PopCount(census.Left[row + x] ^ census.Right[row + x - d]) : 64;
                for (int d = 0; d < maxDisparity; d++)
                {
                    int sum = 0;
                    for (int x = 0; x < width; x++)
                    {
                        sum += _cost[x * maxDisparity + d];
                        if (x > 2 * radius) sum -= _cost[(x - 2 * radius - 1) * maxDisparity + d];
                        if (x >= radius) _aggregated[(x - radius) * maxDisparity + d] = sum;
                    }
                }
                for (int x = 0; x < width; x++)
                {
                    int best = 0;
                    for (int d = 1; d < maxDisparity; d++)
                        if (_aggregated[x * maxDisparity + d] < _aggregated[x * maxDisparity + best]) best = d;
                    disparity[row + x] = best;
                }
            }
        }
        finally
        {
            _gate.Release();
        }
    }
}

public sealed class RunLog(string path)
{
    private readonly SemaphoreSlim _gate = new(1, 1);

    public async Task AppendAsync(string line)
    {
        await _gate.WaitAsync();
        try { await File.AppendAllTextAsync(path, line + Environment.NewLine); }
        finally { _gate.Release(); }
    }
}

public static class Program
{
    private static async Task<CensusPair> CensusAsync(StereoPair pair, string cacheDir)
    {
        var left = Scenes.Census(pair.Left, pair.Width, pair.Height);
        var right = Scenes.Census(pair.Right, pair.Width, pair.Height);
        var bytes = new byte[left.Length * 8];
        Buffer.BlockCopy(left, 0, bytes, 0, bytes.Length);
        await File.WriteAllBytesAsync(Path.Combine(cacheDir, $"{pair.Name}.census"), bytes);
        return new CensusPair(pair, left, right);
    }

    public static async Task Main()
    {
        const int Width = 400, Height = 300, MaxDisparity = 56;
        string cacheDir = Directory.CreateTempSubdirectory("census-").FullName;
        var pairs = Enumerable.Range(0, 6).Select(i => Scenes.Make($"rig-{i:D2}", 60 + i, Width, Height)).ToArray();

        var censuses = await Task.WhenAll(pairs.Select(p => CensusAsync(p, cacheDir)));

        var matcher = new BlockMatcher(Width, MaxDisparity, radius: 4);
        var log = new RunLog(Path.Combine(cacheDir, "run.log"));
        var results = new (string Name, double Bad, double Mean)[censuses.Length];
        await Parallel.ForEachAsync(Enumerable.Range(0, censuses.Length), async (i, ct) =>
        {
            var census = censuses[i];
            var disparity = new int[Width * Height];
            Parallel.For(0, Height / 20, band => matcher.MatchRows(census, band * 20, band * 20 + 20, disparity));
            int bad = 0, counted = 0;
            for (int y = 2; y < Height - 2; y++)
                for (int x = 8; x < Width - MaxDisparity; x++, counted++)
                    if (Math.Abs(disparity[y * Width + x] - census.Pair.TrueDisparity[y * Width + x]) > 1) bad++;
            results[i] = (census.Pair.Name, bad / (double)counted, disparity.Average());
            await log.AppendAsync($"{census.Pair.Name} bad={bad}/{counted}");
        });

        foreach (var r in results)
            Console.WriteLine($"{r.Name}: {r.Bad:P2} bad pixels (>1 px), mean disparity {r.Mean:F2}");
        Console.WriteLine($"log lines: {File.ReadAllLines(Path.Combine(cacheDir, "run.log")).Length}");
        Directory.Delete(cacheDir, recursive: true);
    }
}
