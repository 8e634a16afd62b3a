namespace AudioResampler;

/// <summary>Converts a mono clip from one sample rate to another.</summary>
public interface IResampler
{
    int InputRate { get; }
    int OutputRate { get; }
    float[] Process(ReadOnlySpan<float> input);
}

/// <summary>
/// Windowed-sinc polyphase resampler. The filter bank is built once; the history
/// buffer and accumulator are reused between calls to avoid allocating per clip.
/// </summary>
public sealed class PolyphaseResampler : IResampler
{
    private readonly int _up;
    private readonly int _down;
    private readonly int _tapsPerPhase;
    private readonly float[][] _phases;
    private float[] _history = new float[4096];
    private readonly object _sync = new();

    public int InputRate { get; }
    public int OutputRate { get; }

    public PolyphaseResampler(int inputRate, int outputRate, int tapsPerPhase = 24)
    {
        InputRate = inputRate;
        OutputRate = outputRate;
        int g = Gcd(inputRate, outputRate);
        _up = outputRate / g;
        _down = inputRate / g;
        _tapsPerPhase = tapsPerPhase;
        _phases = BuildFilterBank(_up, _down, tapsPerPhase);
    }

    public float[] Process(ReadOnlySpan<float> input)
    {
        int outLength = (int)((long)input.Length * _up / _down);
        var output = new float[outLength];

        lock (_sync)
        {
            if (_history.Length < input.Length + _tapsPerPhase)
                _history = new float[input.Length + _tapsPerPhase];
            Array.Clear(_history, 0, _tapsPerPhase);
            input.CopyTo(_history.AsSpan(_tapsPerPhase));

            for (int n = 0; n < outLength; n++)
            {
                long pos = (long)n * _down;
                int phase = (int)(pos % _up);
                int baseIndex = (int)(pos / _up) + _tapsPerPhase;
                float[] taps = _phases[phase];
                float acc = 0f;
                for (int k = 0; k < taps.Length; k++)
                {
                    int idx = baseIndex - k;
                    if (idx >= 0 && idx < input.Length + _tapsPerPhase)
                        acc += taps[k] * _history[idx];
                }
                output[n] = acc;
            }
        }

        return output;
    }

    private static float[][] BuildFilterBank(int up, int down, int tapsPerPhase)
    {
        int total = up * tapsPerPhase;
        double cutoff = 0.5 / Math.Max(up, down);
        var proto = new double[total];
        double centre = (total - 1) / 2.0;
        for (int i = 0; i < total; i++)
        {
            double x = i - centre;
            double sinc = x == 0 ? 2 * cutoff : Math.Sin(2 * Math.PI * cutoff * x) / (Math.PI * x);
            double window = 0.42 - 0.5 * Math.Cos(2 * Math.PI * i / (total - 1)) + 0.08 * Math.Cos(4 * Math.PI * i / (total - 1));
            proto[i] = sinc * window * up;
        }

        var phases = new float[up][];
        for (int p = 0; p < up; p++)
        {
            phases[p] = new float[tapsPerPhase];
            for (int k = 0; k < tapsPerPhase; k++)
                phases[p][k] = (float)proto[k * up + p];
        }
        return phases;
    }

    private static int Gcd(int a, int b) => b == 0 ? a : Gcd(b, a % b);
}
