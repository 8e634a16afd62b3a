using System.Numerics;
using System.Runtime.CompilerServices;

namespace SubtitleSyncTool;

public sealed record AudioTrack(float[] Samples, int SampleRate)
{
    public static AudioTrack Synthesize(int seconds, int sampleRate, int seed, int delaySamples)
    {
        var rng = new Random(seed);
        var samples = new float[seconds * sampleRate];
        double phase = 0;
        for (int i = 0; i < samples.Length; i++)
        {
            // a "speech-like" signal: a pitch that wanders, amplitude bursts
            if (i % 800 == 0) phase += rng.NextDouble();
            double pitch = 120 + 80 * Math.Sin(phase);
            double envelope = (i / 1600) % 3 == 0 ? 0.1 : 1.0;
            int src = i + delaySamples;
            samples[Math.Min(samples.Length - 1, src)] = (float)(envelope * Math.Sin(2 * Math.PI * pitch * i / sampleRate));
        }
        return new AudioTrack(samples, sampleRate);
    }
}

/// <summary>
/// Haitsma-Kalker style fingerprint: per frame, 32 bits from the sign of band-energy differences.
/// The band filters reuse a scratch buffer; the class was made Synchronized when it was first shared.
/// </summary>
public sealed class AudioFingerprinter(int frameSize)
{
    private const int Bands = 33;
    private readonly double[] _energies = new double[Bands];
    private readonly double[] _previous = new double[Bands];

    public int FrameSize { get; } = frameSize;

    [MethodImpl(MethodImplOptions.Synchronized)]
    public ulong[] Fingerprint(float[] samples, int from, int to)
    {
        int frames = Math.Max(0, (to - from) / FrameSize);
        var bits = new ulong[frames];
        Array.Clear(_previous);
        for (int f = 0; f < frames; f++)
        {
            int start = from + f * FrameSize;
            Array.Clear(_energies);
            // Goertzel per band centre frequency
            for (int band = 0; band < Bands; band++)
            {
                double k = 4 + band * (FrameSize / 2 - 8) / (double)Bands;
                double coeff = 2 * Math.Cos(2 * Math.PI * k / FrameSize);
                double s1 = 0, s2 = 0;
                for (int n = 0; n < FrameSize; n++)
                {
                    double s0 = samples[start + n] + coeff * s1 - s2;
                    s2 = s1;
                    s1 = s0;
                }
                _energies[band] = s1 * s1 + s2 * s2 - coeff * s1 * s2;
            }
            ulong word = 0;
            for (int band = 0; band < Bands - 1; band++)
            {
                double d = (_energies[band] - _energies[band + 1]) - (_previous[band] - _previous[band + 1]);
                if (d > 0) word |= 1UL << band;
            }
            bits[f] = word;
            Array.Copy(_energies, _previous, Bands);
        }
        return bits;
    }

    public static int Hamming(ulong[] a, ulong[] b)
    {
        int d = 0;
        for (int i = 0; i < Math.Min(a.Length, b.Length); i++) d += BitOperations.PopCount(a[i] ^ b[i]);
        return d + 32 * Math.Abs(a.Length - b.Length);
    }
}
