namespace GilAnalyzers.Harness.Cli;

/// <summary>gil-bench's exit codes (documented in docs/harness.md).</summary>
public static class ExitCodes
{
    /// <summary>Ran, fixed, measured; results equal.</summary>
    public const int Ok = 0;

    /// <summary>The harness itself failed (a bug): please report it.</summary>
    public const int InternalError = 1;

    /// <summary>Bad command line or input (file missing, project does not build, entry not found).</summary>
    public const int BadUsage = 2;

    /// <summary>The analyzers found nothing that a code fix could change.</summary>
    public const int NothingToFix = 3;

    /// <summary>BEFORE and AFTER produced different results.</summary>
    public const int ResultsUnequal = 4;

    /// <summary>User code failed: threw, exited non-zero, timed out, or AFTER does not build.</summary>
    public const int UserCodeFailed = 5;
}

/// <summary>An expected failure with a message for the user and an exit code; never shown as a stack trace.</summary>
public sealed class HarnessException : System.Exception
{
    public HarnessException(int exitCode, string message)
        : base(message)
    {
        ExitCode = exitCode;
    }

    public int ExitCode { get; }
}
