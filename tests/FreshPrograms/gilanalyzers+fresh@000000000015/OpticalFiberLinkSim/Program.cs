using System;
using System.IO;
using System.Linq;
using System.Numerics;
using System.Threading.Tasks;

namespace OpticalFiberLinkSim;

public sealed record FiberSpan(double LengthKm, double AlphaDbPerKm, double Beta2Ps2PerKm, double GammaPerWPerKm);

public sealed record LinkCase(int Id, double LaunchDbm, int Spans);

public sealed record Received(LinkCase Case, double[] Power, double QFactor);

public static class Program
{
    private const int Bits = 32, SamplesPerBit = 32, N = Bits * SamplesPerBit;
    private const double BitPeriodPs = 25.0; // 40 Gb/s RZ
    private static readonly int[] Pattern = Enumerable.Range(0, Bits).Select(i => (i * 37 + 11) % 7 < 4 ? 1 : 0).ToArray();

    public static async Task Main()
    {
        var smf = new FiberSpan(80, 0.2, -21.7, 1.3);
        var cases = (from dbm in new[] { -4.0, -1.0, 2.0, 5.0, 8.0, 11.0, 14.0, 17.0 }
                     from spans in new[] { 2, 4, 6 }
                     select (dbm, spans)).Select((x, i) => new LinkCase(i, x.dbm, x.spans)).ToArray();

        var received = new Received[cases.Length];
        Parallel.For(0, cases.Length, i => received[i] = Simulate(cases[i], smf));
        foreach (var g in received.GroupBy(r => r.Case.Spans))
        {
            var best = g.OrderByDescending(r => r.QFactor).First();
            Console.WriteLine($"{g.Key} spans: best launch {best.Case.LaunchDbm,5:F1} dBm, Q = {best.QFactor:F2}");
        }

        // Bit error ratio under amplifier noise for three operating points, each written to its own report.
        string dir = Path.Combine(Path.GetTempPath(), $"fiber-{Environment.ProcessId}");
        Directory.CreateDirectory(dir);
        var chosen = received.Where(r => r.Case.Spans == 4).OrderBy(r => r.Case.LaunchDbm).ToArray();
        string[] reports = await Task.WhenAll(
            EstimateBerAsync(chosen[1], osnrDb: 12, dir),
            EstimateBerAsync(chosen[4], osnrDb: 12, dir),
            EstimateBerAsync(chosen[7], osnrDb: 12, dir));

        string[] texts = await Task.WhenAll(reports.Select(p => File.ReadAllTextAsync(p)));
        foreach (string t in texts) Console.Write(t);
        Directory.Delete(dir, recursive: true);
    }

    private static Complex[] LaunchField(LinkCase c)
    {
        double peakW = Math.Pow(10, c.LaunchDbm / 10) / 1000 * 2; // RZ: peak about twice the average
        var field = new Complex[N];
        for (int b = 0; b < Bits; b++)
        {
            if (Pattern[b] == 0) continue;
            for (int s = 0; s < SamplesPerBit; s++)
            {
                double t = (s - SamplesPerBit / 2.0) / SamplesPerBit * BitPeriodPs;
                field[b * SamplesPerBit + s] = Math.Sqrt(peakW) * Math.Exp(-t * t / (2 * 5.0 * 5.0));
            }
        }
        return field;
    }

    // Split-step Fourier through every span, amplifier back to launch power after each one.
    private static Received Simulate(LinkCase c, FiberSpan span)
    {
        var field = LaunchField(c);
        var ase = new Random(c.Id);
        double dt = BitPeriodPs / SamplesPerBit, gain = Math.Pow(10, span.AlphaDbPerKm * span.LengthKm / 20);
        var omega = Enumerable.Range(0, N).Select(k => 2 * Math.PI * (k < N / 2 ? k : k - N) / (N * dt)).ToArray();
        const int steps = 160;
        double dz = span.LengthKm / steps, loss = Math.Exp(-span.AlphaDbPerKm / 4.343 / 2 * dz);
        var dispersion = omega.Select(w => Complex.FromPolarCoordinates(1, span.Beta2Ps2PerKm / 2 * w * w * dz)).ToArray();
        var compensation = omega.Select(w => Complex.FromPolarCoordinates(1, -span.Beta2Ps2PerKm / 2 * w * w * span.LengthKm)).ToArray();
        lock (LegacyFft.Gate)
        {
            for (int sp = 0; sp < c.Spans; sp++)
            {
                for (int st = 0; st < steps; st++)
                {
                    LegacyFft.Transform(field, inverse: false);
                    for (int k = 0; k < N; k++) field[k] *= dispersion[k];
                    LegacyFft.Transform(field, inverse: true);
                    for (int k = 0; k < N; k++)
                    {
                        double p = field[k].Magnitude * field[k].Magnitude;
                        field[k] *= Complex.FromPolarCoordinates(loss, span.GammaPerWPerKm * p * dz);
                    }
                }
                LegacyFft.Transform(field, inverse: false); // ideal dispersion-compensating module, then the amplifier
                for (int k = 0; k < N; k++) field[k] *= compensation[k] * gain;
                LegacyFft.Transform(field, inverse: true);
                for (int k = 0; k < N; k++) // amplified spontaneous emission
                    field[k] += 0.004 * new Complex(Gauss(ase), Gauss(ase));
            }
        }
        var power = field.Select(f => f.Magnitude * f.Magnitude).ToArray();
        return new Received(c, power, QFactor(power));
    }

    private static double Gauss(Random rng) => Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble());

    private static double QFactor(double[] power)
    {
        var ones = Enumerable.Range(0, Bits).Where(b => Pattern[b] == 1).Select(b => power[b * SamplesPerBit + SamplesPerBit / 2]).ToArray();
        var zeros = Enumerable.Range(0, Bits).Where(b => Pattern[b] == 0).Select(b => power[b * SamplesPerBit + SamplesPerBit / 2]).ToArray();
        double m1 = ones.Average(), m0 = zeros.Average();
        double s1 = Math.Sqrt(ones.Average(x => (x - m1) * (x - m1))), s0 = Math.Sqrt(zeros.Average(x => (x - m0) * (x - m0)));
        return (m1 - m0) / (s1 + s0 + 1e-12);
    }

    // Monte Carlo decisions with Gaussian noise set by the OSNR, threshold at the mid-eye level.
    private static async Task<string> EstimateBerAsync(Received r, double osnrDb, string dir)
    {
        var rng = new Random(r.Case.Id);
        double mean = r.Power.Average(), sigma = mean / Math.Pow(10, osnrDb / 20);
        var centres = Enumerable.Range(0, Bits).Select(b => r.Power[b * SamplesPerBit + SamplesPerBit / 2]).ToArray();
        double threshold = 0.5 * (centres.Where((_, b) => Pattern[b] == 1).Average() + centres.Where((_, b) => Pattern[b] == 0).Average());
        long errors = 0, decisions = 0;
        for (int trial = 0; trial < 60_000; trial++)
        for (int b = 0; b < Bits; b++)
        {
            double u1 = 1 - rng.NextDouble(), u2 = rng.NextDouble();
            double noise = sigma * Math.Sqrt(-2 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2);
            if ((centres[b] + noise > threshold ? 1 : 0) != Pattern[b]) errors++;
            decisions++;
        }
        string path = Path.Combine(dir, $"ber-{r.Case.Id}.txt");
        await File.WriteAllTextAsync(path, $"{r.Case.LaunchDbm,5:F1} dBm x {r.Case.Spans}: BER {(double)errors / decisions:E2} ({errors} errors)\n");
        return path;
    }
}
