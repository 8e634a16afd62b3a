using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;

namespace GilAnalyzers.Processes;

public sealed partial class ProcessPool
{
    /// <summary>
    /// One map in flight, as its loops see it: the work, the plan of its chunks, the token that stops it, and what the
    /// map does with its chunks — where the next one comes from (<see cref="TakeAsync"/>), how it is serialised
    /// (<see cref="Serialise"/>) and where its results and failures go (<see cref="Deliver"/>, <see cref="Fail"/>).
    /// <see cref="OrderedMap{TIn, TOut}"/> (<see cref="MapAsync{TIn, TOut}"/>) and
    /// <see cref="UnorderedMap{TIn, TOut}"/> (<see cref="MapUnorderedAsync{TIn, TOut}"/>) fill these in; the loops that
    /// drive the workers (<see cref="ChunkLoop{TIn, TOut}"/>) are the same for both.
    /// </summary>
    private abstract class MapRun<TIn, TOut> : IDisposable
    {
        public readonly ProcessPool Pool;
        public readonly Call Call;
        public readonly ChunkPlan Plan;
        public readonly TimeSpan? ItemTimeout;
        /// <summary>The caller's token: cancels the map (the workers running its chunks are killed).</summary>
        public readonly CancellationToken CancellationToken;
        /// <summary>Stopped by the caller's token, the first failure, or a shutdown that cancels what has not started: no new chunk.</summary>
        public readonly CancellationTokenSource Stop;
        /// <summary>
        /// Chunks a loop keeps in flight on its worker. Unless items have a timeout (whose backstop is timed from the send),
        /// two: the worker runs them one after the other, so it does not sit idle for the round trip between chunks, and
        /// the parent serialises the next chunk while the current one runs.
        /// </summary>
        public readonly int Depth;
        /// <summary>As many loops as workers, but no more than there are chunks.</summary>
        public readonly int Loops;

        protected MapRun(ProcessPool pool, Call call, ChunkPlan plan, TimeSpan? itemTimeout, CancellationToken cancellationToken)
        {
            Pool = pool;
            Call = call;
            Plan = plan;
            ItemTimeout = itemTimeout;
            CancellationToken = cancellationToken;
            Stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, pool._pending.Token);
            Depth = itemTimeout is null ? 2 : 1;
            Loops = Math.Max(1, plan.CountChunks(pool.MaxWorkers));
        }

        /// <summary>
        /// The next chunk to send for <paramref name="loop"/>, or null to send nothing now: the plan or the input is
        /// exhausted (then <see cref="ChunkLoop{TIn, TOut}.Exhausted"/> is set), the map stopped, or the loop should
        /// collect what it has in flight first.
        /// </summary>
        public abstract ValueTask<TakenChunk<TIn>?> TakeAsync(ChunkLoop<TIn, TOut> loop, bool bridge);

        /// <summary>The request for a chunk, or null when one of its items could not be serialised (that failure is recorded).</summary>
        public abstract ChunkRequest? Serialise(in TakenChunk<TIn> chunk);

        /// <summary>The result of item <paramref name="index"/>.</summary>
        protected abstract void Deliver(int index, TOut value);

        /// <summary>Item <paramref name="index"/> failed (or, for a chunk whose item at fault is not known, its first item): the map stops.</summary>
        public abstract void Fail(int index, Exception error);

        /// <summary>A chunk was taken off a loop's queue, before its answer is awaited.</summary>
        public virtual void OnDequeued(int count)
        {
        }

        /// <summary>A chunk's answer was read in full.</summary>
        protected virtual void OnCollected(int count)
        {
        }

        /// <summary>Starts one <see cref="ChunkLoop{TIn, TOut}"/> per <see cref="Loops"/>; completes when all have ended.</summary>
        public Task RunLoopsAsync()
        {
            var tasks = new Task[Loops];
            for (int i = 0; i < tasks.Length; i++)
            {
                tasks[i] = Task.Run(new ChunkLoop<TIn, TOut>(this).RunAsync, CancellationToken.None);
            }

            return Task.WhenAll(tasks);
        }

