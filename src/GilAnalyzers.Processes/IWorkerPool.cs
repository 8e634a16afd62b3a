using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;

namespace GilAnalyzers.Processes;

/// <summary>
/// The surface a pool of workers offers: <see cref="ProcessPool"/> (worker processes on this machine, the embedded
/// default) and other backends such as the Orleans cluster pool of <c>GilAnalyzers.Processes.Orleans</c> implement it,
/// so code written against it — and <c>ProcessPool.Shared</c>, which GIL006's fix emits — runs on either.
/// </summary>
/// <remarks>
/// Every backend takes the same work: a static method (or a lambda that captures nothing) of one item returning one
/// result, items and results serialised as MessagePack. Failures are <see cref="ProcessPoolException"/>s with the index
/// of the failed item: <see cref="RemoteWorkException"/> carries the remote exception's type, message and stack trace.
/// </remarks>
public interface IWorkerPool
{
    /// <summary>Runs <paramref name="work"/> on every item and returns the results in input order. Blocks until all are done.</summary>
    /// <param name="work">A static method (or non-capturing lambda) taking one item.</param>
    /// <param name="items">The inputs; enumerated once, up front.</param>
    /// <param name="chunkSize">Items per round trip; null lets the backend choose (about four chunks per worker).</param>
    /// <param name="itemTimeout">Time allowed per item.</param>
    /// <param name="cancellationToken">Cancels the map.</param>
    /// <returns>The results, in input order.</returns>
    TOut[] Map<TIn, TOut>(Func<TIn, TOut> work, IEnumerable<TIn> items, int? chunkSize = null, TimeSpan? itemTimeout = null, CancellationToken cancellationToken = default);

    /// <summary>The same as <see cref="Map{TIn, TOut}"/>, as a task.</summary>
    /// <param name="work">A static method (or non-capturing lambda) taking one item.</param>
    /// <param name="items">The inputs; enumerated once, up front.</param>
    /// <param name="chunkSize">Items per round trip; null lets the backend choose.</param>
    /// <param name="itemTimeout">Time allowed per item.</param>
    /// <param name="cancellationToken">Cancels the map.</param>
    /// <returns>The results, in input order.</returns>
    Task<TOut[]> MapAsync<TIn, TOut>(Func<TIn, TOut> work, IEnumerable<TIn> items, int? chunkSize = null, TimeSpan? itemTimeout = null, CancellationToken cancellationToken = default);

    /// <summary>Yields (index, result) pairs as results come back, reading <paramref name="items"/> lazily.</summary>
    /// <param name="work">A static method (or non-capturing lambda) taking one item.</param>
    /// <param name="items">The inputs; enumerated once, lazily.</param>
    /// <param name="chunkSize">Items per round trip; null lets the backend choose.</param>
    /// <param name="bufferSize">Most items taken from the input whose results have not been yielded yet; null lets the backend choose.</param>
    /// <param name="itemTimeout">Time allowed per item.</param>
    /// <param name="cancellationToken">Cancels the map.</param>
    /// <returns>(Index, Value) pairs in completion order.</returns>
    IAsyncEnumerable<(int Index, TOut Value)> MapUnorderedAsync<TIn, TOut>(Func<TIn, TOut> work, IEnumerable<TIn> items, int? chunkSize = null, int? bufferSize = null, TimeSpan? itemTimeout = null, CancellationToken cancellationToken = default);

    /// <summary>Runs one call of <paramref name="work"/> on <paramref name="item"/>; the task is its future.</summary>
    /// <param name="work">A static method (or non-capturing lambda) taking one item.</param>
    /// <param name="item">The argument.</param>
    /// <param name="timeout">Time allowed for the call.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The result.</returns>
    Task<TOut> SubmitAsync<TIn, TOut>(Func<TIn, TOut> work, TIn item, TimeSpan? timeout = null, CancellationToken cancellationToken = default);
}
