using System.Diagnostics;
using System.Text;

namespace HuffmanBlockCoder;

/// <summary>Canonical-ish Huffman code built from byte frequencies.</summary>
public sealed class HuffmanCode
{
    private sealed record Node(int Weight, int Symbol, Node? Left, Node? Right);

    public int[] Lengths { get; } = new int[256];
    public uint[] Codes { get; } = new uint[256];

    public static HuffmanCode Build(ReadOnlySpan<byte> data)
    {
        var freq = new int[256];
        foreach (byte b in data) freq[b]++;

        var queue = new PriorityQueue<Node, int>();
        for (int s = 0; s < 256; s++)
            if (freq[s] > 0) queue.Enqueue(new Node(freq[s], s, null, null), freq[s]);
        if (queue.Count == 1) queue.Enqueue(new Node(0, -1, null, null), 0);

        while (queue.Count > 1)
        {
            var a = queue.Dequeue();
            var b = queue.Dequeue();
            var parent = new Node(a.Weight + b.Weight, -1, a, b);
            queue.Enqueue(parent, parent.Weight);
        }

        var code = new HuffmanCode();
        code.Assign(queue.Dequeue(), 0, 0);
        return code;
    }

    private void Assign(Node node, uint bits, int depth)
    {
        if (node.Symbol >= 0)
        {
            Lengths[node.Symbol] = Math.Max(1, depth);
            Codes[node.Symbol] = bits;
            return;
        }
        if (node.Left is not null) Assign(node.Left, bits << 1, depth + 1);
        if (node.Right is not null) Assign(node.Right, (bits << 1) | 1, depth + 1);
    }
}

/// <summary>Splits the input into blocks and Huffman-codes each block with its own table.</summary>
public sealed class BlockCoder
{
    private readonly object _coderLock = new();
    private readonly object _statsLock = new();
    private long _totalBits;

    public long TotalBits => _totalBits;

    public byte[][] Encode(byte[] input, int blockSize)
    {
        int blocks = (input.Length + blockSize - 1) / blockSize;
        var output = new byte[blocks][];
        Parallel.For(0, blocks, i =>
        {
            var block = input.AsSpan(i * blockSize, Math.Min(blockSize, input.Length - i * blockSize));
            byte[] packed;
            long bitCount = 0;
            lock (_coderLock)
            {
                var code = HuffmanCode.Build(block);
                var bits = new List<byte>(block.Length);
                int acc = 0, filled = 0;
                foreach (byte b in block)
                {
                    for (int k = code.Lengths[b] - 1; k >= 0; k--)
                    {
                        acc = (acc << 1) | (int)((code.Codes[b] >> k) & 1);
                        bitCount++;
                        if (++filled == 8)
                        {
                            bits.Add((byte)acc);
                            acc = 0;
                            filled = 0;
                        }
                    }
                }
                if (filled > 0) bits.Add((byte)(acc << (8 - filled)));
                packed = bits.ToArray();
            }

            output[i] = packed;
            lock (_statsLock)
            {
                _totalBits += bitCount;
            }
        });
        return output;
    }
}

public static class Program
{
    public static void Main(string[] args)
    {
        int kib = args.Length > 0 ? int.Parse(args[0]) : 2048;
        var text = new StringBuilder();
        var rng = new Random(6);
        string[] words = ["lorem", "ipsum", "dolor", "sit", "amet", "consectetur", "adipiscing", "elit", "sed", "do"];
        while (text.Length < kib * 1024) text.Append(words[rng.Next(words.Length)]).Append(rng.Next(12) == 0 ? ".\n" : " ");
        byte[] input = Encoding.ASCII.GetBytes(text.ToString());

        var sw = Stopwatch.StartNew();
        var coder = new BlockCoder();
        var blocks = coder.Encode(input, blockSize: 64 * 1024);
        long packedBytes = blocks.Sum(b => (long)b.Length);
        Console.WriteLine($"{input.Length:N0} bytes -> {packedBytes:N0} bytes in {blocks.Length} blocks ({coder.TotalBits / (double)input.Length:F2} bits/byte), {sw.ElapsedMilliseconds} ms");
    }
}
