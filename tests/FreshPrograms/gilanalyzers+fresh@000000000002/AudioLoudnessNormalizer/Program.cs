using System.Collections.Concurrent;
using System.Diagnostics;

namespace AudioLoudnessNormalizer;

/// <summary>
/// Measures integrated loudness for every track in a (synthetic) library and computes the gain
/// needed to bring each one to the streaming target of -14 LUFS.
/// </summary>
internal static class Program
{
    private const double TargetLufs = -14.0;

    private static int Main(string[] args)
    {
        int trackCount = args.Length > 0 && int.TryParse(args[0], out var n) ? n : 16;
        var library = TrackLibrary.CreateDemo(trackCount, sampleRate: 22050, seconds: 2);
        var meter = new LoudnessMeter(library.SampleRate);
        var log = new RunLog();

        var gains = new ConcurrentDictionary<string, double>();
        var sw = Stopwatch.StartNew();

        Parallel.ForEach(library.Tracks, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount }, track =>
        {
            double lufs = meter.MeasureIntegrated(track);
            double gainDb = TargetLufs - lufs;
            gains[track.Title] = gainDb;
            log.Info($"{track.Title,-12} {lufs,7:F2} LUFS  gain {gainDb,6:F2} dB");
        });

        sw.Stop();
        log.Info($"measured {library.Tracks.Count} tracks in {sw.ElapsedMilliseconds} ms");

        var loudest = gains.OrderBy(kv => kv.Value).First();
        Console.WriteLine($"loudest track: {loudest.Key} (needs {loudest.Value:F2} dB)");
        Console.WriteLine($"log lines written: {log.LineCount}");
        return 0;
    }
}
