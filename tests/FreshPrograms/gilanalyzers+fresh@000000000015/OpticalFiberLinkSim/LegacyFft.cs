using System;
using System.Numerics;

namespace OpticalFiberLinkSim;

// Radix-2 FFT carried over from the lab's old C simulator: twiddle and bit-reversal tables live in statics
// and are rebuilt whenever the transform size changes; the scratch buffer is shared between calls.
public static class LegacyFft
{
    public static readonly object Gate = new();
    private static int s_n;
    private static Complex[] s_twiddle = Array.Empty<Complex>();
    private static int[] s_bitrev = Array.Empty<int>();
    private static Complex[] s_work = Array.Empty<Complex>();
    public static long Calls;

    private static void Prepare(int n)
    {
        if (n == s_n) return;
        s_n = n;
        s_twiddle = new Complex[n / 2];
        for (int k = 0; k < n / 2; k++) s_twiddle[k] = Complex.FromPolarCoordinates(1, -2 * Math.PI * k / n);
        s_bitrev = new int[n];
        int bits = (int)Math.Log2(n);
        for (int i = 0; i < n; i++)
        {
            int r = 0;
            for (int b = 0; b < bits; b++) r |= ((i >> b) & 1) << (bits - 1 - b);
            s_bitrev[i] = r;
        }
        s_work = new Complex[n];
    }

    public static void Transform(Complex[] data, bool inverse)
    {
        int n = data.Length;
        Prepare(n);
        for (int i = 0; i < n; i++) s_work[s_bitrev[i]] = data[i];
        for (int size = 2; size <= n; size <<= 1)
        {
            int half = size / 2, step = n / size;
            for (int start = 0; start < n; start += size)
            for (int k = 0; k < half; k++)
            {
                Complex w = s_twiddle[k * step];
                if (inverse) w = Complex.Conjugate(w);
                Complex t = w * s_work[start + k + half];
                s_work[start + k + half] = s_work[start + k] - t;
                s_work[start + k] += t;
            }
        }
        double scale = inverse ? 1.0 / n : 1.0;
        for (int i = 0; i < n; i++) data[i] = s_work[i] * scale;
        Calls++;
    }
}
