using System.Diagnostics;

namespace DeltaPatchBuilder;

// Builds an rsync-style delta between two releases of a binary blob: the old release is
// cut into fixed blocks with a rolling weak hash plus a strong hash, then the new release
// is scanned block by block against that signature.
internal static class Program
{
    private static void Main()
    {
        byte[] oldRelease = Blobs.Make(length: 1 << 20, seed: 5);
        byte[] newRelease = Blobs.Mutate(oldRelease, edits: 300, seed: 6);
        const int BlockSize = 2048;

        var progress = new ProgressReporter();
        var signature = SignatureBuilder.Build(oldRelease, BlockSize, progress);
        var delta = new DeltaScanner(signature, BlockSize).Scan(newRelease);
        progress.Stop();

        int copied = delta.Count(op => op.Kind == OpKind.Copy);
        long literalBytes = delta.Where(op => op.Kind == OpKind.Literal).Sum(op => (long)op.Length);
        Console.WriteLine($"blocks in signature: {signature.Count}");
        Console.WriteLine($"distinct weak keys:  {signature.DistinctWeak}");
        Console.WriteLine($"copy ops:            {copied}");
        Console.WriteLine($"literal bytes:       {literalBytes}");
        Console.WriteLine($"patch ratio:         {literalBytes / (double)newRelease.Length:P2}");
    }
}

public static class Blobs
{
    public static byte[] Make(int length, int seed)
    {
        var rng = new Random(seed);
        var data = new byte[length];
        rng.NextBytes(data);
        return data;
    }

    public static byte[] Mutate(byte[] source, int edits, int seed)
    {
        var rng = new Random(seed);
        var copy = (byte[])source.Clone();
        for (int e = 0; e < edits; e++)
        {
            int at = rng.Next(copy.Length - 64);
            for (int k = 0; k < 16; k++) copy[at + k] ^= (byte)rng.Next(1, 256);
        }
        return copy;
    }
}

public sealed class ProgressReporter
{
    private readonly object _gate = new();
    private readonly Timer _timer;
    private int _blocksDone;
    private int _lastReported;

    public ProgressReporter()
    {
        _timer = new Timer(_ =>
        {
            int done;
            lock (_gate)
            {
                done = _blocksDone;
                _lastReported = done;
            }
            Debug.WriteLine($"signature blocks hashed: {done}");
        }, null, dueTime: 200, period: 200);
    }

    public void Advance(int blocks) => Interlocked.Add(ref _blocksDone, blocks);

    public void Stop() => _timer.Dispose();
}
