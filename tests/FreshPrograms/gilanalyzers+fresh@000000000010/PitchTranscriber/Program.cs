using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Runtime.InteropServices;
using System.Threading.Tasks;

namespace PitchTranscriber;

record Take(string Name, float[] Samples);
record NoteEvent(int Midi, double Onset, double Duration);

static class Zlib
{
    public static readonly object Gate = new();

    [DllImport("libz.so.1", EntryPoint = "compress2")]
    public static extern int Compress2(byte[] dest, ref nuint destLen, byte[] source, nuint sourceLen, int level);

    [DllImport("libz.so.1", EntryPoint = "compressBound")]
    public static extern nuint CompressBound(nuint sourceLen);
}

sealed class YinTranscriber(int sampleRate, int window = 512, int hop = 512)
{
    private readonly int _maxLag = sampleRate / 60;

    public List<NoteEvent> Transcribe(Take take)
    {
        int frames = (take.Samples.Length - window - _maxLag) / hop;
        var pitch = new double[frames];
        const int chunks = 4;
        var tasks = new Task[chunks];
        for (int c = 0; c < chunks; c++)
        {
            int from = c * frames / chunks, to = (c + 1) * frames / chunks;
            tasks[c] = Task.Factory.StartNew(() =>
            {
                for (int f = from; f < to; f++) pitch[f] = Yin(take.Samples, f * hop);
            }, TaskCreationOptions.LongRunning);
        }
        Task.WaitAll(tasks);
        return Segment(pitch);
    }

    // YIN: cumulative mean normalised difference, first dip under the threshold, parabolic refinement skipped.
    private double Yin(float[] x, int start)
    {
        var d = new double[_maxLag];
        double running = 0;
        for (int tau = 1; tau < _maxLag; tau++)
        {
            double sum = 0;
            for (int i = 0; i < window; i++) { double diff = x[start + i] - x[start + i + tau]; sum += diff * diff; }
            running += sum;
            d[tau] = sum * tau / Math.Max(running, 1e-12);
        }
        for (int tau = sampleRate / 1000; tau < _maxLag - 1; tau++)
            if (d[tau] < 0.12 && d[tau] <= d[tau + 1]) return (double)sampleRate / tau;
        return 0;
    }

    private List<NoteEvent> Segment(double[] pitch)
    {
        var notes = new List<NoteEvent>();
        int current = -1, since = 0;
        for (int f = 0; f <= pitch.Length; f++)
        {
            int midi = f < pitch.Length && pitch[f] > 0 ? (int)Math.Round(69 + 12 * Math.Log2(pitch[f] / 440.0)) : -1;
            if (midi == current) continue;
            if (current >= 0 && f - since >= 3) notes.Add(new NoteEvent(current, since * (double)hop / sampleRate, (f - since) * (double)hop / sampleRate));
            current = midi; since = f;
        }
        return notes;
    }
}

static class Program
{
    const int Rate = 16000;

    static Take Synthesize(string name, int seed)
    {
        var rng = new Random(seed);
        var samples = new float[Rate * 6];
        int pos = 0;
        while (pos < samples.Length)
        {
            int midi = 55 + rng.Next(20), len = Rate / 4 + rng.Next(Rate / 2);
            double f0 = 440 * Math.Pow(2, (midi - 69) / 12.0);
            for (int i = 0; i < len && pos < samples.Length; i++, pos++)
            {
                double t = (double)i / Rate, env = Math.Min(1, i / 200.0) * Math.Exp(-1.5 * t);
                samples[pos] = (float)(env * (Math.Sin(2 * Math.PI * f0 * t) + 0.4 * Math.Sin(4 * Math.PI * f0 * t)) + 0.01 * (rng.NextDouble() - 0.5));
            }
        }
        return new Take(name, samples);
    }

    static async Task Main()
    {
        var takes = Enumerable.Range(1, 6).Select(i => Synthesize($"take{i:D2}", 400 + i)).ToList();
        var transcriber = new YinTranscriber(Rate);
        var transcripts = new Dictionary<string, List<NoteEvent>>();
        foreach (Take take in takes) transcripts[take.Name] = transcriber.Transcribe(take);

        var archives = new byte[takes.Count][];
        Parallel.For(0, takes.Count, i =>
        {
            var pcm = new byte[takes[i].Samples.Length * 2];
            for (int s = 0; s < takes[i].Samples.Length; s++)
                BitConverter.TryWriteBytes(pcm.AsSpan(s * 2), (short)(takes[i].Samples[s] * 32000));
            lock (Zlib.Gate)
            {
                nuint len = Zlib.CompressBound((nuint)pcm.Length);
                var packed = new byte[len];
                int rc = Zlib.Compress2(packed, ref len, pcm, (nuint)pcm.Length, 9);
                if (rc != 0) throw new InvalidOperationException($"compress2 failed: {rc}");
                archives[i] = packed.AsSpan(0, (int)len).ToArray();
            }
        });

        string dir = Path.Combine(Path.GetTempPath(), "pitch-archive");
        Directory.CreateDirectory(dir);
        await Task.WhenAll(takes.Select((t, i) => File.WriteAllBytesAsync(Path.Combine(dir, t.Name + ".pcm.z"), archives[i])));

        foreach (Take take in takes)
        {
            var notes = transcripts[take.Name];
            string first = string.Join(' ', notes.Take(6).Select(n => $"{n.Midi}@{n.Onset:F2}"));
            Console.WriteLine($"{take.Name}: {notes.Count} notes, archive {archives[takes.IndexOf(take)].Length / 1024} KiB  [{first}]");
        }
    }
}
