using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using System.Threading;
using System.Threading.Tasks;

namespace EqualizerBandAnalyzer;

public readonly record struct Biquad(double B0, double B1, double B2, double A1, double A2)
{
    public static Biquad BandPass(double centreHz, double q, double sampleRate)
    {
        double w = 2 * Math.PI * centreHz / sampleRate, alpha = Math.Sin(w) / (2 * q), a0 = 1 + alpha;
        return new Biquad(alpha / a0, 0, -alpha / a0, -2 * Math.Cos(w) / a0, (1 - alpha) / a0);
    }
}

// Shared meter: it keeps the filter state for the band it is currently measuring in fields.
public sealed class BandMeter
{
    private readonly object _gate = new();
    private double _x1, _x2, _y1, _y2;

    public double RmsDb(float[] samples, Biquad f)
    {
        Monitor.Enter(_gate);
        try
        {
            _x1 = _x2 = _y1 = _y2 = 0;
            double sum = 0;
            for (int i = 0; i < samples.Length; i++)
            {
                double x = samples[i];
                double y = f.B0 * x + f.B1 * _x1 + f.B2 * _x2 - f.A1 * _y1 - f.A2 * _y2;
                _x2 = _x1; _x1 = x; _y2 = _y1; _y1 = y;
                sum += y * y;
            }
            return 10 * Math.Log10(sum / samples.Length + 1e-12);
        }
        finally
        {
            Monitor.Exit(_gate);
        }
    }
}

public static class Program
{
    private const int SampleRate = 44100;
    private static readonly double[] Centres = { 31, 62, 125, 250, 500, 1000, 2000, 4000, 8000, 16000 };

    public static async Task Main()
    {
        string dir = Path.Combine(Path.GetTempPath(), "eq-tracks");
        Directory.CreateDirectory(dir);
        for (int t = 0; t < 8; t++) WriteTrack(Path.Combine(dir, $"track{t}.pcm"), t);

        var paths = Enumerable.Range(0, 8).Select(t => Path.Combine(dir, $"track{t}.pcm")).ToArray();
        byte[][] raw = await Task.WhenAll(paths.Select(p => File.ReadAllBytesAsync(p)));
        float[][] tracks = raw.Select(b => { var f = new float[b.Length / 4]; Buffer.BlockCopy(b, 0, f, 0, b.Length); return f; }).ToArray();

        var meter = new BandMeter();
        var levels = new double[tracks.Length, Centres.Length];
        Parallel.For(0, tracks.Length * Centres.Length, job =>
        {
            int t = job / Centres.Length, band = job % Centres.Length;
            levels[t, band] = meter.RmsDb(tracks[t], Biquad.BandPass(Centres[band], 1.4, SampleRate));
        });

        await Task.WhenAll(tracks.Select((samples, t) => WriteSpectrumAsync(dir, t, samples)));

        for (int t = 0; t < tracks.Length; t++)
            Console.WriteLine($"track{t}: " + string.Join(" ", Enumerable.Range(0, Centres.Length).Select(b => levels[t, b].ToString("F1"))));
    }

    // Coarse 64-bin magnitude spectrum of the first second, written next to the track.
    private static async Task WriteSpectrumAsync(string dir, int track, float[] samples)
    {
        const int N = 4096;
        var sb = new StringBuilder();
        for (int k = 0; k < 64; k++)
        {
            int bin = 1 + k * (N / 2 - 1) / 64;
            double re = 0, im = 0;
            for (int frame = 0; frame + N <= SampleRate; frame += N)
                for (int n = 0; n < N; n++)
                {
                    double w = 0.5 - 0.5 * Math.Cos(2 * Math.PI * n / (N - 1));
                    re += w * samples[frame + n] * Math.Cos(2 * Math.PI * bin * n / N);
                    im -= w * samples[frame + n] * Math.Sin(2 * Math.PI * bin * n / N);
                }
            sb.AppendLine($"{bin * (double)SampleRate / N:F0}\t{Math.Sqrt(re * re + im * im):F3}");
        }
        await File.WriteAllTextAsync(Path.Combine(dir, $"track{track}.spectrum.tsv"), sb.ToString());
    }

    private static void WriteTrack(string path, int seed)
    {
        var rng = new Random(seed);
        var samples = new float[SampleRate * 3];
        double f1 = 80 + seed * 40, f2 = 900 + seed * 300;
        for (int i = 0; i < samples.Length; i++)
            samples[i] = (float)(0.5 * Math.Sin(2 * Math.PI * f1 * i / SampleRate) + 0.2 * Math.Sin(2 * Math.PI * f2 * i / SampleRate) + 0.05 * (rng.NextDouble() - 0.5));
        var bytes = new byte[samples.Length * 4];
        Buffer.BlockCopy(samples, 0, bytes, 0, bytes.Length);
        File.WriteAllBytes(path, bytes);
    }
}
