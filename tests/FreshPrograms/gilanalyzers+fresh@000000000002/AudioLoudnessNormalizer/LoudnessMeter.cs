namespace AudioLoudnessNormalizer;

/// <summary>
/// A simplified ITU-R BS.1770 meter: K-weighting pre-filter, 400 ms gating blocks, absolute and relative gates.
/// </summary>
public sealed class LoudnessMeter
{
    private readonly int _sampleRate;
    private readonly Biquad _shelf;
    private readonly Biquad _highPass;

    // The two filters keep their delay lines between calls, so the meter is not safe to share without this.
    private readonly object _filterLock = new();

    public LoudnessMeter(int sampleRate)
    {
        _sampleRate = sampleRate;
        _shelf = Biquad.HighShelf(sampleRate, 1681.97, 4.0);
        _highPass = Biquad.HighPass(sampleRate, 38.13);
    }

    public double MeasureIntegrated(Track track)
    {
        int blockSize = (int)(_sampleRate * 0.4);
        int hop = blockSize / 4;
        var blockPowers = new List<double>();

        lock (_filterLock)
        {
            _shelf.Reset();
            _highPass.Reset();
            var weighted = new double[track.Samples.Length];
            for (int i = 0; i < weighted.Length; i++)
            {
                weighted[i] = _highPass.Process(_shelf.Process(track.Samples[i]));
            }

            for (int start = 0; start + blockSize <= weighted.Length; start += hop)
            {
                double sum = 0;
                for (int i = start; i < start + blockSize; i++)
                {
                    sum += weighted[i] * weighted[i];
                }
                blockPowers.Add(sum / blockSize);
            }
        }

        return Gate(blockPowers);
    }

    private static double Gate(List<double> powers)
    {
        const double absoluteGate = -70.0;
        var aboveAbsolute = powers.Where(p => ToLufs(p) > absoluteGate).ToList();
        if (aboveAbsolute.Count == 0)
        {
            return absoluteGate;
        }

        double relativeGate = ToLufs(aboveAbsolute.Average()) - 10.0;
        var gated = aboveAbsolute.Where(p => ToLufs(p) > relativeGate).ToList();
        return gated.Count == 0 ? relativeGate : ToLufs(gated.Average());
    }

    private static double ToLufs(double meanSquare) => -0.691 + 10.0 * Math.Log10(Math.Max(meanSquare, 1e-12));
}

public sealed class Biquad
{
    private readonly double _b0, _b1, _b2, _a1, _a2;
    private double _z1, _z2;

    private Biquad(double b0, double b1, double b2, double a1, double a2)
    {
        (_b0, _b1, _b2, _a1, _a2) = (b0, b1, b2, a1, a2);
    }

    public static Biquad HighShelf(int fs, double f0, double gainDb)
    {
        double a = Math.Pow(10, gainDb / 40);
        double w0 = 2 * Math.PI * f0 / fs;
        double alpha = Math.Sin(w0) / 2 * Math.Sqrt(2);
        double cos = Math.Cos(w0);
        double a0 = (a + 1) - (a - 1) * cos + 2 * Math.Sqrt(a) * alpha;
        return new Biquad(
            a * ((a + 1) + (a - 1) * cos + 2 * Math.Sqrt(a) * alpha) / a0,
            -2 * a * ((a - 1) + (a + 1) * cos) / a0,
            a * ((a + 1) + (a - 1) * cos - 2 * Math.Sqrt(a) * alpha) / a0,
            2 * ((a - 1) - (a + 1) * cos) / a0,
            ((a + 1) - (a - 1) * cos - 2 * Math.Sqrt(a) * alpha) / a0);
    }

    public static Biquad HighPass(int fs, double f0)
    {
        double w0 = 2 * Math.PI * f0 / fs;
        double alpha = Math.Sin(w0) / (2 * 0.5);
        double cos = Math.Cos(w0);
        double a0 = 1 + alpha;
        return new Biquad((1 + cos) / 2 / a0, -(1 + cos) / a0, (1 + cos) / 2 / a0, -2 * cos / a0, (1 - alpha) / a0);
    }

    public void Reset() => _z1 = _z2 = 0;

    public double Process(double x)
    {
        double y = _b0 * x + _z1;
        _z1 = _b1 * x - _a1 * y + _z2;
        _z2 = _b2 * x - _a2 * y;
        return y;
    }
}
