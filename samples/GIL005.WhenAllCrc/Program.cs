using System;
using System.Linq;
using System.Threading.Tasks;

// GIL005: "parallel" CRC computations with Task.WhenAll. CrcAsync computes before its first await that yields,
// so every call finishes its CRC on the caller's thread before the next call starts: the WhenAll waits for nothing.
// The fix starts each call with Task.Run.
public static class Sample
{
    public const int FullSize = 32;

    private const int BlockSize = 256 * 1024;
    private const int Rounds = 24;

    public static uint Run() => Run(FullSize);

    public static uint Run(int blockCount)
    {
        var blocks = new byte[blockCount][];
        uint seed = 2463534242;
        for (int i = 0; i < blockCount; i++)
        {
            var block = new byte[BlockSize];
            for (int j = 0; j < block.Length; j++)
            {
                seed ^= seed << 13;
                seed ^= seed >> 17;
                seed ^= seed << 5;
                block[j] = (byte)seed;
            }

            blocks[i] = block;
        }

        uint[] crcs = Task.WhenAll(blocks.Select(block => CrcAsync(block))).GetAwaiter().GetResult();
        uint combined = 17;
        foreach (var crc in crcs)
        {
            combined = combined * 31 + crc;
        }

        return combined;
    }

    private static async Task<uint> CrcAsync(byte[] data)
    {
        uint crc = 0xFFFFFFFF;
        for (int round = 0; round < Rounds; round++)
        {
            foreach (var b in data)
            {
                crc ^= b;
                for (int k = 0; k < 8; k++)
                {
                    crc = (crc >> 1) ^ (0xEDB88320u & (uint)-(int)(crc & 1));
                }
            }
        }

        await Task.Yield();
        return ~crc;
    }
}

public static class Program
{
    public static void Main() => Console.WriteLine("combined CRC: " + Sample.Run().ToString("X8", System.Globalization.CultureInfo.InvariantCulture));
}
