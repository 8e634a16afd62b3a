using System;
using System.Collections.Generic;
using System.Linq;
using System.Runtime.CompilerServices;
using System.Threading;
using System.Threading.Channels;
using System.Threading.Tasks;

namespace GilAnalyzers.Processes;

public sealed partial class ProcessPool
{
    /// <summary>
    /// Runs <paramref name="work"/> on every item in worker processes and yields each result as soon as it
    /// is back, with the index of its item — Python's <c>pool.imap_unordered</c> and
    /// <c>concurrent.futures.as_completed</c>. The input is read lazily: at most <paramref name="bufferSize"/>
    /// items are taken from it whose results have not yet been yielded, so an endless or million-item
    /// sequence is never materialised (Python 3.14's <c>executor.map(..., buffersize=n)</c>).
    /// </summary>
    /// <param name="work">A static method (or non-capturing lambda) taking one item. Anything that captures state is rejected with <see cref="ArgumentException"/> at the call.</param>
    /// <param name="items">The inputs; enumerated once, lazily, as workers need chunks (never from two threads at once).</param>
    /// <param name="chunkSize">
    /// Items sent to a worker per round trip; every chunk has that size. Null (the default) chooses as
    /// <see cref="MapAsync{TIn, TOut}"/> does — about four chunks per worker, shrinking toward the end — when
    /// <paramref name="items"/> says its length without being enumerated (arrays, lists, collections,
    /// <c>Enumerable.Range</c>); for a lazy sequence, whose length is unknown until its end, one item per chunk, like
    /// <c>imap_unordered</c>. Pass larger chunks for tiny items of a lazy sequence.
    /// </param>
    /// <param name="bufferSize">
    /// Most items taken from <paramref name="items"/> whose results have not been yielded yet (in workers, on
    /// the way, or waiting for the consumer). At least <paramref name="chunkSize"/>; default 4 ×
    /// <see cref="MaxWorkers"/> × the largest chunk, enough to keep every worker busy (with automatic chunks of a
    /// collection that is about its whole length). A chunk is never larger than this. A slow consumer holds the
    /// workers back instead of letting results pile up.
    /// </param>
    /// <param name="itemTimeout">Time allowed per item, as for <see cref="MapAsync{TIn, TOut}"/>.</param>
    /// <param name="cancellationToken">Cancels the map (also through <c>WithCancellation</c>): no new chunk starts, workers running its chunks are killed (and replaced on demand), and the enumeration throws <see cref="OperationCanceledException"/>.</param>
    /// <returns>
    /// (Index, Value) pairs in completion order. A failed item ends the enumeration with its exception (the
    /// same <see cref="ProcessPoolException"/> types as <see cref="MapAsync{TIn, TOut}"/>) when it comes back;
    /// results that came back before it have been yielded. Leaving the loop early (or a failure) stops new
    /// chunks; chunks already running finish before the enumeration's disposal completes.
    /// </returns>
    /// <exception cref="ArgumentException">The work delegate captures state, or an argument/result type cannot be serialised (thrown at the call).</exception>
    public IAsyncEnumerable<(int Index, TOut Value)> MapUnorderedAsync<TIn, TOut>(Func<TIn, TOut> work, IEnumerable<TIn> items, int? chunkSize = null, int? bufferSize = null, TimeSpan? itemTimeout = null, CancellationToken cancellationToken = default)
    {
        if (_backend is not null)
        {
            return _backend.MapUnorderedAsync(work, items, chunkSize, bufferSize, itemTimeout, cancellationToken);
        }

        ArgumentNullException.ThrowIfNull(work);
        ArgumentNullException.ThrowIfNull(items);
        if (chunkSize is < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(chunkSize), chunkSize, "chunkSize must be at least 1.");
        }

        if (bufferSize is int b && b < (chunkSize ?? 1))
        {
            throw new ArgumentOutOfRangeException(nameof(bufferSize), bufferSize, "bufferSize must be at least chunkSize.");
        }

        if (itemTimeout is TimeSpan t && t <= TimeSpan.Zero && t != Timeout.InfiniteTimeSpan)
        {
            throw new ArgumentOutOfRangeException(nameof(itemTimeout), itemTimeout, "itemTimeout must be positive.");
        }

