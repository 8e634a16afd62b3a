using System.Diagnostics;
using System.Text;

namespace BackupArchiver;

/// <summary>
/// Packs a set of blocks into a simple archive: each block is zlib-compressed with a level picked from its
/// entropy, then appended to the archive file with a small header.
/// </summary>
public static class Program
{
    // Our vendored zlib build used to crash under concurrent calls (custom allocator hooks), so every call
    // into it goes through this lock. Do not remove without re-testing on the appliance image.
    private static readonly object ZlibLock = new();

    public static void Main(string[] args)
    {
        int blockCount = args.Length > 0 ? int.Parse(args[0]) : 48;
        var blocks = MakeBlocks(blockCount, blockSize: 128 * 1024);
        string archivePath = Path.Combine(Path.GetTempPath(), "backup-archiver.bin");

        var sw = Stopwatch.StartNew();
        var levels = new int[blocks.Count];
        var entropyByBlock = new Dictionary<int, double>();
        var statsGate = new object();
        long compressedTotal = 0;

        Parallel.For(0, blocks.Count, i =>
        {
            lock (statsGate)
            {
                double entropy = ShannonEntropy(blocks[i]);
                entropyByBlock[i] = entropy;
                levels[i] = entropy > 7.5 ? 1 : entropy > 5 ? 6 : 9;
            }
        });

        using (var archive = new FileStream(archivePath, FileMode.Create, FileAccess.Write))
        {
            Parallel.ForEach(blocks.Select((data, index) => (data, index)), item =>
            {
                byte[] dest = new byte[NativeZlib.CompressBound((ulong)item.data.Length)];
                ulong destLen = (ulong)dest.Length;
                int rc;
                lock (ZlibLock)
                {
                    rc = NativeZlib.Compress2(dest, ref destLen, item.data, (ulong)item.data.Length, levels[item.index]);
                }
                if (rc != NativeZlib.Ok)
                {
                    throw new InvalidOperationException($"compress2 failed for block {item.index}: {rc}");
                }

                var header = Encoding.ASCII.GetBytes($"BLK{item.index:D5}:{destLen:D8}\n");
                lock (archive)
                {
                    archive.Write(header, 0, header.Length);
                    archive.Write(dest, 0, (int)destLen);
                }
                Interlocked.Add(ref compressedTotal, (long)destLen);
            });
        }

        long rawTotal = blocks.Sum(b => (long)b.Length);
        Console.WriteLine($"{blocks.Count} blocks, {rawTotal / 1024} KiB -> {compressedTotal / 1024} KiB in {sw.ElapsedMilliseconds} ms");
        Console.WriteLine($"mean entropy {entropyByBlock.Values.Average():F2} bits/byte, archive at {archivePath}");
    }

    private static double ShannonEntropy(byte[] data)
    {
        Span<int> counts = stackalloc int[256];
        foreach (byte b in data) counts[b]++;
        double entropy = 0;
        for (int i = 0; i < 256; i++)
        {
            if (counts[i] == 0) continue;
            double p = (double)counts[i] / data.Length;
            entropy -= p * Math.Log2(p);
        }
        return entropy;
    }

    private static List<byte[]> MakeBlocks(int count, int blockSize)
    {
        var rng = new Random(5);
        var blocks = new List<byte[]>();
        for (int b = 0; b < count; b++)
        {
            var block = new byte[blockSize];
            int alphabet = b % 3 == 0 ? 256 : b % 3 == 1 ? 16 : 4; // mix of random, text-like and very repetitive
            for (int i = 0; i < block.Length; i++)
            {
                block[i] = (byte)(i % 7 == 0 ? rng.Next(alphabet) : block[Math.Max(0, i - 1)] + (alphabet == 256 ? rng.Next(256) : 0));
            }
            blocks.Add(block);
        }
        return blocks;
    }
}
