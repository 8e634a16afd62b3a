using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Reflection;
using System.Threading;
using System.Threading.Tasks;

namespace GilAnalyzers.Processes;

/// <summary>
/// A pool of long-lived worker processes that run a static method over many items, the .NET counterpart
/// of Python's <c>concurrent.futures.ProcessPoolExecutor</c>. Each worker is a separate process with its
/// own statics and its own copy of any native library, so work that must be serialised by a lock inside
/// one process runs in parallel across workers. Workers start lazily on first use and are reused.
/// </summary>
/// <remarks>
/// The work is a static method (or a lambda that captures nothing) taking one item and returning one
/// result; items and results travel as MessagePack. See docs/processes.md for the fault
/// semantics: a user exception comes back as <see cref="RemoteWorkException"/>, a dead worker as
/// <see cref="WorkerCrashedException"/>, an item past its timeout as <see cref="WorkItemTimeoutException"/>;
/// in each case only the affected items fail, dead workers are replaced and the pool keeps working.
/// </remarks>
public sealed partial class ProcessPool : IWorkerPool, IDisposable, IAsyncDisposable
{
    private static readonly Lazy<ProcessPool> s_shared = new(CreateShared, LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>The idle timeout <see cref="Shared"/> starts with: five minutes, as loky's reusable executor.</summary>
    public static readonly TimeSpan SharedIdleTimeoutDefault = TimeSpan.FromMinutes(5);
    private static readonly ConcurrentDictionary<ProcessPool, byte> s_live = new();
    private static int s_exitHookInstalled;

    private readonly object _gate = new();
    private readonly Stack<WorkerProcess> _idle = new();
    private readonly HashSet<WorkerProcess> _all = new();
    private readonly SemaphoreSlim _slots;
    private readonly Lazy<WorkerLauncher> _launcher = new(WorkerLauncher.Create, LazyThreadSafetyMode.ExecutionAndPublication);
    private readonly WorkMethodIdentity? _initializer;
    private readonly CancellationTokenSource _pending = new();
    private readonly TaskCompletionSource _drained = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _activeCalls;
    /// <summary>Set by Dispose/Shutdown/Terminate: no new call is accepted (calls already made go on).</summary>
    private bool _closed;
    /// <summary>Set once the workers are being stopped: no worker is handed out any more.</summary>
    private bool _disposed;
    private bool _isShared;
    private BrokenProcessPoolException? _broken;
    private long _idleTimeoutTicks = -1;
    private Timer? _idleTimer;
    /// <summary>Set on <see cref="Shared"/> when <see cref="WorkerPoolBackend.EnvironmentVariable"/> names a backend: every map goes there.</summary>
    private IWorkerPool? _backend;
    private bool _findCrashingItem;

    /// <summary>Creates a pool. No process starts until the first item is submitted.</summary>
    /// <param name="maxWorkers">Most worker processes alive at once; default <see cref="Environment.ProcessorCount"/>.</param>
    /// <param name="maxTasksPerWorker">
    /// When set, a worker is retired and replaced after it has run this many items (a chunk is never
    /// split, so a worker may run up to one chunk more). Like Python's <c>max_tasks_per_child</c>: bounds
    /// leaks in legacy code.
    /// </param>
    /// <param name="initializer">
    /// A static method (or non-capturing lambda) that every worker process runs once, before its first item
    /// and on the thread that runs the items — load a model, open a native library, fill a static cache. Like
    /// Python's <c>ProcessPoolExecutor(initializer=...)</c>. If it throws (or the worker dies in it) the pool
    /// is broken: running and waiting calls fail with <see cref="BrokenProcessPoolException"/> naming it and
    /// its exception, every worker is stopped, and later calls fail at once with the same cause.
    /// </param>
    /// <param name="idleTimeout">
    /// When set, a worker that has waited this long for work exits (its input is closed), and a new one starts
    /// on the next call — loky's reusable executor. Null (the default) keeps idle workers until the pool is
    /// disposed. Can be changed later through <see cref="IdleTimeout"/>.
    /// </param>
    /// <exception cref="ArgumentException">The initializer captures state or takes parameters (it must be able to run in another process).</exception>
    public ProcessPool(int? maxWorkers = null, int? maxTasksPerWorker = null, Action? initializer = null, TimeSpan? idleTimeout = null)
    {
        if (maxWorkers is <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(maxWorkers), maxWorkers, "maxWorkers must be at least 1.");
        }

        if (maxTasksPerWorker is <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(maxTasksPerWorker), maxTasksPerWorker, "maxTasksPerWorker must be at least 1.");
        }

        if (initializer is not null)
        {
            _initializer = WorkMethod.Describe(initializer, parameterCount: 0, parameterName: nameof(initializer)).Identity;
        }

