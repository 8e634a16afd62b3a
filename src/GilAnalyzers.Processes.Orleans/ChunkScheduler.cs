using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Orleans;
using Orleans.Runtime;

namespace GilAnalyzers.Processes.Orleans;

/// <summary>One chunk of a map: its items' bytes are kept until its results are in, so it can run again on another silo.</summary>
internal sealed class ChunkJob(int start, int count, byte[] items)
{
    public int Start { get; } = start;

    public int Count { get; } = count;

    public byte[] Items { get; } = items;

    public int Attempts;

    /// <summary>Times the chunk was sent again because a silo that stayed alive did not hold its call (lost on the way).</summary>
    public int Resends;

    /// <summary>The chunk's last item.</summary>
    public int Last => Start + Count - 1;

    /// <summary>The item a failure of the whole chunk belongs to: its only item, or -1 (not known) for a chunk of several.</summary>
    public int KnownItem => Count == 1 ? Start : -1;

    public string Describe() => Count == 1 ? "item " + Start.ToString(CultureInfo.InvariantCulture) : $"items {Start}–{Last}";

    /// <summary>For the message of a failure of the whole chunk: that the item at fault is not known (empty for a chunk of one).</summary>
    public string WhichUnknown() =>
        Count == 1 ? "" : $" Which of these items is at fault is not known: ItemIndex is -1, FirstItemIndex {Start} and LastItemIndex {Last}.";
}

/// <summary>
/// Runs the chunks of one map on the cluster. Each active silo gets lanes (work threads × chunks in flight per worker);
/// a lane holds one chunk at a time and calls the silo-pinned grain of its silo. The membership is read every
/// <see cref="ClusterPoolOptions.MembershipPollInterval"/>: a new silo gets lanes (late joiners receive work), a silo
/// that left has its lanes cancelled, and a chunk whose call failed or was cancelled with its silo goes back to the
/// queue (before new chunks) for another lane. A chunk's results are taken once, from the one lane holding it, so
/// every result is delivered exactly once; the work itself may run twice when a silo dies after finishing it.
/// </summary>
internal sealed class ChunkScheduler
{
    private readonly ClusterPool _pool;
    private readonly IClusterClient _client;
    private readonly ClusterPool.Call _call;
    private readonly Func<CancellationToken, ValueTask<ChunkJob?>> _next;
    private readonly Func<ChunkJob, ChunkOutcome, bool> _done;
    private readonly ClusterPool.FirstError _errors;
    private readonly TimeSpan? _itemTimeout;
    private readonly CancellationTokenSource _stop;
    private readonly ConcurrentQueue<ChunkJob> _retry = new();
    private readonly TaskCompletionSource _finished = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private static long s_callIds;
    // Resends of one chunk whose call a live silo never held before the map fails (a request or answer lost on the way
    // again and again means the client cannot reach that silo's work).
    private const int MaxResends = 5;
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _outstanding;
    private volatile bool _exhausted;
    // The membership as the map's run loop last read it (touched by RunAsync only).
    private readonly Dictionary<SiloAddress, Slot> _slots = new();
    private readonly Dictionary<SiloAddress, DateTime> _suspendedUntil = new();
    private readonly List<Task> _lanes = new();
    private DateTime? _noSiloSince;
    private DateTime? _unreadSince;

    public ChunkScheduler(
        ClusterPool pool, IClusterClient client, ClusterPool.Call call, Func<CancellationToken, ValueTask<ChunkJob?>> next,
        Func<ChunkJob, ChunkOutcome, bool> done, ClusterPool.FirstError errors, TimeSpan? itemTimeout, CancellationToken cancellationToken)
    {
        _pool = pool;
        _client = client;
        _call = call;
        _next = next;
        _done = done;
        _errors = errors;
        _itemTimeout = itemTimeout;
        _stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        _errors.Recorded += Stop;
    }

    /// <summary>Stops the map: no new chunk starts, chunks in flight are cancelled on their silos.</summary>
    public void Stop()
    {
        try
        {
            _stop.Cancel();
        }
        catch (ObjectDisposedException)
        {
        }
    }

