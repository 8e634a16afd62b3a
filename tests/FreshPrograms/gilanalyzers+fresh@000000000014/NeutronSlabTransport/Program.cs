using System;
using System.Globalization;
using System.Linq;
using System.Runtime.InteropServices;
using System.Threading;
using System.Threading.Tasks;

namespace NeutronSlabTransport;

public sealed record Slab(string Name, double Thickness, double SigmaTotal, double ScatterRatio);
public readonly record struct BatchScore(long Transmitted, long Reflected, long Absorbed, long Collisions);

internal static class LibcRandom
{
    public static readonly object Gate = new();
    public const double RandMax = 2147483647.0;

    [DllImport("libc.so.6", EntryPoint = "srand")]
    public static extern void Seed(uint seed);

    [DllImport("libc.so.6", EntryPoint = "rand")]
    public static extern int Next();
}

/// <summary>Analog Monte Carlo on a 1-D slab with a collision-density histogram shared by all batches of a slab.</summary>
public sealed class FluxTally(Slab slab, int bins)
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly long[] _collisionsPerBin = new long[bins];
    public long Transmitted, Reflected, Absorbed, Histories;

    public Slab Slab => slab;
    public long[] Collisions => _collisionsPerBin;

    public void RunBatch(int batch, int histories)
    {
        var rng = new Random(slab.Name.Length * 100_003 + batch);
        _gate.Wait();
        try
        {
            for (int h = 0; h < histories; h++)
            {
                double x = 0.0, mu = 1.0;
                while (true)
                {
                    x += mu * -Math.Log(1.0 - rng.NextDouble()) / slab.SigmaTotal;
                    if (x < 0.0) { Reflected++; break; }
                    if (x > slab.Thickness) { Transmitted++; break; }
                    _collisionsPerBin[Math.Min(bins - 1, (int)(x / slab.Thickness * bins))]++;
                    if (rng.NextDouble() >= slab.ScatterRatio) { Absorbed++; break; }
                    mu = 2.0 * rng.NextDouble() - 1.0;
                }
            }
            Histories += histories;
        }
        finally
        {
            _gate.Release();
        }
    }
}

public static class Program
{
    private static long _batchesDone;

    private static BatchScore RunLegacyBatch(Slab slab, int batch, int histories)
    {
        long transmitted = 0, reflected = 0, absorbed = 0, collisions = 0;
        lock (LibcRandom.Gate)
        {
            LibcRandom.Seed((uint)(12345 + batch));
            for (int h = 0; h < histories; h++)
            {
                double x = 0.0, mu = 1.0;
                while (true)
                {
                    double xi = (LibcRandom.Next() + 1.0) / (LibcRandom.RandMax + 2.0);
                    x += mu * -Math.Log(xi) / slab.SigmaTotal;
                    if (x < 0.0) { reflected++; break; }
                    if (x > slab.Thickness) { transmitted++; break; }
                    collisions++;
                    if (LibcRandom.Next() / LibcRandom.RandMax >= slab.ScatterRatio) { absorbed++; break; }
                    mu = 2.0 * LibcRandom.Next() / LibcRandom.RandMax - 1.0;
                }
            }
        }
        Interlocked.Increment(ref _batchesDone);
        return new BatchScore(transmitted, reflected, absorbed, collisions);
    }

    public static void Main()
    {
        var inv = CultureInfo.InvariantCulture;
        Slab[] slabs =
        {
            new("water-2cm", 2.0, 3.45, 0.990), new("water-5cm", 5.0, 3.45, 0.990), new("graphite-10cm", 10.0, 0.385, 0.9990),
            new("iron-3cm", 3.0, 1.17, 0.915), new("concrete-15cm", 15.0, 0.66, 0.960), new("borated-poly-4cm", 4.0, 4.10, 0.870),
        };
        const int batchesPerSlab = 40, historiesPerBatch = 6000, bins = 20;
        var tallies = slabs.Select(s => new FluxTally(s, bins)).ToArray();
        int totalBatches = slabs.Length * batchesPerSlab + 32;

        using var finished = new ManualResetEventSlim(false);
        var monitor = new Thread(() =>
        {
            while (!finished.Wait(250))
                Console.Error.WriteLine($"  progress: {Interlocked.Read(ref _batchesDone)}/{totalBatches} batches");
        }) { IsBackground = true, Name = "progress" };
        monitor.Start();

        foreach (FluxTally tally in tallies)
        {
            Parallel.For(0, batchesPerSlab, batch =>
            {
                tally.RunBatch(batch, historiesPerBatch);
                Interlocked.Increment(ref _batchesDone);
            });
        }

        Slab benchmark = new("benchmark-c0.9", 4.0, 1.0, 0.9);
        var legacy = new BatchScore[32];
        Parallel.For(0, legacy.Length, b => legacy[b] = RunLegacyBatch(benchmark, b, 5000));

        finished.Set();
        monitor.Join();

        Console.WriteLine("slab                 T        R        A      collisions/history  peak bin");
        foreach (FluxTally t in tallies)
        {
            double n = t.Histories;
            int peak = Array.IndexOf(t.Collisions, t.Collisions.Max());
            Console.WriteLine(string.Format(inv, "{0,-18} {1,7:F4}  {2,7:F4}  {3,7:F4}  {4,10:F3}  {5,10}",
                t.Slab.Name, t.Transmitted / n, t.Reflected / n, t.Absorbed / n, t.Collisions.Sum() / n, peak));
        }

        long histories = legacy.Length * 5000L;
        double tr = legacy.Sum(b => b.Transmitted) / (double)histories;
        double se = Math.Sqrt(tr * (1 - tr) / histories);
        Console.WriteLine(string.Format(inv, "Benchmark (libc stream): T = {0:F5} +/- {1:F5}, R = {2:F5}, collisions/history {3:F3}",
            tr, se, legacy.Sum(b => b.Reflected) / (double)histories, legacy.Sum(b => b.Collisions) / (double)histories));
    }
}
