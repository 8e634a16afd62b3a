namespace VideoTranscodeScheduler;

public enum JobState { Queued, Encoding, Done }

public sealed class TranscodeScheduler(SegmentEncoder encoder)
{
    private readonly Dictionary<int, JobState> _states = new();
    private readonly object _statesLock = new();
    private long _totalBytes;

    public long TotalBytes => Interlocked.Read(ref _totalBytes);

    public void Run(IReadOnlyList<Segment> segments)
    {
        foreach (var s in segments) SetState(s.Index, JobState.Queued);

        Parallel.ForEach(segments, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount }, segment =>
        {
            SetState(segment.Index, JobState.Encoding);
            byte[] bitstream = encoder.EncodeSegment(segment);
            Interlocked.Add(ref _totalBytes, bitstream.Length);
            SetState(segment.Index, JobState.Done);
        });
    }

    private void SetState(int index, JobState state)
    {
        lock (_statesLock)
        {
            _states[index] = state;
        }
    }
}

/// <summary>Shared rate-control state: the quantiser adapts to the bits spent so far.</summary>
public sealed class EncoderContext(int targetBitsPerFrame)
{
    public object Sync { get; } = new();
    public int Quantizer { get; set; } = 12;
    public long BitsSpent { get; set; }
    public int FramesEncoded { get; set; }
    public int TargetBitsPerFrame { get; } = targetBitsPerFrame;
}
