namespace WaveletDenoiser;

// Denoises a bank of seismometer channels with a multi-level Haar wavelet transform and
// soft thresholding (VisuShrink), then reports SNR improvement per channel group.
internal static class Program
{
    private static void Main()
    {
        const int Channels = 48, Length = 1 << 14;
        var clean = SignalBank.Clean(Channels, Length);
        var noisy = SignalBank.AddNoise(clean, sigma: 0.35, seed: 77);

        var pipeline = new DenoisePipeline(levels: 6);
        double[][] restored = pipeline.Run(noisy);

        var (before, after) = Metrics.CompareHalves(clean, noisy, restored);
        Console.WriteLine($"channels:        {Channels} x {Length}");
        Console.WriteLine($"mean SNR before: {before:F3} dB");
        Console.WriteLine($"mean SNR after:  {after:F3} dB");
        Console.WriteLine($"thresholds set:  {pipeline.ThresholdsComputed}");
    }
}

public static class SignalBank
{
    public static double[][] Clean(int channels, int length)
    {
        var bank = new double[channels][];
        for (int c = 0; c < channels; c++)
        {
            bank[c] = new double[length];
            for (int i = 0; i < length; i++)
            {
                double t = i / (double)length;
                bank[c][i] = Math.Sin(2 * Math.PI * (3 + c % 7) * t) + (t > 0.4 + c * 0.005 && t < 0.45 + c * 0.005 ? 1.5 : 0);
            }
        }
        return bank;
    }

    public static double[][] AddNoise(double[][] clean, double sigma, int seed)
    {
        var rng = new Random(seed);
        return clean.Select(ch => ch.Select(v =>
        {
            double u1 = 1 - rng.NextDouble(), u2 = rng.NextDouble();
            return v + sigma * Math.Sqrt(-2 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2);
        }).ToArray()).ToArray();
    }
}

public static class Metrics
{
    public static (double Before, double After) CompareHalves(double[][] clean, double[][] noisy, double[][] restored)
    {
        double before = 0, after = 0;
        Parallel.Invoke(
            () => before = clean.Select((c, i) => Snr(c, noisy[i])).Average(),
            () => after = clean.Select((c, i) => Snr(c, restored[i])).Average());
        return (before, after);
    }

    private static double Snr(double[] clean, double[] test)
    {
        double signal = 0, noise = 0;
        for (int i = 0; i < clean.Length; i++)
        {
            signal += clean[i] * clean[i];
            noise += (clean[i] - test[i]) * (clean[i] - test[i]);
        }
        return 10 * Math.Log10(signal / noise);
    }
}
