namespace AudioStemMixer;

// Windowed-sinc band-pass equaliser. One instance is shared by the whole session so
// that every stem goes through identical coefficients.
public sealed class FirEqualizer
{
    private readonly float[] _coefficients;
    private readonly float[] _history;
    private readonly object _sync = new();
    private long _blocksFiltered;

    public FirEqualizer(int taps, double lowCutHz, double highCutHz, int sampleRate)
    {
        _coefficients = Design(taps, lowCutHz / sampleRate, highCutHz / sampleRate);
        _history = new float[taps];
    }

    public long BlocksFiltered => Interlocked.Read(ref _blocksFiltered);

    public float[] Apply(float[] input)
    {
        var output = new float[input.Length];
        Monitor.Enter(_sync);
        try
        {
            Array.Clear(_history);
            int taps = _coefficients.Length;
            for (int n = 0; n < input.Length; n++)
            {
                // shift the delay line through the reused history buffer
                Array.Copy(_history, 0, _history, 1, taps - 1);
                _history[0] = input[n];
                float acc = 0f;
                for (int k = 0; k < taps; k++)
                {
                    acc += _coefficients[k] * _history[k];
                }
                output[n] = acc;
            }
        }
        finally
        {
            Monitor.Exit(_sync);
        }

        Interlocked.Increment(ref _blocksFiltered);
        return output;
    }

    private static float[] Design(int taps, double low, double high)
    {
        var h = new float[taps];
        int mid = taps / 2;
        for (int i = 0; i < taps; i++)
        {
            int m = i - mid;
            double ideal = m == 0
                ? 2 * (high - low)
                : (Math.Sin(2 * Math.PI * high * m) - Math.Sin(2 * Math.PI * low * m)) / (Math.PI * m);
            double window = 0.54 - 0.46 * Math.Cos(2 * Math.PI * i / (taps - 1));
            h[i] = (float)(ideal * window);
        }
        return h;
    }
}
