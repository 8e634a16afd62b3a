using System.Security.Cryptography;

namespace DeltaPatchBuilder;

public enum OpKind { Copy, Literal }

public readonly record struct DeltaOp(OpKind Kind, int Offset, int Length);

public sealed class Signature
{
    private readonly Dictionary<uint, List<(int Block, ulong Strong)>> _byWeak = new();
    private readonly object _indexGate = new();

    public int Count { get; private set; }
    public int DistinctWeak => _byWeak.Count;

    public void Add(uint weak, int block, ulong strong)
    {
        lock (_indexGate)
        {
            if (!_byWeak.TryGetValue(weak, out var list))
            {
                _byWeak[weak] = list = new List<(int, ulong)>(1);
            }
            list.Add((block, strong));
            Count++;
        }
    }

    public bool TryMatch(uint weak, Func<ulong> strong, out int block)
    {
        block = -1;
        if (!_byWeak.TryGetValue(weak, out var list)) return false;
        ulong s = strong();
        foreach (var (b, st) in list)
        {
            if (st == s && (block < 0 || b < block)) block = b;
        }
        return block >= 0;
    }
}

public static class SignatureBuilder
{
    public static Signature Build(byte[] data, int blockSize, ProgressReporter progress)
    {
        var signature = new Signature();
        int blocks = data.Length / blockSize;
        const int BlocksPerItem = 32;
        int items = (blocks + BlocksPerItem - 1) / BlocksPerItem;

        using var remaining = new CountdownEvent(items);
        for (int item = 0; item < items; item++)
        {
            int first = item * BlocksPerItem;
            int last = Math.Min(blocks, first + BlocksPerItem);
            ThreadPool.QueueUserWorkItem(_ =>
            {
                try
                {
                    for (int b = first; b < last; b++)
                    {
                        var span = data.AsSpan(b * blockSize, blockSize);
                        signature.Add(Hashes.Weak(span), b, Hashes.Strong(span));
                    }
                    progress.Advance(last - first);
                }
                finally
                {
                    remaining.Signal();
                }
            });
        }
        remaining.Wait();
        return signature;
    }
}

public static class Hashes
{
    public static uint Weak(ReadOnlySpan<byte> block)
    {
        uint a = 0, b = 0;
        for (int i = 0; i < block.Length; i++)
        {
            a += block[i];
            b += (uint)(block.Length - i) * block[i];
        }
        return (a & 0xffff) | (b << 16);
    }

    public static ulong Strong(ReadOnlySpan<byte> block)
    {
        Span<byte> digest = stackalloc byte[32];
        SHA256.HashData(block, digest);
        return BitConverter.ToUInt64(digest);
    }
}

public sealed class DeltaScanner(Signature signature, int blockSize)
{
    public List<DeltaOp> Scan(byte[] data)
    {
        var ops = new List<DeltaOp>();
        int pos = 0;
        int literalStart = 0;
        while (pos + blockSize <= data.Length)
        {
            int at = pos;
            if (signature.TryMatch(Hashes.Weak(data.AsSpan(at, blockSize)), () => Hashes.Strong(data.AsSpan(at, blockSize)), out int block))
            {
                if (pos > literalStart) ops.Add(new DeltaOp(OpKind.Literal, literalStart, pos - literalStart));
                ops.Add(new DeltaOp(OpKind.Copy, block * blockSize, blockSize));
                pos += blockSize;
                literalStart = pos;
            }
            else
            {
                pos += 256; // coarse stride keeps the demo quick
            }
        }
        if (data.Length > literalStart) ops.Add(new DeltaOp(OpKind.Literal, literalStart, data.Length - literalStart));
        return ops;
    }
}
