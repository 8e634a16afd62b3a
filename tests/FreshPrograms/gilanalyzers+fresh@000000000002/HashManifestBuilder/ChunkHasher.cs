using System.Security.Cryptography;

namespace HashManifestBuilder;

/// <summary>
/// Content-defined chunking (buzhash rolling window) followed by SHA-256 per chunk, so that an insert in the
/// middle of a large asset only changes the digests of one or two chunks.
/// </summary>
public static class ChunkHasher
{
    private const int Window = 48;
    private const uint BoundaryMask = (1u << 13) - 1;
    private static readonly uint[] Table = BuildTable();
    private static readonly object Sync = new();
    private static long _chunksHashed;

    public static long ChunksHashed => Interlocked.Read(ref _chunksHashed);

    public static string[] HashChunks(byte[] data)
    {
        var digests = new List<string>();
        lock (Sync)
        {
            int chunkStart = 0;
            uint hash = 0;
            for (int i = 0; i < data.Length; i++)
            {
                hash = RotateLeft(hash, 1) ^ Table[data[i]];
                if (i >= Window)
                {
                    hash ^= RotateLeft(Table[data[i - Window]], Window % 32);
                }

                bool boundary = (hash & BoundaryMask) == 0 && i - chunkStart >= 2048;
                if (boundary || i == data.Length - 1)
                {
                    var chunk = data.AsSpan(chunkStart, i - chunkStart + 1);
                    digests.Add(Convert.ToHexString(SHA256.HashData(chunk)));
                    chunkStart = i + 1;
                }
            }
            _chunksHashed += digests.Count;
        }
        return digests.ToArray();
    }

    private static uint RotateLeft(uint v, int n) => (v << n) | (v >> (32 - n));

    private static uint[] BuildTable()
    {
        var table = new uint[256];
        uint x = 0x2545F491;
        for (int i = 0; i < table.Length; i++)
        {
            x ^= x << 13; x ^= x >> 17; x ^= x << 5;
            table[i] = x;
        }
        return table;
    }
}
