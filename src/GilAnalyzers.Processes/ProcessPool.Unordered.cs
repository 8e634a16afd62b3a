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

    /// <summary>Runs a streaming map (<see cref="UnorderedMap{TIn, TOut}"/>, driven by <see cref="ChunkLoop{TIn, TOut}"/>s) and yields its results as they come back.</summary>
    private async IAsyncEnumerable<(int Index, TOut Value)> MapUnorderedCoreAsync<TIn, TOut>(
        Call call, IEnumerable<TIn> items, int? chunkSize, int? bufferSize, TimeSpan? itemTimeout, CancellationToken callToken,
        [EnumeratorCancellation] CancellationToken enumerationToken)
    {
        EnterCall();
        using var user = CancellationTokenSource.CreateLinkedTokenSource(callToken, enumerationToken);
        CancellationToken cancellationToken = user.Token;
        // Planned when the enumeration starts (the input's length then).
        using var map = new UnorderedMap<TIn, TOut>(this, call, items, PlanUnordered(items, chunkSize), bufferSize, itemTimeout, cancellationToken);
        Task? running = null;
        try
        {
            running = map.RunLoopsAsync();
            _ = running.ContinueWith(static (_, w) => ((ChannelWriter<(int, TOut, Exception?)>)w!).TryComplete(), map.Results.Writer, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
            ChannelReader<(int Index, TOut Value, Exception? Error)> results = map.Results.Reader;
            while (await results.WaitToReadAsync(CancellationToken.None).ConfigureAwait(false))
            {
                while (results.TryRead(out (int Index, TOut Value, Exception? Error) entry))
                {
                    if (entry.Error is not null)
                    {
                        throw entry.Error;
                    }

                    map.Yielded();
                    yield return (entry.Index, entry.Value);
                }
            }

            cancellationToken.ThrowIfCancellationRequested();
            if (!map.AllRan)
            {
                throw ItemsNeverRan();
            }
        }
        finally
        {
            // No new chunks (the consumer left early, or an item failed); chunks already running finish.
            map.Stop.Cancel();
            if (running is not null)
            {
                await running.ConfigureAwait(false);
            }

            map.CloseInput();
            ExitCall();
        }
    }

    /// <summary>
    /// <see cref="MapUnorderedAsync{TIn, TOut}"/>'s map: chunks read lazily from the input (never from two threads at once)
    /// within an <see cref="ItemBudget"/> of items taken and not yet yielded; results and failures go to a channel in the
    /// order they come back.
    /// </summary>
    private sealed class UnorderedMap<TIn, TOut> : MapRun<TIn, TOut>
    {
        private readonly IEnumerable<TIn> _items;
        private readonly int _buffer;
        private readonly ItemBudget _budget;
        private readonly object _inputGate = new();
        private IEnumerator<TIn>? _input;
        private bool _inputDone;
        private int _pulled;
        private int _accounted;

        public UnorderedMap(ProcessPool pool, Call call, IEnumerable<TIn> items, ChunkPlan plan, int? bufferSize, TimeSpan? itemTimeout, CancellationToken cancellationToken)
            : base(pool, call, plan, itemTimeout, cancellationToken)
        {
            _items = items;
            _buffer = bufferSize ?? (int)Math.Min(int.MaxValue, 4L * pool.MaxWorkers * plan.MaxChunk);
            _budget = new ItemBudget(_buffer);
        }

        public Channel<(int Index, TOut Value, Exception? Error)> Results { get; } =
            Channel.CreateUnbounded<(int Index, TOut Value, Exception? Error)>(new UnboundedChannelOptions { SingleReader = true });

        /// <summary>True when every chunk of the plan was taken and every item taken was answered.</summary>
        public bool AllRan => Plan.PeekSize(false) <= 0 && Volatile.Read(ref _accounted) >= Volatile.Read(ref _pulled);

        /// <summary>A result was handed to the consumer: its item goes back to the budget.</summary>
        public void Yielded() => _budget.Give(1);

        public override async ValueTask<TakenChunk<TIn>?> TakeAsync(ChunkLoop<TIn, TOut> loop, bool bridge)
        {
            int want = Math.Min(Plan.PeekSize(bridge), _buffer);
            if (want <= 0)
            {
                loop.Exhausted = true;
                return null;
            }

            if (!_budget.TryTake(want))
            {
                if (loop.InFlightCount > 0)
                {
                    return null; // collect first: its results give the budget back
                }

                // Do not hold a worker while the consumer catches up.
                loop.ReleaseWorker();
                try
                {
                    await _budget.TakeAsync(want, Stop.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return null;
                }
            }

            (int start, TIn[] chunk) = Pull(bridge, want);
            _budget.Give(want - chunk.Length);
            if (chunk.Length == 0)
            {
                loop.Exhausted = true;
                return null;
            }

            return new TakenChunk<TIn>(start, chunk.Length, chunk, 0);
        }

        public override ChunkRequest? Serialise(in TakenChunk<TIn> chunk)
        {
            ReadOnlyMemory<byte> payload;
            try
            {
                payload = Payload.SerializeArray(chunk.Source, chunk.Offset, chunk.Count, Call.ParameterType);
            }
            catch (PayloadItemException ex)
            {
                FailSerialisation(chunk.Start, ex);
                return null;
            }

            return new ChunkRequest { Method = Call.Identity, Items = payload, ItemTimeoutMilliseconds = ItemTimeout?.TotalMilliseconds };
        }

        protected override void Deliver(int index, TOut value) => Results.Writer.TryWrite((index, value, null));

        public override void Fail(int index, Exception error)
        {
            Results.Writer.TryWrite((index, default!, error));
            Stop.Cancel();
        }

        protected override void OnCollected(int count) => Interlocked.Add(ref _accounted, count);

        /// <summary>Disposes the input's enumerator; no chunk is read from it any more.</summary>
        public void CloseInput()
        {
            lock (_inputGate)
            {
                _input?.Dispose();
                _inputDone = true;
            }
        }

        /// <summary>
        /// Takes the next chunk of the plan and reads its items from the input, in plan order (never from two threads at
        /// once); at most <paramref name="most"/> items (the budget taken for it). Empty when the plan or the input is exhausted.
        /// </summary>
        private (int Start, TIn[] Chunk) Pull(bool bridge, int most)
        {
            lock (_inputGate)
            {
                if (_inputDone || !Plan.TryTake(bridge, most, out int start, out int count))
                {
                    _inputDone = true;
                    return (_pulled, []);
                }

                var chunk = new TIn[count];
                int got = 0;
                try
                {
                    _input ??= _items.GetEnumerator();
                    while (got < count && _input.MoveNext())
                    {
                        chunk[got++] = _input.Current;
                    }
                }
                catch (Exception ex)
                {
                    _inputDone = true;
                    Plan.End(start + got);
                    Fail(start + got, ex);
                    return (_pulled, []);
                }

                if (got < count)
                {
                    // The input ended (an open plan learns its length here).
                    _inputDone = true;
                    Plan.End(start + got);
                    Array.Resize(ref chunk, got);
                }

                _pulled += got;
                return (start, chunk);
            }
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
