using System;

namespace GilAnalyzers.Processes;

/// <summary>
/// Hands out a map's items as chunks, from the front, to the loops that drive the workers (thread-safe).
/// <para>
/// With a chunk size chosen by the caller every chunk has that size. With the automatic size the chunks shrink toward
/// the end ("guided" scheduling, as OpenMP's <c>schedule(guided)</c>): a chunk is a share of what is left —
/// ⌈left ÷ (2 × workers)⌉ — no larger than the automatic size (about four chunks per worker, as before) and no smaller
/// than a sixteenth of it; a chunk queued behind a running one is a quarter of that (see <see cref="TryTake"/>). The
/// first chunks are as large as ever, so a map of tiny items still costs few round trips (two to three times as many as
/// fixed chunks: 23 instead of 8 for 288 items on 2 workers); the last ones are small, so workers finish together. With fixed chunks of
/// a quarter of each worker's share, one worker could finish most of a chunk's time after the other (a slower core,
/// a later start), and the map waited for it: 288 items of 32 ms on 2 workers came in chunks of 36 items, 1.15 s each.
/// </para>
/// </summary>
internal sealed class ChunkPlan
{
    private readonly object _gate = new();
    private readonly int _count;
    private readonly int _max;
    private readonly int _min;
    private readonly int _divisor;
    private int _next;

    private ChunkPlan(int count, int max, int min, int workers)
    {
        _count = count;
        _max = Math.Max(1, max);
        _min = Math.Clamp(min, 1, _max);
        _divisor = 2 * Math.Max(1, workers);
    }

    /// <summary>Chunks of exactly <paramref name="chunkSize"/> items (the last one may be shorter).</summary>
    public static ChunkPlan Fixed(int count, int chunkSize) => new(count, chunkSize, chunkSize, 1);

    /// <summary>Guided chunks for <paramref name="workers"/> workers, starting at <see cref="ProcessPool.AutomaticChunkSize"/>.</summary>
    public static ChunkPlan Guided(int count, int workers)
    {
        int max = ProcessPool.AutomaticChunkSize(count, workers);
        return new ChunkPlan(count, max, (max + 15) / 16, workers);
    }

    /// <summary>
    /// Takes the next chunk; false when every item has been handed out. A <paramref name="bridge"/> is a chunk queued at a
    /// worker behind the full chunk it is running, only there so that the worker does not wait for the round trip when
    /// it finishes: a guided plan makes it a quarter of the size (at least the minimum), so that a worker found slow
    /// late in a map does not hold a large chunk that another worker could have run. A chunk queued behind a bridge
    /// is full-size again (the bridge ends soon). Fixed plans ignore it.
    /// </summary>
    public bool TryTake(bool bridge, out int start, out int count)
    {
        lock (_gate)
        {
            int left = _count - _next;
            if (left <= 0)
            {
                start = _count;
                count = 0;
                return false;
            }

            start = _next;
            count = Size(left);
            if (bridge)
            {
                count = Math.Min(count, Math.Max(_min, count / 4));
            }

            _next += count;
            return true;
        }
    }

    /// <summary>True while more chunks are left to hand out than <paramref name="takers"/> (so each can still get one).</summary>
    public bool MoreChunksLeftThan(int takers)
    {
        int left;
        lock (_gate)
        {
            left = _count - _next;
        }

        for (int chunks = 0; chunks <= takers; chunks++)
        {
            if (left <= 0)
            {
                return false;
            }

            left -= Size(left);
        }

        return true;
    }

    /// <summary>The size of the next chunk when <paramref name="left"/> items are left.</summary>
    internal int Size(int left)
    {
        int share = (int)(((long)left + _divisor - 1) / _divisor);
        return Math.Min(left, Math.Clamp(share, _min, _max));
    }
}
