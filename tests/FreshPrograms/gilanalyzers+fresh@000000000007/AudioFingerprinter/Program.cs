namespace Media.Fingerprint;

/// <summary>Small generic memo used across the media code base (window tables, resampling filters, ...).</summary>
public sealed class Memoizer<TKey, TValue>(Func<TKey, TValue> factory) where TKey : notnull
{
    private readonly Dictionary<TKey, TValue> _values = new();

    public TValue Get(TKey key)
    {
        lock (_values)
        {
            if (!_values.TryGetValue(key, out TValue? value))
            {
                value = factory(key);
                _values.Add(key, value);
            }
            return value;
        }
    }
}

public sealed class SpectrumTable
{
    public const int FrameSize = 512;
    private readonly float[] _signal;
    private readonly double[]?[] _frames;
    private readonly double[] _re = new double[FrameSize / 2];
    private readonly double[] _im = new double[FrameSize / 2];
    private readonly object _sync = new();
    private readonly Memoizer<int, double[]> _windows;
    private int _computed;

    public SpectrumTable(float[] signal, Memoizer<int, double[]> windows)
    {
        _signal = signal;
        _windows = windows;
        _frames = new double[]?[signal.Length / FrameSize];
    }

    public int FrameCount => _frames.Length;

    public int Computed
    {
        get
        {
            lock (_sync)
            {
                return _computed;
            }
        }
    }

    /// <summary>Magnitude spectrum of one frame, computed on first access.</summary>
    public double[] this[int frame]
    {
        get
        {
            double[] window = _windows.Get(FrameSize);
            lock (_sync)
            {
                if (_frames[frame] is { } cached) return cached;
                int offset = frame * FrameSize;
                for (int k = 0; k < FrameSize / 2; k++)
                {
                    double re = 0, im = 0;
                    for (int n = 0; n < FrameSize; n++)
                    {
                        double x = _signal[offset + n] * window[n];
                        double angle = -2 * Math.PI * k * n / FrameSize;
                        re += x * Math.Cos(angle);
                        im += x * Math.Sin(angle);
                    }
                    _re[k] = re; _im[k] = im;
                }
                var mags = new double[FrameSize / 2];
                for (int k = 0; k < mags.Length; k++) mags[k] = Math.Sqrt(_re[k] * _re[k] + _im[k] * _im[k]);
                _frames[frame] = mags;
                _computed++;
                return mags;
            }
        }
    }
}

public static class Program
{
    private static double[] Hann(int length) =>
        Enumerable.Range(0, length).Select(n => 0.5 - 0.5 * Math.Cos(2 * Math.PI * n / (length - 1))).ToArray();

    public static void Main()
    {
        const int sampleRate = 8000;
        var signal = new float[sampleRate * 8];
        for (int i = 0; i < signal.Length; i++)
        {
            double t = (double)i / sampleRate;
            double f = 440 * Math.Pow(2, Math.Floor(t * 2) / 12.0);   // a rising scale, one note per half second
            signal[i] = (float)(Math.Sin(2 * Math.PI * f * t) + 0.2 * Math.Sin(2 * Math.PI * 3 * f * t));
        }

        var windows = new Memoizer<int, double[]>(Hann);
        var table = new SpectrumTable(signal, windows);
        var peaks = new int[table.FrameCount];
        Parallel.For(0, table.FrameCount, frame =>
        {
            double[] mags = table[frame];
            int best = 0;
            for (int k = 1; k < mags.Length; k++) if (mags[k] > mags[best]) best = k;
            peaks[frame] = best;
        });

        ulong fingerprint = 0;
        for (int i = 1; i < peaks.Length; i++)
            fingerprint = fingerprint * 31 + (ulong)(peaks[i] > peaks[i - 1] ? 1 : peaks[i] < peaks[i - 1] ? 2 : 0);
        Console.WriteLine($"frames={table.Computed} firstPeakHz={peaks[0] * sampleRate / SpectrumTable.FrameSize} fingerprint={fingerprint:X16}");
    }
}
