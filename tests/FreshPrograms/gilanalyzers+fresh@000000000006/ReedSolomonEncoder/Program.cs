using System.Runtime.CompilerServices;

namespace ReedSolomonEncoder;

public sealed class ShardStats
{
    private int _shards;
    private long _bytes;

    [MethodImpl(MethodImplOptions.Synchronized)]
    public void Count(int bytes)
    {
        _shards++;
        _bytes += bytes;
    }

    public override string ToString() => $"{_shards} shards, {_bytes} bytes";
}

public sealed class ShardStore : IAsyncDisposable
{
    private readonly FileStream _file;
    private readonly SemaphoreSlim _fileGate = new(1, 1);

    public ShardStore(string path) => _file = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 4096, useAsync: true);

    public async Task AppendAsync(int stripe, byte[] parity, CancellationToken ct)
    {
        var header = BitConverter.GetBytes(stripe);
        await _fileGate.WaitAsync(ct);
        try
        {
            await _file.WriteAsync(header, ct);
            await _file.WriteAsync(parity, ct);
        }
        finally
        {
            _fileGate.Release();
        }
    }

    public ValueTask DisposeAsync() => _file.DisposeAsync();
}

public sealed class StripeEncoder
{
    private readonly IErasureCoder _coder;
    private readonly ShardStats _stats;

    public StripeEncoder(IErasureCoder coder, ShardStats stats)
    {
        _coder = coder;
        _stats = stats;
    }

    public byte[][] EncodeAll(IReadOnlyList<byte[]> stripes)
    {
        var parity = new byte[stripes.Count][];
        Parallel.ForEach(Enumerable.Range(0, stripes.Count), s =>
        {
            parity[s] = _coder.ComputeParity(stripes[s]);
            _stats.Count(stripes[s].Length + parity[s].Length);
        });
        return parity;
    }
}

public static class Program
{
    public static async Task Main()
    {
        var rng = new Random(77);
        var stripes = Enumerable.Range(0, 96).Select(_ =>
        {
            var b = new byte[16 * 1024];
            rng.NextBytes(b);
            return b;
        }).ToList();

        var stats = new ShardStats();
        var encoder = new StripeEncoder(new ReedSolomonCoder(parityBytes: 32), stats);
        byte[][] parity = encoder.EncodeAll(stripes);

        string path = Path.Combine(Path.GetTempPath(), "rs-parity.bin");
        await using (var store = new ShardStore(path))
        {
            await Parallel.ForEachAsync(Enumerable.Range(0, parity.Length), async (s, ct) => await store.AppendAsync(s, parity[s], ct));
        }

        uint digest = 0;
        foreach (var p in parity) foreach (byte b in p) digest = digest * 31 + b;
        Console.WriteLine($"encoded {stats}");
        Console.WriteLine($"parity digest {digest:X8}, file {new FileInfo(path).Length} bytes");
        Console.WriteLine($"stripe 0 parity: {Convert.ToHexString(parity[0].AsSpan(0, 8))}");
    }
}
