using System.Runtime.InteropServices;

namespace Telemetry.Archive;

public sealed class Trace(int channel, short[] packed)
{
    public int Channel { get; } = channel;
    public short[] Packed { get; } = packed;
    public double[] Samples { get; set; } = Array.Empty<double>();
    public uint[] SegmentCrcs { get; set; } = Array.Empty<uint>();
    public int Flags { get; set; }
}

/// <summary>Wrapper over zlib's checksum entry points (the archive format stores zlib CRCs per 4 KB segment).</summary>
internal static class NativeChecksum
{
    public static readonly object SyncRoot = new();

    [DllImport("libz.so.1", EntryPoint = "crc32")]
    private static extern nuint Crc32(nuint crc, byte[] buffer, uint length);

    public static uint[] Segments(double[] samples)
    {
        byte[] raw = MemoryMarshal.AsBytes(samples.AsSpan()).ToArray();
        int count = (raw.Length + 4095) / 4096;
        var crcs = new uint[count];
        lock (SyncRoot)
        {
            for (int s = 0; s < count; s++)
            {
                int len = Math.Min(4096, raw.Length - s * 4096);
                var segment = new byte[len];
                Buffer.BlockCopy(raw, s * 4096, segment, 0, len);
                nuint crc = 0;
                for (int pass = 0; pass < 8; pass++) crc = Crc32(crc, segment, (uint)len); // the archive chains 8 passes
                crcs[s] = (uint)crc;
            }
        }
        return crcs;
    }
}

public abstract class QcRule
{
    private readonly object _sync = new();
    public int Evaluated { get; private set; }

    public bool Evaluate(double[] samples)
    {
        lock (_sync)
        {
            Evaluated++;
            return Check(samples);
        }
    }

    protected abstract bool Check(double[] samples);
}

public sealed class SpikeRule(int window, double threshold) : QcRule
{
    protected override bool Check(double[] samples)
    {
        var buffer = new double[window];
        for (int i = window; i < samples.Length; i++)
        {
            Array.Copy(samples, i - window, buffer, 0, window);
            Array.Sort(buffer);
            if (Math.Abs(samples[i] - buffer[window / 2]) > threshold) return true;
        }
        return false;
    }
}

public static class Program
{
    public static void Main()
    {
        var rng = new Random(31);
        var traces = Enumerable.Range(0, 48).Select(c =>
        {
            var packed = new short[30_000];
            for (int i = 0; i < packed.Length; i++) packed[i] = (short)rng.Next(-40, 41);
            if (c % 7 == 0) packed[15_000] = 20_000;
            return new Trace(c, packed);
        }).ToList();

        int workers = Environment.ProcessorCount;
        var decoders = new Task[workers];
        for (int w = 0; w < workers; w++)
        {
            int worker = w;
            decoders[w] = Task.Factory.StartNew(() =>
            {
                for (int t = worker; t < traces.Count; t += workers)
                {
                    var trace = traces[t];
                    var samples = new double[trace.Packed.Length];
                    double acc = 0, lowpass = 0;
                    for (int i = 0; i < samples.Length; i++)
                    {
                        acc += trace.Packed[i];                 // delta decoding
                        lowpass += 0.05 * (acc - lowpass);      // drift removal
                        samples[i] = (acc - lowpass) * 0.001;
                    }
                    trace.Samples = samples;
                }
            }, TaskCreationOptions.LongRunning);
        }
        Task.WaitAll(decoders);

        Parallel.ForEach(traces, trace => trace.SegmentCrcs = NativeChecksum.Segments(trace.Samples));

        QcRule spikes = new SpikeRule(window: 31, threshold: 5.0);
        var flagged = traces.AsParallel().Where(t => spikes.Evaluate(t.Samples)).ToList();
        foreach (var trace in flagged)
        {
            lock (trace)
            {
                trace.Flags |= 1;
            }
        }

        uint rollup = traces.SelectMany(t => t.SegmentCrcs).Aggregate(17u, (a, c) => a * 31 + c);
        Console.WriteLine($"traces={traces.Count} evaluated={spikes.Evaluated} flagged={flagged.Count} crcRollup={rollup:X8}");
    }
}