        /// <summary>Reads a chunk's answer: each item's result goes to <see cref="Deliver"/>, each failure to <see cref="Fail"/>.</summary>
        public void Collect(ChunkResponse response, int start, int count, int pid)
        {
            Exception?[]? failed = null;
            foreach (ItemError error in response.Errors ?? [])
            {
                if (error.Index >= 0 && error.Index < count)
                {
                    failed ??= new Exception?[count];
                    failed[error.Index] = Translate(error.Error, Call, start + error.Index, pid);
                }
            }

            var values = new MessagePack.MessagePackReader(response.Values);
            int valueCount = values.ReadArrayHeader();
            for (int i = 0; i < valueCount && i < count; i++)
            {
                ReadOnlyMemory<byte> element = Protocol.Raw(ref values);
                int index = start + i;
                if (failed?[i] is Exception error)
                {
                    Fail(index, error);
                    continue;
                }

                TOut value;
                try
                {
                    value = Payload.Deserialize<TOut>(element, Call.ReturnType);
                }
                catch (Exception ex)
                {
                    Fail(index, new WorkSerializationException(
                        $"The result of '{Call.Display}' for item {index} could not be deserialised as '{Call.ReturnType.FullName}': {ex.Message}",
                        index, Call.ReturnType, ex));
                    continue;
                }

                Deliver(index, value);
            }

            OnCollected(count);
        }

        /// <summary>Records that item <paramref name="start"/> + <paramref name="ex"/>.Index could not be serialised.</summary>
        protected void FailSerialisation(int start, PayloadItemException ex)
        {
            int index = start + ex.Index;
            Fail(index, new WorkSerializationException(
                $"Item {index} of type '{ex.Type.FullName}' could not be serialised for '{Call.Display}': {ex.Message}",
                index, ex.Type, ex.InnerException));
        }

