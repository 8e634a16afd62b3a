using System;

namespace KeywordSpotterDtw;

public static class Spectral
{
    // In-place iterative radix-2 FFT; the length must be a power of two.
    public static void Fft(double[] re, double[] im)
    {
        int n = re.Length;
        for (int i = 1, j = 0; i < n; i++)
        {
            int bit = n >> 1;
            for (; (j & bit) != 0; bit >>= 1) j ^= bit;
            j ^= bit;
            if (i < j) { (re[i], re[j]) = (re[j], re[i]); (im[i], im[j]) = (im[j], im[i]); }
        }
        for (int len = 2; len <= n; len <<= 1)
            for (int i = 0; i < n; i += len)
                for (int k = 0; k < len / 2; k++)
                {
                    double a = -2 * Math.PI * k / len, wr = Math.Cos(a), wi = Math.Sin(a);
                    int p = i + k, q = i + k + len / 2;
                    double tr = re[q] * wr - im[q] * wi, ti = re[q] * wi + im[q] * wr;
                    (re[q], im[q], re[p], im[p]) = (re[p] - tr, im[p] - ti, re[p] + tr, im[p] + ti);
                }
    }
}
