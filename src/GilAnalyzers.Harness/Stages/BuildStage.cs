using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using GilAnalyzers.Harness.Building;
using GilAnalyzers.Harness.Cli;
using GilAnalyzers.Harness.Inputs;

namespace GilAnalyzers.Harness.Stages;

/// <summary>
/// The build stage: BEFORE and AFTER (bench) or BEFORE alone (diagnose) built in Release, a BEFORE that does not build
/// reported as bad input and an AFTER that does not build as a broken fix, and the program each build made.
/// </summary>
public static class BuildStage
{
    /// <summary>Both copies in one MSBuild invocation, or each through the build cache (--build-cache).</summary>
    public static async Task<(BuildResult Before, BuildResult After)> BuildBothAsync(Workbench bench, string solution, BenchOptions options, StepRunner steps, CancellationToken cancellationToken)
    {
        var (before, after) = await steps.RunAsync("building BEFORE and AFTER (Release)", async () =>
        {
            if (options.BuildCache is null)
            {
                IReadOnlyList<BuildResult> both = await DotnetBuilder.BuildTogetherAsync(solution, new[] { bench.BeforeProject, bench.AfterProject }, restore: false, cancellationToken).ConfigureAwait(false);
                return (both[0], both[1]);
            }

            // The build cache keys each copy on its own: one after the other when both copies would build the same
            // referenced project (its obj folder cannot be shared by two concurrent builds).
            bool parallel = !File.ReadAllText(bench.BeforeProject).Contains("<ProjectReference", StringComparison.OrdinalIgnoreCase);
            Task<BuildResult> b = BuildCache.BuildAsync(bench.BeforeProject, options.BuildCache, cancellationToken);
            if (!parallel)
            {
                await b.ConfigureAwait(false);
            }

            Task<BuildResult> a = BuildCache.BuildAsync(bench.AfterProject, options.BuildCache, cancellationToken);
            return (await b.ConfigureAwait(false), await a.ConfigureAwait(false));
        }).ConfigureAwait(false);
        ThrowIfBeforeFailed(before, bench);
        ThrowIfAfterFailed(after, bench, options);
        return (before, after);
    }

    private static void ThrowIfAfterFailed(BuildResult after, Workbench bench, BenchOptions options)
    {
        if (!after.Succeeded)
        {
            throw new HarnessException(ExitCodes.UserCodeFailed,
                (options.After is null ? "AFTER (the fixed code) does not build — a bug in a code fix, please report it:" : "the --after version does not build:")
                + Environment.NewLine + bench.Relativise(after.Errors));
        }
    }

    /// <summary>
    /// BEFORE as the restore step's MSBuild process built it (awaited: it ran while the fixes were made), checked like
    /// any BEFORE build.
    /// </summary>
    public static async Task<BuildResult> AwaitBeforeAsync(Task<BuildResult> beforeBuild, Workbench bench, StepRunner steps)
    {
        BuildResult before = await steps.RunAsync("building BEFORE (Release)", () => beforeBuild).ConfigureAwait(false);
        ThrowIfBeforeFailed(before, bench);
        return before;
    }

    /// <summary>
    /// AFTER once BEFORE is built: compiled in-process where that is provably what MSBuild would make
    /// (<see cref="InProcessAfterBuild"/>), otherwise built by MSBuild through the work solution (BEFORE is up to date
    /// there). The path taken and why are returned for the summary.
    /// </summary>
    public static async Task<(BuildResult After, AfterBuildPath Path)> BuildAfterAsync(
        Workbench bench, string solution, OpenedProject opened, BuildResult before, IReadOnlyDictionary<string, string> changed, BenchOptions options, StepRunner steps, CancellationToken cancellationToken)
    {
        var (compiled, path) = await steps.RunAsync("compiling AFTER in-process", () =>
            InProcessAfterBuild.CompileAfterAsync(opened.BeforeCheck ?? Task.FromResult(BeforeCheck.Refuse("BEFORE was not built by the restore step")), bench, opened.CommandLineFile, before, changed)).ConfigureAwait(false);
        if (compiled is not null)
        {
            return (compiled, path);
        }

        BuildResult after = (await steps.RunAsync("building AFTER (Release)", () =>
            DotnetBuilder.BuildTogetherAsync(solution, new[] { bench.BeforeProject, bench.AfterProject }, restore: false, cancellationToken)).ConfigureAwait(false))[1];
        ThrowIfAfterFailed(after, bench, options);
        return (after, path);
    }

    /// <summary>BEFORE alone, through the work solution (diagnose).</summary>
    public static async Task<BuildResult> BuildBeforeAsync(Workbench bench, string solution, StepRunner steps, CancellationToken cancellationToken)
    {
        BuildResult build = (await steps.RunAsync("building (Release)", () => DotnetBuilder.BuildTogetherAsync(solution, new[] { bench.BeforeProject }, restore: false, cancellationToken)).ConfigureAwait(false))[0];
        ThrowIfBeforeFailed(build, bench);
        return build;
    }

    private static void ThrowIfBeforeFailed(BuildResult before, Workbench bench)
    {
        if (!before.Succeeded)
        {
            throw new HarnessException(ExitCodes.BadUsage, "the input does not build:" + Environment.NewLine + bench.Relativise(before.Errors));
        }
    }

    /// <summary>The program a build put in <paramref name="outputDirectory"/>: the assembly named as the project's, or the one with a runtimeconfig.</summary>
    public static string FindProgram(string outputDirectory, Workbench bench, string? assemblyName)
    {
        string[] candidates =
        {
            assemblyName ?? "",
            Path.GetFileNameWithoutExtension(bench.ProjectFileName),
        };
        foreach (string name in candidates.Where(n => n.Length > 0))
        {
            if (File.Exists(Path.Combine(outputDirectory, name + ".runtimeconfig.json")) && File.Exists(Path.Combine(outputDirectory, name + ".dll")))
            {
                return Path.Combine(outputDirectory, name + ".dll");
            }
        }

        string[] configs = Directory.Exists(outputDirectory) ? Directory.GetFiles(outputDirectory, "*.runtimeconfig.json") : Array.Empty<string>();
        if (configs.Length == 1)
        {
            string dll = configs[0].Substring(0, configs[0].Length - ".runtimeconfig.json".Length) + ".dll";
            if (File.Exists(dll))
            {
                return dll;
            }
        }

        throw new HarnessException(ExitCodes.BadUsage, $"'{bench.ProjectFileName}' built no runnable program (is its OutputType Exe?)");
    }
}
