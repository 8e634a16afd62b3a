using System.Diagnostics;
using System.Numerics;

namespace SpectrogramBuilder;

/// <summary>
/// Builds a magnitude spectrogram of a recorded signal (synthesised chirp + noise here) with a Hann-windowed
/// radix-2 FFT per frame, then reports the dominant frequency over time.
/// </summary>
internal static class Program
{
    private const int SampleRate = 16_000;
    private const int FrameSize = 1024;
    private const int Hop = 256;

    private static readonly object SpectrogramLock = new();
    private static readonly object ProgressLock = new();
    private static int _framesDone;

    private static void Main(string[] args)
    {
        double seconds = args.Length > 0 ? double.Parse(args[0]) : 6;
        float[] signal = Chirp((int)(seconds * SampleRate));
        int frames = (signal.Length - FrameSize) / Hop + 1;
        var spectrogram = new float[frames][];
        double[] window = Enumerable.Range(0, FrameSize).Select(i => 0.5 - 0.5 * Math.Cos(2 * Math.PI * i / (FrameSize - 1))).ToArray();

        var sw = Stopwatch.StartNew();
        int workers = Environment.ProcessorCount;
        var tasks = Enumerable.Range(0, workers).Select(w => Task.Run(() =>
        {
            for (int f = w; f < frames; f += workers)
            {
                lock (SpectrogramLock)
                {
                    var buffer = new Complex[FrameSize];
                    for (int i = 0; i < FrameSize; i++) buffer[i] = signal[f * Hop + i] * window[i];
                    Fft(buffer);
                    var magnitudes = new float[FrameSize / 2];
                    for (int k = 0; k < magnitudes.Length; k++) magnitudes[k] = (float)buffer[k].Magnitude;
                    spectrogram[f] = magnitudes;
                }

                lock (ProgressLock)
                {
                    _framesDone++;
                }
            }
        })).ToArray();
        Task.WaitAll(tasks);

        Console.WriteLine($"{frames} frames in {sw.ElapsedMilliseconds} ms ({_framesDone} done)");
        for (int f = 0; f < frames; f += frames / 6)
        {
            int peak = Array.IndexOf(spectrogram[f], spectrogram[f].Max());
            Console.WriteLine($"  t={f * Hop / (double)SampleRate:F2}s peak {peak * SampleRate / FrameSize} Hz");
        }
    }

    private static void Fft(Complex[] a)
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
            double angle = -2 * Math.PI / len;
            var wlen = new Complex(Math.Cos(angle), Math.Sin(angle));
            for (int i = 0; i < n; i += len)
            {
                Complex w = Complex.One;
                for (int k = 0; k < len / 2; k++)
                {
                    Complex u = a[i + k], v = a[i + k + len / 2] * w;
                    a[i + k] = u + v;
                    a[i + k + len / 2] = u - v;
                    w *= wlen;
                }
            }
        }
    }

    private static float[] Chirp(int samples)
    {
        var rng = new Random(8);
        var s = new float[samples];
        for (int i = 0; i < samples; i++)
        {
            double t = i / (double)SampleRate;
            s[i] = (float)(Math.Sin(2 * Math.PI * (200 * t + 300 * t * t)) + 0.1 * (rng.NextDouble() - 0.5));
        }
        return s;
    }
}
