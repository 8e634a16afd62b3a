using System;
using System.Collections.Generic;
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

/// <summary>
/// BEFORE as a Roslyn project, with the workspace that holds it, the compiler command line it was made from, what the two
/// steps took and, when the restore step also builds BEFORE, that build (still running while the project is analysed).
/// Disposing it disposes the workspace and stops a build still running (its process tree is killed and awaited).
/// </summary>
public sealed class OpenedProject : IDisposable
{
    private readonly CancellationTokenSource? _buildCancellation;
    private readonly List<Workspace> _adopted = new();

    public OpenedProject(Workspace workspace, Project project, string commandLineFile, IReadOnlyList<string> commandLine, double restoreMs, double openMs, Task<BuildResult>? beforeBuild = null, CancellationTokenSource? buildCancellation = null, Task<BeforeCheck>? beforeCheck = null)
    {
        BeforeCheck = beforeCheck;
        Workspace = workspace;
        Project = project;
        CommandLineFile = commandLineFile;
        CommandLine = commandLine;
        RestoreMs = restoreMs;
        OpenMs = openMs;
        BeforeBuild = beforeBuild;
        _buildCancellation = buildCancellation;
    }

    public Workspace Workspace { get; }

    public Project Project { get; }

    /// <summary>The file of <see cref="CommandLine"/>; the restore step's other command lines are named after it (<see cref="DotnetBuilder.BuiltCommandLineFile"/>).</summary>
    public string CommandLineFile { get; }

    /// <summary>BEFORE's compiler command line, one argument a line, as MSBuild's Csc task gave it.</summary>
    public IReadOnlyList<string> CommandLine { get; }

    public double RestoreMs { get; }

    public double OpenMs { get; }

    /// <summary>BEFORE's Release build, started by the restore step's MSBuild process; null when that step did not build.</summary>
    public Task<BuildResult>? BeforeBuild { get; }

    /// <summary>BEFORE compiled again in-process once built and compared with MSBuild's build (<see cref="InProcessAfterBuild.VerifyBeforeAsync"/>).</summary>
    public Task<BeforeCheck>? BeforeCheck { get; }

    /// <summary>
    /// Set when the project was opened without its source generators (<see cref="ProjectLoader.OpenFromCommandLine"/>):
    /// whether they produce nothing for it, known once BEFORE is built (<see cref="InProcessAfterBuild.GeneratedNothingAsync"/>).
    /// Anything but true means the analysis must be made again with them.
    /// </summary>
    public Task<bool?>? GeneratedNothing { get; init; }

    /// <summary>Another workspace of the same project (opened again with its generators), disposed with this one.</summary>
    public void Adopt(Workspace workspace) => _adopted.Add(workspace);

    public void Dispose()
    {
        Workspace.Dispose();
        foreach (Workspace adopted in _adopted)
        {
            adopted.Dispose();
        }

        if (BeforeBuild is { IsCompleted: false } running)
        {
            _buildCancellation?.Cancel();
            try
            {
                running.GetAwaiter().GetResult();
            }
            catch (OperationCanceledException)
            {
            }
        }

        // Never leave the check compiling into folders about to be deleted (it ends on its own: one compile).
        BeforeCheck?.GetAwaiter().GetResult();

        _buildCancellation?.Dispose();
    }
}

/// <summary>
/// The restore/open stage of `bench` and `diagnose`: one MSBuild run restores the work solution and writes BEFORE's
/// compiler command line (<see cref="DotnetBuilder.RestoreAndDescribeAsync"/>), the project is made from it
/// (<see cref="ProjectLoader.OpenFromCommandLine"/>), and it must be an executable. With <c>buildBefore</c> the same
/// MSBuild run goes on to build BEFORE while the project is opened and analysed here: the step ends when the command
/// line is written, not when MSBuild exits.
/// </summary>
public static class OpenStage
{
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(20);

