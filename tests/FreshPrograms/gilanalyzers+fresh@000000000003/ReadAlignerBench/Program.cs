using System.Text;

namespace ReadAlignerBench;

// Aligns simulated short reads back to a synthetic reference with a seed-and-extend
// aligner (k-mer seeds, banded Smith-Waterman), then reports mapping quality figures.
internal static class Program
{
    private static void Main()
    {
        string reference = Genome.Random(length: 60_000, seed: 17);
        var reads = Genome.SampleReads(reference, count: 1_200, readLength: 100, errorRate: 0.02, seed: 18);
        var index = new KmerIndex(reference, k: 13);
        var aligner = new SeedExtendAligner(reference, index, band: 8);

        using var heartbeat = new Heartbeat(TimeSpan.FromMilliseconds(100));
        var hits = new Alignment[reads.Count];

        // two halves of the read set on two dedicated threads
        int half = reads.Count / 2;
        var first = new Thread(() => AlignRange(aligner, reads, hits, 0, half, heartbeat));
        var second = new Thread(() => AlignRange(aligner, reads, hits, half, reads.Count, heartbeat));
        first.Start();
        second.Start();
        first.Join();
        second.Join();

        var report = MappingReport.Summarise(reads, hits);
        Console.WriteLine(report);
    }

    private static void AlignRange(SeedExtendAligner aligner, IReadOnlyList<Read> reads, Alignment[] hits, int from, int to, Heartbeat heartbeat)
    {
        for (int i = from; i < to; i++)
        {
            hits[i] = aligner.Align(reads[i].Bases);
            heartbeat.Tick();
        }
    }
}

public sealed record Read(int TruePosition, string Bases);
public readonly record struct Alignment(int Position, int Score);

public static class Genome
{
    private const string Alphabet = "ACGT";

    public static string Random(int length, int seed)
    {
        var rng = new Random(seed);
        var sb = new StringBuilder(length);
        for (int i = 0; i < length; i++) sb.Append(Alphabet[rng.Next(4)]);
        return sb.ToString();
    }

    public static List<Read> SampleReads(string reference, int count, int readLength, double errorRate, int seed)
    {
        var rng = new Random(seed);
        var reads = new List<Read>(count);
        for (int r = 0; r < count; r++)
        {
            int pos = rng.Next(reference.Length - readLength);
            var bases = reference.Substring(pos, readLength).ToCharArray();
            for (int i = 0; i < bases.Length; i++)
            {
                if (rng.NextDouble() < errorRate) bases[i] = Alphabet[rng.Next(4)];
            }
            reads.Add(new Read(pos, new string(bases)));
        }
        return reads;
    }
}

// Background liveness signal for the batch scheduler: wakes up periodically and records
// how many reads were aligned since the last beat.
public sealed class Heartbeat : IDisposable
{
    private readonly ManualResetEventSlim _stop = new(false);
    private readonly Thread _thread;
    private long _ticks;
    public long Beats { get; private set; }

    public Heartbeat(TimeSpan period)
    {
        _thread = new Thread(() =>
        {
            while (!_stop.Wait(period))
            {
                Beats++;
                _ = Interlocked.Read(ref _ticks);
            }
        })
        { IsBackground = true, Name = "heartbeat" };
        _thread.Start();
    }

    public void Tick() => Interlocked.Increment(ref _ticks);

    public void Dispose()
    {
        _stop.Set();
        _thread.Join();
        _stop.Dispose();
    }
}
