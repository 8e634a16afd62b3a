using System;
using System.Collections.Generic;
using System.IO;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using GilAnalyzers.Testing.Processes;

namespace GilAnalyzers.Harness.Running;

public enum Variant
{
    Before,
    After,
}

public enum RunFailure
{
    None,
    Threw,
    NonZeroExit,
    TimedOut,
    EntryNotFound,
    NoMeasurement,
}

/// <summary>One run of one variant, measured inside the child by the startup-hook shim.</summary>
public sealed record RunMeasurement(
    Variant Variant,
    int Round,
    bool Warmup,
    double WallMs,
    double CpuMs,
    double ChildCpuMs,
    long LockContentions,
    long WorkItems,
    long AllocatedBytes,
    string? Result,
    RunFailure Failure,
    string? FailureMessage,
    int ExitCode)
{
    /// <summary>Own CPU plus the CPU of processes the program started.</summary>
    public double TotalCpuMs => CpuMs + ChildCpuMs;

    public double EffectiveCores => WallMs > 0 ? TotalCpuMs / WallMs : 0;

    /// <summary>Cores other processes of the machine used during this run (MachineLoad); null where not measurable.</summary>
    public double? OthersCores { get; init; }
}

/// <summary>Starts one built program under the measurement shim and reads what it measured.</summary>
public sealed class ProgramRunner
{
    public const int EntryFailedExitCode = 213;
    public const int EntryNotFoundExitCode = 214;

    private readonly string _hookPath;

    public ProgramRunner(string? hookPath = null)
    {
        _hookPath = hookPath ?? Path.Combine(AppContext.BaseDirectory, "GilAnalyzers.Harness.StartupHook.dll");
        if (!File.Exists(_hookPath))
        {
            throw new Cli.HarnessException(Cli.ExitCodes.InternalError, $"the measurement shim is missing: {_hookPath}");
        }
    }

    public async Task<RunMeasurement> RunAsync(
        Variant variant,
        int round,
        bool warmup,
        string assemblyPath,
        string? entry,
        IReadOnlyList<string> programArgs,
        TimeSpan timeout,
        CancellationToken cancellationToken,
        IReadOnlyDictionary<string, string?>? extraEnvironment = null,
        Action<System.Diagnostics.Process>? onStarted = null)
    {
        string outFile = Path.Combine(Path.GetTempPath(), "gil-bench-run-" + Guid.NewGuid().ToString("N") + ".json");
        var env = new Dictionary<string, string?>
        {
            ["DOTNET_STARTUP_HOOKS"] = _hookPath,
            ["GILBENCH_OUT"] = outFile,
            ["GILBENCH_ENTRY"] = string.IsNullOrEmpty(entry) ? null : entry,
            ["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1",
        };
        foreach (var (key, value) in extraEnvironment ?? new Dictionary<string, string?>())
        {
            env[key] = value;
        }

        var args = new List<string> { assemblyPath };
        args.AddRange(programArgs);
        try
        {
            CpuSnapshot? start = MachineLoad.Take();
            ProcessResult process = await ProcessRunner.RunAsync(
                DotNetCli.DotNetPath, args, Path.GetDirectoryName(assemblyPath)!, env, timeout, cancellationToken, onStarted).ConfigureAwait(false);
            CpuSnapshot? end = MachineLoad.Take();
            RunMeasurement measured = Interpret(variant, round, warmup, entry, process, outFile, timeout);
            return measured with { OthersCores = MachineLoad.OthersCores(start, end, measured.TotalCpuMs) };
        }
        finally
        {
            try
            {
                File.Delete(outFile);
            }
            catch (IOException)
            {
            }
        }
    }

    private static RunMeasurement Interpret(Variant variant, int round, bool warmup, string? entry, ProcessResult process, string outFile, TimeSpan timeout)
    {
        RunMeasurement Failed(RunFailure failure, string message) =>
            new(variant, round, warmup, process.Elapsed.TotalMilliseconds, 0, 0, 0, 0, 0, null, failure, message, process.ExitCode);

        if (process.TimedOut)
        {
            return Failed(RunFailure.TimedOut, $"did not finish within {timeout.TotalSeconds:0.#} s; its process tree (pid {process.ProcessId}) was killed");
        }

        JsonElement? shim = null;
        if (File.Exists(outFile))
        {
            try
            {
                using var doc = JsonDocument.Parse(File.ReadAllText(outFile));
                shim = doc.RootElement.Clone();
            }
            catch (JsonException)
            {
                shim = null;
            }
        }

        string? error = shim is { } s && s.TryGetProperty("error", out var e) ? e.GetString() : null;
        string? errorKind = shim is { } s2 && s2.TryGetProperty("errorKind", out var k) ? k.GetString() : null;
        if (errorKind == "entry" || process.ExitCode == EntryNotFoundExitCode && entry is not null)
        {
            return Failed(RunFailure.EntryNotFound, error ?? "the --entry method was not found");
        }

        if (error is not null)
        {
            return Failed(RunFailure.Threw, "threw " + error);
        }

        if (process.ExitCode != 0)
        {
            string detail = FirstLines(process.StandardError, 3);
            return Failed(RunFailure.NonZeroExit, $"exited with code {process.ExitCode}" + (detail.Length > 0 ? ": " + detail : ""));
        }

        if (shim is not { } m)
        {
            return Failed(RunFailure.NoMeasurement,
                "ran, but the measurement shim reported nothing (is DOTNET_STARTUP_HOOKS disabled for this program, e.g. by trimming or StartupHookSupport=false?)");
        }

        string? result = entry is null
            ? process.StandardOutput
            : m.TryGetProperty("result", out var r) ? r.GetRawText() : "null";
        return new RunMeasurement(
            variant, round, warmup,
            m.GetProperty("wallMs").GetDouble(),
            m.GetProperty("cpuMs").GetDouble(),
            m.GetProperty("childCpuMs").GetDouble(),
            m.GetProperty("lockContentions").GetInt64(),
            m.GetProperty("workItems").GetInt64(),
            m.GetProperty("allocatedBytes").GetInt64(),
            result,
            RunFailure.None,
            null,
            0);
    }

    private static string FirstLines(string text, int count)
    {
        var lines = new List<string>();
        foreach (string line in text.Split('\n'))
        {
            string t = line.TrimEnd('\r');
            if (t.Length == 0)
            {
                continue;
            }

            lines.Add(t.Trim());
            if (lines.Count == count)
            {
                break;
            }
        }

        return string.Join(" | ", lines);
    }
}