        ObjectDisposedException.ThrowIf(Volatile.Read(ref _closed), this);
        ThrowIfBroken();
        Call call = Call.Create(work);
        return MapUnorderedCoreAsync<TIn, TOut>(call, items, chunkSize, bufferSize, itemTimeout == Timeout.InfiniteTimeSpan ? null : itemTimeout, cancellationToken, default);
    }

    /// <summary>
    /// The chunks of a streaming map, from the planner <see cref="MapAsync{TIn, TOut}"/> uses: with a chunk size, chunks of
    /// that size; without one, the same shrinking chunks as <see cref="MapAsync{TIn, TOut}"/> when the input says its
    /// length without being enumerated (an array, a list, a collection, <c>Enumerable.Range</c>...), and chunks of one item
    /// (as Python's <c>imap_unordered</c>) when it does not (a lazy sequence, whose length is known only at its end).
    /// </summary>
    internal ChunkPlan PlanUnordered<TIn>(IEnumerable<TIn> items, int? chunkSize) =>
        Enumerable.TryGetNonEnumeratedCount(items, out int count)
            ? chunkSize is int size ? ChunkPlan.Fixed(count, size) : ChunkPlan.Guided(count, MaxWorkers)
            : ChunkPlan.Open(chunkSize ?? 1);

    private async IAsyncEnumerable<(int Index, TOut Value)> MapUnorderedCoreAsync<TIn, TOut>(
        Call call, IEnumerable<TIn> items, int? chunkSize, int? bufferSize, TimeSpan? itemTimeout, CancellationToken callToken,
        [EnumeratorCancellation] CancellationToken enumerationToken)
    {
        EnterCall();
        using var user = CancellationTokenSource.CreateLinkedTokenSource(callToken, enumerationToken);
        CancellationToken cancellationToken = user.Token;
        // Stopped by the caller, by a failure or an early exit of the consumer, or by a shutdown that cancels what has not started.
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _pending.Token);
        var channel = Channel.CreateUnbounded<(int Index, TOut Value, Exception? Error)>(new UnboundedChannelOptions { SingleReader = true });
        // Planned when the enumeration starts (the input's length then).
        ChunkPlan plan = PlanUnordered(items, chunkSize);
        int buffer = bufferSize ?? (int)Math.Min(int.MaxValue, 4L * MaxWorkers * plan.MaxChunk);
        var budget = new ItemBudget(buffer);
        object inputGate = new();
        IEnumerator<TIn>? input = null;
        bool inputDone = false;
        int pulled = 0;
        int accounted = 0;
        int depth = itemTimeout is null ? 2 : 1;
        // As many loops as workers, but no more than there are chunks.
        int loops = Math.Max(1, plan.CountChunks(MaxWorkers));
        Task? running = null;

        void Fail(int index, Exception ex)
        {
            channel.Writer.TryWrite((index, default!, ex));
            stop.Cancel();
        }

        // Takes the next chunk of the plan and reads its items from the input, in plan order (never from two threads at
        // once); at most `most` items (the budget taken for it). Empty when the plan or the input is exhausted.
        (int Start, TIn[] Chunk) Pull(bool bridge, int most)
        {
            lock (inputGate)
            {
                if (inputDone || !plan.TryTake(bridge, most, out int start, out int count))
                {
                    inputDone = true;
                    return (pulled, []);
                }

                var chunk = new TIn[count];
                int got = 0;
                try
                {
                    input ??= items.GetEnumerator();
                    while (got < count && input.MoveNext())
                    {
                        chunk[got++] = input.Current;
                    }
                }
                catch (Exception ex)
                {
                    inputDone = true;
                    plan.End(start + got);
                    Fail(start + got, ex);
                    return (pulled, []);
                }

                if (got < count)
                {
                    // The input ended (an open plan learns its length here).
                    inputDone = true;
                    plan.End(start + got);
                    Array.Resize(ref chunk, got);
                }

                pulled += got;
                return (start, chunk);
            }
        }

        void Collect(ChunkResponse response, int start, int count, int pid)
        {
            var failed = new Exception?[count];
            foreach (ItemError error in response.Errors ?? [])
            {
                if (error.Index >= 0 && error.Index < count)
                {
                    failed[error.Index] = Translate(error.Error, call, start + error.Index, pid);
                }
            }

            int i = 0;
            var values = new MessagePack.MessagePackReader(response.Values);
            int valueCount = values.ReadArrayHeader();
            for (int v = 0; v < valueCount && v < count; v++)
            {
                ReadOnlyMemory<byte> element = Protocol.Raw(ref values);
                int index = start + i;
                Exception? error = failed[i++];
                if (error is null)
                {
                    try
                    {
                        TOut value = Payload.Deserialize<TOut>(element, call.ReturnType);
                        channel.Writer.TryWrite((index, value, null));
                    }
                    catch (Exception ex)
                    {
                        error = new WorkSerializationException(
                            $"The result of '{call.Display}' for item {index} could not be deserialised as '{call.ReturnType.FullName}': {ex.Message}",
                            index, call.ReturnType, ex);
                    }
                }

                if (error is not null)
                {
                    Fail(index, error);
                }
            }

            Interlocked.Add(ref accounted, count);
        }

        async Task LoopAsync()
        {
            var inFlight = new Queue<(int Start, TIn[] Items, bool Bridge, Task<ChunkResponse> Response)>(depth);
            WorkerProcess? worker = null;
            int sent = 0;
            bool healthy = true;
            bool exhausted = false;
            // A crash inside a chunk of several items, to look for its item once this loop has given its dead worker back.
            (WorkerCrashedException Crash, int Start, TIn[] Items)? locate = null;
            try
            {
                while (true)
                {
                    // As in MapAsync: a second chunk goes in flight only while more chunks are left than loops to take
                    // them, and a chunk queued behind a running full one is a small bridge (automatic sizes).
                    while (!exhausted && inFlight.Count < (plan.MoreChunksLeftThan(loops) ? depth : 1) &&
                           !stop.IsCancellationRequested && !(worker is not null && Retires(worker, sent)))
                    {
                        bool bridge = inFlight.Count == 1 && !inFlight.Peek().Bridge;
                        int want = Math.Min(plan.PeekSize(bridge), buffer);
                        if (want <= 0)
                        {
                            exhausted = true;
                            break;
                        }

                        if (!budget.TryTake(want))
                        {
                            if (inFlight.Count > 0)
                            {
                                break; // collect first: its results give the budget back
                            }

                            if (worker is not null)
                            {
                                // Do not hold a worker while the consumer catches up.
                                Release(worker, healthy, sent);
                                worker = null;
                            }

                            try
                            {
                                await budget.TakeAsync(want, stop.Token).ConfigureAwait(false);
                            }
                            catch (OperationCanceledException)
                            {
                                break;
                            }
                        }

                        (int start, TIn[] chunk) = Pull(bridge, want);
                        budget.Give(want - chunk.Length);
                        if (chunk.Length == 0)
                        {
                            exhausted = true;
                            break;
                        }

                        if (worker is null)
                        {
                            try
                            {
                                worker = await AcquireAsync(stop.Token).ConfigureAwait(false);
                                healthy = true;
                                sent = 0;
                            }
                            catch (OperationCanceledException)
                            {
                                break;
                            }
                            catch (Exception ex)
                            {
                                Fail(start, ex);
                                break;
                            }
                        }

                        ReadOnlyMemory<byte> payload;
                        try
                        {
                            payload = Payload.SerializeArray(chunk, 0, chunk.Length, call.ParameterType);
                        }
                        catch (PayloadItemException ex)
                        {
                            int index = start + ex.Index;
                            Fail(index, new WorkSerializationException(
                                $"Item {index} of type '{ex.Type.FullName}' could not be serialised for '{call.Display}': {ex.Message}",
                                index, ex.Type, ex.InnerException));
                            break;
                        }

                        var request = new ChunkRequest { Method = call.Identity, Items = payload, ItemTimeoutMilliseconds = itemTimeout?.TotalMilliseconds };
                        inFlight.Enqueue((start, chunk, bridge, RunOnWorkerAsync(worker, request, call, start, chunk.Length, itemTimeout, cancellationToken)));
                        sent += chunk.Length;
                    }

                    if (inFlight.Count == 0)
                    {
                        if (worker is not null)
                        {
                            WorkerProcess done = worker;
                            worker = null;
                            Release(done, healthy, sent);
                        }

                        if (locate is { } search)
                        {
                            locate = null;
                            (int index, Exception found) = await LocateCrashAsync(call, search.Items, 0, search.Start, search.Items.Length, search.Crash, itemTimeout, cancellationToken).ConfigureAwait(false);
                            Fail(index, found);
                        }

                        if (exhausted || stop.IsCancellationRequested)
                        {
                            return;
                        }

                        continue;
                    }

                    (int chunkStart, TIn[] chunkItems, _, Task<ChunkResponse> pending) = inFlight.Dequeue();
                    try
                    {
                        Collect(await pending.ConfigureAwait(false), chunkStart, chunkItems.Length, worker!.ProcessId);
                    }
                    catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
                    {
                        healthy = false;
                    }
                    catch (WorkerCrashedException crash) when (crash.ItemIndex < 0 && locate is null && FindCrashingItem && !cancellationToken.IsCancellationRequested)
                    {
                        // No new chunks (as for any failure); the search runs once the dead worker is given back.
                        healthy = false;
                        locate = (crash, chunkStart, chunkItems);
                        stop.Cancel();
                    }
                    catch (Exception ex)
                    {
                        healthy = false;
                        if (locate is null)
                        {
                            Fail(chunkStart, ex);
                        }

                        // Otherwise: a chunk queued behind the one that crashed the worker, lost with it (never ran).
                    }
                }
            }
            finally
            {
                if (worker is not null)
                {
                    Release(worker, false, sent);
                }
            }
        }

        try
        {
            var tasks = new Task[loops];
            for (int i = 0; i < tasks.Length; i++)
            {
                tasks[i] = Task.Run(LoopAsync, CancellationToken.None);
            }

            running = Task.WhenAll(tasks);
            _ = running.ContinueWith(static (_, w) => ((ChannelWriter<(int, TOut, Exception?)>)w!).TryComplete(), channel.Writer, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);

            while (await channel.Reader.WaitToReadAsync(CancellationToken.None).ConfigureAwait(false))
            {
                while (channel.Reader.TryRead(out (int Index, TOut Value, Exception? Error) entry))
                {
                    if (entry.Error is not null)
                    {
                        throw entry.Error;
                    }

                    budget.Give(1);
                    yield return (entry.Index, entry.Value);
                }
            }

            cancellationToken.ThrowIfCancellationRequested();
            if (plan.PeekSize(false) > 0 || Volatile.Read(ref accounted) < Volatile.Read(ref pulled))
            {
                // Items that never ran: the pool was shut down with cancelPending, or terminated.
                if (Volatile.Read(ref _disposed))
                {
                    throw new ObjectDisposedException(nameof(ProcessPool), "The process pool was terminated before all items of the call ran.");
                }

                throw new OperationCanceledException("The process pool was shut down with cancelPending: true before all items of the call started.", _pending.Token);
            }
        }
        finally
        {
            // No new chunks (the consumer left early, or an item failed); chunks already running finish.
            stop.Cancel();
            if (running is not null)
            {
                await running.ConfigureAwait(false);
            }

            lock (inputGate)
            {
                input?.Dispose();
                inputDone = true;
            }

            ExitCall();
        }
    }

    /// <summary>How many more items a streaming map may take from its input; given back as results are yielded.</summary>
    private sealed class ItemBudget(int size)
    {
        private readonly object _gate = new();
        private int _available = size;
        private TaskCompletionSource? _changed;

        public bool TryTake(int n)
        {
            lock (_gate)
            {
                if (_available < n)
                {
                    return false;
                }

                _available -= n;
                return true;
            }
        }

        public async Task TakeAsync(int n, CancellationToken cancellationToken)
        {
            while (true)
            {
                Task changed;
                lock (_gate)
                {
                    if (_available >= n)
                    {
                        _available -= n;
                        return;
                    }

                    _changed ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                    changed = _changed.Task;
                }

                await changed.WaitAsync(cancellationToken).ConfigureAwait(false);
            }
        }

        public void Give(int n)
        {
            if (n <= 0)
            {
                return;
            }

            TaskCompletionSource? changed;
            lock (_gate)
            {
                _available += n;
                changed = _changed;
                _changed = null;
            }

            changed?.TrySetResult();
        }
    }
}