    /// <summary>
    /// Runs the map until every chunk's results are in, it fails, or it is cancelled: reads the membership every
    /// <see cref="ClusterPoolOptions.MembershipPollInterval"/> (<see cref="PollMembershipAsync"/>), then stops every lane.
    /// </summary>
    public async Task RunAsync()
    {
        CancellationToken stop = _stop.Token;
        try
        {
            while (!_finished.Task.IsCompleted && !stop.IsCancellationRequested)
            {
                if (!await PollMembershipAsync(stop).ConfigureAwait(false))
                {
                    break;
                }

                try
                {
                    await Task.WhenAny(_finished.Task, Task.Delay(_pool.Options.MembershipPollInterval, stop)).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    break;
                }
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
        }
        finally
        {
            Stop();
            foreach (Slot slot in _slots.Values)
            {
                slot.Cancel();
            }

            await Task.WhenAll(_lanes).ConfigureAwait(false);
            _errors.Recorded -= Stop;
            _stop.Dispose();
        }
    }

    /// <summary>
    /// One reading of the membership: silos that left lose their lanes, silos that joined get lanes, every silo is asked
    /// which calls it still holds. False when the cluster is gone — no gateway answered, or no silo was there, for the
    /// whole <see cref="ClusterPoolOptions.NoSiloTimeout"/> (the map's failure is then recorded).
    /// </summary>
    private async Task<bool> PollMembershipAsync(CancellationToken stop)
    {
        // When the membership cannot be read this round, keep the silos as they are: their own calls tell whether they
        // are still there (a failed call marks its silo lost).
        IReadOnlyCollection<SiloAddress>? read = await _pool.TryActiveSilosAsync(_client, stop).ConfigureAwait(false);
        IReadOnlyCollection<SiloAddress> active = read ?? _slots.Keys.ToArray();
        DateTime now = DateTime.UtcNow;
        _unreadSince = read is null ? _unreadSince ?? now : null;
        if (_unreadSince is DateTime since && now - since > _pool.Options.NoSiloTimeout)
        {
            // No gateway has answered for the whole timeout: the cluster is gone (or unreachable from here).
            _errors.Record(-1, _pool.NoSilo());
            return false;
        }

        DropLeftSilos(active, now);
        await AddJoinedSilosAsync(active, now, stop).ConfigureAwait(false);
        await Task.WhenAll(_slots.Values.Select(slot => CheckHeldAsync(slot, stop))).ConfigureAwait(false);
        if (_slots.Count > 0)
        {
            _noSiloSince = null;
            return true;
        }

        _noSiloSince ??= now;
        if (now - _noSiloSince.Value > _pool.Options.NoSiloTimeout)
        {
            _errors.Record(-1, _pool.NoSilo());
            return false;
        }

        return true;
    }

    /// <summary>Cancels the lanes of silos no longer active or marked lost; a lost silo gets no work for a second.</summary>
    private void DropLeftSilos(IReadOnlyCollection<SiloAddress> active, DateTime now)
    {
        foreach (KeyValuePair<SiloAddress, Slot> entry in _slots.ToArray())
        {
            if (!active.Contains(entry.Key) || entry.Value.Lost)
            {
                entry.Value.Cancel();
                _slots.Remove(entry.Key);
                if (entry.Value.Lost)
                {
                    _suspendedUntil[entry.Key] = now + TimeSpan.FromSeconds(1);
                }
            }
        }
    }

    /// <summary>Starts lanes (work threads × chunks in flight per worker) on each active silo that has none and answers.</summary>
    private async Task AddJoinedSilosAsync(IReadOnlyCollection<SiloAddress> active, DateTime now, CancellationToken stop)
    {
        foreach (SiloAddress silo in active)
        {
            if (_slots.ContainsKey(silo) || (_suspendedUntil.TryGetValue(silo, out DateTime until) && until > now))
            {
                continue;
            }

            if (await _pool.InfoAsync(_client, silo, stop).ConfigureAwait(false) is not SiloInfo info)
            {
                continue;
            }

            var slot = new Slot(silo, info, stop);
            _slots[silo] = slot;
            int count = Math.Max(1, info.Workers * Math.Max(1, _pool.Options.ChunksInFlightPerWorker));
            for (int lane = 0; lane < count; lane++)
            {
                string key = SiloPinnedPlacement.Key(silo, lane.ToString(CultureInfo.InvariantCulture));
                _lanes.Add(Task.Run(() => LaneAsync(slot, key), CancellationToken.None));
            }
        }
    }

    /// <summary>Takes chunks one at a time and runs each on the lane's grain, until the map has no more or the silo is lost.</summary>
    private async Task LaneAsync(Slot slot, string key)
    {
        IChunkWorkerGrain grain = _client.GetGrain<IChunkWorkerGrain>(key);
        CancellationToken token = slot.Token;
        try
        {
            while (!token.IsCancellationRequested)
            {
                ChunkJob? job = await TakeAsync(token).ConfigureAwait(false);
                if (job is null)
                {
                    return;
                }

                job.Attempts++;
                (ChunkOutcome? outcome, bool goOn) = await CallAsync(slot, grain, job).ConfigureAwait(false);
                if (outcome is null)
                {
                    if (goOn)
                    {
                        continue;
                    }

                    return;
                }

                _done(job, outcome);
                if (Interlocked.Decrement(ref _outstanding) == 0 && _exhausted)
                {
                    _finished.TrySetResult();
                }

                Pulse();
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            _errors.Record(-1, new ProcessPoolException($"The cluster pool's lane for silo {slot.Address} failed: {ex.Message}", -1, ex));
        }
        catch (OperationCanceledException)
        {
        }
    }

    /// <summary>
    /// Runs one chunk on the lane's grain: its outcome, or null when the call failed — then GoOn says whether the lane
    /// takes another chunk (the call was lost on the way and its chunk was queued again) or ends (the map is over, the
    /// chunk timed out, or the silo is lost and the chunk went back to the queue for another silo).
    /// </summary>
    private async Task<(ChunkOutcome? Outcome, bool GoOn)> CallAsync(Slot slot, IChunkWorkerGrain grain, ChunkJob job)
    {
        CancellationToken token = slot.Token;
        long callId = Interlocked.Increment(ref s_callIds);
        using var call = CancellationTokenSource.CreateLinkedTokenSource(token);
        var inFlight = new InFlight(call);
        TimeSpan? limit = _itemTimeout is TimeSpan t ? TimeSpan.FromTicks(Math.Min(t.Ticks * job.Count + TimeSpan.FromSeconds(2).Ticks, TimeSpan.FromDays(30).Ticks)) : null;
        using var timer = limit is TimeSpan l ? new CancellationTokenSource(l) : null;
        using CancellationTokenRegistration onTimeout = timer?.Token.Register(static s => ((InFlight)s!).TimeOut(), inFlight) ?? default;
        slot.Calls[callId] = inFlight;
        try
        {
            var work = new ChunkWork { Method = _call.Method, Items = job.Items, Start = job.Start, CallId = callId, ItemTimeoutMilliseconds = _itemTimeout?.TotalMilliseconds };
            return (await grain.RunChunkAsync(work, call.Token).ConfigureAwait(false), true);
        }
        catch (Exception ex)
        {
            if (_stop.IsCancellationRequested)
            {
                return (null, false); // the map is over (finished, failed or cancelled)
            }

            if (inFlight.Lost && !token.IsCancellationRequested)
            {
                // The silo is alive but no longer holds the call: the request or its answer was lost on the way (e.g.
                // through the gateway of a silo that died). Run the chunk again; this lane goes on. The silo was not
                // lost, so this is not one of the chunk's attempts on lost silos; resends have a budget of their own.
                job.Attempts--;
                if (++job.Resends > MaxResends)
                {
                    _errors.Record(job.Start, new ClusterWorkLostException(
                        $"{Capitalised(job.Describe())} of '{_call.Display}' was sent {job.Resends} times to silos that stayed in the cluster but never held the call or whose answer never came back (last: {slot.Address}, process {slot.Info.ProcessId}: {ex.GetType().Name}: {ex.Message}).{job.WhichUnknown()}",
                        job.KnownItem, ex)
                    {
                        FirstItemIndex = job.Start,
                        LastItemIndex = job.Last,
                    });
                    return (null, false);
                }

                _retry.Enqueue(job);
                Pulse();
                return (null, true);
            }

            if (inFlight.TimedOut)
            {
                _errors.Record(job.Start, new WorkItemTimeoutException(
                    $"'{_call.Display}' did not finish {job.Describe()} within {limit!.Value.TotalSeconds:0.###} s ({job.Count} × {_itemTimeout!.Value.TotalSeconds:0.###} s and a 2 s margin) on silo {slot.Address} (process {slot.Info.ProcessId}); the chunk was cancelled there (cancellation stops it between items, not inside one).{job.WhichUnknown()}",
                    job.KnownItem, slot.Info.ProcessId, limit.Value)
                {
                    FirstItemIndex = job.Start,
                    LastItemIndex = job.Last,
                });
                return (null, false);
            }

            // The silo left the membership (its lanes were cancelled), or the call failed on the way: the chunk goes back
            // to the queue, and the silo gets no work until the membership shows it again.
            slot.MarkLost();
            Requeue(job, slot, ex);
            return (null, false);
        }
        finally
        {
            slot.Calls.TryRemove(callId, out _);
        }
    }

    /// <summary>
    /// Asks the silo whether it still holds the calls sent to it over a second ago; a call it has not held at two
    /// checks in a row is lost (its request or answer went through a gateway that died): it is cancelled and its chunk
    /// runs again.
    /// </summary>
    private async Task CheckHeldAsync(Slot slot, CancellationToken stop)
    {
        long now = Environment.TickCount64;
        KeyValuePair<long, InFlight>[] old = slot.Calls.Where(c => now - c.Value.Sent > 1000).ToArray();
        if (old.Length == 0)
        {
            return;
        }

        bool[] held;
        try
        {
            held = await _client.GetGrain<IChunkWorkerGrain>(SiloPinnedPlacement.Key(slot.Address, "info"))
                .HoldsAsync(old.Select(c => c.Key).ToArray()).WaitAsync(TimeSpan.FromSeconds(2), stop).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !stop.IsCancellationRequested)
        {
            return;
        }

        for (int i = 0; i < old.Length && i < held.Length; i++)
        {
            old[i].Value.Seen(held[i], Environment.TickCount64);
        }
    }

    private void Requeue(ChunkJob job, Slot slot, Exception cause)
    {
        if (job.Attempts >= Math.Max(1, _pool.Options.MaxAttemptsPerChunk))
        {
            _errors.Record(job.Start, new ClusterWorkLostException(
                $"{Capitalised(job.Describe())} of '{_call.Display}' ran on {job.Attempts} silos that were lost before they answered (last: {slot.Address}, process {slot.Info.ProcessId}: {cause.GetType().Name}: {cause.Message}).{job.WhichUnknown()}",
                job.KnownItem, cause)
            {
                FirstItemIndex = job.Start,
                LastItemIndex = job.Last,
            });
            return;
        }

        _retry.Enqueue(job);
        Pulse();
    }

    private static string Capitalised(string text) => text.Length == 0 ? text : char.ToUpperInvariant(text[0]) + text[1..];

    /// <summary>The next chunk for a lane: one to run again first, then a new one; null when the map has no more work for it.</summary>
    private async Task<ChunkJob?> TakeAsync(CancellationToken token)
    {
        while (!token.IsCancellationRequested)
        {
            Task changed = Volatile.Read(ref _changed).Task;
            if (_retry.TryDequeue(out ChunkJob? again))
            {
                return again;
            }

            if (!_exhausted)
            {
                Interlocked.Increment(ref _outstanding);
                ChunkJob? fresh;
                try
                {
                    fresh = await _next(token).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (token.IsCancellationRequested)
                {
                    Interlocked.Decrement(ref _outstanding);
                    return null;
                }
                catch (ProcessPoolException ex)
                {
                    Interlocked.Decrement(ref _outstanding);
                    _errors.Record(ex.ItemIndex, ex);
                    return null;
                }

                if (fresh is not null)
                {
                    return fresh;
                }

                _exhausted = true;
                if (Interlocked.Decrement(ref _outstanding) == 0)
                {
                    _finished.TrySetResult();
                }

                Pulse();
                continue;
            }

            if (Volatile.Read(ref _outstanding) == 0)
            {
                _finished.TrySetResult();
                return null;
            }

            try
            {
                await changed.WaitAsync(token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return null;
            }
        }

        return null;
    }

    private void Pulse()
    {
        TaskCompletionSource old = Interlocked.Exchange(ref _changed, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
        old.TrySetResult();
    }

    /// <summary>A chunk call on its way or running.</summary>
    internal sealed class InFlight(CancellationTokenSource call)
    {
        private const long LostAfterMilliseconds = 2000;
        private int _misses;
        private long _firstMiss;

        public long Sent { get; } = Environment.TickCount64;

        public volatile bool Lost;

        public volatile bool TimedOut;

        public void TimeOut()
        {
            TimedOut = true;
            Cancel();
        }

        /// <summary>
        /// One answer of the silo. The call is lost when the silo has not held it at two checks in a row spanning at least
        /// <see cref="LostAfterMilliseconds"/>: a request still queued on a loaded machine is not taken for a lost one.
        /// </summary>
        public void Seen(bool held, long now)
        {
            if (held)
            {
                _misses = 0;
                _firstMiss = 0;
                return;
            }

            if (_misses++ == 0)
            {
                _firstMiss = now;
            }

            if (_misses >= 2 && now - _firstMiss >= LostAfterMilliseconds)
            {
                Lost = true;
                Cancel();
            }
        }

        private void Cancel()
        {
            try
            {
                call.Cancel();
            }
            catch (ObjectDisposedException)
            {
            }
        }
    }

    private sealed class Slot(SiloAddress address, SiloInfo info, CancellationToken stop)
    {
        public ConcurrentDictionary<long, InFlight> Calls { get; } = new();

        private readonly CancellationTokenSource _cts = CancellationTokenSource.CreateLinkedTokenSource(stop);
        private volatile bool _lost;

        public SiloAddress Address { get; } = address;

        public SiloInfo Info { get; } = info;

        public CancellationToken Token => _cts.Token;

        public bool Lost => _lost;

        public void MarkLost()
        {
            _lost = true;
            Cancel();
        }

        public void Cancel()
        {
            try
            {
                _cts.Cancel();
            }
            catch (ObjectDisposedException)
            {
            }
        }
    }
}
