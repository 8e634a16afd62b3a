using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Runtime.InteropServices;
using System.Text;
using System.Threading;
using System.Threading.Tasks;

namespace LogCompactor;

internal static class Zlib
{
    public static readonly object Gate = new();

    [DllImport("libz.so.1", EntryPoint = "compress2")]
    private static extern int Compress2(byte[] dest, ref nuint destLen, byte[] source, nuint sourceLen, int level);

    [DllImport("libz.so.1", EntryPoint = "zlibVersion")]
    private static extern IntPtr ZlibVersion();

    public static string Version()
    {
        lock (Gate)
        {
            return Marshal.PtrToStringAnsi(ZlibVersion()) ?? "?";
        }
    }

    public static byte[] Deflate(byte[] data)
    {
        lock (Gate)
        {
            nuint len = (nuint)(data.Length + data.Length / 100 + 64);
            var dest = new byte[len];
            int rc = Compress2(dest, ref len, data, (nuint)data.Length, 9);
            if (rc != 0) throw new InvalidOperationException($"compress2 failed: {rc}");
            Array.Resize(ref dest, (int)len);
            return dest;
        }
    }
}

public readonly record struct LogRecord(long Offset, string Key, string Value);

// Keeps only the newest record per key across all segments of a partition.
public sealed class Compactor
{
    private readonly Mutex _mutex = new();
    private readonly Dictionary<string, LogRecord> _latest = new();

    public int Merge(IReadOnlyList<LogRecord> segment)
    {
        _mutex.WaitOne();
        try
        {
            var sorted = segment.OrderBy(r => r.Key, StringComparer.Ordinal).ThenByDescending(r => r.Offset).ToList();
            int kept = 0;
            for (int i = 0; i < sorted.Count; i++)
            {
                if (i > 0 && sorted[i].Key == sorted[i - 1].Key) continue;
                if (!_latest.TryGetValue(sorted[i].Key, out var seen) || seen.Offset < sorted[i].Offset) { _latest[sorted[i].Key] = sorted[i]; kept++; }
            }
            return kept;
        }
        finally
        {
            _mutex.ReleaseMutex();
        }
    }

    public IEnumerable<LogRecord> Survivors => _latest.Values.OrderBy(r => r.Offset);
}

public static class Program
{
    public static void Main()
    {
        Console.WriteLine($"zlib {Zlib.Version()}");
        var segments = Enumerable.Range(0, 16).Select(MakeSegment).ToList();
        var compactor = new Compactor();
        Parallel.ForEach(segments, segment => compactor.Merge(segment));

        var survivors = compactor.Survivors.ToList();
        var blocks = survivors.Chunk(2000).Select(chunk => Encoding.UTF8.GetBytes(string.Join('\n', chunk.Select(r => $"{r.Offset}\t{r.Key}\t{r.Value}")))).ToList();

        string outPath = Path.Combine(Path.GetTempPath(), "compacted.seg");
        using var output = new FileStream(outPath, FileMode.Create, FileAccess.Write);
        long rawBytes = 0, packedBytes = 0;
        Parallel.ForEach(blocks, block =>
        {
            byte[] packed = Zlib.Deflate(block);
            lock (output)
            {
                output.Write(BitConverter.GetBytes(packed.Length));
                output.Write(packed);
                rawBytes += block.Length;
                packedBytes += packed.Length;
            }
        });

        Console.WriteLine($"records in: {segments.Sum(s => s.Count)}, survivors: {survivors.Count}, blocks: {blocks.Count}");
        Console.WriteLine($"raw {rawBytes} bytes -> {packedBytes} bytes");
    }

    private static List<LogRecord> MakeSegment(int segment)
    {
        var rng = new Random(segment);
        var records = new List<LogRecord>(30000);
        for (int i = 0; i < 30000; i++)
        {
            long offset = segment * 30000L + i;
            records.Add(new LogRecord(offset, $"user:{rng.Next(60000):D5}", $"{{\"cart\":{rng.Next(50)},\"seen\":{offset}}}"));
        }
        return records;
    }
}
