using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Channels;
using System.Threading.Tasks;

namespace GilAnalyzers.Processes.Orleans;

/// <summary>
/// One map on the cluster, as its <see cref="ChunkScheduler"/> sees it: where the next chunk comes from
/// (<see cref="NextAsync"/>) and what becomes of a chunk's outcome (<see cref="Done"/>: results to <see cref="Deliver"/>,
/// failures to <see cref="Errors"/>). <see cref="OrderedClusterMap{TIn, TOut}"/> serves <c>MapAsync</c>,
/// <see cref="UnorderedClusterMap{TIn, TOut}"/> serves <c>MapUnorderedAsync</c>.
/// </summary>
internal abstract class ClusterMap<TOut>
{
    private readonly bool _stopOnItemFailure;

    protected ClusterMap(ClusterPool.Call call, TimeSpan? itemTimeout, bool stopOnItemFailure)
    {
        Call = call;
        ItemTimeout = itemTimeout;
        _stopOnItemFailure = stopOnItemFailure;
    }

    protected ClusterPool.Call Call { get; }

    protected TimeSpan? ItemTimeout { get; }

    /// <summary>The failure of the lowest failing item.</summary>
    public ClusterPool.FirstError Errors { get; } = new();

    /// <summary>The next chunk to run, or null when the map has no more.</summary>
    public abstract ValueTask<ChunkJob?> NextAsync(CancellationToken laneToken);

    /// <summary>The result of item <paramref name="index"/>.</summary>
    protected abstract void Deliver(int index, TOut value);

    /// <summary>
    /// Takes a chunk's outcome: its failures are recorded (a failed chunk carries no other results: the silo's pool stopped
    /// it, and the map fails anyway), otherwise its results are delivered. False when anything in it failed.
    /// </summary>
    public bool Done(ChunkJob job, ChunkOutcome outcome)
    {
        bool ok = true;
        foreach (ItemFailure failure in outcome.Failures ?? [])
        {
            if (failure.Index >= 0 && failure.Index < job.Count)
            {
                // A failure the silo could not tie to one item covers items Index–LastIndex of the chunk; it is ordered by the first.
                int index = job.Start + failure.Index;
                int last = failure.LastIndex is int through && through > failure.Index ? job.Start + Math.Min(through, job.Count - 1) : index;
                Errors.Record(index, Translate(failure, index, last, outcome), _stopOnItemFailure);
                ok = false;
            }
        }

        if (!ok)
        {
            return false;
        }

        var reader = new MessagePack.MessagePackReader(outcome.Values);
        int valueCount = reader.ReadArrayHeader();
        for (int i = 0; i < valueCount && i < job.Count; i++)
        {
            ReadOnlyMemory<byte> element = Protocol.Raw(ref reader);
            TOut value;
            try
            {
                value = Payload.Deserialize<TOut>(element, Call.ReturnType);
            }
            catch (Exception ex)
            {
                Errors.Record(job.Start + i, new WorkSerializationException(
                    $"The result of '{Call.Display}' for item {job.Start + i} could not be deserialised as '{Call.ReturnType.FullName}': {ex.Message}", job.Start + i, Call.ReturnType, ex));
                return false;
            }

            Deliver(job.Start + i, value);
        }

        return true;
    }

    /// <summary>A chunk of <paramref name="count"/> items of <paramref name="items"/> from <paramref name="offset"/>, the first being item <paramref name="start"/> of the map.</summary>
    /// <exception cref="WorkSerializationException">An item could not be serialised.</exception>
    protected ChunkJob Serialise<TIn>(IReadOnlyList<TIn> items, int offset, int start, int count)
    {
        try
        {
            return new ChunkJob(start, count, Payload.SerializeArray(items, offset, count, Call.ParameterType).ToArray());
        }
        catch (PayloadItemException ex)
        {
            int index = start + ex.Index;
            throw new WorkSerializationException(
                $"Item {index} of type '{ex.Type.FullName}' could not be serialised for '{Call.Display}': {ex.Message}", index, ex.Type, ex.InnerException);
        }
    }

