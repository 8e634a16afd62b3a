using System.Numerics;

namespace SignalSpectrumService;

/// <summary>
/// Radix-2 FFT with a precomputed twiddle table and a reusable work buffer. One instance is shared by the
/// service; the mutex protects the work buffer.
/// </summary>
public sealed class SharedFft
{
    private readonly int _size;
    private readonly Complex[] _twiddles;
    private readonly Complex[] _work;
    private readonly double[] _window;
    private readonly Mutex _bufferMutex = new Mutex();

    public SharedFft(int size)
    {
        _size = size;
        _twiddles = new Complex[size / 2];
        for (int k = 0; k < size / 2; k++) _twiddles[k] = Complex.FromPolarCoordinates(1, -2 * Math.PI * k / size);
        _work = new Complex[size];
        _window = Enumerable.Range(0, size).Select(n => 0.5 - 0.5 * Math.Cos(2 * Math.PI * n / (size - 1))).ToArray();
    }

    public int Size => _size;

    /// <summary>Averaged magnitude spectrum (Welch, 50% overlap).</summary>
    public double[] AveragedMagnitudes(float[] signal)
    {
        var sum = new double[_size / 2];
        int frames = 0;
        _bufferMutex.WaitOne();
        try
        {
            for (int start = 0; start + _size <= signal.Length; start += _size / 2)
            {
                for (int n = 0; n < _size; n++) _work[n] = new Complex(signal[start + n] * _window[n], 0);
                Transform(_work);
                for (int k = 0; k < sum.Length; k++) sum[k] += _work[k].Magnitude;
                frames++;
            }
        }
        finally
        {
            _bufferMutex.ReleaseMutex();
        }
        for (int k = 0; k < sum.Length; k++) sum[k] /= Math.Max(1, frames);
        return sum;
    }

    private void Transform(Complex[] a)
    {
        int n = a.Length;
        for (int i = 1, j = 0; i < n; i++)
        {
            int bit = n >> 1;
            for (; (j & bit) != 0; bit >>= 1) j ^= bit;
            j ^= bit;
            if (i < j) (a[i], a[j]) = (a[j], a[i]);
        }
        for (int len = 2; len <= n; len <<= 1)
        {
            int step = n / len;
            for (int i = 0; i < n; i += len)
                for (int k = 0; k < len / 2; k++)
                {
                    Complex u = a[i + k], v = a[i + k + len / 2] * _twiddles[k * step];
                    a[i + k] = u + v;
                    a[i + k + len / 2] = u - v;
                }
        }
    }
}
