using System;
using GilAnalyzers.Processes;
using GilAnalyzers.Processes.Orleans;

[assembly: WorkerPoolBackend(typeof(OrleansBackendFactory))]

namespace GilAnalyzers.Processes.Orleans;

/// <summary>
/// Makes <see cref="ProcessPool.Shared"/> run on an Orleans cluster when <c>GILANALYZERS_POOL_BACKEND=orleans</c>: the
/// settings are <c>GILANALYZERS_POOL_MEMBERSHIP</c>, <c>_GATEWAYS</c>, <c>_CONNECTION</c>, <c>_CLUSTER_ID</c>, … (see
/// <see cref="ClusterPoolOptions.FromSettings(Func{string, string})"/>).
/// </summary>
public sealed class OrleansBackendFactory : IWorkerPoolBackendFactory
{
    /// <inheritdoc/>
    public IWorkerPool Create(Func<string, string?> setting) => new ClusterPool(ClusterPoolOptions.FromSettings(setting));
}
