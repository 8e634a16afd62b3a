namespace GilAnalyzers;

/// <summary>The fixed rule identifiers. New rules take GIL010 onwards.</summary>
public static class DiagnosticIds
{
    public const string SharedLockAroundCpuWork = "GIL001";
    public const string SynchronizedCpuMethod = "GIL002";
    public const string RawThreadsCpuLoop = "GIL003";
    public const string HandRolledPoolFanOut = "GIL004";
    public const string SequentialAsyncCpuWork = "GIL005";
    public const string ProcessGlobalStateUnderLock = "GIL006";
}
