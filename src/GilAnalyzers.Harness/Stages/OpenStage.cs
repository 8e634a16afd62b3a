using System;
using System.Diagnostics;
using System.IO;
using System.Threading;
using System.Threading.Tasks;
using GilAnalyzers.Harness.Building;
using GilAnalyzers.Harness.Cli;
using GilAnalyzers.Harness.Fixing;
using GilAnalyzers.Harness.Inputs;
using Microsoft.CodeAnalysis;

namespace GilAnalyzers.Harness.Stages;

/// <summary>BEFORE as a Roslyn project, with the workspace that holds it (disposed with it) and what the two steps took.</summary>
public sealed class OpenedProject : IDisposable
{
    public OpenedProject(Workspace workspace, Project project, double restoreMs, double openMs)
    {
        Workspace = workspace;
        Project = project;
        RestoreMs = restoreMs;
        OpenMs = openMs;
    }

    public Workspace Workspace { get; }

    public Project Project { get; }

    public double RestoreMs { get; }

    public double OpenMs { get; }

    public void Dispose() => Workspace.Dispose();
}

/// <summary>
/// The restore/open stage of `bench` and `diagnose`: one MSBuild run restores the work solution and writes BEFORE's
/// compiler command line (<see cref="DotnetBuilder.RestoreAndDescribeAsync"/>), the project is made from it
/// (<see cref="ProjectLoader.OpenFromCommandLine"/>), and it must be an executable.
/// </summary>
public static class OpenStage
{
    public static async Task<OpenedProject> RestoreAndOpenAsync(Workbench bench, string solution, string input, StepRunner steps, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        string commandLineFile = Path.Combine(bench.SolutionDir, "before.csc.rsp");
        BuildResult restore = await steps.RunAsync("restoring", () => DotnetBuilder.RestoreAndDescribeAsync(solution, bench.BeforeProject, commandLineFile, cancellationToken)).ConfigureAwait(false);
        if (!restore.Succeeded || !File.Exists(commandLineFile))
        {
            throw new HarnessException(ExitCodes.BadUsage, "the input does not restore:" + Environment.NewLine + bench.Relativise(restore.Errors));
        }

        double restoreMs = clock.Elapsed.TotalMilliseconds;
        clock.Restart();
        var (workspace, project) = await steps.RunAsync("opening the project", () => Task.FromResult(ProjectLoader.OpenFromCommandLine(bench.BeforeProject, File.ReadAllLines(commandLineFile)))).ConfigureAwait(false);
        var opened = new OpenedProject(workspace, project, restoreMs, clock.Elapsed.TotalMilliseconds);
        if (project.CompilationOptions?.OutputKind is not (OutputKind.ConsoleApplication or OutputKind.WindowsApplication))
        {
            opened.Dispose();
            throw new HarnessException(ExitCodes.BadUsage, $"'{input}' is not an executable project (OutputType Exe): gil-bench runs programs");
        }

        return opened;
    }
}