    /// <summary>
    /// The exception for a failure of items <paramref name="index"/>–<paramref name="last"/> (one item when they are equal):
    /// the same types as the local pool's, with the map's item indexes and the silo named.
    /// </summary>
    private ProcessPoolException Translate(ItemFailure failure, int index, int last, ChunkOutcome outcome)
    {
        string silo = $"silo {outcome.Silo} (process {outcome.ProcessId})";
        if (last > index && failure.Kind is FailureKinds.Crash or FailureKinds.Timeout or FailureKinds.Pool)
        {
            return TranslateRange(failure, index, last, silo, outcome);
        }

        return failure.Kind switch
        {
            FailureKinds.Argument => new WorkSerializationException(
                $"Silo {outcome.Silo} (process {outcome.ProcessId}) could not deserialise item {index} as '{Call.ParameterType.FullName}' for '{Call.Display}': {failure.Type}: {failure.Message}",
                index, Call.ParameterType),
            FailureKinds.Result => new WorkSerializationException(
                $"The result of '{Call.Display}' for item {index} (declared '{Call.ReturnType.FullName}') could not be serialised on silo {outcome.Silo} (process {outcome.ProcessId}): {failure.Type}: {failure.Message}",
                index, Call.ReturnType),
            FailureKinds.Timeout => new WorkItemTimeoutException(
                $"'{Call.Display}' did not finish item {index} within {(ItemTimeout ?? TimeSpan.Zero).TotalSeconds:0.###} s on silo {outcome.Silo} (process {outcome.ProcessId}); the silo's worker process running it was killed and will be replaced.",
                index, failure.WorkerProcessId ?? outcome.ProcessId, ItemTimeout ?? TimeSpan.Zero),
            FailureKinds.Resolve => new ProcessPoolException(
                $"Silo {outcome.Silo} (process {outcome.ProcessId}) could not load '{Call.Display}': {failure.Type}: {failure.Message}", index),
            FailureKinds.Crash => new WorkerCrashedException(
                $"Worker process {failure.WorkerProcessId} of {silo} {HowItEnded(failure)} while running item {index} of '{Call.Display}'; the silo's pool replaces it. {StandardError(failure)}",
                index, failure.WorkerProcessId ?? -1, failure.ExitCode, failure.StandardErrorTail ?? ""),
            FailureKinds.Pool => new ProcessPoolException(
                $"The process pool of {silo} failed while running item {index} of '{Call.Display}': {failure.Type}: {failure.Message} (the silo counts the items of its chunk from 0, item {index - failure.Index} here)", index),
            _ => new RemoteWorkException(
                $"'{Call.Display}' threw {failure.Type} for item {index} on silo {outcome.Silo} (process {outcome.ProcessId}): {failure.Message}",
                index, failure.Type, failure.Message, failure.StackTrace, failure.Detail, outcome.ProcessId),
        };
    }

    /// <summary>
    /// A failure the silo's local pool could not tie to one of items <paramref name="index"/>–<paramref name="last"/> (they
    /// ran in one local chunk, whose results come back together): <see cref="ProcessPoolException.ItemIndex"/> -1 and the
    /// items in <see cref="ProcessPoolException.FirstItemIndex"/>–<see cref="ProcessPoolException.LastItemIndex"/>, as the
    /// local pool reports a crash inside a chunk. The local message is not quoted: its item numbers count from the chunk's start.
    /// </summary>
    private ProcessPoolException TranslateRange(ItemFailure failure, int index, int last, string silo, ChunkOutcome outcome)
    {
        string unknown = $"which of these items it was running is not known, as a chunk's results come back together: ItemIndex is -1, FirstItemIndex {index} and LastItemIndex {last}";
        return failure.Kind switch
        {
            FailureKinds.Crash => new WorkerCrashedException(
                $"Worker process {failure.WorkerProcessId} of {silo} {HowItEnded(failure)} while running items {index}–{last} of '{Call.Display}' " +
                $"(one chunk of the silo's local pool; {unknown}; with chunkSize: 1 a crash names its item); the silo's pool replaces it. {StandardError(failure)}",
                -1, failure.WorkerProcessId ?? -1, failure.ExitCode, failure.StandardErrorTail ?? "")
            {
                FirstItemIndex = index,
                LastItemIndex = last,
            },
            FailureKinds.Timeout => new WorkItemTimeoutException(
                $"'{Call.Display}' did not finish items {index}–{last} on {silo} in time ({(ItemTimeout ?? TimeSpan.Zero).TotalSeconds:0.###} s per item) and the silo's worker process {failure.WorkerProcessId} " +
                $"did not report which item was late ({unknown}); it was killed and will be replaced.",
                -1, failure.WorkerProcessId ?? outcome.ProcessId, ItemTimeout ?? TimeSpan.Zero)
            {
                FirstItemIndex = index,
                LastItemIndex = last,
            },
            _ => new ProcessPoolException(
                $"The process pool of {silo} failed while running items {index}–{last} of '{Call.Display}' ({unknown}): {failure.Type}.", -1)
            {
                FirstItemIndex = index,
                LastItemIndex = last,
            },
        };
    }

    private static string HowItEnded(ItemFailure failure) => ProcessPool.DescribeExit(failure.ExitCode);

