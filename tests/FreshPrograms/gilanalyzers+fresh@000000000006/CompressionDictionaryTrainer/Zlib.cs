using System.Runtime.InteropServices;

namespace CompressionDictionaryTrainer;

/// <summary>
/// Bindings to the system zlib. Our deployment links a zlib build that shares one static work area
/// between calls, so every call goes through <see cref="Gate"/>.
/// </summary>
internal static partial class ZlibNative
{
    public static readonly object Gate = new();

    [LibraryImport("libz.so.1", EntryPoint = "compress2")]
    private static partial int Compress2(ref byte dest, ref nuint destLen, ref byte source, nuint sourceLen, int level);

    [LibraryImport("libz.so.1", EntryPoint = "compressBound")]
    private static partial nuint CompressBound(nuint sourceLen);

    [LibraryImport("libz.so.1", EntryPoint = "zlibVersion")]
    private static partial IntPtr ZlibVersion();

    public static string Version()
    {
        lock (Gate)
        {
            return Marshal.PtrToStringAnsi(ZlibVersion()) ?? "?";
        }
    }

    /// <summary>Caller must hold <see cref="Gate"/>.</summary>
    public static int CompressedSize(byte[] data, int level)
    {
        var dest = new byte[(int)CompressBound((nuint)data.Length)];
        nuint len = (nuint)dest.Length;
        int rc = Compress2(ref dest[0], ref len, ref data[0], (nuint)data.Length, level);
        if (rc != 0) throw new InvalidOperationException($"compress2 failed: {rc}");
        return (int)len;
    }
}

/// <summary>Greedy dictionary trainer: most frequent 8-byte segments, most useful last.</summary>
public sealed class DictionaryTrainer
{
    private const int Segment = 8;

    public byte[] Train(IReadOnlyList<byte[]> samples, int dictionarySize)
    {
        var counts = new Dictionary<ulong, (int Count, int Sample, int Offset)>();
        for (int s = 0; s < samples.Count; s++)
        {
            byte[] data = samples[s];
            for (int i = 0; i + Segment <= data.Length; i++)
            {
                ulong key = BitConverter.ToUInt64(data, i);
                counts[key] = counts.TryGetValue(key, out var e) ? (e.Count + 1, e.Sample, e.Offset) : (1, s, i);
            }
        }

        var picked = counts.OrderByDescending(kv => kv.Value.Count).ThenBy(kv => kv.Key)
                           .Take(dictionarySize / Segment).Reverse().ToList();
        var dict = new byte[picked.Count * Segment];
        for (int p = 0; p < picked.Count; p++)
            Array.Copy(samples[picked[p].Value.Sample], picked[p].Value.Offset, dict, p * Segment, Segment);
        return dict;
    }
}
