using System;

namespace LdpcDecoderBench;

/// <summary>
/// Port of the ran1/gasdev pair from the original C test bench. The reference BER tables were produced with this
/// exact sequence, so the generator keeps its global state the way the C code did.
/// </summary>
internal static class LegacyChannel
{
    public static readonly object Sync = new();
    private const int IA = 16807, IM = 2147483647, IQ = 127773, IR = 2836, NTAB = 32;
    private const int NDIV = 1 + (IM - 1) / NTAB;
    private const double AM = 1.0 / IM, RNMX = 1.0 - 1.2e-7;
    private static int _idum, _iy;
    private static readonly int[] Iv = new int[NTAB];
    private static bool _haveSpare;
    private static double _spare;

    public static void Seed(int seed)
    {
        _idum = -Math.Abs(seed) - 1;
        _iy = 0;
        _haveSpare = false;
    }

    public static double Uniform()
    {
        int k;
        if (_idum <= 0 || _iy == 0)
        {
            _idum = -_idum < 1 ? 1 : -_idum;
            for (int j = NTAB + 7; j >= 0; j--)
            {
                k = _idum / IQ;
                _idum = IA * (_idum - k * IQ) - IR * k;
                if (_idum < 0) _idum += IM;
                if (j < NTAB) Iv[j] = _idum;
            }
            _iy = Iv[0];
        }
        k = _idum / IQ;
        _idum = IA * (_idum - k * IQ) - IR * k;
        if (_idum < 0) _idum += IM;
        int slot = _iy / NDIV;
        _iy = Iv[slot];
        Iv[slot] = _idum;
        double temp = AM * _iy;
        return temp > RNMX ? RNMX : temp;
    }

    public static double Gauss()
    {
        if (_haveSpare) { _haveSpare = false; return _spare; }
        double v1, v2, rsq;
        do
        {
            v1 = 2.0 * Uniform() - 1.0;
            v2 = 2.0 * Uniform() - 1.0;
            rsq = v1 * v1 + v2 * v2;
        } while (rsq >= 1.0 || rsq == 0.0);
        double fac = Math.Sqrt(-2.0 * Math.Log(rsq) / rsq);
        _spare = v1 * fac;
        _haveSpare = true;
        return v2 * fac;
    }
}
