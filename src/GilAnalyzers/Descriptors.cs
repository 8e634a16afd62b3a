using Microsoft.CodeAnalysis;

namespace GilAnalyzers
{
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

        public static readonly DiagnosticDescriptor ProcessGlobalStateUnderLock = Create(
            DiagnosticIds.ProcessGlobalStateUnderLock,
            title: "Lock guards process-global state around CPU-bound work; only processes can parallelise it",
            messageFormat: "Lock on '{0}' serialises CPU-bound work ({1}) inside {2}, and {3}: threads cannot share that state, so only worker processes (GilAnalyzers.Processes) can run it in parallel",
            description: "The locked computation itself depends on process-global state: static fields it both reads and "
                + "writes (scratch buffers, a static random generator, a cache), native code, or types configured as not "
                + "thread-safe. Narrowing the lock or per-thread accumulation would race. Separate processes each have their "
                + "own statics and their own copy of native libraries: move the work to a process pool.");

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
}
