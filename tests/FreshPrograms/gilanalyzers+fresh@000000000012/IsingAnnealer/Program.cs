using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;

namespace IsingAnnealer;

#nullable disable
/// <summary>
/// Port of the group's ISING2D.F (Metropolis, helical boundaries). The COMMON block became static fields:
/// the lattice, the LCG seed and the Boltzmann table are shared by every caller, and each temperature starts
/// from whatever lattice the previous call left behind (that was the "annealing" in the original driver).
/// </summary>
internal static class IsingKernel
{
    public static readonly object Gate = new object();
    public static int L;
    public static sbyte[] Spin;
    public static uint Seed = 20240611u;
    public static double[] Boltzmann = new double[9];
    public static long Flips;

    public static void Init(int size)
    {
        L = size;
        Spin = new sbyte[size * size];
        for (int i = 0; i < Spin.Length; i++) Spin[i] = 1;
    }

    private static double Uniform()
    {
        Seed = Seed * 1664525u + 1013904223u;
        return Seed / 4294967296.0;
    }

    public static void Sweep(double beta, int sweeps)
    {
        for (int d = 0; d <= 8; d += 2) Boltzmann[d] = Math.Exp(-beta * d);
        int n = L * L;
        for (int s = 0; s < sweeps; s++)
            for (int i = 0; i < n; i++)
            {
                int x = i % L, y = i / L;
                int sum = Spin[y * L + (x + 1) % L] + Spin[y * L + (x + L - 1) % L]
                        + Spin[(y + 1) % L * L + x] + Spin[(y + L - 1) % L * L + x];
                int dE = 2 * Spin[i] * sum;
                if (dE <= 0 || Uniform() < Boltzmann[dE]) { Spin[i] = (sbyte)-Spin[i]; Flips++; }
            }
    }

    public static double Magnetization() => Math.Abs(Spin.Sum(s => (int)s)) / (double)Spin.Length;

    public static double Energy()
    {
        int e = 0;
        for (int i = 0; i < Spin.Length; i++)
            e -= Spin[i] * (Spin[i / L * L + (i % L + 1) % L] + Spin[(i / L + 1) % L * L + i % L]);
        return e / (double)Spin.Length;
    }
}
#nullable restore

public sealed record Measurement(double Temperature, double Magnetization, double Energy, sbyte[] Lattice);

public static class Program
{
    private const int Size = 48, Equilibrate = 250, Samples = 150;

    private static Thread StartCsvWriter(BlockingCollection<string> lines, string path)
    {
        var thread = new Thread(() =>
        {
            using var writer = new StreamWriter(path);
            writer.WriteLine("temperature,magnetization,energy");
            foreach (var line in lines.GetConsumingEnumerable()) writer.WriteLine(line);
        }) { IsBackground = true, Name = "csv-writer" };
        thread.Start();
        return thread;
    }

    private static double StructurePeak(sbyte[] lattice)
    {
        double peak = 0;
        for (int kx = 0; kx < 12; kx++)
            for (int ky = 0; ky < 12; ky++)
            {
                if (kx == 0 && ky == 0) continue;
                double re = 0, im = 0;
                for (int i = 0; i < lattice.Length; i++)
                {
                    double phase = 2 * Math.PI * (kx * (i % Size) + ky * (i / Size)) / Size;
                    re += lattice[i] * Math.Cos(phase);
                    im += lattice[i] * Math.Sin(phase);
                }
                peak = Math.Max(peak, (re * re + im * im) / lattice.Length);
            }
        return peak;
    }

    public static void Main()
    {
        var temperatures = Enumerable.Range(0, 24).Select(i => 3.4 - 0.08 * i).ToArray();
        IsingKernel.Init(Size);
        string csv = Path.Combine(Path.GetTempPath(), $"ising-{Environment.ProcessId}.csv");
        using var queue = new BlockingCollection<string>();
        var writer = StartCsvWriter(queue, csv);
        var measurements = new ConcurrentBag<Measurement>();

        Parallel.ForEach(temperatures, t =>
        {
            Measurement m;
            lock (IsingKernel.Gate)
            {
                IsingKernel.Sweep(1.0 / t, Equilibrate);
                double mag = 0, energy = 0;
                for (int k = 0; k < Samples; k++)
                {
                    IsingKernel.Sweep(1.0 / t, 1);
                    mag += IsingKernel.Magnetization();
                    energy += IsingKernel.Energy();
                }
                m = new Measurement(t, mag / Samples, energy / Samples, (sbyte[])IsingKernel.Spin.Clone());
            }
            measurements.Add(m);
            queue.Add(string.Create(CultureInfo.InvariantCulture, $"{t:F2},{m.Magnetization:F4},{m.Energy:F4}"));
        });
        queue.CompleteAdding();

        var ordered = measurements.OrderByDescending(m => m.Temperature).ToArray();
        var peaks = new double[ordered.Length];
        var chunks = new Task[4];
        for (int c = 0; c < chunks.Length; c++)
        {
            int lo = c * ordered.Length / chunks.Length, hi = (c + 1) * ordered.Length / chunks.Length;
            chunks[c] = Task.Factory.StartNew(() =>
            {
                for (int i = lo; i < hi; i++) peaks[i] = StructurePeak(ordered[i].Lattice);
            }, TaskCreationOptions.LongRunning);
        }
        Task.WaitAll(chunks);

        writer.Join();
        File.Delete(csv);
        for (int i = 0; i < ordered.Length; i += 3)
            Console.WriteLine($"T = {ordered[i].Temperature:F2}: |m| = {ordered[i].Magnetization:F3}, " +
                              $"e = {ordered[i].Energy:F3}, S(k) peak {peaks[i]:F1}");
        Console.WriteLine($"flips: {IsingKernel.Flips:N0}");
    }
}
