using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using GilAnalyzers.Harness.Cli;
using Microsoft.Build.Locator;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.MSBuild;

namespace GilAnalyzers.Harness.Fixing;

/// <summary>
/// Makes the Roslyn project the analyzers and fixes work on: from the compiler's command line that gil-bench's restore
/// step wrote (<see cref="OpenFromCommandLine"/>), or by opening a .csproj with MSBuildWorkspace (MSBuild found through
/// MSBuildLocator; a design-time build in a build host process of its own).
/// </summary>
public static class ProjectLoader
{
    private static readonly object Gate = new();

    /// <summary>Must run before any MSBuild type is touched; safe to call more than once.</summary>
    public static void EnsureMsBuildRegistered()
    {
        lock (Gate)
        {
            if (!MSBuildLocator.IsRegistered && MSBuildLocator.CanRegister)
            {
                try
                {
                    MSBuildLocator.RegisterDefaults();
                }
                catch (InvalidOperationException ex)
                {
                    throw new HarnessException(ExitCodes.BadUsage, "no .NET SDK with MSBuild was found: " + ex.Message);
                }
            }
        }
    }

    /// <summary>Loading a project runs MSBuild's design-time build in a helper process; it gets this long.</summary>
    public static readonly TimeSpan OpenTimeout = TimeSpan.FromMinutes(10);

    public static async Task<(MSBuildWorkspace Workspace, Project Project, IReadOnlyList<string> Warnings)> OpenAsync(string projectPath, CancellationToken cancellationToken, IReadOnlyDictionary<string, string>? properties = null)
    {
        EnsureMsBuildRegistered();
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(OpenTimeout);
        try
        {
            return await OpenCoreAsync(projectPath, properties, timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new HarnessException(ExitCodes.BadUsage, $"opening '{projectPath}' did not finish within {OpenTimeout.TotalMinutes} minutes");
        }
    }

    /// <summary>
    /// The project a compiler command line describes (one argument a line, as MSBuild's Csc task gives it: sources,
    /// references, analyzers and generators, analyzer config files, options), in an in-memory workspace, with the
    /// .csproj as its file path (fixes name files relative to it). The same facts MSBuildWorkspace gets from its
    /// design-time build, without its build host.
    /// </summary>
    public static (Workspace Workspace, Project Project) OpenFromCommandLine(string projectPath, IReadOnlyList<string> commandLine)
    {
        var workspace = new AdhocWorkspace();
        try
        {
            ProjectInfo info = CommandLineProject.CreateProjectInfo(
                Path.GetFileNameWithoutExtension(projectPath), LanguageNames.CSharp, commandLine, Path.GetDirectoryName(projectPath)!, workspace);
            Project project = workspace.AddProject(info.WithFilePath(projectPath));
            return (workspace, project);
        }
        catch
        {
            workspace.Dispose();
            throw;
        }
    }

    // Separate method so the MSBuild-facing types load only after registration.
    private static async Task<(MSBuildWorkspace, Project, IReadOnlyList<string>)> OpenCoreAsync(string projectPath, IReadOnlyDictionary<string, string>? extra, CancellationToken cancellationToken)
    {
        var properties = new Dictionary<string, string> { ["Configuration"] = "Release" };
        foreach (var (key, value) in extra ?? new Dictionary<string, string>())
        {
            properties[key] = value;
        }

        MSBuildWorkspace workspace = MSBuildWorkspace.Create(properties);
        try
        {
            Project project = await workspace.OpenProjectAsync(projectPath, cancellationToken: cancellationToken).ConfigureAwait(false);
            var warnings = workspace.Diagnostics
                .Where(d => d.Kind == WorkspaceDiagnosticKind.Failure)
                .Select(d => d.Message)
                .Distinct()
                .ToList();
            if (project.Language != LanguageNames.CSharp)
            {
                throw new HarnessException(ExitCodes.BadUsage, $"'{projectPath}' is a {project.Language} project: gil-bench handles C# only");
            }

            return (workspace, project, warnings);
        }
        catch (Exception ex)
        {
            // Disposing stops MSBuildWorkspace's build host process.
            workspace.Dispose();
            if (ex is HarnessException or OperationCanceledException)
            {
                throw;
            }

            throw new HarnessException(ExitCodes.BadUsage, $"could not open '{projectPath}': {ex.Message}");
        }
    }
}
