using System.Diagnostics;
using Microsoft.Build.Locator;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.MSBuild;

namespace GilAnalyzers.RealCode.Corpus;

/// <summary>What opening a project with its real references gave: a compilation, or why not (then the caller falls back).</summary>
public sealed record RestoredProject(Compilation? Compilation, AnalyzerOptions? AnalyzerOptions, string? Note)
{
    /// <summary>The project the compilation came from (its documents hold the compilation's trees): where fixers are asked.</summary>
    public Project? Project { get; init; }
}

/// <summary>
/// Compiles a project with its real references: <c>dotnet restore</c> (NuGet by package name, as on this machine), then
/// MSBuildWorkspace's design-time build. The project's own analyzers are not run; only GilAnalyzers' are.
/// </summary>
public static class RestoredProjects
{
    private static readonly TimeSpan RestoreTimeout = TimeSpan.FromMinutes(5);
    private static readonly object Gate = new();

    public static async Task<RestoredProject> TryOpenAsync(string projectFile, CancellationToken cancellationToken)
    {
        var restore = await RestoreAsync(projectFile, cancellationToken);
        if (restore is not null)
        {
            return new RestoredProject(null, null, restore);
        }

        lock (Gate)
        {
            if (!MSBuildLocator.IsRegistered && MSBuildLocator.CanRegister)
            {
                MSBuildLocator.RegisterDefaults();
            }
        }

        return await OpenAsync(projectFile, cancellationToken);
    }

    // Separate method: MSBuild-facing types load only after the locator registered the SDK's MSBuild.
    private static async Task<RestoredProject> OpenAsync(string projectFile, CancellationToken cancellationToken)
    {
        using var workspace = MSBuildWorkspace.Create(new Dictionary<string, string> { ["Configuration"] = "Release", ["RunAnalyzers"] = "false" });
        try
        {
            var project = await workspace.OpenProjectAsync(projectFile, cancellationToken: cancellationToken);

            // Multi-targeting opens the first target framework; prefer the newest .NET one.
            var candidates = workspace.CurrentSolution.Projects.Where(p => p.FilePath == projectFile).ToList();
            project = candidates.OrderByDescending(p => p.Name.Contains("(net", StringComparison.Ordinal) && !p.Name.Contains("(netstandard", StringComparison.Ordinal) && !p.Name.Contains("(net4", StringComparison.Ordinal))
                .ThenByDescending(p => p.Name, StringComparer.Ordinal)
                .FirstOrDefault() ?? project;
            if (project.MetadataReferences.Count == 0)
            {
                var failure = workspace.Diagnostics.FirstOrDefault(d => d.Kind == WorkspaceDiagnosticKind.Failure)?.Message ?? "no metadata references";
                return new RestoredProject(null, null, "design-time build gave no references: " + Trim(failure));
            }

            // Only GilAnalyzers runs: drop the project's own analyzers and generators' outputs stay in.
            project = project.WithAnalyzerReferences(Array.Empty<AnalyzerReference>());
            var compilation = await project.GetCompilationAsync(cancellationToken);
            return compilation is null
                ? new RestoredProject(null, null, "no compilation")
                : new RestoredProject(compilation, project.AnalyzerOptions, $"restored: {project.Name}, {project.MetadataReferences.Count} references") { Project = project };
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return new RestoredProject(null, null, "design-time build failed: " + Trim(e.Message));
        }
    }

    /// <summary>Null when the restore succeeded, else why not.</summary>
    private static async Task<string?> RestoreAsync(string projectFile, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetDirectoryName(projectFile)!,
        };
        foreach (var arg in new[] { "restore", projectFile, "--nologo", "-v", "q", "-p:NuGetAudit=false" })
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        using var process = Process.Start(start);
        if (process is null)
        {
            return "could not start dotnet restore";
        }

        var output = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var error = process.StandardError.ReadToEndAsync(cancellationToken);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(RestoreTimeout);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            if (cancellationToken.IsCancellationRequested)
            {
                throw;
            }

            return $"dotnet restore did not finish in {RestoreTimeout.TotalMinutes} minutes";
        }

        if (process.ExitCode == 0)
        {
            return null;
        }

        var text = (await output) + (await error);
        var firstError = text.Split('\n').FirstOrDefault(l => l.Contains("error", StringComparison.OrdinalIgnoreCase)) ?? text;
        return $"dotnet restore failed (exit {process.ExitCode}): {Trim(firstError)}";
    }

    private static string Trim(string text)
    {
        text = text.Trim().Replace('\n', ' ').Replace('|', '/');
        return text.Length > 200 ? text[..200] + "…" : text;
    }
}
