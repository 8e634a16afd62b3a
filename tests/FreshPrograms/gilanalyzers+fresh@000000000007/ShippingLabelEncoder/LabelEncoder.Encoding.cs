using System.Runtime.CompilerServices;
using System.Text;

namespace Warehouse.Labels;

public sealed partial class LabelEncoder
{
    private const string Alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

    // The scratch buffer is reused between calls, hence the method-level lock.
    [MethodImpl(MethodImplOptions.Synchronized)]
    public string Encode(string record)
    {
        int n = Encoding.ASCII.GetBytes(record, 0, Math.Min(record.Length, 200), _scratch, 0);
        // Check symbols: polynomial remainder over GF(2^8), 16 parity bytes.
        var parity = new byte[16];
        for (int i = 0; i < n; i++)
        {
            byte feedback = (byte)(_scratch[i] ^ parity[0]);
            for (int j = 0; j < 15; j++)
                parity[j] = (byte)(parity[j + 1] ^ GfMul(feedback, (byte)(j * 17 + 3)));
            parity[15] = GfMul(feedback, 0x1D);
        }
        Array.Copy(parity, 0, _scratch, n, 16);
        var sb = new StringBuilder((n + 16) * 8 / 5 + 1);
        int buffer = 0, bits = 0;
        for (int i = 0; i < n + 16; i++)
        {
            buffer = (buffer << 8) | _scratch[i];
            bits += 8;
            while (bits >= 5) { sb.Append(Alphabet[(buffer >> (bits - 5)) & 31]); bits -= 5; }
        }
        if (bits > 0) sb.Append(Alphabet[(buffer << (5 - bits)) & 31]);
        _encoded++;
        _pendingAudit.Add($"{record[..Math.Min(12, record.Length)]} -> {sb.Length} symbols");
        return sb.ToString();
    }

    private static byte GfMul(byte a, byte b)
    {
        int r = 0, x = a, y = b;
        while (y != 0)
        {
            if ((y & 1) != 0) r ^= x;
            x <<= 1;
            if ((x & 0x100) != 0) x ^= 0x11D;
            y >>= 1;
        }
        return (byte)r;
    }
}
