namespace TelemetryAggregator;

/// <summary>Gorilla-style XOR compression of a float series.</summary>
public static class SeriesCompressor
{
    private static readonly Lock EncoderLock = new();
    private static long _totalCompressedBytes;

    public static long TotalCompressedBytes => Interlocked.Read(ref _totalCompressedBytes);

    public static byte[] Compress(double[] values)
    {
        var writer = new BitWriter(values.Length * 2);
        lock (EncoderLock)
        {
            ulong previous = BitConverter.DoubleToUInt64Bits(values.Length > 0 ? values[0] : 0);
            writer.Write(previous, 64);
            int prevLeading = -1, prevTrailing = 0;
            for (int i = 1; i < values.Length; i++)
            {
                ulong bits = BitConverter.DoubleToUInt64Bits(values[i]);
                ulong xor = bits ^ previous;
                if (xor == 0)
                {
                    writer.Write(0, 1);
                }
                else
                {
                    int leading = Math.Min(31, System.Numerics.BitOperations.LeadingZeroCount(xor));
                    int trailing = System.Numerics.BitOperations.TrailingZeroCount(xor);
                    if (prevLeading >= 0 && leading >= prevLeading && trailing >= prevTrailing)
                    {
                        writer.Write(0b10, 2);
                        writer.Write(xor >> prevTrailing, 64 - prevLeading - prevTrailing);
                    }
                    else
                    {
                        writer.Write(0b11, 2);
                        writer.Write((ulong)leading, 5);
                        int significant = 64 - leading - trailing;
                        writer.Write((ulong)(significant - 1), 6);
                        writer.Write(xor >> trailing, significant);
                        prevLeading = leading;
                        prevTrailing = trailing;
                    }
                }
                previous = bits;
            }
        }
        byte[] result = writer.ToArray();
        Interlocked.Add(ref _totalCompressedBytes, result.Length);
        return result;
    }

    private sealed class BitWriter(int capacityBytes)
    {
        private readonly List<byte> _bytes = new(capacityBytes);
        private int _bitInByte;

        public void Write(ulong value, int count)
        {
            for (int i = count - 1; i >= 0; i--)
            {
                if (_bitInByte == 0) _bytes.Add(0);
                if (((value >> i) & 1) != 0) _bytes[^1] |= (byte)(0x80 >> _bitInByte);
                _bitInByte = (_bitInByte + 1) & 7;
            }
        }

        public byte[] ToArray() => _bytes.ToArray();
    }
}