    public static async Task<OpenedProject> RestoreAndOpenAsync(Workbench bench, string solution, string input, StepRunner steps, CancellationToken cancellationToken, bool buildBefore = false)
    {
        var clock = Stopwatch.StartNew();
        string commandLineFile = Path.Combine(bench.SolutionDir, "before.csc.rsp");
        var buildCancellation = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        // Building BEFORE here, the same MSBuild run also describes AFTER (still a plain copy): AFTER may then be compiled in-process.
        Task<BuildResult> restoring = DotnetBuilder.RestoreAndDescribeAsync(solution, bench.BeforeProject, commandLineFile, buildBefore, buildCancellation.Token, buildBefore ? bench.AfterProject : null);
        // The restore step leaves a core free: the workspace's composition and the parser get ready meanwhile.
        _ = ProjectLoader.WarmUpAsync(bench.BeforeDir, buildCancellation.Token);
        try
        {
            await steps.RunAsync("restoring", async () =>
            {
                // Building BEFORE as well: on as soon as the command line is there. Otherwise the run must have succeeded.
                while (!restoring.IsCompleted && !(buildBefore && File.Exists(commandLineFile)))
                {
                    await Task.WhenAny(restoring, Task.Delay(Poll, cancellationToken)).ConfigureAwait(false);
                    cancellationToken.ThrowIfCancellationRequested();
                }

                return 0;
            }).ConfigureAwait(false);

            if (!File.Exists(commandLineFile) || (!buildBefore && !(await restoring.ConfigureAwait(false)).Succeeded))
            {
                BuildResult failed = await restoring.ConfigureAwait(false);
                throw new HarnessException(ExitCodes.BadUsage, "the input does not restore:" + Environment.NewLine + bench.Relativise(failed.Errors));
            }
        }
        catch
        {
            await StopAsync(restoring, buildCancellation).ConfigureAwait(false);
            throw;
        }

        double restoreMs = clock.Elapsed.TotalMilliseconds;
        clock.Restart();
        string[] commandLine = File.ReadAllLines(commandLineFile);
        OpenedProject opened;
        try
        {
            // Building BEFORE here tells soon whether the project's source generators produce anything: analyse without
            // them meanwhile (they cost the most JIT of all), and again with them only if they do.
            var (workspace, project) = await steps.RunAsync("opening the project", () => Task.FromResult(ProjectLoader.OpenFromCommandLine(bench.BeforeProject, commandLine, withGenerators: !buildBefore))).ConfigureAwait(false);
            opened = buildBefore
                ? new OpenedProject(workspace, project, commandLineFile, commandLine, restoreMs, clock.Elapsed.TotalMilliseconds, restoring, buildCancellation,
                    InProcessAfterBuild.VerifyBeforeAsync(restoring, bench, commandLineFile))
                {
                    GeneratedNothing = InProcessAfterBuild.GeneratedNothingAsync(restoring, bench, commandLineFile),
                }
                : new OpenedProject(workspace, project, commandLineFile, commandLine, restoreMs, clock.Elapsed.TotalMilliseconds);
        }
        catch
        {
            await StopAsync(restoring, buildCancellation).ConfigureAwait(false);
            throw;
        }

        if (!buildBefore)
        {
            buildCancellation.Dispose();
        }

        if (opened.Project.CompilationOptions?.OutputKind is not (OutputKind.ConsoleApplication or OutputKind.WindowsApplication))
        {
            opened.Dispose();
            throw new HarnessException(ExitCodes.BadUsage, $"'{input}' is not an executable project (OutputType Exe): gil-bench runs programs");
        }

        return opened;
    }

    /// <summary>Stops the restore step's MSBuild process if it still runs (its tree is killed) and waits for it.</summary>
    private static async Task StopAsync(Task<BuildResult> restoring, CancellationTokenSource cancellation)
    {
        if (!restoring.IsCompleted)
        {
            cancellation.Cancel();
        }

        try
        {
            await restoring.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }

        cancellation.Dispose();
    }
}
