using System;

namespace GilAnalyzers.Processes;

/// <summary>
/// Hands out a map's items as chunks, from the front, to the loops that drive the workers (thread-safe).
/// <para>
/// With a chunk size chosen by the caller every chunk has that size. With the automatic size the chunks shrink toward
/// the end ("guided" scheduling, as OpenMP's <c>schedule(guided)</c>): a chunk is a share of what is left —
/// ⌈left ÷ (2 × workers)⌉ — no larger than the automatic size (about four chunks per worker, as before) and no smaller
/// than a sixteenth of it; a chunk queued behind a running one is a quarter of that (see <see cref="TryTake(bool, out int, out int)"/>). The
/// first chunks are as large as ever, so a map of tiny items still costs few round trips (two to three times as many as
/// fixed chunks: 23 instead of 8 for 288 items on 2 workers); the last ones are small, so workers finish together. With fixed chunks of
/// a quarter of each worker's share, one worker could finish most of a chunk's time after the other (a slower core,
/// a later start), and the map waited for it: 288 items of 32 ms on 2 workers came in chunks of 36 items, 1.15 s each.
/// </para>
/// <para>
/// <see cref="ProcessPool.MapAsync{TIn, TOut}"/> and <see cref="ProcessPool.MapUnorderedAsync{TIn, TOut}"/> both cut
/// their chunks here. A streaming map whose input does not say its length starts with an open plan
/// (<see cref="Open"/>): chunks of a fixed size until the input ends, which it reports with <see cref="End"/>.
/// </para>
/// </summary>
internal sealed class ChunkPlan
{
    private readonly object _gate = new();
    private int _count;
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

    /// <summary>Chunks of <paramref name="chunkSize"/> items over an input of unknown length (until <see cref="End"/>).</summary>
    public static ChunkPlan Open(int chunkSize) => new(int.MaxValue, chunkSize, chunkSize, 1);

    /// <summary>The largest chunk this plan hands out.</summary>
    public int MaxChunk => _max;

    /// <summary>The input ended after <paramref name="total"/> items (an open plan, or an input shorter than it said).</summary>
    public void End(int total)
    {
        lock (_gate)
        {
            _count = Math.Min(_count, Math.Max(total, 0));
            _next = Math.Min(_next, _count);
        }
    }

    /// <summary>How many chunks the plan would hand out, counting no further than <paramref name="limit"/> (without bridges).</summary>
    public int CountChunks(int limit)
    {
        int left;
        lock (_gate)
        {
            left = _count - _next;
        }

        int chunks = 0;
        for (; left > 0 && chunks < limit; chunks++)
        {
            left -= Size(left);
        }

        return chunks;
    }

    /// <summary>The size the next chunk would have (a bridge or not), without taking it; 0 when nothing is left.</summary>
    public int PeekSize(bool bridge)
    {
        lock (_gate)
        {
            int left = _count - _next;
            return left <= 0 ? 0 : BridgeSize(Size(left), bridge);
        }
    }

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
    public bool TryTake(bool bridge, out int start, out int count) => TryTake(bridge, int.MaxValue, out start, out count);

    /// <summary>As <see cref="TryTake(bool, out int, out int)"/>, no more than <paramref name="most"/> items (at least 1).</summary>
    public bool TryTake(bool bridge, int most, out int start, out int count)
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
            count = Math.Min(BridgeSize(Size(left), bridge), Math.Max(1, most));
            _next += count;
            return true;
        }
    }

    private int BridgeSize(int count, bool bridge) => bridge ? Math.Min(count, Math.Max(_min, count / 4)) : count;

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
