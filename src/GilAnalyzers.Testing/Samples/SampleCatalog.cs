using GilAnalyzers.CodeFixes;

namespace GilAnalyzers.Testing;

/// <summary>
/// A sample program under samples/GIL00x.Name/: the rule it shows, the size the execution tests run its entry at
/// (<c>Sample.Run(int)</c>; <c>Sample.Run()</c> is the full size), and the code action its fix applies first.
/// <see cref="RunsInProcess"/> is false where the fixed program needs its own process (GIL006's worker processes load
/// the application from disk), so it cannot run in a collectible load context.
/// </summary>
public sealed record SampleInfo(string Name, string Rule, int TestSize, string PreferredFix, bool RunsInProcess = true)
{
    /// <summary>The entry method's full name without its arguments: every sample declares <c>Sample</c> in the global namespace (samples/README.md).</summary>
    public string Entry => "Sample.Run";

    public string SourcePath(string repositoryRoot) => Path.Combine(repositoryRoot, "samples", Name, "Program.cs");

    /// <summary>The sample's Program.cs in the repository the running code was built from.</summary>
    public string ReadSource() => File.ReadAllText(SourcePath(Repository.Root));
}

/// <summary>Every sample under samples/ (samples/README.md lists the same folders).</summary>
public static class SampleCatalog
{
    public static IReadOnlyList<SampleInfo> All { get; } = new[]
    {
        new SampleInfo("GIL001.LockedMonteCarloPi", DiagnosticIds.SharedLockAroundCpuWork, 200, SharedLockAroundCpuWorkFixer.ThreadLocalKey),
        new SampleInfo("GIL001.LockedMandelbrotRows", DiagnosticIds.SharedLockAroundCpuWork, 200, SharedLockAroundCpuWorkFixer.MoveOutOfLockKey),
        new SampleInfo("GIL001.SemaphoreHashChain", DiagnosticIds.SharedLockAroundCpuWork, 40, SharedLockAroundCpuWorkFixer.ThreadLocalKey),
        new SampleInfo("GIL001.TaskRunFanOutPrimeCount", DiagnosticIds.SharedLockAroundCpuWork, 250_003, SharedLockAroundCpuWorkFixer.MoveOutOfLockKey),
        new SampleInfo("GIL002.SynchronizedParticleSimulation", DiagnosticIds.SynchronizedCpuMethod, 150, SynchronizedCpuMethodFixer.NarrowLockKey),
        new SampleInfo("GIL003.CallerSlicePartialSlots", DiagnosticIds.RawThreadsCpuLoop, 3_001, RawThreadsCpuLoopFixer.ParallelForRangeKey),
        new SampleInfo("GIL003.ThreadArraySumOfSquares", DiagnosticIds.RawThreadsCpuLoop, 2_000_003, RawThreadsCpuLoopFixer.ParallelForPartitionsKey),
        new SampleInfo("GIL003.TwoThreadFibonacci", DiagnosticIds.RawThreadsCpuLoop, 24, RawThreadsCpuLoopFixer.ParallelInvokeKey),
        new SampleInfo("GIL003.UnevenTriangularSplit", DiagnosticIds.RawThreadsCpuLoop, 3_001, RawThreadsCpuLoopFixer.ParallelForRangeKey),
        new SampleInfo("GIL004.ThreadPoolMatrixMultiply", DiagnosticIds.HandRolledPoolFanOut, 61, HandRolledPoolFanOutFixer.ParallelForKey),
        new SampleInfo("GIL005.AsyncLambdaFuzzyMatch", DiagnosticIds.SequentialAsyncCpuWork, 12, SequentialAsyncCpuWorkFixer.TaskRunKey),
        new SampleInfo("GIL005.WhenAllCrc", DiagnosticIds.SequentialAsyncCpuWork, 5, SequentialAsyncCpuWorkFixer.TaskRunKey),
        new SampleInfo("GIL006.IndexDrivenKnapsack", DiagnosticIds.ProcessGlobalStateUnderLock, 6, ProcessGlobalStateUnderLockFixer.ProcessPoolKey, RunsInProcess: false),
        new SampleInfo("GIL006.LegacyCodec", DiagnosticIds.ProcessGlobalStateUnderLock, 6, ProcessGlobalStateUnderLockFixer.ProcessPoolKey, RunsInProcess: false),
    };

    public static SampleInfo Named(string name) =>
        All.SingleOrDefault(s => string.Equals(s.Name, name, StringComparison.Ordinal))
        ?? throw new ArgumentException($"No sample named '{name}'; known: {string.Join(", ", All.Select(s => s.Name))}", nameof(name));
}
