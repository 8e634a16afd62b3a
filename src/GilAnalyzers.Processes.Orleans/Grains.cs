using System;
using System.Threading;
using System.Threading.Tasks;
using Orleans;
using Orleans.Placement;
using Orleans.Runtime;
using Orleans.Runtime.Placement;

namespace GilAnalyzers.Processes.Orleans;

/// <summary>
/// Runs chunks of a map on the silo it lives on. Its key is <c>&lt;silo address&gt;#&lt;lane&gt;</c>: the pool places one
/// activation per lane on the silo named in the key (<see cref="SiloPinnedPlacementAttribute"/>), so it knows which
/// chunks a silo holds (to run them again elsewhere when that silo is lost) and gives each silo as many chunks at once
/// as it has work threads.
/// </summary>
public interface IChunkWorkerGrain : IGrainWithStringKey
{
    /// <summary>Runs one chunk; cancellation stops it between items.</summary>
    /// <param name="work">The chunk.</param>
    /// <param name="cancellationToken">Cancels the chunk (delivered by Orleans from the client).</param>
    /// <returns>The results and failures of the chunk's items.</returns>
    Task<ChunkOutcome> RunChunkAsync(ChunkWork work, CancellationToken cancellationToken = default);

    /// <summary>For each call id: true while the silo holds that chunk call (queued or running).</summary>
    /// <param name="callIds">Ids of chunk calls the client is waiting for.</param>
    /// <returns>One flag per id.</returns>
    Task<bool[]> HoldsAsync(long[] callIds);

    /// <summary>What the silo offers: work threads, process id, host name.</summary>
    /// <returns>The silo's description.</returns>
    Task<SiloInfo> GetSiloInfoAsync();
}

/// <summary>Places a grain on the silo named in its key (the part before <c>#</c>).</summary>
[GenerateSerializer, Immutable, SuppressReferenceTracking]
public sealed class SiloPinnedPlacement : PlacementStrategy
{
    /// <summary>Separates the silo address from the rest of the key.</summary>
    public const char Separator = '#';

    /// <summary>The grain key for <paramref name="silo"/> and <paramref name="lane"/>.</summary>
    /// <param name="silo">The silo.</param>
    /// <param name="lane">The lane.</param>
    /// <returns>The key.</returns>
    public static string Key(SiloAddress silo, string lane) => silo.ToParsableString() + Separator + lane;
}

/// <summary>Marks a grain class placed by <see cref="SiloPinnedPlacement"/>.</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false)]
public sealed class SiloPinnedPlacementAttribute : PlacementAttribute
{
    /// <summary>Creates the attribute.</summary>
    public SiloPinnedPlacementAttribute()
        : base(new SiloPinnedPlacement())
    {
    }
}

/// <summary>The director of <see cref="SiloPinnedPlacement"/>: the silo in the key, or a failed call when that silo is gone.</summary>
internal sealed class SiloPinnedPlacementDirector : IPlacementDirector
{
    public Task<SiloAddress> OnAddActivation(PlacementStrategy strategy, PlacementTarget target, IPlacementContext context)
    {
        string key = target.GrainIdentity.Key.ToString() ?? "";
        int cut = key.IndexOf(SiloPinnedPlacement.Separator, StringComparison.Ordinal);
        SiloAddress[] compatible = context.GetCompatibleSilos(target);
        if (cut > 0)
        {
            SiloAddress wanted = SiloAddress.FromParsableString(key[..cut]);
            foreach (SiloAddress silo in compatible)
            {
                if (silo.Equals(wanted))
                {
                    return Task.FromResult(silo);
                }
            }

            throw new SiloUnavailableException($"Silo {wanted} is not an active member of the cluster; the grain '{key}' pinned to it cannot be placed.");
        }

        throw new ArgumentException($"The key '{key}' of a silo-pinned grain does not name a silo.");
    }
}

/// <summary>The grain: stateless; it hands each chunk to the silo's <see cref="ChunkExecutor"/> and returns its outcome.</summary>
[SiloPinnedPlacement]
internal sealed class ChunkWorkerGrain : Grain, IChunkWorkerGrain
{
    private readonly ChunkExecutor _executor;

    public ChunkWorkerGrain(ChunkExecutor executor) => _executor = executor;

    public Task<ChunkOutcome> RunChunkAsync(ChunkWork work, CancellationToken cancellationToken = default) =>
        _executor.RunAsync(work, cancellationToken);

    public Task<SiloInfo> GetSiloInfoAsync() => Task.FromResult(_executor.Info);

    public Task<bool[]> HoldsAsync(long[] callIds) => Task.FromResult(_executor.Holds(callIds));
}
