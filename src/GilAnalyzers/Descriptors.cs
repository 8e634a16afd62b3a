using Microsoft.CodeAnalysis;

namespace GilAnalyzers;

/// <summary>
/// The one catalogue of GilAnalyzers diagnostics. Every descriptor is built by <see cref="Create"/>,
/// which sets the help link, the category and the default severity.
/// </summary>
public static class Descriptors
{
    /// <summary>Rule pages live in the repository under docs/rules/{ID}.md.</summary>
    public const string HelpLinkBase = "https://github.com/gilanalyzers/gilanalyzers/blob/main/docs/rules/";

    public static readonly DiagnosticDescriptor SharedLockAroundCpuWork = Create(
        DiagnosticIds.SharedLockAroundCpuWork,
        title: "Shared lock serialises CPU-bound work",
        messageFormat: "Lock on '{0}' serialises CPU-bound work ({1}) inside {2}; only one core can run it at a time",
        description: "A lock that every parallel worker takes around CPU-heavy work turns a parallel loop into a "
            + "sequential one: the workers queue for the lock and one core does the computing while the others wait. "
            + "Compute outside the lock and keep only the shared-state update inside it, or accumulate per thread "
            + "and merge once.");

    /// <summary>
    /// GIL001 for a lock inside a method that parallel code calls: found once the whole compilation is seen, so it
    /// is reported at compilation end (in the IDE: with full solution analysis).
    /// </summary>
    public static readonly DiagnosticDescriptor SharedLockAroundCpuWorkInCallee = Create(
        DiagnosticIds.SharedLockAroundCpuWork,
        title: SharedLockAroundCpuWork.Title.ToString(),
        messageFormat: SharedLockAroundCpuWork.MessageFormat.ToString(),
        description: SharedLockAroundCpuWork.Description.ToString(),
        customTags: WellKnownDiagnosticTags.CompilationEnd);

    public static readonly DiagnosticDescriptor SynchronizedCpuMethod = Create(
        DiagnosticIds.SynchronizedCpuMethod,
        title: "Synchronized method does CPU-bound work",
        messageFormat: "'{0}' is [MethodImpl(MethodImplOptions.Synchronized)] and does CPU-bound work ({1}); every call locks {2}, so only one thread can run it at a time",
        description: "MethodImplOptions.Synchronized wraps the whole method in a lock on the instance (or on the type for "
            + "a static method). When the method computes, every other caller waits: the program runs on one core. "
            + "Remove the attribute and lock only the statements that touch shared state, or drop it if the method "
            + "touches none.");

    /// <summary>GIL002 for a synchronized method that parallel code calls on one shared object: found at compilation end.</summary>
    public static readonly DiagnosticDescriptor SynchronizedCpuMethodReached = Create(
        DiagnosticIds.SynchronizedCpuMethod,
        title: SynchronizedCpuMethod.Title.ToString(),
        messageFormat: SynchronizedCpuMethod.MessageFormat.ToString(),
        description: SynchronizedCpuMethod.Description.ToString(),
        customTags: WellKnownDiagnosticTags.CompilationEnd);

    public static readonly DiagnosticDescriptor RawThreadsCpuLoop = Create(
        DiagnosticIds.RawThreadsCpuLoop,
        title: "Raw threads run a CPU-bound loop",
        messageFormat: "{0} threads are created, started and joined by hand to run CPU-bound work ({1}); {2} lets the thread pool schedule and balance it across the cores",
        description: "Hand-made threads that split CPU-bound work into fixed partitions pay a thread creation each, "
            + "cannot rebalance when one partition is slower than the others, and oversubscribe the machine when "
            + "the count does not match its cores. Parallel.For / Parallel.Invoke run the same work on the thread pool "
            + "with dynamic partitioning. Note: an exception in the work then surfaces as an AggregateException from "
            + "Parallel.* instead of crashing the process.");

    public static readonly DiagnosticDescriptor HandRolledPoolFanOut = Create(
        DiagnosticIds.HandRolledPoolFanOut,
        title: "Hand-rolled thread-pool fan-out of CPU-bound work",
        messageFormat: "{0} work items are fanned out with {1} to run CPU-bound work ({2}); Parallel.For (Parallel.Invoke for a fixed set) does the same fan-out, join and exception propagation for you",
        description: "Queuing CPU-bound work items by hand and joining them with a CountdownEvent, an array of events or "
            + "LongRunning tasks re-implements Parallel.For without its dynamic partitioning, its exception "
            + "propagation and its cheap join. LongRunning tasks even get a dedicated thread each.");

    public static readonly DiagnosticDescriptor SequentialAsyncCpuWork = Create(
        DiagnosticIds.SequentialAsyncCpuWork,
        title: "CPU-bound async work awaited together runs sequentially",
        messageFormat: "Task.{0} over {1} to '{2}' runs them one after another: '{2}' does CPU-bound work ({3}) before its first await that can yield; wrap each call in Task.Run",
        description: "An async method runs synchronously on the caller's thread until its first await that actually yields. "
            + "If it computes before that point, creating several of its tasks computes them one after another, and "
            + "Task.WhenAll / Task.WaitAll only waits for work that is already done. Starting each call with Task.Run "
            + "runs the computations on the thread pool in parallel.");

    public static readonly DiagnosticDescriptor ProcessGlobalStateUnderLock = Create(
        DiagnosticIds.ProcessGlobalStateUnderLock,
        title: "Lock guards process-global state around CPU-bound work; only processes can parallelise it",
        messageFormat: "Lock on '{0}' serialises CPU-bound work ({1}) inside {2}, and {3}: threads cannot share that state, so only worker processes (GilAnalyzers.Processes) can run it in parallel",
        description: "The locked computation itself depends on process-global state: static fields it both reads and "
            + "writes (scratch buffers, a static random generator, a cache), native code, or types configured as not "
            + "thread-safe. Narrowing the lock or per-thread accumulation would race. Separate processes each have their "
            + "own statics and their own copy of native libraries: move the work to a process pool.");

    /// <summary>
    /// GIL006 for a process-wide lock inside a method that parallel code calls (reported with GIL001's callee sites, at
    /// compilation end).
    /// </summary>
    public static readonly DiagnosticDescriptor ProcessGlobalStateUnderLockInCallee = Create(
        DiagnosticIds.ProcessGlobalStateUnderLock,
        title: ProcessGlobalStateUnderLock.Title.ToString(),
        messageFormat: ProcessGlobalStateUnderLock.MessageFormat.ToString(),
        description: ProcessGlobalStateUnderLock.Description.ToString(),
        customTags: WellKnownDiagnosticTags.CompilationEnd);

    internal static string HelpLink(string id) => HelpLinkBase + id + ".md";

#pragma warning disable RS0030 // This is the one sanctioned place that constructs descriptors.
    private static DiagnosticDescriptor Create(
        string id,
        string title,
        string messageFormat,
        string description,
        DiagnosticSeverity defaultSeverity = DiagnosticSeverity.Warning,
        string category = DiagnosticCategories.Performance,
        params string[] customTags)
        => new DiagnosticDescriptor(
            id,
            title,
            messageFormat,
            category,
            defaultSeverity,
            isEnabledByDefault: true,
            description: description,
            helpLinkUri: HelpLink(id),
            customTags: customTags);
#pragma warning restore RS0030
}