        public void Dispose() => Stop.Dispose();
    }

    /// <summary>
    /// A chunk taken from a map's plan: its first item's index in the input, its length, and where its items are —
    /// <see cref="Source"/> from <see cref="Offset"/> (the map's list for <see cref="MapAsync{TIn, TOut}"/>, the chunk's own
    /// array for <see cref="MapUnorderedAsync{TIn, TOut}"/>), read again by the crash search.
    /// </summary>
    private readonly record struct TakenChunk<TIn>(int Start, int Count, IReadOnlyList<TIn> Source, int Offset);

    /// <summary>A chunk sent to a loop's worker and its pending answer.</summary>
    private readonly record struct InFlightChunk<TIn>(TakenChunk<TIn> Chunk, bool Bridge, Task<ChunkResponse> Response);

    /// <summary>
    /// Drives one worker at a time for a map, in three named steps that repeat: <see cref="SendAsync"/> keeps up to
    /// <see cref="MapRun{TIn, TOut}.Depth"/> chunks in flight on the loop's worker (taking a worker when it has none),
    /// <see cref="CollectNextAsync"/> waits for the oldest chunk's answer and hands it to the map, and, when nothing is in
    /// flight, <see cref="IdleAsync"/> gives the worker back, runs a pending crash search, and ends the loop once the map
    /// has no more chunks or has stopped.
    /// </summary>
    private sealed class ChunkLoop<TIn, TOut>
    {
        private readonly MapRun<TIn, TOut> _map;
        private readonly Queue<InFlightChunk<TIn>> _inFlight;
        private WorkerProcess? _worker;
        /// <summary>Items sent to <see cref="_worker"/> and not yet counted in its <see cref="WorkerProcess.ItemsRun"/>.</summary>
        private int _sent;
        private bool _healthy = true;
        /// <summary>A crash inside a chunk of several items, to look for its item once this loop has given its dead worker back.</summary>
        private (WorkerCrashedException Crash, TakenChunk<TIn> Chunk)? _locate;

        public ChunkLoop(MapRun<TIn, TOut> map)
        {
            _map = map;
            _inFlight = new Queue<InFlightChunk<TIn>>(_map.Depth);
        }

        /// <summary>Set when the plan or the input has no more chunks for this loop (or the map failed while it took one).</summary>
        public bool Exhausted { get; set; }

        public int InFlightCount => _inFlight.Count;

        public async Task RunAsync()
        {
            try
            {
                while (true)
                {
                    await SendAsync().ConfigureAwait(false);
                    if (_inFlight.Count > 0)
                    {
                        await CollectNextAsync().ConfigureAwait(false);
                    }
                    else if (await IdleAsync().ConfigureAwait(false))
                    {
                        return;
                    }
                }
            }
            finally
            {
                if (_worker is not null)
                {
                    _map.Pool.Release(_worker, false, _sent);
                }
            }
        }

        /// <summary>Gives the loop's worker back to the pool (while this loop waits for something else).</summary>
        public void ReleaseWorker()
        {
            if (_worker is WorkerProcess done)
            {
                _worker = null;
                _map.Pool.Release(done, _healthy, _sent);
            }
        }

        /// <summary>Sends chunks until the loop's worker has as many in flight as it should, the map stops, or the worker retires.</summary>
        private async ValueTask SendAsync()
        {
            // Near the end a chunk queued behind a running one could wait while another worker sits idle, so a second chunk
            // goes in flight only while more chunks are left than there are loops to take them.
            while (!Exhausted && _inFlight.Count < (_map.Plan.MoreChunksLeftThan(_map.Loops) ? _map.Depth : 1) &&
                   !_map.Stop.IsCancellationRequested && !(_worker is not null && _map.Pool.Retires(_worker, _sent)))
            {
                // A chunk queued behind a running full one is a small bridge (guided plans; see ChunkPlan).
                bool bridge = _inFlight.Count == 1 && !_inFlight.Peek().Bridge;
                if (await _map.TakeAsync(this, bridge).ConfigureAwait(false) is not TakenChunk<TIn> chunk)
                {
                    return;
                }

                // Take a worker before serialising: a worker that has to be started boots meanwhile.
                if (_worker is null && !await AcquireWorkerAsync(chunk.Start).ConfigureAwait(false))
                {
                    return;
                }

                if (_map.Serialise(chunk) is not ChunkRequest request)
                {
                    Exhausted = true;
                    return;
                }

                Task<ChunkResponse> response = _map.Pool.RunOnWorkerAsync(_worker!, request, _map.Call, chunk.Start, chunk.Count, _map.ItemTimeout, _map.CancellationToken);
                _inFlight.Enqueue(new InFlightChunk<TIn>(chunk, bridge, response));
                _sent += chunk.Count;
            }
        }

        /// <summary>Takes a worker for the loop; false when the map stopped or no worker could be had (then the map has failed).</summary>
        private async ValueTask<bool> AcquireWorkerAsync(int start)
        {
            try
            {
                _worker = await _map.Pool.AcquireAsync(_map.Stop.Token).ConfigureAwait(false);
                _healthy = true;
                _sent = 0;
                return true;
            }
            catch (OperationCanceledException)
            {
                Exhausted = true;
                return false;
            }
            catch (Exception ex)
            {
                _map.Fail(start, ex);
                Exhausted = true;
                return false;
            }
        }

        /// <summary>Waits for the oldest chunk in flight and hands its answer (or its failure) to the map.</summary>
        private async ValueTask CollectNextAsync()
        {
            InFlightChunk<TIn> next = _inFlight.Dequeue();
            TakenChunk<TIn> chunk = next.Chunk;
            _map.OnDequeued(chunk.Count);
            try
            {
                _map.Collect(await next.Response.ConfigureAwait(false), chunk.Start, chunk.Count, _worker!.ProcessId);
            }
            catch (OperationCanceledException) when (_map.CancellationToken.IsCancellationRequested)
            {
                _healthy = false;
            }
            catch (WorkerCrashedException crash) when (crash.ItemIndex < 0 && _locate is null && _map.Pool.FindCrashingItem && !_map.CancellationToken.IsCancellationRequested)
            {
                // No new chunks (as for any failure); the search runs once the dead worker is given back.
                _healthy = false;
                _locate = (crash, chunk);
                _map.Stop.Cancel();
            }
            catch (Exception ex)
            {
                _healthy = false;
                if (_locate is null)
                {
                    _map.Fail(chunk.Start, ex);
                }

                // Otherwise: a chunk queued behind the one that crashed the worker, lost with it (never ran).
            }
        }

        /// <summary>
        /// Nothing in flight: out of chunks, stopped, or the worker has run its maxTasksPerWorker. Gives the worker back,
        /// runs the crash search if one is pending, and returns true when the loop is done.
        /// </summary>
        private async ValueTask<bool> IdleAsync()
        {
            ReleaseWorker();
            if (_locate is { } search)
            {
                _locate = null;
                TakenChunk<TIn> chunk = search.Chunk;
                (int index, Exception found) = await _map.Pool.LocateCrashAsync(
                    _map.Call, chunk.Source, chunk.Offset, chunk.Start, chunk.Count, search.Crash, _map.ItemTimeout, _map.CancellationToken).ConfigureAwait(false);
                _map.Fail(index, found);
            }

            return Exhausted || _map.Stop.IsCancellationRequested;
        }
    }

    /// <summary>
    /// <see cref="MapAsync{TIn, TOut}"/>'s map: chunks cut from a list whose length is known, serialised into rented buffers,
    /// results written by index; the failure of the lowest failing item is kept.
    /// </summary>
    private sealed class OrderedMap<TIn, TOut> : MapRun<TIn, TOut>
    {
        private readonly IReadOnlyList<TIn> _items;
        private readonly object _errorGate = new();
        private int _firstErrorIndex = int.MaxValue;
        private int _finishedItems;
        /// <summary>Serialised bytes per item of the last chunk: the next chunk's buffer is rented at its expected size.</summary>
        private int _bytesPerItem = 16;

        public OrderedMap(ProcessPool pool, Call call, IReadOnlyList<TIn> items, ChunkPlan plan, TimeSpan? itemTimeout, CancellationToken cancellationToken)
            : base(pool, call, plan, itemTimeout, cancellationToken)
        {
            _items = items;
            Results = new TOut[items.Count];
        }

        public TOut[] Results { get; }

        /// <summary>The failure of the lowest failing item, or null.</summary>
        public Exception? FirstError { get; private set; }

        /// <summary>Items of the chunks whose answers have been awaited (received or failed): fewer than the input when some never started.</summary>
        public int FinishedItems => Volatile.Read(ref _finishedItems);

        public override ValueTask<TakenChunk<TIn>?> TakeAsync(ChunkLoop<TIn, TOut> loop, bool bridge)
        {
            if (!Plan.TryTake(bridge, out int start, out int count))
            {
                loop.Exhausted = true;
                return default;
            }

            return new ValueTask<TakenChunk<TIn>?>(new TakenChunk<TIn>(start, count, _items, start));
        }

        public override ChunkRequest? Serialise(in TakenChunk<TIn> chunk)
        {
            PooledBufferWriter payload;
            try
            {
                int sizeHint = (int)Math.Min(int.MaxValue / 2, ((long)Volatile.Read(ref _bytesPerItem) * chunk.Count) + 64);
                payload = Payload.SerializeArrayPooled(_items, chunk.Start, chunk.Count, Call.ParameterType, sizeHint);
                Volatile.Write(ref _bytesPerItem, Math.Max(1, payload.WrittenCount / chunk.Count));
            }
            catch (PayloadItemException ex)
            {
                FailSerialisation(chunk.Start, ex);
                return null;
            }

            return new ChunkRequest { Method = Call.Identity, Items = payload.WrittenMemory, ItemsLease = payload, ItemTimeoutMilliseconds = ItemTimeout?.TotalMilliseconds };
        }

        protected override void Deliver(int index, TOut value) => Results[index] = value;

        public override void Fail(int index, Exception error)
        {
            lock (_errorGate)
            {
                if (index < _firstErrorIndex)
                {
                    _firstErrorIndex = index;
                    FirstError = error;
                }
            }

            Stop.Cancel();
        }

        public override void OnDequeued(int count) => Interlocked.Add(ref _finishedItems, count);
    }
}
