using System;
using System.Collections.Generic;
using System.Linq;
using System.Reflection;
using System.Runtime.CompilerServices;
using System.Threading;
using System.Threading.Channels;
using System.Threading.Tasks;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Orleans;
using Orleans.Configuration;
using Orleans.Hosting;
using Orleans.Runtime;

namespace GilAnalyzers.Processes.Orleans;

/// <summary>
/// The pool's surface (<see cref="IWorkerPool"/>) on a Microsoft Orleans cluster: the same static work methods, items
/// chunked the same way and serialised with the same bytes as <see cref="ProcessPool"/>, run on the work threads of the
/// cluster's silos (the user's own application in silo mode, see <see cref="ClusterSilo"/>). Results come back in input
/// order; a silo lost mid-map has its chunks run again on the others (every result exactly once); silos that join
/// mid-map get work; losing every silo fails the map with <see cref="ClusterUnavailableException"/>.
/// </summary>
public sealed class ClusterPool : IWorkerPool, IAsyncDisposable, IDisposable
{
    private readonly SemaphoreSlim _connectGate = new(1, 1);
    private readonly Dictionary<SiloAddress, SiloInfo> _infos = new();
    private IHost? _host;
    private IClusterClient? _client;
    private bool _disposed;

    /// <summary>Creates the pool; it connects to the cluster on first use.</summary>
    /// <param name="options">Where the cluster is.</param>
    public ClusterPool(ClusterPoolOptions options)
    {
        Options = options ?? throw new ArgumentNullException(nameof(options));
    }

    /// <summary>Where the cluster is, and how lost silos are treated.</summary>
    public ClusterPoolOptions Options { get; }

    /// <summary>Creates a pool and connects it to the cluster.</summary>
    /// <param name="options">Where the cluster is.</param>
    /// <param name="cancellationToken">Cancels the connection.</param>
    /// <returns>The connected pool.</returns>
    public static async Task<ClusterPool> ConnectAsync(ClusterPoolOptions options, CancellationToken cancellationToken = default)
    {
        var pool = new ClusterPool(options);
        await pool.ClientAsync(cancellationToken).ConfigureAwait(false);
        return pool;
    }

    /// <summary>The active silos now, with their work threads and process ids.</summary>
    /// <param name="cancellationToken">Cancels the query.</param>
    /// <returns>One entry per active silo.</returns>
    public async Task<IReadOnlyList<ClusterSiloStatus>> GetSilosAsync(CancellationToken cancellationToken = default)
    {
        IClusterClient client = await ClientAsync(cancellationToken).ConfigureAwait(false);
        var list = new List<ClusterSiloStatus>();
        foreach (SiloAddress silo in await ActiveSilosAsync(client, cancellationToken).ConfigureAwait(false))
        {
            if (await InfoAsync(client, silo, cancellationToken).ConfigureAwait(false) is SiloInfo info)
            {
                list.Add(new ClusterSiloStatus(silo.ToString(), info.ProcessId, info.Workers, info.MachineName));
            }
        }

        return list;
    }

    /// <inheritdoc/>
    public TOut[] Map<TIn, TOut>(Func<TIn, TOut> work, IEnumerable<TIn> items, int? chunkSize = null, TimeSpan? itemTimeout = null, CancellationToken cancellationToken = default) =>
        MapAsync(work, items, chunkSize, itemTimeout, cancellationToken).GetAwaiter().GetResult();

    /// <inheritdoc/>
    public Task<TOut> SubmitAsync<TIn, TOut>(Func<TIn, TOut> work, TIn item, TimeSpan? timeout = null, CancellationToken cancellationToken = default)
    {
        Task<TOut[]> one = MapAsync(work, new[] { item }, 1, timeout, cancellationToken);
        return FirstAsync(one);

        static async Task<TOut> FirstAsync(Task<TOut[]> results) => (await results.ConfigureAwait(false))[0];
    }

    /// <inheritdoc/>
    public Task<TOut[]> MapAsync<TIn, TOut>(Func<TIn, TOut> work, IEnumerable<TIn> items, int? chunkSize = null, TimeSpan? itemTimeout = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(work);
        ArgumentNullException.ThrowIfNull(items);
        if (chunkSize is < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(chunkSize), chunkSize, "chunkSize must be at least 1.");
        }

