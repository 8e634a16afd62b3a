using System;
using System.Collections.Concurrent;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;

namespace UltrasoundBeamformer;

public sealed record Scatterer(double X, double Z, double Amplitude);

public sealed record ProbeGeometry(int Elements, double PitchM, double SampleRateHz, int Samples)
{
    public double ElementX(int e) => (e - (Elements - 1) / 2.0) * PitchM;
}

// Plane-wave compounding: one transmit per steering angle, delay-and-sum on receive.
public sealed class PlaneWaveBeamformer
{
    private const double C = 1540.0;
    private readonly ProbeGeometry _probe;
    private readonly double[][][] _rf; // [angle][element][sample]
    private readonly double[] _angles;
    private readonly double[,] _image;
    private readonly double[] _xs, _zs;

    public PlaneWaveBeamformer(ProbeGeometry probe, double[] angles, Scatterer[] phantom, int width, int depth)
    {
        _probe = probe; _angles = angles;
        _xs = Enumerable.Range(0, width).Select(i => -0.019 + 0.038 * i / (width - 1)).ToArray();
        _zs = Enumerable.Range(0, depth).Select(j => 0.005 + 0.045 * j / (depth - 1)).ToArray();
        _image = new double[width, depth];
        _rf = angles.Select(a => Enumerable.Range(0, probe.Elements).Select(e => Echo(a, e, phantom)).ToArray()).ToArray();
    }

    public double[,] Image => _image;
    public int Width => _xs.Length;

    private double[] Echo(double angle, int e, Scatterer[] phantom)
    {
        var trace = new double[_probe.Samples];
        foreach (var s in phantom)
        {
            double tx = (s.Z * Math.Cos(angle) + s.X * Math.Sin(angle)) / C;
            double rx = Math.Sqrt((s.X - _probe.ElementX(e)) * (s.X - _probe.ElementX(e)) + s.Z * s.Z) / C;
            double centre = (tx + rx) * _probe.SampleRateHz;
            for (int k = Math.Max(0, (int)centre - 12); k < Math.Min(trace.Length, (int)centre + 12); k++)
            {
                double t = (k - centre) / _probe.SampleRateHz * 5e6;
                trace[k] += s.Amplitude * Math.Exp(-t * t / 2) * Math.Cos(2 * Math.PI * t);
            }
        }
        return trace;
    }

    public void BeamformColumns(int first, int last)
    {
        for (int i = first; i < last; i++)
        for (int j = 0; j < _zs.Length; j++)
        {
            double x = _xs[i], z = _zs[j], sum = 0;
            for (int a = 0; a < _angles.Length; a++)
            {
                double tx = (z * Math.Cos(_angles[a]) + x * Math.Sin(_angles[a])) / C;
                for (int e = 0; e < _probe.Elements; e++)
                {
                    double dx = x - _probe.ElementX(e);
                    if (Math.Abs(dx) > z / 1.5) continue; // f-number 0.75 aperture
                    double idx = (tx + Math.Sqrt(dx * dx + z * z) / C) * _probe.SampleRateHz;
                    int k = (int)idx;
                    if (k + 1 < _probe.Samples) sum += _rf[a][e][k] + (idx - k) * (_rf[a][e][k + 1] - _rf[a][e][k]);
                }
            }
            _image[i, j] = sum;
        }
    }
}

public static class Program
{
    private static PlaneWaveBeamformer s_beamformer = null!;

    public static void Main()
    {
        var probe = new ProbeGeometry(Elements: 96, PitchM: 0.0003, SampleRateHz: 40e6, Samples: 2800);
        var rng = new Random(3);
        var phantom = Enumerable.Range(0, 400).Select(_ => new Scatterer(-0.018 + 0.036 * rng.NextDouble(), 0.006 + 0.044 * rng.NextDouble(), 0.2 * rng.NextDouble()))
            .Concat(Enumerable.Range(0, 8).Select(k => new Scatterer(0, 0.01 + 0.005 * k, 3.0))).ToArray();
        double[] angles = Enumerable.Range(-5, 11).Select(a => a * Math.PI / 180).ToArray();
        s_beamformer = new PlaneWaveBeamformer(probe, angles, phantom, width: 128, depth: 300);

        // Split the image columns between worker threads by hand.
        var workers = new Thread[4];
        for (int w = 0; w < workers.Length; w++)
        {
            workers[w] = new Thread(BeamformRange);
            workers[w].Start((w * s_beamformer.Width / workers.Length, (w + 1) * s_beamformer.Width / workers.Length));
        }
        for (int w = 0; w < workers.Length; w++) workers[w].Join();

        // Envelope and log compression, rows in partitioned ranges.
        var img = s_beamformer.Image;
        int width = img.GetLength(0), depth = img.GetLength(1);
        var bmode = new double[width, depth];
        double peak = 0;
        foreach (double v in img) peak = Math.Max(peak, Math.Abs(v));
        Parallel.ForEach(Partitioner.Create(0, width), range =>
        {
            for (int i = range.Item1; i < range.Item2; i++)
            for (int j = 0; j < depth; j++)
            {
                double env = 0;
                for (int k = Math.Max(0, j - 3); k <= Math.Min(depth - 1, j + 3); k++) env = Math.Max(env, Math.Abs(img[i, k]));
                bmode[i, j] = Math.Max(-60, 20 * Math.Log10(env / peak + 1e-12));
            }
        });

        // Live preview: whichever worker finds the preview free redraws it; the others skip this frame.
        var previewGate = new object();
        var preview = new double[32, 75];
        int previews = 0;
        Parallel.For(0, 8, frame =>
        {
            if (!Monitor.TryEnter(previewGate)) return;
            try
            {
                for (int i = 0; i < 32; i++)
                for (int j = 0; j < 75; j++)
                    preview[i, j] = Enumerable.Range(0, 4).SelectMany(a => Enumerable.Range(0, 4).Select(b => bmode[i * 4 + a, j * 4 + b])).Average();
                previews++;
            }
            finally { Monitor.Exit(previewGate); }
        });

        int bright = 0;
        foreach (double v in bmode) if (v > -20) bright++;
        Console.WriteLine($"B-mode {width}x{depth}: {bright} pixels above -20 dB, preview drawn at least once: {previews > 0}");
        for (int k = 0; k < 8; k++)
        {
            int j = (int)((0.01 + 0.005 * k - 0.005) / 0.045 * (depth - 1));
            Console.WriteLine($"wire {k} at {10 + 5 * k} mm: {bmode[width / 2, j]:F1} dB");
        }
    }

    private static void BeamformRange(object? state)
    {
        var (first, last) = ((int, int))state!;
        s_beamformer.BeamformColumns(first, last);
    }
}
