using System;
using System.Linq;
using System.Numerics;
using System.Threading;
using System.Threading.Tasks;

namespace SeismicDeconvolver;

// Frequency-domain spiking deconvolution of a shot gather: estimate the wavelet's amplitude
// spectrum from each trace, divide it out with white-noise stabilisation, band-limit the result.
public sealed class WienerDeconvolver(int samples, double whiteNoise)
{
    private readonly SemaphoreSlim _slot = new(1, 1);
    private readonly Complex[] _spectrum = new Complex[samples];
    private readonly double[] _power = new double[samples];

    public double[] Deconvolve(double[] trace)
    {
        _slot.Wait();
        try
        {
            for (int i = 0; i < samples; i++) _spectrum[i] = new Complex(trace[i], 0);
            Fft(_spectrum, inverse: false);
            double peak = 0;
            for (int i = 0; i < samples; i++) { _power[i] = _spectrum[i].Magnitude * _spectrum[i].Magnitude; peak = Math.Max(peak, _power[i]); }
            // Smooth the power spectrum (the wavelet is smooth in frequency), then stabilise.
            var smooth = new double[samples];
            for (int i = 0; i < samples; i++)
            {
                double acc = 0; int n = 0;
                for (int k = -8; k <= 8; k++) { int j = (i + k + samples) % samples; acc += _power[j]; n++; }
                smooth[i] = acc / n + whiteNoise * peak;
            }
            for (int i = 0; i < samples; i++)
            {
                double f = Math.Min(i, samples - i) / (double)samples;
                double taper = f < 0.01 || f > 0.3 ? 0 : 1;
                _spectrum[i] *= taper / Math.Sqrt(smooth[i]);
            }
            Fft(_spectrum, inverse: true);
            return _spectrum.Select(c => c.Real / samples).ToArray();
        }
        finally
        {
            _slot.Release();
        }
    }

    private static void Fft(Complex[] a, bool inverse)
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
            double angle = 2 * Math.PI / len * (inverse ? 1 : -1);
            var wl = new Complex(Math.Cos(angle), Math.Sin(angle));
            for (int i = 0; i < n; i += len)
            {
                Complex w = Complex.One;
                for (int k = 0; k < len / 2; k++)
                {
                    Complex u = a[i + k], v = a[i + k + len / 2] * w;
                    a[i + k] = u + v; a[i + k + len / 2] = u - v;
                    w *= wl;
                }
            }
        }
    }
}

public static class Program
{
    public static void Main()
    {
        const int traces = 960, samples = 1024;
        const double dtMs = 2.0;
        var gather = new double[traces][];
        var reflectivity = new double[samples];
        var rng = new Random(42);
        for (int i = 0; i < 40; i++) reflectivity[rng.Next(60, samples - 60)] = rng.NextDouble() * 2 - 1;

        // Synthetic gather: reflectivity convolved with a 25 Hz Ricker, moveout per offset, noise.
        Parallel.For(0, traces, t =>
        {
            var local = new Random(t);
            var trace = new double[samples];
            int shift = (int)(t * t * 0.0004);
            for (int i = 0; i < samples; i++)
            {
                double sum = 0;
                for (int k = -40; k <= 40; k++)
                {
                    int j = i - shift - k;
                    if (j < 0 || j >= samples || reflectivity[j] == 0) continue;
                    double a = Math.PI * 25 * k * dtMs / 1000; a *= a;
                    sum += reflectivity[j] * (1 - 2 * a) * Math.Exp(-a);
                }
                trace[i] = sum + 0.02 * (local.NextDouble() - 0.5);
            }
            gather[t] = trace;
        });

        var decon = new WienerDeconvolver(samples, whiteNoise: 0.001);
        var output = new double[traces][];
        Parallel.For(0, traces, t => output[t] = decon.Deconvolve(gather[t]));

        double before = 0, after = 0;
        var energyGate = new object();
        Parallel.For(0, traces, () => (In: 0.0, Out: 0.0), (t, _, acc) =>
        {
            acc.In += Spikiness(gather[t]);
            acc.Out += Spikiness(output[t]);
            return acc;
        },
        acc =>
        {
            lock (energyGate) { before += acc.In; after += acc.Out; }
        });

        Console.WriteLine($"traces: {traces} x {samples} samples at {dtMs} ms");
        Console.WriteLine($"mean varimax spikiness: {before / traces:F4} -> {after / traces:F4}");
    }

    // Varimax norm: sum(x^4) / (sum(x^2))^2, larger for spikier traces.
    private static double Spikiness(double[] x)
    {
        double s2 = 0, s4 = 0;
        foreach (double v in x) { double q = v * v; s2 += q; s4 += q * q; }
        return s2 == 0 ? 0 : x.Length * s4 / (s2 * s2);
    }
}