        MaxWorkers = maxWorkers ?? Environment.ProcessorCount;
        MaxTasksPerWorker = maxTasksPerWorker;
        IdleTimeout = idleTimeout;
        _slots = new SemaphoreSlim(MaxWorkers, MaxWorkers);
        s_live.TryAdd(this, 0);
        if (Interlocked.Exchange(ref s_exitHookInstalled, 1) == 0)
        {
            AppDomain.CurrentDomain.ProcessExit += static (_, _) => KillAllOnExit();
        }
    }

    /// <summary>
    /// A process-wide pool with <see cref="Environment.ProcessorCount"/> workers, created on first use and shut down
    /// when the process exits. Its workers exit after <see cref="SharedIdleTimeoutDefault"/> (five minutes) without
    /// work and are started again by the next call; set <see cref="IdleTimeout"/> on it to change that.
    /// </summary>
    /// <remarks>
    /// By configuration only, <see cref="Shared"/> can run its maps on another backend: with the environment variable
    /// <c>GILANALYZERS_POOL_BACKEND=orleans</c> (and the package GilAnalyzers.Processes.Orleans referenced by the
    /// application) <see cref="Map{TIn, TOut}"/>, <see cref="MapAsync{TIn, TOut}"/>, <see cref="MapUnorderedAsync{TIn, TOut}"/>
    /// and <see cref="SubmitAsync{TIn, TOut}"/> run on an Orleans cluster, with no change to the calling code (see
    /// <see cref="WorkerPoolBackend"/>). A backend that is asked for but cannot be loaded makes this property throw
    /// <see cref="PoolBackendException"/> (every time), rather than silently running locally.
    /// </remarks>
    /// <exception cref="PoolBackendException">The configured backend cannot be loaded or configured.</exception>
    public static ProcessPool Shared => s_shared.Value;

    /// <summary>
    /// What runs this pool's maps: <see cref="WorkerPoolBackend.Local"/> (worker processes on this machine), or, for
    /// <see cref="Shared"/> with a configured backend, that backend's type name (e.g. <c>ClusterPool</c>).
    /// </summary>
    public string Backend => _backend?.GetType().Name ?? WorkerPoolBackend.Local;

    private static ProcessPool CreateShared()
    {
        IWorkerPool? backend = WorkerPoolBackend.CreateFromEnvironment();
        return new ProcessPool(idleTimeout: SharedIdleTimeoutDefault) { _isShared = true, _backend = backend };
    }

    /// <summary>Most worker processes alive at once.</summary>
    public int MaxWorkers { get; }

    /// <summary>Items a worker runs before it is replaced, or null for no limit.</summary>
    public int? MaxTasksPerWorker { get; }

    /// <summary>
    /// How long a worker may wait for work before it exits, or null (the default) to keep idle workers for the
    /// pool's lifetime. Workers that exit this way are started again on demand by the next call (they pay the
    /// cold start again, and run the initializer again). May be changed at any time, also on
    /// <see cref="Shared"/> (<c>ProcessPool.Shared.IdleTimeout = TimeSpan.FromMinutes(5)</c>); the new value
    /// applies to workers idle now.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">Set to zero or a negative time (other than <see cref="Timeout.InfiniteTimeSpan"/>, which means null).</exception>
    public TimeSpan? IdleTimeout
    {
        get => Volatile.Read(ref _idleTimeoutTicks) is long ticks and >= 0 ? TimeSpan.FromTicks(ticks) : null;
        set
        {
            if (value is TimeSpan t && t <= TimeSpan.Zero && t != Timeout.InfiniteTimeSpan)
            {
                throw new ArgumentOutOfRangeException(nameof(value), value, "IdleTimeout must be positive (or null for none).");
            }

            Volatile.Write(ref _idleTimeoutTicks, value is TimeSpan v && v != Timeout.InfiniteTimeSpan ? v.Ticks : -1);
            ScheduleIdleCheck();
        }
    }

    /// <summary>
    /// When a worker dies while running a chunk of several items (so the item at fault is not known, see
    /// <see cref="WorkerCrashedException"/>), re-run that chunk's items one at a time on a fresh worker process to find the
    /// one that crashes it, and report that item (<see cref="ProcessPoolException.ItemIndex"/>) instead of the chunk.
    /// Off by default: the items of the chunk before the crashing one run a second time (their side effects too), and the
    /// search costs a worker start and one round trip per item. If none crashes again, the chunk is reported as before,
    /// saying so. Applies to <see cref="MapAsync{TIn, TOut}"/>, <see cref="Map{TIn, TOut}"/> and
    /// <see cref="MapUnorderedAsync{TIn, TOut}"/>; may be changed at any time (read when a crash is handled).
    /// </summary>
    public bool FindCrashingItem
    {
        get => Volatile.Read(ref _findCrashingItem);
        set => Volatile.Write(ref _findCrashingItem, value);
    }

    /// <summary>True once the pool's initializer has failed (see <see cref="BrokenProcessPoolException"/>); every call then fails at once.</summary>
    public bool IsBroken => Volatile.Read(ref _broken) is not null;

    /// <summary>Process ids of the worker processes alive now (busy or idle).</summary>
    public IReadOnlyList<int> WorkerProcessIds
    {
        get
        {
            lock (_gate)
            {
                return _all.Where(w => !w.HasExited).Select(w => w.ProcessId).ToArray();
            }
        }
    }

    /// <summary>
    /// Runs <paramref name="work"/> on every item in worker processes and returns the results in input
    /// order. Blocks until all are done. See <see cref="MapAsync{TIn, TOut}"/>.
    /// </summary>
    public TOut[] Map<TIn, TOut>(Func<TIn, TOut> work, IEnumerable<TIn> items, int? chunkSize = null, TimeSpan? itemTimeout = null, CancellationToken cancellationToken = default) =>
        MapAsync(work, items, chunkSize, itemTimeout, cancellationToken).GetAwaiter().GetResult();

    /// <summary>
    /// Runs <paramref name="work"/> on every item in worker processes; the results are in input order.
    /// </summary>
    /// <param name="work">A static method (or non-capturing lambda) taking one item. Anything that captures state is rejected with <see cref="ArgumentException"/>.</param>
    /// <param name="items">The inputs; enumerated once, up front.</param>
    /// <param name="chunkSize">
    /// Items sent to a worker per round trip. Null (the default) chooses about four chunks per worker, as
    /// Python's <c>multiprocessing.Pool.map</c> does: few round trips, still balanced when items differ in cost.
    /// Use 1 for a handful of long items of very uneven cost; larger chunks amortise the round trip for tiny items.
    /// </param>
    /// <param name="itemTimeout">
    /// Time allowed per item (also inside a chunk: the worker reports the late item). Past it the worker is
    /// killed and replaced and the item fails with <see cref="WorkItemTimeoutException"/>; the unfinished
    /// results of its chunk are lost with the worker.
    /// </param>
    /// <param name="cancellationToken">Cancels the map: no new chunk starts, workers running this map's chunks are killed (and replaced on demand) and the task ends as cancelled.</param>
    /// <exception cref="ArgumentException">The work delegate captures state, or an argument/result type cannot be serialised.</exception>
    /// <exception cref="ProcessPoolException">The first failed item in input order (a <see cref="RemoteWorkException"/>, <see cref="WorkerCrashedException"/>, <see cref="WorkItemTimeoutException"/> or <see cref="WorkSerializationException"/>), or <see cref="BrokenProcessPoolException"/> when the pool's initializer failed.</exception>
    public Task<TOut[]> MapAsync<TIn, TOut>(Func<TIn, TOut> work, IEnumerable<TIn> items, int? chunkSize = null, TimeSpan? itemTimeout = null, CancellationToken cancellationToken = default)
    {
        if (_backend is not null)
        {
            return _backend.MapAsync(work, items, chunkSize, itemTimeout, cancellationToken);
        }

        ArgumentNullException.ThrowIfNull(work);
        ArgumentNullException.ThrowIfNull(items);
        if (chunkSize is < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(chunkSize), chunkSize, "chunkSize must be at least 1.");
        }

        if (itemTimeout is TimeSpan t && t <= TimeSpan.Zero && t != Timeout.InfiniteTimeSpan)
        {
            throw new ArgumentOutOfRangeException(nameof(itemTimeout), itemTimeout, "itemTimeout must be positive.");
        }

        ObjectDisposedException.ThrowIf(Volatile.Read(ref _closed), this);
        ThrowIfBroken();
        Call call = Call.Create(work);
        IReadOnlyList<TIn> list = items as IReadOnlyList<TIn> ?? items.ToList();
        EnterCall();
        ChunkPlan plan = chunkSize is int size ? ChunkPlan.Fixed(list.Count, size) : ChunkPlan.Guided(list.Count, MaxWorkers);
        return ExitCallWhenDone(MapCoreAsync<TIn, TOut>(call, list, plan, itemTimeout == Timeout.InfiniteTimeSpan ? null : itemTimeout, cancellationToken));
    }

    /// <summary>Counts a call the pool has accepted: shutting down waits for it. Throws once the pool is closed.</summary>
    private void EnterCall()
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_closed, this);
            _activeCalls++;
        }
    }

    private void ExitCall()
    {
        lock (_gate)
        {
            if (--_activeCalls == 0 && _closed)
            {
                _drained.TrySetResult();
            }
        }
    }

    private async Task<T> ExitCallWhenDone<T>(Task<T> call)
    {
        try
        {
            return await call.ConfigureAwait(false);
        }
        finally
        {
            ExitCall();
        }
    }

    /// <summary>
    /// About four chunks per worker (at least one item each), so a map costs few round trips: the size of a map's first
    /// chunks when the caller gives none (later ones shrink, see <see cref="ChunkPlan"/>).
    /// </summary>
    internal static int AutomaticChunkSize(int items, int workers)
    {
        long chunks = 4L * workers;
        return (int)Math.Max(1, (items + chunks - 1) / chunks);
    }

    /// <summary>
    /// Submits one call of <paramref name="work"/> on <paramref name="item"/> to a worker process and returns
    /// its result as a task — Python's <c>executor.submit(fn, arg)</c>, whose future is the task here.
    /// Concurrent submissions share the pool's workers; each runs on its own (no chunking).
    /// </summary>
    /// <param name="work">A static method (or non-capturing lambda) taking one item.</param>
    /// <param name="item">The argument.</param>
    /// <param name="timeout">Time allowed for the call; past it the worker is killed and replaced and the task fails with <see cref="WorkItemTimeoutException"/>.</param>
    /// <param name="cancellationToken">Cancels the call: if it is running, its worker is killed (and replaced on demand); the task ends as cancelled.</param>
    /// <returns>The result; faults with the same <see cref="ProcessPoolException"/> types as <see cref="MapAsync{TIn, TOut}"/> (item index 0).</returns>
    /// <exception cref="ArgumentException">The work delegate captures state, or an argument/result type cannot be serialised (thrown at the call, before anything runs).</exception>
    public Task<TOut> SubmitAsync<TIn, TOut>(Func<TIn, TOut> work, TIn item, TimeSpan? timeout = null, CancellationToken cancellationToken = default)
    {
        if (_backend is not null)
        {
            return _backend.SubmitAsync(work, item, timeout, cancellationToken);
        }

        Task<TOut[]> one = MapAsync(work, new[] { item }, 1, timeout, cancellationToken);
        return FirstAsync(one);

        static async Task<TOut> FirstAsync(Task<TOut[]> results) => (await results.ConfigureAwait(false))[0];
    }

    /// <summary>The same as <see cref="SubmitAsync{TIn, TOut}"/> (its earlier name, kept for existing callers).</summary>
    /// <param name="work">A static method (or non-capturing lambda) taking one item.</param>
    /// <param name="item">The argument.</param>
    /// <param name="timeout">Time allowed for the call.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The result.</returns>
    public Task<TOut> RunAsync<TIn, TOut>(Func<TIn, TOut> work, TIn item, TimeSpan? timeout = null, CancellationToken cancellationToken = default) =>
        SubmitAsync(work, item, timeout, cancellationToken);

    /// <summary>
    /// Starts all <see cref="MaxWorkers"/> worker processes now (they otherwise start on first use) and
    /// waits until each answers, so that the first map does not pay the start-up cost.
    /// </summary>
    /// <returns>The process ids of the ready workers.</returns>
    public Task<int[]> WarmUpAsync(CancellationToken cancellationToken = default)
    {
        if (_backend is not null)
        {
            return Task.FromResult(Array.Empty<int>()); // the backend's workers are not this pool's processes
        }

        ObjectDisposedException.ThrowIf(Volatile.Read(ref _closed), this);
        ThrowIfBroken();
        EnterCall();
        return ExitCallWhenDone(WarmUpCoreAsync(cancellationToken));
    }

    private async Task<int[]> WarmUpCoreAsync(CancellationToken cancellationToken)
    {
        var acquired = new List<WorkerProcess>();
        try
        {
            using (var acquiring = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _pending.Token))
            {
                for (int i = 0; i < MaxWorkers; i++)
                {
                    acquired.Add(await AcquireAsync(acquiring.Token).ConfigureAwait(false));
                }
            }

            var pids = new int[acquired.Count];
            for (int i = 0; i < acquired.Count; i++)
            {
                WorkerProcess worker = acquired[i];
                Task<int> ping = worker.PingAsync();
                using CancellationTokenRegistration onCancel = cancellationToken.Register(static s => ((WorkerProcess)s!).Kill(KillReason.Cancelled), worker);
                try
                {
                    pids[i] = await ping.ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    int? code = await worker.WaitForExitAsync(TimeSpan.FromSeconds(3)).ConfigureAwait(false);
                    throw new WorkerCrashedException(
                        $"Worker process {worker.ProcessId} failed to start ({(code is int c ? DescribeExit(c) : ex.Message)}). Its standard error:" + Environment.NewLine + worker.StandardErrorTail(),
                        -1, worker.ProcessId, code, worker.StandardErrorTail(), ex);
                }

                await EnsureInitializedAsync(worker, cancellationToken).ConfigureAwait(false);
            }

            return pids;
        }
        finally
        {
            foreach (WorkerProcess worker in acquired)
            {
                bool alive = worker.KillReason == KillReason.None && !worker.HasExited;
                Release(worker, alive, 0);
            }
        }
    }

    /// <summary>
    /// Shuts the pool down and waits: no new call is accepted, the calls already made run to completion
    /// (including their items that have not started), then every worker's input is closed (it exits) and
    /// workers still there after 2 s are killed. The same as <see cref="Shutdown"/> with <c>cancelPending: false</c>;
    /// Python's <c>executor.shutdown(wait=True)</c> and the end of a <c>with</c> block.
    /// </summary>
    /// <exception cref="InvalidOperationException">Called on <see cref="Shared"/>, which lives until the process exits.</exception>
    public void Dispose() => Shutdown(cancelPending: false);

    /// <summary>The same as <see cref="Dispose"/>, without blocking a thread while the calls finish.</summary>
    /// <returns>Completes when every call has finished and every worker has exited.</returns>
    public ValueTask DisposeAsync() => new(ShutdownAsync(cancelPending: false));

    /// <summary>
    /// Shuts the pool down and waits until every worker process has exited. No new call is accepted
    /// (<see cref="ObjectDisposedException"/>). Work already running finishes; with
    /// <paramref name="cancelPending"/> the work that has not started is cancelled instead of run — a call
    /// waiting for a worker ends as cancelled (<see cref="OperationCanceledException"/>), a map stops sending
    /// chunks (a chunk already handed to a worker counts as started). Python's
    /// <c>executor.shutdown(wait=True, cancel_futures=True)</c>.
    /// </summary>
    /// <param name="cancelPending">Cancel what has not started instead of running it.</param>
    /// <exception cref="InvalidOperationException">Called on <see cref="Shared"/>.</exception>
    public void Shutdown(bool cancelPending = false) => ShutdownAsync(cancelPending).GetAwaiter().GetResult();

    /// <summary>The same as <see cref="Shutdown"/>, without blocking a thread.</summary>
    /// <param name="cancelPending">Cancel what has not started instead of running it.</param>
    /// <returns>Completes when the calls have finished (or been cancelled) and every worker has exited.</returns>
    /// <exception cref="InvalidOperationException">Called on <see cref="Shared"/>.</exception>
    public async Task ShutdownAsync(bool cancelPending = false)
    {
        ThrowIfShared();
        lock (_gate)
        {
            _closed = true;
            if (_activeCalls == 0)
            {
                _drained.TrySetResult();
            }
        }

        if (cancelPending)
        {
            _pending.Cancel();
        }

        await _drained.Task.ConfigureAwait(false);
        await Task.Run(StopWorkers).ConfigureAwait(false);
    }

    /// <summary>
    /// Stops the pool now: kills every worker process (and anything it started) at once and waits until they
    /// are gone. Running items fail with <see cref="ObjectDisposedException"/>, calls that have not started
    /// fail the same way, and no new call is accepted. Like <c>multiprocessing.Pool.terminate()</c> or loky's
    /// <c>shutdown(kill_workers=True)</c>. Safe to call while <see cref="Dispose"/> or <see cref="Shutdown"/> waits
    /// in another thread: that wait then ends.
    /// </summary>
    /// <exception cref="InvalidOperationException">Called on <see cref="Shared"/>.</exception>
    public void Terminate()
    {
        ThrowIfShared();
        WorkerProcess[] all;
        lock (_gate)
        {
            _closed = true;
            _disposed = true;
            all = _all.ToArray();
            _idle.Clear();
            _all.Clear();
            if (_activeCalls == 0)
            {
                _drained.TrySetResult();
            }
        }

        s_live.TryRemove(this, out _);
        _idleTimer?.Dispose();
        _pending.Cancel();
        foreach (WorkerProcess w in all)
        {
            w.Kill(KillReason.Disposed);
        }

        foreach (WorkerProcess w in all)
        {
            w.WaitForExit(TimeSpan.FromSeconds(5));
            w.Dispose();
        }
    }

    private void ThrowIfShared()
    {
        if (_isShared)
        {
            throw new InvalidOperationException("ProcessPool.Shared cannot be disposed, shut down or terminated: other code may be using it, and it shuts its workers down when the process exits. Create your own ProcessPool to control its lifetime.");
        }
    }

    /// <summary>After the calls have drained: closes every worker's input (they exit), kills those still running after 2 s, and waits for them.</summary>
    private void StopWorkers()
    {
        WorkerProcess[] idle;
        WorkerProcess[] busy;
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            idle = _idle.ToArray();
            _idle.Clear();
            busy = _all.Except(idle).ToArray();
            _all.Clear();
        }

        s_live.TryRemove(this, out _);
        _idleTimer?.Dispose();
        foreach (WorkerProcess w in busy)
        {
            w.Kill(KillReason.Disposed);
        }

        Parallel.ForEach(idle.Concat(busy), w =>
        {
            w.Shutdown(TimeSpan.FromSeconds(2), KillReason.Disposed);
            w.Dispose();
        });
    }

    private static void KillAllOnExit()
    {
        if (s_shared.IsValueCreated && s_shared.Value._backend is IWorkerPool backend)
        {
            // Disconnect the backend's client (briefly: the process is exiting).
            Task disconnect = backend switch
            {
                IAsyncDisposable asyncDisposable => Task.Run(async () => await asyncDisposable.DisposeAsync().ConfigureAwait(false)),
                IDisposable disposable => Task.Run(disposable.Dispose),
                _ => Task.CompletedTask,
            };
            try
            {
                disconnect.Wait(TimeSpan.FromSeconds(2));
            }
            catch (AggregateException)
            {
            }
        }

        var killed = new List<WorkerProcess>();
        foreach (ProcessPool pool in s_live.Keys)
        {
            lock (pool._gate)
            {
                pool._closed = true;
                pool._disposed = true;
                killed.AddRange(pool._all);
            }
        }

        foreach (WorkerProcess w in killed)
        {
            w.Kill(KillReason.Disposed);
        }

        // Wait (briefly) so that this process reaps them: a zombie handed to an init that does not reap
        // would otherwise linger in the process table.
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(1);
        foreach (WorkerProcess w in killed)
        {
            TimeSpan left = deadline - DateTime.UtcNow;
            if (left <= TimeSpan.Zero || !w.WaitForExit(left))
            {
                break;
            }
        }
    }

    /// <summary>Runs an ordered map (<see cref="OrderedMap{TIn, TOut}"/>, driven by <see cref="ChunkLoop{TIn, TOut}"/>s) and returns its results or its first failure.</summary>
    private async Task<TOut[]> MapCoreAsync<TIn, TOut>(Call call, IReadOnlyList<TIn> items, ChunkPlan plan, TimeSpan? itemTimeout, CancellationToken cancellationToken)
    {
        if (items.Count == 0)
        {
            return new TOut[0];
        }

        using var map = new OrderedMap<TIn, TOut>(this, call, items, plan, itemTimeout, cancellationToken);
        await map.RunLoopsAsync().ConfigureAwait(false);
        cancellationToken.ThrowIfCancellationRequested();
        if (map.FirstError is Exception firstError)
        {
            throw firstError;
        }

        if (map.FinishedItems < items.Count)
        {
            throw ItemsNeverRan();
        }

        return map.Results;
    }

    /// <summary>What a map whose items did not all run fails with: the pool was shut down with cancelPending, or terminated.</summary>
    private Exception ItemsNeverRan() =>
        Volatile.Read(ref _disposed)
            ? new ObjectDisposedException(nameof(ProcessPool), "The process pool was terminated before all items of the call ran.")
            : new OperationCanceledException("The process pool was shut down with cancelPending: true before all items of the call started.", _pending.Token);

    /// <summary>
    /// Looks for the item that crashed a worker during a chunk (<see cref="FindCrashingItem"/>): runs the chunk's items one at
    /// a time, in order, on a fresh worker, until one crashes it; returns that crash (with its item) and its index, or the
    /// chunk's crash (saying the items did not crash again) and the chunk's start. <paramref name="items"/> holds the chunk
    /// from <paramref name="offset"/>; <paramref name="start"/> is the index of its first item in the input.
    /// </summary>
    private async Task<(int Index, Exception Error)> LocateCrashAsync<TIn>(Call call, IReadOnlyList<TIn> items, int offset, int start, int count, WorkerCrashedException crash, TimeSpan? itemTimeout, CancellationToken cancellationToken)
    {
        string chunk = $"items {start}–{start + count - 1}";
        using var searching = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _pending.Token);
        WorkerProcess? worker = null;
        int ran = 0;
        try
        {
            for (int i = 0; i < count; i++)
            {
                worker ??= await AcquireAsync(searching.Token, fresh: true).ConfigureAwait(false);
                PooledBufferWriter payload = Payload.SerializeArrayPooled(items, offset + i, 1, call.ParameterType, 256);
                var request = new ChunkRequest { Method = call.Identity, Items = payload.WrittenMemory, ItemsLease = payload, ItemTimeoutMilliseconds = itemTimeout?.TotalMilliseconds };
                try
                {
                    await RunOnWorkerAsync(worker, request, call, start + i, 1, itemTimeout, searching.Token).ConfigureAwait(false);
                    ran++;
                }
                catch (WorkerCrashedException again)
                {
                    WorkerProcess dead = worker;
                    worker = null;
                    Release(dead, false, ran);
                    string before = i == 0 ? "" : $" (items {start}–{start + i - 1} ran a second time)";
                    return (start + i, new WorkerCrashedException(
                        $"Item {start + i} crashes the worker: found by re-running {chunk} one at a time on a fresh worker{before}, after worker process {crash.WorkerProcessId} died during that chunk (FindCrashingItem). " + again.Message,
                        start + i, again.WorkerProcessId, again.ExitCode, again.StandardErrorTail, crash));
                }
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException or ProcessPoolException or PayloadItemException)
        {
            // Cancelled, shut down, or another failure while searching: report the chunk, as without the search.
            return (start, crash);
        }
        finally
        {
            if (worker is not null)
            {
                Release(worker, true, ran);
            }
        }

        return (start, new WorkerCrashedException(
            crash.Message + $" Re-running {chunk} one at a time on a fresh worker did not crash it again (FindCrashingItem): the crash depends on more than one item, on state, or on timing.",
            -1, crash.WorkerProcessId, crash.ExitCode, crash.StandardErrorTail, crash.InnerException)
        {
            FirstItemIndex = crash.FirstItemIndex,
            LastItemIndex = crash.LastItemIndex,
        });
    }

    private async Task<ChunkResponse> RunOnWorkerAsync(WorkerProcess worker, ChunkRequest request, Call call, int start, int count, TimeSpan? itemTimeout, CancellationToken cancellationToken)
    {
        if (worker.Initialization is not null)
        {
            using CancellationTokenRegistration onCancelInit = cancellationToken.Register(static s => ((WorkerProcess)s!).Kill(KillReason.Cancelled), worker);
            await EnsureInitializedAsync(worker, cancellationToken).ConfigureAwait(false);
        }

        Task<ChunkResponse> pending;
        try
        {
            pending = worker.RunChunkAsync(request);
        }
        finally
        {
            // The frame has been written to the worker (RunChunkAsync writes it before it returns): the items' buffer goes back.
            request.ItemsLease?.Dispose();
            request.ItemsLease = null;
        }

        // The worker reports the item that runs late (exact, even inside a chunk); this deadline for the
        // whole chunk is the backstop for a worker too wedged to report.
        TimeSpan? chunkTimeout = itemTimeout is TimeSpan t ? TimeSpan.FromTicks(Math.Min(t.Ticks * count + TimeSpan.FromSeconds(2).Ticks, TimeSpan.FromDays(30).Ticks)) : null;
        using var timeout = chunkTimeout is TimeSpan ct ? new CancellationTokenSource(ct) : null;
        using CancellationTokenRegistration onTimeout = timeout?.Token.Register(static s => ((WorkerProcess)s!).Kill(KillReason.Timeout), worker) ?? default;
        using CancellationTokenRegistration onCancel = cancellationToken.Register(static s => ((WorkerProcess)s!).Kill(KillReason.Cancelled), worker);
        try
        {
            ChunkResponse response = await pending.ConfigureAwait(false);
            int answered = Payload.ArrayLength(response.Values);
            if (answered != count)
            {
                throw new ProcessPoolException($"Worker process {worker.ProcessId} answered {answered} results for a chunk of {count} items.", count == 1 ? start : -1)
                {
                    FirstItemIndex = start,
                    LastItemIndex = start + count - 1,
                };
            }

            return response;
        }
        catch (Exception ex) when (ex is not ProcessPoolException)
        {
            throw await ChunkFailureAsync(worker, ex, call, start, count, itemTimeout, chunkTimeout, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// What a chunk whose answer never came fails with (timeout, cancellation, termination, a dead worker). Kept out of
    /// <see cref="RunOnWorkerAsync"/>, which runs for every chunk: the runtime recompiles a method at tier 1 once it has
    /// run 30 times, and the smaller the per-chunk code, the less CPU that costs the parent of a map of many chunks.
    /// </summary>
    private async Task<Exception> ChunkFailureAsync(WorkerProcess worker, Exception ex, Call call, int start, int count, TimeSpan? itemTimeout, TimeSpan? chunkTimeout, CancellationToken cancellationToken)
    {
        int? exitCode = await worker.WaitForExitAsync(TimeSpan.FromSeconds(3)).ConfigureAwait(false);
        string items = count == 1 ? "item " + start.ToString(CultureInfo.InvariantCulture) : $"items {start}–{start + count - 1}";
        // A chunk's results come back together: when it fails as a whole, the item at fault is known only for a chunk of one.
        int known = count == 1 ? start : -1;
        int last = start + count - 1;
        switch (worker.KillReason)
        {
            case KillReason.Timeout:
                int late = worker.TimedOutIndex;
                if (late >= 0 && late < count)
                {
                    string lost = count == 1 ? "" : $" The other unfinished results of its chunk (items {start}–{start + count - 1}) are lost with it.";
                    return new WorkItemTimeoutException(
                        $"'{call.Display}' did not finish item {start + late} within {Format(itemTimeout!.Value)}; worker process {worker.ProcessId} was killed and will be replaced.{lost}",
                        start + late, worker.ProcessId, itemTimeout!.Value);
                }

                return new WorkItemTimeoutException(
                    $"'{call.Display}' did not finish {items} within {Format(chunkTimeout!.Value)} ({count} × {Format(itemTimeout!.Value)} and a 2 s margin) and the worker did not report which item was late; worker process {worker.ProcessId} was killed and will be replaced.",
                    known, worker.ProcessId, chunkTimeout!.Value)
                {
                    FirstItemIndex = start,
                    LastItemIndex = last,
                };
            case KillReason.Cancelled:
                return new OperationCanceledException("The map was cancelled; the worker running it was stopped.", ex, cancellationToken);
            case KillReason.Disposed:
                return new ObjectDisposedException(nameof(ProcessPool), $"The process pool was terminated while worker process {worker.ProcessId} was running {items}.");
            case KillReason.Broken when Volatile.Read(ref _broken) is BrokenProcessPoolException broken:
                return broken.Copy();
        }

        if (exitCode is null && !worker.HasExited)
        {
            worker.Kill(KillReason.Retired);
            return new ProcessPoolException($"The connection to worker process {worker.ProcessId} failed while it ran {items} of '{call.Display}': {ex.Message}", known, ex)
            {
                FirstItemIndex = start,
                LastItemIndex = last,
            };
        }

        string tail = worker.StandardErrorTail();
        string how = DescribeExit(exitCode);
        string which = count == 1
            ? ""
            : $" (one chunk; which of these items it was running is not known, as a chunk's results come back together: ItemIndex is -1, FirstItemIndex {start} and LastItemIndex {last}; with chunkSize: 1 a crash names its item)";
        return new WorkerCrashedException(
            $"Worker process {worker.ProcessId} {how} while running {items} of '{call.Display}'{which}; the pool replaces it. " +
            (tail.Length > 0 ? "Its last standard error output:" + Environment.NewLine + tail : "It wrote nothing to standard error."),
            known, worker.ProcessId, exitCode, tail, ex)
        {
            FirstItemIndex = start,
            LastItemIndex = last,
        };
    }

    private void ThrowIfBroken()
    {
        if (Volatile.Read(ref _broken) is BrokenProcessPoolException broken)
        {
            throw broken.Copy();
        }
    }

    /// <summary>
    /// Waits for the worker's answer to the initializer (sent when it started). A failed initializer breaks
    /// the pool: this throws <see cref="BrokenProcessPoolException"/> and stops every worker.
    /// </summary>
    private async Task EnsureInitializedAsync(WorkerProcess worker, CancellationToken cancellationToken)
    {
        if (worker.Initialization is not Task<InitializeResponse> initialization || _initializer is null)
        {
            return;
        }

        string display = _initializer.Display;
        InitializeResponse response;
        try
        {
            response = await initialization.ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            switch (worker.KillReason)
            {
                case KillReason.Cancelled:
                    throw new OperationCanceledException("The call was cancelled while the worker ran its initializer; the worker was stopped.", ex, cancellationToken);
                case KillReason.Disposed:
                    throw new ObjectDisposedException(nameof(ProcessPool), $"The process pool was disposed while worker process {worker.ProcessId} ran its initializer.");
                case KillReason.Broken when Volatile.Read(ref _broken) is BrokenProcessPoolException broken:
                    throw broken.Copy();
                case KillReason.None:
                    break;
                default:
                    throw new ProcessPoolException($"The connection to worker process {worker.ProcessId} failed while it ran the initializer '{display}': {ex.Message}", -1, ex);
            }

            int? exitCode = await worker.WaitForExitAsync(TimeSpan.FromSeconds(3)).ConfigureAwait(false);
            string tail = worker.StandardErrorTail();
            string how = exitCode is int code ? DescribeExit(code) : "stopped answering";
            throw Break(new BrokenProcessPoolException(
                $"The process pool is broken: worker process {worker.ProcessId} {how} while running the pool's initializer '{display}'. " +
                "No work runs in this pool any more (running and waiting calls fail with this exception, later ones at once); dispose it and create a new one." +
                (tail.Length > 0 ? " Its last standard error output:" + Environment.NewLine + tail : ""),
                display, worker.ProcessId, null, null, null, exitCode, tail));
        }

        if (response.Error is RemoteError error)
        {
            string what = error.Kind == RemoteErrorKinds.Resolve ? "could not be loaded" : "threw " + error.Type;
            string detail = error.Kind == RemoteErrorKinds.Resolve ? error.Type + ": " + error.Message : error.Message;
            throw Break(new BrokenProcessPoolException(
                $"The process pool is broken: its initializer '{display}' {what} in worker process {worker.ProcessId}: {detail} " +
                "No work runs in this pool any more (running and waiting calls fail with this exception, later ones at once); dispose it and create a new one.",
                display, worker.ProcessId, error.Type, error.Message, error.Detail, null, worker.StandardErrorTail()));
        }
    }

    /// <summary>Marks the pool broken (the first cause wins), stops every worker, and returns the exception to throw.</summary>
    private BrokenProcessPoolException Break(BrokenProcessPoolException cause)
    {
        WorkerProcess[] idle;
        WorkerProcess[] busy;
        BrokenProcessPoolException broken;
        lock (_gate)
        {
            _broken ??= cause;
            broken = _broken;
            idle = _idle.ToArray();
            _idle.Clear();
            foreach (WorkerProcess w in idle)
            {
                _all.Remove(w);
            }

            busy = _all.ToArray();
        }

        foreach (WorkerProcess w in busy)
        {
            w.Kill(KillReason.Broken);
        }

        foreach (WorkerProcess w in idle)
        {
            w.Kill(KillReason.Broken);
            w.WaitForExit(TimeSpan.FromSeconds(5));
            w.Dispose();
        }

        return broken.Copy();
    }

    /// <summary>How a worker process ended, for messages: its exit code (and signal), or that the code is not known.</summary>
    internal static string DescribeExit(int? code) => code is int known ? DescribeExit(known) : "exited (its exit code could not be read)";

    internal static string DescribeExit(int code)
    {
        if (!OperatingSystem.IsWindows() && code > 128 && code < 128 + 32)
        {
            int signal = code - 128;
            string name = signal switch
            {
                4 => "SIGILL",
                6 => "SIGABRT, e.g. Environment.FailFast or abort()",
                7 => "SIGBUS",
                8 => "SIGFPE",
                9 => "SIGKILL",
                11 => "SIGSEGV",
                15 => "SIGTERM",
                _ => "signal " + signal.ToString(CultureInfo.InvariantCulture),
            };
            return $"died with exit code {code} ({name})";
        }

        return $"exited with code {code}";
    }

    private static string Format(TimeSpan t) =>
        t.TotalSeconds >= 1 ? t.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture) + " s" : t.TotalMilliseconds.ToString("0.###", CultureInfo.InvariantCulture) + " ms";

    private static ProcessPoolException Translate(RemoteError error, Call call, int index, int pid) => error.Kind switch
    {
        RemoteErrorKinds.Argument => new WorkSerializationException(
            $"Worker process {pid} could not deserialise item {index} as '{call.ParameterType.FullName}' for '{call.Display}': {error.Type}: {error.Message}",
            index, call.ParameterType),
        RemoteErrorKinds.Result => new WorkSerializationException(
            $"The result of '{call.Display}' for item {index} (declared '{call.ReturnType.FullName}') could not be serialised in worker process {pid}: {error.Type}: {error.Message}",
            index, call.ReturnType),
        RemoteErrorKinds.Resolve => new ProcessPoolException(
            $"Worker process {pid} could not load '{call.Display}' from '{call.Identity.AssemblyPath}': {error.Type}: {error.Message}", index),
        _ => new RemoteWorkException(
            $"'{call.Display}' threw {error.Type} for item {index} in worker process {pid}: {error.Message}",
            index, error.Type, error.Message, error.StackTrace, error.Detail, pid),
    };

    /// <summary>
    /// Takes an idle worker, or starts one. With <paramref name="fresh"/> a new process is always started (an idle worker is
    /// retired to make room for it, so the pool keeps to <see cref="MaxWorkers"/> processes).
    /// </summary>
    private async Task<WorkerProcess> AcquireAsync(CancellationToken cancellationToken, bool fresh = false)
    {
        await _slots.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            WorkerProcess? retired = null;
            lock (_gate)
            {
                ObjectDisposedException.ThrowIf(_disposed, this);
                if (_broken is not null)
                {
                    throw _broken.Copy();
                }

                while (_idle.Count > 0)
                {
                    WorkerProcess candidate = _idle.Pop();
                    if (!candidate.HasExited && !fresh)
                    {
                        return candidate;
                    }

                    _all.Remove(candidate);
                    if (candidate.HasExited)
                    {
                        candidate.Dispose();
                    }
                    else
                    {
                        retired = candidate;
                        break;
                    }
                }
            }

            if (retired is not null)
            {
                _ = Task.Run(() =>
                {
                    retired.Shutdown(TimeSpan.FromSeconds(2), KillReason.Retired);
                    retired.Dispose();
                });
            }

            WorkerProcess started = WorkerProcess.Start(_launcher.Value);
            if (_initializer is not null)
            {
                // Sent first; the pool waits for its answer before it sends the worker a chunk.
                started.StartInitialize(_initializer);
            }

            bool keep;
            lock (_gate)
            {
                keep = !_disposed;
                if (keep)
                {
                    _all.Add(started);
                }
            }

            if (!keep)
            {
                started.Dispose();
                throw new ObjectDisposedException(nameof(ProcessPool));
            }

            return started;
        }
        catch
        {
            _slots.Release();
            throw;
        }
    }

    /// <summary>True when the worker has been sent its <c>maxTasksPerWorker</c> items (it finishes them, then retires).</summary>
    private bool Retires(WorkerProcess worker, int sentNotReleased) =>
        MaxTasksPerWorker is int max && worker.ItemsRun + sentNotReleased >= max;

    private void Release(WorkerProcess worker, bool healthy, int itemsRun)
    {
        worker.ItemsRun += itemsRun;
        bool retire = MaxTasksPerWorker is int max && worker.ItemsRun >= max;
        bool keep = healthy && !retire && worker.KillReason == KillReason.None && !worker.HasExited;
        bool disposed;
        lock (_gate)
        {
            disposed = _disposed;
            keep &= _broken is null;
            if (keep && !disposed)
            {
                worker.IdleSince = Environment.TickCount64;
                _idle.Push(worker);
            }
            else
            {
                _all.Remove(worker);
            }
        }

        if (!keep || disposed)
        {
            if (healthy && retire && !disposed)
            {
                // Let it exit on its own (input closed); kill it if it lingers.
                _ = Task.Run(() =>
                {
                    worker.Shutdown(TimeSpan.FromSeconds(2), KillReason.Retired);
                    worker.Dispose();
                });
            }
            else if (!disposed)
            {
                worker.Dispose();
            }
        }

        _slots.Release();
        if (keep && !disposed)
        {
            ScheduleIdleCheck();
        }
    }

    /// <summary>Arms the idle check for the worker that will reach the idle timeout first (when there is a timeout and an idle worker).</summary>
    private void ScheduleIdleCheck()
    {
        long ticks = Volatile.Read(ref _idleTimeoutTicks);
        if (ticks < 0)
        {
            return;
        }

        lock (_gate)
        {
            if (_disposed || _idle.Count == 0)
            {
                return;
            }

            long oldest = long.MaxValue;
            foreach (WorkerProcess w in _idle)
            {
                oldest = Math.Min(oldest, w.IdleSince);
            }

            long due = Math.Max(1, oldest + (long)TimeSpan.FromTicks(ticks).TotalMilliseconds - Environment.TickCount64 + 5);
            _idleTimer ??= new Timer(static s => ((ProcessPool)s!).RetireIdleWorkers(), this, Timeout.Infinite, Timeout.Infinite);
            _idleTimer.Change(Math.Min(due, int.MaxValue - 1), Timeout.Infinite);
        }
    }

    /// <summary>Closes the input of every worker idle for at least <see cref="IdleTimeout"/> (they exit), then re-arms the check.</summary>
    private void RetireIdleWorkers()
    {
        long ticks = Volatile.Read(ref _idleTimeoutTicks);
        if (ticks < 0)
        {
            return;
        }

        long limit = (long)TimeSpan.FromTicks(ticks).TotalMilliseconds;
        long now = Environment.TickCount64;
        var retired = new List<WorkerProcess>();
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            // The stack holds the most recently used worker on top; keep those still within the timeout in order.
            WorkerProcess[] idle = _idle.ToArray();
            _idle.Clear();
            for (int i = idle.Length - 1; i >= 0; i--)
            {
                if (now - idle[i].IdleSince >= limit)
                {
                    retired.Add(idle[i]);
                    _all.Remove(idle[i]);
                }
                else
                {
                    _idle.Push(idle[i]);
                }
            }
        }

        foreach (WorkerProcess worker in retired)
        {
            _ = Task.Run(() =>
            {
                worker.Shutdown(TimeSpan.FromSeconds(2), KillReason.Retired);
                worker.Dispose();
            });
        }

        ScheduleIdleCheck();
    }

    /// <summary>A validated work delegate.</summary>
    private sealed class Call
    {
        private Call(WorkMethodIdentity identity, Type parameterType, Type returnType)
        {
            Identity = identity;
            ParameterType = parameterType;
            ReturnType = returnType;
        }

        public WorkMethodIdentity Identity { get; }

        public Type ParameterType { get; }

        public Type ReturnType { get; }

        public string Display => Identity.Display;

        public static Call Create(Delegate work)
        {
            (WorkMethodIdentity identity, _, Type parameterType, Type returnType) = WorkMethod.DescribeMap(work);
            return new Call(identity, parameterType, returnType);
        }
    }
}
