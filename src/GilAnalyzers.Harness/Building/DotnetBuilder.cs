using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using GilAnalyzers.Harness.Running;

namespace GilAnalyzers.Harness.Building;

public sealed record BuildResult(bool Succeeded, string OutputDirectory, string Log, TimeSpan Elapsed)
{
    /// <summary>The error lines of the build log, or its tail when it has none.</summary>
    public string Errors
    {
        get
        {
            var lines = Log.Split('\n').Select(l => l.TrimEnd('\r'));
            var errors = lines.Where(l => l.Contains(": error ", StringComparison.Ordinal)).Distinct().Take(15).ToList();
            return errors.Count > 0 ? string.Join(Environment.NewLine, errors) : string.Join(Environment.NewLine, lines.TakeLast(15));
        }
    }
}

/// <summary>
/// `dotnet restore` / `dotnet build -c Release` of a work folder. No node reuse and no shared
/// compiler server, so the build leaves no process behind; analyzers off and warnings not errors,
/// since only the produced code matters for timing; startup hooks allowed for the measurement shim.
/// </summary>
public static class DotnetBuilder
{
    private static readonly TimeSpan BuildTimeout = TimeSpan.FromMinutes(10);

    private static readonly string[] CommonProperties =
    {
        "-nologo",
        "-nodeReuse:false",
        "-p:UseSharedCompilation=false",
    };

    private static IReadOnlyDictionary<string, string?> Environment => new Dictionary<string, string?>
    {
        ["MSBUILDDISABLENODEREUSE"] = "1",
        ["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1",
        ["DOTNET_NOLOGO"] = "1",
        ["DOTNET_SKIP_FIRST_TIME_EXPERIENCE"] = "1",
        // Never let the harness's own measurement variables leak into a build.
        ["DOTNET_STARTUP_HOOKS"] = null,
        ["GILBENCH_OUT"] = null,
        ["GILBENCH_ENTRY"] = null,
    };

    public static async Task<BuildResult> RestoreAsync(string projectPath, CancellationToken cancellationToken)
    {
        var args = new List<string> { "restore", projectPath, "-v:q" };
        args.AddRange(CommonProperties);
        return await RunAsync(args, projectPath, outputDirectory: "", cancellationToken).ConfigureAwait(false);
    }

    public static async Task<BuildResult> BuildAsync(string projectPath, CancellationToken cancellationToken)
    {
        string output = Path.Combine(Path.GetDirectoryName(projectPath)!, "bin", "gil-bench");
        var args = new List<string>
        {
            "build", projectPath, "-c", "Release", "-o", output, "-v:q",
            "-p:TreatWarningsAsErrors=false",
            "-p:RunAnalyzers=false",
            "-p:StartupHookSupport=true",
            "-p:UseAppHost=false",
            "-p:GenerateDocumentationFile=false",
            // Real source paths in the PDB: `diagnose` maps contended IL offsets to file:line and joins them with the
            // analyzers' diagnostics. A CI build (ContinuousIntegrationBuild) would otherwise map them to "/_/".
            "-p:DeterministicSourcePaths=false",
            "-p:ContinuousIntegrationBuild=false",
        };
        args.AddRange(CommonProperties);
        return await RunAsync(args, projectPath, output, cancellationToken).ConfigureAwait(false);
    }

    private static async Task<BuildResult> RunAsync(List<string> args, string projectPath, string outputDirectory, CancellationToken cancellationToken)
    {
        var stopwatch = Stopwatch.StartNew();
        ProcessResult result = await ProcessRunner.RunAsync(
            ProcessRunner.DotnetHost, args, Path.GetDirectoryName(projectPath)!, Environment, BuildTimeout, cancellationToken).ConfigureAwait(false);
        string log = result.StandardOutput + result.StandardError;
        if (result.TimedOut)
        {
            log += $"\nerror: the build did not finish within {BuildTimeout.TotalMinutes} minutes and was stopped";
        }

        return new BuildResult(result.ExitCode == 0 && !result.TimedOut, outputDirectory, log, stopwatch.Elapsed);
    }
}
