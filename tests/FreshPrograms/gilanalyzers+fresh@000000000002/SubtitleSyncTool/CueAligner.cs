using System.Collections.Concurrent;

namespace SubtitleSyncTool;

public sealed record SubtitleCue(int Index, double Start, double End, string Text)
{
    public static List<SubtitleCue> Evenly(int count, double totalSeconds) =>
        Enumerable.Range(0, count).Select(i => new SubtitleCue(i, i * totalSeconds / count, i * totalSeconds / count + 2.5, $"line {i}")).ToList();
}

public sealed class CueAligner(AudioFingerprinter fingerprinter, AudioTrack original, AudioTrack dubbed)
{
    private const double SearchSeconds = 0.5;
    private readonly Dictionary<(int, int), ulong[]> _originalPrints = new();
    private readonly object _progressLock = new();
    private int _done;
    private int _cacheHits;

    public int CacheHits => _cacheHits;

    public List<SubtitleCue> AlignAll(IReadOnlyList<SubtitleCue> cues)
    {
        var output = new ConcurrentBag<SubtitleCue>();
        Parallel.ForEach(cues, cue =>
        {
            int from = (int)(cue.Start * original.SampleRate), to = (int)(cue.End * original.SampleRate);
            ulong[] reference = OriginalPrint(from, to);

            int bestLag = 0, bestDistance = int.MaxValue;
            int maxLag = (int)(SearchSeconds * dubbed.SampleRate);
            for (int lag = -maxLag; lag <= maxLag; lag += fingerprinter.FrameSize / 2)
            {
                if (from + lag < 0 || to + lag > dubbed.Samples.Length) continue;
                ulong[] candidate = fingerprinter.Fingerprint(dubbed.Samples, from + lag, to + lag);
                int distance = AudioFingerprinter.Hamming(reference, candidate);
                if (distance < bestDistance) { bestDistance = distance; bestLag = lag; }
            }

            double shift = (double)bestLag / dubbed.SampleRate;
            output.Add(cue with { Start = cue.Start + shift, End = cue.End + shift });

            lock (_progressLock)
            {
                _done++;
                if (_done % 40 == 0) Console.WriteLine($"  {_done}/{cues.Count} cues");
            }
        });
        return output.OrderBy(c => c.Index).ToList();
    }

    private ulong[] OriginalPrint(int from, int to)
    {
        lock (_originalPrints)
        {
            if (_originalPrints.TryGetValue((from, to), out var cached))
            {
                _cacheHits++;
                return cached;
            }
        }

        ulong[] print = fingerprinter.Fingerprint(original.Samples, from, to);
        lock (_originalPrints)
        {
            _originalPrints[(from, to)] = print;
        }
        return print;
    }
}