    private static string StandardError(ItemFailure failure) =>
        string.IsNullOrEmpty(failure.StandardErrorTail) ? "It wrote nothing to standard error." : "Its last standard error output:" + Environment.NewLine + failure.StandardErrorTail;
}

/// <summary><c>MapAsync</c> on the cluster: fixed chunks of a list, results written by index.</summary>
internal sealed class OrderedClusterMap<TIn, TOut> : ClusterMap<TOut>
{
    private readonly IReadOnlyList<TIn> _items;
    private readonly int _size;
    private readonly int _chunkCount;
    private int _nextChunk = -1;

    /// <summary>
    /// An item that failed in a chunk that completed does not stop the map: it goes on only with chunks before it
    /// (<see cref="NextAsync"/>), so that a failure earlier in input order still in flight is the one reported.
    /// </summary>
    public OrderedClusterMap(ClusterPool.Call call, IReadOnlyList<TIn> items, int chunkSize, TimeSpan? itemTimeout)
        : base(call, itemTimeout, stopOnItemFailure: false)
    {
        _items = items;
        _size = chunkSize;
        _chunkCount = (int)(((long)items.Count + chunkSize - 1) / chunkSize);
        Results = new TOut[items.Count];
    }

    public TOut[] Results { get; }

    public override ValueTask<ChunkJob?> NextAsync(CancellationToken laneToken)
    {
        int c = Interlocked.Increment(ref _nextChunk);
        int start = c * _size;
        if (c >= _chunkCount || start > Errors.Index)
        {
            // Past the end, or past an item that already failed: results after it are not wanted.
            return new ValueTask<ChunkJob?>((ChunkJob?)null);
        }

        int count = Math.Min(_size, _items.Count - start);
        return new ValueTask<ChunkJob?>(Serialise(_items, start, start, count));
    }

    protected override void Deliver(int index, TOut value) => Results[index] = value;
}

/// <summary>
/// <c>MapUnorderedAsync</c> on the cluster: chunks read lazily from the input (never from two threads at once) within a
/// budget of items taken and not yet yielded; results go to a channel as chunks come back.
/// </summary>
internal sealed class UnorderedClusterMap<TIn, TOut> : ClusterMap<TOut>
{
    private readonly IEnumerable<TIn> _items;
    private readonly int _chunkSize;
    private readonly SemaphoreSlim _budget;
    private readonly object _inputGate = new();
    private IEnumerator<TIn>? _input;
    private bool _inputDone;
    private int _pulled;

    public UnorderedClusterMap(ClusterPool.Call call, IEnumerable<TIn> items, int chunkSize, int buffer, TimeSpan? itemTimeout)
        : base(call, itemTimeout, stopOnItemFailure: true)
    {
        _items = items;
        _chunkSize = chunkSize;
        _budget = new SemaphoreSlim(buffer, buffer);
    }

    public Channel<(int Index, TOut Value)> Results { get; } =
        Channel.CreateUnbounded<(int Index, TOut Value)>(new UnboundedChannelOptions { SingleReader = true });

    /// <summary>A result was handed to the consumer: its item goes back to the budget.</summary>
    public void Yielded() => _budget.Release();

    public override async ValueTask<ChunkJob?> NextAsync(CancellationToken laneToken)
    {
        await TakeBudgetAsync(laneToken).ConfigureAwait(false);
        var chunk = new List<TIn>(_chunkSize);
        int start;
        lock (_inputGate)
        {
            if (!_inputDone)
            {
                _input ??= _items.GetEnumerator();
                while (chunk.Count < _chunkSize && _input.MoveNext())
                {
                    chunk.Add(_input.Current);
                }

                _inputDone = chunk.Count < _chunkSize;
            }

            start = _pulled;
            _pulled += chunk.Count;
        }

        if (chunk.Count < _chunkSize)
        {
            _budget.Release(_chunkSize - chunk.Count);
        }

        return chunk.Count == 0 ? null : Serialise(chunk, 0, start, chunk.Count);
    }

    protected override void Deliver(int index, TOut value) => Results.Writer.TryWrite((index, value));

    /// <summary>Disposes the input's enumerator; no chunk is read from it any more.</summary>
    public void CloseInput()
    {
        lock (_inputGate)
        {
            _input?.Dispose();
            _inputDone = true;
        }
    }

    /// <summary>Takes a chunk's worth of the budget, one item at a time; a lane stopped meanwhile gives back what it took.</summary>
    private async Task TakeBudgetAsync(CancellationToken laneToken)
    {
        for (int i = 0; i < _chunkSize; i++)
        {
            try
            {
                await _budget.WaitAsync(laneToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                if (i > 0)
                {
                    _budget.Release(i); // give back what this lane took before it was stopped
                }

                throw;
            }
        }
    }
}
