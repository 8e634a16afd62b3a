using System.Diagnostics;

namespace TextureCompressor;

internal static class Program
{
    private static void Main(string[] args)
    {
        int textureCount = args.Length > 0 ? int.Parse(args[0]) : 12;
        var textures = Enumerable.Range(0, textureCount).Select(i => Texture.Procedural($"tex_{i:D2}", 256, 256, seed: i)).ToList();

        IBlockEncoder encoder = SquishEncoder.IsAvailable ? new SquishEncoder() : new ManagedBc1Encoder();
        var stats = new CompressionStats();
        var pipeline = new TexturePipeline(encoder, stats);

        var sw = Stopwatch.StartNew();
        var compressed = textures.Select(pipeline.Compress).ToList();
        sw.Stop();

        Console.WriteLine($"{encoder.Name}: {compressed.Count} textures, {stats.Blocks:N0} blocks, {compressed.Sum(c => c.Length):N0} bytes in {sw.ElapsedMilliseconds} ms (mean RMSE {stats.MeanError:F2})");
    }
}

public sealed class CompressionStats
{
    private readonly object _sync = new();
    private long _blocks;
    private double _errorSum;

    public long Blocks => _blocks;
    public double MeanError => _blocks == 0 ? 0 : _errorSum / _blocks;

    public void Add(double blockError)
    {
        lock (_sync)
        {
            _blocks++;
            _errorSum += blockError;
        }
    }
}

public sealed class TexturePipeline(IBlockEncoder encoder, CompressionStats stats)
{
    public byte[] Compress(Texture texture)
    {
        int bw = texture.Width / 4, bh = texture.Height / 4;
        var output = new byte[bw * bh * 8];
        Parallel.For(0, bw * bh, block =>
        {
            var pixels = texture.ReadBlock(block % bw * 4, block / bw * 4);
            double error = encoder.EncodeBlock(pixels, output.AsSpan(block * 8, 8));
            stats.Add(error);
        });
        return output;
    }
}
