namespace ReedSolomonEncoder;

/// <summary>Arithmetic in GF(2^8) with the 0x11D polynomial.</summary>
public static class Gf256
{
    public static readonly byte[] Exp = new byte[512];
    public static readonly byte[] Log = new byte[256];

    static Gf256()
    {
        int x = 1;
        for (int i = 0; i < 255; i++)
        {
            Exp[i] = (byte)x;
            Log[x] = (byte)i;
            x <<= 1;
            if ((x & 0x100) != 0) x ^= 0x11D;
        }
        for (int i = 255; i < 512; i++) Exp[i] = Exp[i - 255];
    }

    public static byte Mul(byte a, byte b) => a == 0 || b == 0 ? (byte)0 : Exp[Log[a] + Log[b]];
}

public interface IErasureCoder
{
    int ParityBytes { get; }
    byte[] ComputeParity(ReadOnlySpan<byte> data);
}

/// <summary>Systematic Reed-Solomon encoder; parity is the remainder of data(x)·x^n mod g(x).</summary>
public sealed class ReedSolomonCoder : IErasureCoder
{
    private readonly byte[] _generator;
    private readonly byte[] _remainder;
    private readonly SemaphoreSlim _gate = new(1, 1);

    public ReedSolomonCoder(int parityBytes)
    {
        ParityBytes = parityBytes;
        _remainder = new byte[parityBytes];
        _generator = new byte[] { 1 };
        for (int i = 0; i < parityBytes; i++)
        {
            var next = new byte[_generator.Length + 1];
            for (int j = 0; j < _generator.Length; j++)
            {
                next[j] ^= _generator[j];
                next[j + 1] ^= Gf256.Mul(_generator[j], Gf256.Exp[i]);
            }
            _generator = next;
        }
    }

    public int ParityBytes { get; }

    public byte[] ComputeParity(ReadOnlySpan<byte> data)
    {
        _gate.Wait();
        try
        {
            Array.Clear(_remainder);
            foreach (byte b in data)
            {
                byte factor = (byte)(b ^ _remainder[0]);
                Array.Copy(_remainder, 1, _remainder, 0, _remainder.Length - 1);
                _remainder[^1] = 0;
                for (int j = 0; j < _remainder.Length; j++)
                    _remainder[j] ^= Gf256.Mul(_generator[j + 1], factor);
            }
            return (byte[])_remainder.Clone();
        }
        finally
        {
            _gate.Release();
        }
    }
}
