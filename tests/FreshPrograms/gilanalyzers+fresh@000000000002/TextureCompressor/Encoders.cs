using System.Runtime.InteropServices;

namespace TextureCompressor;

public interface IBlockEncoder
{
    string Name { get; }

    /// <summary>Encodes a 4x4 RGBA block (64 bytes) into 8 bytes of BC1 and returns the RMSE.</summary>
    double EncodeBlock(byte[] rgba, Span<byte> destination);
}

/// <summary>
/// libsquish through its C wrapper. The wrapper keeps its cluster-fit work arrays in globals, so calls are
/// serialised on one process-wide lock.
/// </summary>
public sealed class SquishEncoder : IBlockEncoder
{
    private const string Lib = "squishc";
    private const int FlagDxt1 = 1, FlagClusterFit = 8, FlagIterative = 0x100;
    private static readonly object NativeLock = new();

    public static bool IsAvailable => NativeLibrary.TryLoad(Lib, typeof(SquishEncoder).Assembly, null, out _);

    public string Name => "libsquish";

    [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)]
    private static extern void squish_compress(byte[] rgba, byte[] block, int flags);

    [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)]
    private static extern void squish_decompress(byte[] rgba, byte[] block, int flags);

    public double EncodeBlock(byte[] rgba, Span<byte> destination)
    {
        var block = new byte[8];
        var roundTrip = new byte[64];
        double error = 0;
        lock (NativeLock)
        {
            squish_compress(rgba, block, FlagDxt1 | FlagClusterFit | FlagIterative);
            squish_decompress(roundTrip, block, FlagDxt1);
            for (int i = 0; i < 64; i++)
            {
                if (i % 4 == 3) continue;
                double d = rgba[i] - roundTrip[i];
                error += d * d;
            }
        }
        block.CopyTo(destination);
        return Math.Sqrt(error / 48);
    }
}

/// <summary>Range-fit BC1 encoder in managed code, used when libsquish is not installed.</summary>
public sealed class ManagedBc1Encoder : IBlockEncoder
{
    private readonly ReaderWriterLockSlim _paletteLock = new();
    private readonly int[] _palette = new int[12];

    public string Name => "managed-bc1";

    public double EncodeBlock(byte[] rgba, Span<byte> destination)
    {
        ushort c0, c1;
        uint indices = 0;
        double error = 0;

        _paletteLock.EnterWriteLock();
        try
        {
            // endpoints: the two pixels furthest apart along the luminance axis
            int lo = 0, hi = 0;
            for (int p = 1; p < 16; p++)
            {
                if (Luma(rgba, p) < Luma(rgba, lo)) lo = p;
                if (Luma(rgba, p) > Luma(rgba, hi)) hi = p;
            }
            c0 = To565(rgba, hi);
            c1 = To565(rgba, lo);
            From565(c0, _palette, 0);
            From565(c1, _palette, 3);
            for (int ch = 0; ch < 3; ch++)
            {
                _palette[6 + ch] = (2 * _palette[ch] + _palette[3 + ch]) / 3;
                _palette[9 + ch] = (_palette[ch] + 2 * _palette[3 + ch]) / 3;
            }
            for (int p = 0; p < 16; p++)
            {
                int best = 0, bestD = int.MaxValue;
                for (int e = 0; e < 4; e++)
                {
                    int d = 0;
                    for (int ch = 0; ch < 3; ch++) { int diff = rgba[p * 4 + ch] - _palette[e * 3 + ch]; d += diff * diff; }
                    if (d < bestD) { bestD = d; best = e; }
                }
                indices |= (uint)best << (2 * p);
                error += bestD;
            }
        }
        finally
        {
            _paletteLock.ExitWriteLock();
        }

        BitConverter.TryWriteBytes(destination, c0);
        BitConverter.TryWriteBytes(destination[2..], c1);
        BitConverter.TryWriteBytes(destination[4..], indices);
        return Math.Sqrt(error / 48);
    }

    private static int Luma(byte[] px, int p) => 299 * px[p * 4] + 587 * px[p * 4 + 1] + 114 * px[p * 4 + 2];

    private static ushort To565(byte[] px, int p) => (ushort)(((px[p * 4] >> 3) << 11) | ((px[p * 4 + 1] >> 2) << 5) | (px[p * 4 + 2] >> 3));

    private static void From565(ushort c, int[] dst, int at)
    {
        dst[at] = ((c >> 11) & 31) * 255 / 31;
        dst[at + 1] = ((c >> 5) & 63) * 255 / 63;
        dst[at + 2] = (c & 31) * 255 / 31;
    }
}

public sealed class Texture(string name, int width, int height, byte[] rgba)
{
    public string Name { get; } = name;
    public int Width { get; } = width;
    public int Height { get; } = height;

    public byte[] ReadBlock(int x0, int y0)
    {
        var block = new byte[64];
        for (int y = 0; y < 4; y++)
            Array.Copy(rgba, ((y0 + y) * Width + x0) * 4, block, y * 16, 16);
        return block;
    }

    public static Texture Procedural(string name, int w, int h, int seed)
    {
        var rng = new Random(seed);
        var data = new byte[w * h * 4];
        double fx = 0.02 + rng.NextDouble() * 0.1, fy = 0.02 + rng.NextDouble() * 0.1;
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++)
            {
                int i = (y * w + x) * 4;
                data[i] = (byte)(127 + 127 * Math.Sin(x * fx));
                data[i + 1] = (byte)(127 + 127 * Math.Cos(y * fy));
                data[i + 2] = (byte)((x ^ y) & 0xFF);
                data[i + 3] = 255;
            }
        return new Texture(name, w, h, data);
    }
}
