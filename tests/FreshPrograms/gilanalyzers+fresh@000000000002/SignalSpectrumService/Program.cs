using System.Diagnostics;

namespace SignalSpectrumService;

internal static class Program
{
    private static void Main(string[] args)
    {
        int channels = args.Length > 0 ? int.Parse(args[0]) : 8;
        var recording = MultiChannelRecording.Synthesize(channels, sampleRate: 16_000, seconds: 4, seed: 13);
        string outDir = Directory.CreateTempSubdirectory("spectra-").FullName;

        var fft = new SharedFft(size: 1024);
        var service = new SpectrumService(fft, outDir);

        // 1) live view: per-channel band energies for the dashboard, computed in parallel
        var sw = Stopwatch.StartNew();
        var bandEnergies = new double[channels][];
        Parallel.For(0, channels, ch => bandEnergies[ch] = service.BandEnergies(recording.Channels[ch]));
        Console.WriteLine($"band energies for {channels} channels in {sw.ElapsedMilliseconds} ms; ch0 low band {bandEnergies[0][0]:F1}");

        // 2) archive: full averaged spectrum per channel written to disk
        sw.Restart();
        var archiveTasks = recording.Channels.Select((samples, ch) => service.ArchiveSpectrumAsync(ch, samples)).ToArray();
        Task.WaitAll(archiveTasks);
        Console.WriteLine($"archived {archiveTasks.Length} spectra in {sw.ElapsedMilliseconds} ms -> {outDir}");
        Console.WriteLine($"peak bins: {string.Join(", ", archiveTasks.Select(t => t.Result))}");
    }
}

public sealed class MultiChannelRecording(float[][] channels)
{
    public float[][] Channels { get; } = channels;

    public static MultiChannelRecording Synthesize(int channels, int sampleRate, int seconds, int seed)
    {
        var rng = new Random(seed);
        var data = new float[channels][];
        for (int c = 0; c < channels; c++)
        {
            data[c] = new float[sampleRate * seconds];
            double f = 200 + 150 * c;
            for (int i = 0; i < data[c].Length; i++)
                data[c][i] = (float)(Math.Sin(2 * Math.PI * f * i / sampleRate) + 0.2 * (rng.NextDouble() - 0.5));
        }
        return new MultiChannelRecording(data);
    }
}
