using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading.Tasks;

namespace AcousticRoomSimulator;

public readonly record struct Vec3(double X, double Y, double Z)
{
    public double DistanceTo(Vec3 o) =>
        Math.Sqrt((X - o.X) * (X - o.X) + (Y - o.Y) * (Y - o.Y) + (Z - o.Z) * (Z - o.Z));
}

public sealed record RoomSpec(double Length, double Width, double Height, double WallAbsorption);

public sealed record PairResult(int Source, int Receiver, double Rt60, double C50, double DirectMs);

/// <summary>Image-source room impulse responses (Allen &amp; Berkley), one shared instance per room.</summary>
public sealed class ImpulseResponseSynthesizer
{
    public const int SampleRate = 16000;
    public const double SpeedOfSound = 343.0;
    private const int HalfTaps = 8;

    private readonly RoomSpec _room;
    private readonly int _maxOrder;
    private readonly double[] _rir;
    private readonly double[] _energy;
    private readonly object _sync = new();

    public ImpulseResponseSynthesizer(RoomSpec room, int maxOrder, double seconds)
    {
        _room = room;
        _maxOrder = maxOrder;
        _rir = new double[(int)(seconds * SampleRate)];
        _energy = new double[_rir.Length];
    }

    public PairResult Analyse(int s, int r, Vec3 source, Vec3 receiver)
    {
        lock (_sync)
        {
            Array.Clear(_rir);
            double beta = Math.Sqrt(1.0 - _room.WallAbsorption);
            int n = _maxOrder;
            for (int i = -n; i <= n; i++)
            for (int j = -(n - Math.Abs(i)); j <= n - Math.Abs(i); j++)
            for (int k = -(n - Math.Abs(i) - Math.Abs(j)); k <= n - Math.Abs(i) - Math.Abs(j); k++)
            for (int parity = 0; parity < 8; parity++)
            {
                int px = parity & 1, py = (parity >> 1) & 1, pz = (parity >> 2) & 1;
                var image = new Vec3(
                    2 * i * _room.Length + (px == 0 ? source.X : -source.X),
                    2 * j * _room.Width + (py == 0 ? source.Y : -source.Y),
                    2 * k * _room.Height + (pz == 0 ? source.Z : -source.Z));
                int bounces = Math.Abs(2 * i - px) + Math.Abs(2 * j - py) + Math.Abs(2 * k - pz);
                double d = image.DistanceTo(receiver);
                double delay = d / SpeedOfSound * SampleRate;
                int centre = (int)delay;
                if (centre + HalfTaps >= _rir.Length) continue;
                double amp = Math.Pow(beta, bounces) / (4 * Math.PI * d);
                double frac = delay - centre;
                for (int t = -HalfTaps + 1; t <= HalfTaps; t++)
                {
                    int idx = centre + t;
                    if (idx < 0) continue;
                    double x = t - frac;
                    double sinc = Math.Abs(x) < 1e-9 ? 1.0 : Math.Sin(Math.PI * x) / (Math.PI * x);
                    double window = 0.5 + 0.5 * Math.Cos(Math.PI * x / HalfTaps);
                    _rir[idx] += amp * sinc * window;
                }
            }

            double acc = 0;
            for (int t = _rir.Length - 1; t >= 0; t--) { acc += _rir[t] * _rir[t]; _energy[t] = acc; }
            double total = _energy[0];
            int t5 = Array.FindIndex(_energy, e => 10 * Math.Log10(e / total) <= -5);
            int t25 = Array.FindIndex(_energy, e => 10 * Math.Log10(e / total) <= -25);
            double rt60 = t5 < 0 || t25 < 0 ? double.NaN : 3.0 * (t25 - t5) / SampleRate;

            int direct = (int)(source.DistanceTo(receiver) / SpeedOfSound * SampleRate);
            int split = Math.Min(_rir.Length - 1, direct + SampleRate * 50 / 1000);
            double early = total - _energy[split];
            double c50 = 10 * Math.Log10(early / Math.Max(_energy[split], 1e-30));
            return new PairResult(s, r, rt60, c50, 1000.0 * direct / SampleRate);
        }
    }
}

public static class Program
{
    public static void Main()
    {
        var room = new RoomSpec(14.0, 9.5, 4.2, 0.18);
        Vec3[] sources = { new(2.0, 4.75, 1.6), new(3.5, 2.0, 1.6), new(3.5, 7.5, 1.6) };
        var receivers = Enumerable.Range(0, 8)
            .Select(i => new Vec3(6.0 + i * 0.9, 2.5 + (i % 3) * 2.1, 1.2))
            .ToArray();
        var synth = new ImpulseResponseSynthesizer(room, maxOrder: 16, seconds: 1.2);

        var pairs = (from s in Enumerable.Range(0, sources.Length)
                     from r in Enumerable.Range(0, receivers.Length)
                     select (s, r)).ToList();
        var results = new PairResult[pairs.Count];
        var consoleGate = new object();
        int done = 0;

        Parallel.ForEach(pairs, (pair, _, index) =>
        {
            results[index] = synth.Analyse(pair.s, pair.r, sources[pair.s], receivers[pair.r]);
            lock (consoleGate)
            {
                done++;
                Console.Error.WriteLine($"  rir {done,2}/{pairs.Count}: source {pair.s} -> seat {pair.r}");
            }
        });

        // Direct-sound level map over the audience area, histogrammed in 1 dB steps.
        const int Grid = 120;
        var histogram = new int[24];
        Parallel.For(0, Grid * Grid, () => new int[histogram.Length], (cell, _, local) =>
        {
            var p = new Vec3(5.0 + 8.5 * (cell % Grid) / Grid, 0.5 + 8.5 * (cell / Grid) / Grid, 1.2);
            double intensity = 0;
            foreach (var s in sources)
            {
                double d = s.DistanceTo(p);
                intensity += 1.0 / (d * d);
                intensity += (1.0 - room.WallAbsorption) / Math.Pow(d + 2 * s.Z, 2);
            }
            int bin = Math.Clamp((int)(10 * Math.Log10(intensity) + 30), 0, local.Length - 1);
            local[bin]++;
            return local;
        }, local =>
        {
            lock (histogram)
            {
                for (int b = 0; b < histogram.Length; b++) histogram[b] += local[b];
            }
        });

        foreach (var g in results.GroupBy(x => x.Source))
        {
            Console.WriteLine($"source {g.Key}: RT60 {g.Average(x => x.Rt60):F2} s, " +
                              $"C50 {g.Min(x => x.C50):F1}..{g.Max(x => x.C50):F1} dB, " +
                              $"direct {g.Min(x => x.DirectMs):F1}-{g.Max(x => x.DirectMs):F1} ms");
        }
        int modal = Array.IndexOf(histogram, histogram.Max());
        Console.WriteLine($"level map: {histogram.Sum()} cells, modal bin {modal - 30} dB ({histogram[modal]} cells)");
    }
}