        ObjectDisposedException.ThrowIf(_disposed, this);
        Call call = Call.Create(work);
        IReadOnlyList<TIn> list = items as IReadOnlyList<TIn> ?? items.ToList();
        return MapCoreAsync<TIn, TOut>(call, list, chunkSize, NormaliseTimeout(itemTimeout), cancellationToken);
    }

    /// <inheritdoc/>
    /// <remarks>Without a <paramref name="chunkSize"/> the cluster sends one item per chunk.</remarks>
    public IAsyncEnumerable<(int Index, TOut Value)> MapUnorderedAsync<TIn, TOut>(Func<TIn, TOut> work, IEnumerable<TIn> items, int? chunkSize = null, int? bufferSize = null, TimeSpan? itemTimeout = null, CancellationToken cancellationToken = default)
    {
        return MapUnorderedAsync(work, items, chunkSize ?? 1, bufferSize, itemTimeout, cancellationToken);
    }

    private IAsyncEnumerable<(int Index, TOut Value)> MapUnorderedAsync<TIn, TOut>(Func<TIn, TOut> work, IEnumerable<TIn> items, int chunkSize, int? bufferSize, TimeSpan? itemTimeout, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(work);
        ArgumentNullException.ThrowIfNull(items);
        if (chunkSize < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(chunkSize), chunkSize, "chunkSize must be at least 1.");
        }

        if (bufferSize is int b && b < chunkSize)
        {
            throw new ArgumentOutOfRangeException(nameof(bufferSize), bufferSize, "bufferSize must be at least chunkSize.");
        }

        ObjectDisposedException.ThrowIf(_disposed, this);
        Call call = Call.Create(work);
        return MapUnorderedCoreAsync<TIn, TOut>(call, items, chunkSize, bufferSize, NormaliseTimeout(itemTimeout), cancellationToken, default);
    }

    /// <summary>Disconnects the client (the silos keep running).</summary>
    public void Dispose() => DisposeAsync().AsTask().GetAwaiter().GetResult();

    /// <summary>Disconnects the client (the silos keep running).</summary>
    /// <returns>Completes when the client has stopped.</returns>
    public async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        if (_host is IHost host)
        {
            using var stopping = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            try
            {
                await host.StopAsync(stopping.Token).ConfigureAwait(false);
            }
            catch (Exception)
            {
                // The cluster may be gone already.
            }

            host.Dispose();
        }
    }

    private static TimeSpan? NormaliseTimeout(TimeSpan? itemTimeout)
    {
        if (itemTimeout is TimeSpan t && t <= TimeSpan.Zero && t != Timeout.InfiniteTimeSpan)
        {
            throw new ArgumentOutOfRangeException(nameof(itemTimeout), itemTimeout, "itemTimeout must be positive.");
        }

        return itemTimeout == Timeout.InfiniteTimeSpan ? null : itemTimeout;
    }

    private async Task<TOut[]> MapCoreAsync<TIn, TOut>(Call call, IReadOnlyList<TIn> items, int? chunkSize, TimeSpan? itemTimeout, CancellationToken cancellationToken)
    {
        int n = items.Count;
        if (n == 0)
        {
            return new TOut[0];
        }

        IClusterClient client = await ClientAsync(cancellationToken).ConfigureAwait(false);
        int size = chunkSize ?? ProcessPool.AutomaticChunkSize(n, await TotalWorkersAsync(client, cancellationToken).ConfigureAwait(false));
        var map = new OrderedClusterMap<TIn, TOut>(call, items, size, itemTimeout);
        var scheduler = new ChunkScheduler(this, client, call, map.NextAsync, map.Done, map.Errors, itemTimeout, cancellationToken);
        await scheduler.RunAsync().ConfigureAwait(false);
        cancellationToken.ThrowIfCancellationRequested();
        if (map.Errors.Error is Exception error)
        {
            throw error;
        }

        return map.Results;
    }

    private async IAsyncEnumerable<(int Index, TOut Value)> MapUnorderedCoreAsync<TIn, TOut>(
        Call call, IEnumerable<TIn> items, int chunkSize, int? bufferSize, TimeSpan? itemTimeout, CancellationToken callToken,
        [EnumeratorCancellation] CancellationToken enumerationToken)
    {
        using var user = CancellationTokenSource.CreateLinkedTokenSource(callToken, enumerationToken);
        CancellationToken cancellationToken = user.Token;
        IClusterClient client = await ClientAsync(cancellationToken).ConfigureAwait(false);
        int buffer = bufferSize ?? (int)Math.Min(int.MaxValue, 4L * Math.Max(1, await TotalWorkersAsync(client, cancellationToken).ConfigureAwait(false)) * chunkSize);
        var map = new UnorderedClusterMap<TIn, TOut>(call, items, chunkSize, buffer, itemTimeout);
        var scheduler = new ChunkScheduler(this, client, call, map.NextAsync, map.Done, map.Errors, itemTimeout, cancellationToken);
        Task running = scheduler.RunAsync();
        _ = running.ContinueWith(static (_, w) => ((ChannelWriter<(int, TOut)>)w!).TryComplete(), map.Results.Writer, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        try
        {
            ChannelReader<(int Index, TOut Value)> results = map.Results.Reader;
            while (await results.WaitToReadAsync(CancellationToken.None).ConfigureAwait(false))
            {
                while (results.TryRead(out (int Index, TOut Value) entry))
                {
                    map.Yielded();
                    yield return entry;
                }
            }

            await running.ConfigureAwait(false);
            cancellationToken.ThrowIfCancellationRequested();
            if (map.Errors.Error is Exception error)
            {
                throw error;
            }
        }
        finally
        {
            scheduler.Stop();
            await running.ConfigureAwait(false);
            map.CloseInput();
        }
    }

    private async Task<int> TotalWorkersAsync(IClusterClient client, CancellationToken cancellationToken)
    {
        DateTime deadline = DateTime.UtcNow + Options.NoSiloTimeout;
        while (true)
        {
            int total = 0;
            foreach (SiloAddress silo in await ActiveSilosAsync(client, cancellationToken).ConfigureAwait(false))
            {
                total += (await InfoAsync(client, silo, cancellationToken).ConfigureAwait(false))?.Workers ?? 0;
            }

            if (total > 0)
            {
                return total;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw NoSilo();
            }

            await Task.Delay(Options.MembershipPollInterval, cancellationToken).ConfigureAwait(false);
        }
    }

    internal ClusterUnavailableException NoSilo(Exception? inner = null) => new(
        $"No silo of the Orleans cluster ({Describe()}) answered for {Options.NoSiloTimeout.TotalSeconds:0.#} s, so the map cannot run. " +
        "Start silos (docs/cluster.md), check the membership settings and that the client uses the silos' TLS certificate (or none when they use none), or unset GILANALYZERS_POOL_BACKEND to use local worker processes.",
        -1, inner);

    internal string Describe() => Options.Membership == ClusterMembership.Localhost
        ? "localhost membership, gateways " + string.Join(", ", Options.GatewaysOrDefault())
        : $"ADO.NET membership ({Options.Invariant}), cluster id '{Options.ClusterId}'";

    /// <summary>The active silos in the cluster's membership, or none when no gateway answers.</summary>
    internal async Task<IReadOnlyCollection<SiloAddress>> ActiveSilosAsync(IClusterClient client, CancellationToken cancellationToken) =>
        await TryActiveSilosAsync(client, cancellationToken).ConfigureAwait(false) ?? (IReadOnlyCollection<SiloAddress>)Array.Empty<SiloAddress>();

    /// <summary>The active silos in the cluster's membership, or null when the membership could not be read (no gateway answered in 5 s).</summary>
    internal async Task<IReadOnlyCollection<SiloAddress>?> TryActiveSilosAsync(IClusterClient client, CancellationToken cancellationToken)
    {
        try
        {
            Dictionary<SiloAddress, SiloStatus> hosts = await client.GetGrain<IManagementGrain>(0).GetHosts(onlyActive: true)
                .WaitAsync(TimeSpan.FromSeconds(5), cancellationToken).ConfigureAwait(false);
            return hosts.Keys;
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            return null;
        }
    }

    /// <summary>A silo's work threads and process id (asked once per silo), or null when it does not answer.</summary>
    internal async Task<SiloInfo?> InfoAsync(IClusterClient client, SiloAddress silo, CancellationToken cancellationToken)
    {
        lock (_infos)
        {
            if (_infos.TryGetValue(silo, out SiloInfo? known))
            {
                return known;
            }
        }

        try
        {
            SiloInfo info = await client.GetGrain<IChunkWorkerGrain>(SiloPinnedPlacement.Key(silo, "info")).GetSiloInfoAsync()
                .WaitAsync(TimeSpan.FromSeconds(5), cancellationToken).ConfigureAwait(false);
            lock (_infos)
            {
                _infos[silo] = info;
            }

            return info;
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            return null;
        }
    }

    private async Task<IClusterClient> ClientAsync(CancellationToken cancellationToken)
    {
        if (Volatile.Read(ref _client) is IClusterClient ready)
        {
            return ready;
        }

        await _connectGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_client is IClusterClient connected)
            {
                return connected;
            }

            IHost host = BuildClientHost(Options, DateTime.UtcNow + Options.NoSiloTimeout);
            try
            {
                await host.StartAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                host.Dispose();
                throw NoSilo(ex);
            }

            _host = host;
            Volatile.Write(ref _client, host.Services.GetRequiredService<IClusterClient>());
            return _client!;
        }
        finally
        {
            _connectGate.Release();
        }
    }

    /// <summary>The Orleans client host for <paramref name="options"/>; it retries its first connection until <paramref name="deadline"/>.</summary>
    private static IHost BuildClientHost(ClusterPoolOptions options, DateTime deadline) =>
        new HostBuilder()
            .UseOrleansClient(client =>
            {
                if (options.Membership == ClusterMembership.Localhost)
                {
                    client.UseStaticClustering(options.GatewaysOrDefault().ToArray());
                }
                else
                {
                    client.UseAdoNetClustering(o =>
                    {
                        o.Invariant = options.Invariant;
                        o.ConnectionString = options.ConnectionString;
                    });
                }

                client.Configure<ClusterOptions>(o =>
                {
                    o.ClusterId = options.ClusterId;
                    o.ServiceId = options.ServiceId;
                });
                client.Configure<GatewayOptions>(o => o.GatewayListRefreshPeriod = TimeSpan.FromSeconds(2));
                if (options.TlsCertificatePath is string certificatePath)
                {
                    var certificate = ClusterTls.Load(certificatePath, options.TlsCertificatePassword);
                    client.UseTls(o => ClusterTls.Configure(o, certificate));
                }

                client.Configure<ClientMessagingOptions>(o =>
                {
                    o.ResponseTimeout = options.ResponseTimeout;
                    o.ResponseTimeoutWithDebugger = options.ResponseTimeout;
                });
                client.UseConnectionRetryFilter(async (exception, token) =>
                {
                    if (DateTime.UtcNow > deadline)
                    {
                        return false;
                    }

                    await Task.Delay(500, token).ConfigureAwait(false);
                    return true;
                });
            })
            .Build();

    /// <summary>A validated work delegate and its description for the silos.</summary>
    internal sealed class Call
    {
        private Call(WorkRef method, Type parameterType, Type returnType)
        {
            Method = method;
            ParameterType = parameterType;
            ReturnType = returnType;
        }

        public WorkRef Method { get; }

        public Type ParameterType { get; }

        public Type ReturnType { get; }

        public string Display => Method.Display;

        public static Call Create(Delegate work)
        {
            (WorkMethodIdentity identity, MethodInfo method, Type parameterType, Type returnType) = WorkMethod.DescribeMap(work);
            var reference = new WorkRef
            {
                AssemblyName = identity.AssemblyName,
                AssemblyPath = identity.AssemblyPath,
                ModuleVersionId = method.Module.ModuleVersionId,
                TypeName = identity.TypeName,
                MethodName = identity.MethodName,
                MetadataToken = identity.MetadataToken,
                OnLambdaSingleton = identity.OnLambdaSingleton,
            };
            return new Call(reference, parameterType, returnType);
        }
    }

    /// <summary>The failure of the lowest item index seen so far.</summary>
    internal sealed class FirstError
    {
        private readonly object _gate = new();
        private int _index = int.MaxValue;

        public Exception? Error { get; private set; }

        public event Action? Recorded;

        /// <summary>The lowest failing item index so far (<see cref="int.MaxValue"/> while none failed).</summary>
        public int Index => Volatile.Read(ref _index);

        /// <summary>
        /// Records a failure. <paramref name="stop"/> false: an item failed in a chunk that completed — the map goes on
        /// only with chunks before it, so a failure earlier in input order still in flight is the one reported.
        /// </summary>
        public void Record(int index, Exception error, bool stop = true)
        {
            lock (_gate)
            {
                if (index < _index)
                {
                    Volatile.Write(ref _index, index);
                    Error = error;
                }
            }

            if (stop)
            {
                Recorded?.Invoke();
            }
        }
    }
}

/// <summary>One active silo of the cluster.</summary>
/// <param name="Address">The silo's address.</param>
/// <param name="ProcessId">The silo's process id.</param>
/// <param name="Workers">Chunks it runs at once.</param>
/// <param name="MachineName">Its host name.</param>
public sealed record ClusterSiloStatus(string Address, int ProcessId, int Workers, string MachineName);
