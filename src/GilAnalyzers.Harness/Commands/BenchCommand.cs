using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using GilAnalyzers.Harness.Building;
using GilAnalyzers.Harness.Cli;
using GilAnalyzers.Harness.Fixing;
using GilAnalyzers.Harness.Inputs;
using GilAnalyzers.Harness.Reporting;
using GilAnalyzers.Harness.Running;
using GilAnalyzers.Harness.Stages;
using Microsoft.CodeAnalysis;
using Spectre.Console;

namespace GilAnalyzers.Harness.Commands;

/// <summary>
/// `gil-bench &lt;input&gt;`: make AFTER (GilAnalyzers' fixes, or --after), show the diff, build BEFORE
/// and AFTER in Release, run them alternately in fresh processes under the measurement shim,
/// check the results are equal, and report the statistics.
/// </summary>
public sealed class BenchCommand
{
    private readonly IAnsiConsole _console;
    private readonly FixEngine _engine;

    public BenchCommand(IAnsiConsole console, FixEngine engine)
    {
        _console = console;
        _engine = engine;
    }

    /// <summary>The report of the last run (also when it ended with a non-zero exit code after measuring).</summary>
    public BenchReport? Report { get; private set; }

    /// <summary>AFTER's files (relative path → text), the fixes that made them, and the program's assembly name when the project was opened.</summary>
    private sealed record AfterFiles(Dictionary<string, string> Changed, IReadOnlyList<FixEntry> Fixes, IReadOnlyList<UnfixedDiagnostic> NotFixed, string? AssemblyName);

    public async Task<int> RunAsync(BenchOptions options, CancellationToken cancellationToken)
    {
        if (options.After is not null && !File.Exists(options.After) && !Directory.Exists(options.After))
        {
            throw new HarnessException(ExitCodes.BadUsage, $"--after '{options.After}' does not exist");
        }

        var steps = new StepRunner(_console, StepRunner.IsLive(_console));
        var timings = new HarnessTimings { LoadAverage = MachineLoad.LoadAverage() };
        CpuSnapshot? overheadStart = MachineLoad.Take();
        var clock = Stopwatch.StartNew();
        using Workbench bench = await steps.RunAsync("preparing work folders", () => Task.FromResult(Workbench.Create(options.Input))).ConfigureAwait(false);
        bench.Keep = options.Keep;
        // AFTER starts as a plain copy, so that one restore serves both copies; the fixed files are written over it later.
        bench.CreateAfter(new Dictionary<string, string>());
        string solution = DotnetBuilder.WriteSolution(new[] { bench.BeforeProject, bench.AfterProject }, bench.SolutionDir);
        timings.PrepareMs = clock.Elapsed.TotalMilliseconds;

        // 1. AFTER: the fixers' output, or the user's own version. Fixing, the restore step's MSBuild process goes on to
        // build BEFORE while the project is analysed and fixed here (two cores at work).
        clock.Restart();
        OpenedProject? opened = null;
        try
        {
            AfterFiles after;
            if (options.After is not null)
            {
                after = new AfterFiles(AfterVersion.Read(bench, options.After), Array.Empty<FixEntry>(), Array.Empty<UnfixedDiagnostic>(), null);
            }
            else
            {
                (after, opened) = await FixAsync(bench, solution, options, timings, steps, cancellationToken).ConfigureAwait(false);
            }

            timings.AnalyzeAndFixMs = clock.Elapsed.TotalMilliseconds;
            return await MeasureAsync(options, bench, solution, after, opened, timings, overheadStart, steps, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            // Stops BEFORE's build if it still runs (an early exit: nothing to fix, a failure).
            opened?.Dispose();
        }
    }

    private async Task<int> MeasureAsync(
        BenchOptions options, Workbench bench, string solution, AfterFiles after, OpenedProject? opened, HarnessTimings timings, CpuSnapshot? overheadStart, StepRunner steps, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();

        // 2. The diff, against BEFORE as built (for a single file, its text as the user wrote it).
        string diff = AfterVersion.Diff(bench, after.Changed);
        if (diff.Length == 0)
        {
            _console.MarkupLine(options.After is not null
                ? "[yellow]nothing to compare:[/] the --after version is identical to the input."
                : "[yellow]nothing to fix:[/] the fixes changed no file.");
            return ExitCodes.NothingToFix;
        }

        if (!options.NoDiff)
        {
            _console.WriteLine();
            _console.Write(new Text(diff));
            _console.WriteLine();
        }

        // 3. Build both in Release. BEFORE: by the restore step's MSBuild process if it did (awaited before AFTER's files are
        // written), then AFTER in-process where provably the same as MSBuild's build, else by MSBuild; otherwise one MSBuild
        // invocation over both copies (a shared reference built once).
        clock.Restart();
        BuildResult? beforeBuilt = opened?.BeforeBuild is { } building ? await BuildStage.AwaitBeforeAsync(building, bench, steps).ConfigureAwait(false) : null;
        double waitMs = clock.Elapsed.TotalMilliseconds;
        bench.WriteAfterFiles(after.Changed);
        await RestoreAfterIfNeededAsync(bench, solution, options, after.Changed, timings, steps, cancellationToken).ConfigureAwait(false);
        if (options.Keep)
        {
            _console.MarkupLine($"work folders kept: [blue]{Markup.Escape(bench.BeforeDir)}[/] and [blue]{Markup.Escape(bench.AfterDir)}[/]");
        }

        clock.Restart();
        BuildResult before;
        BuildResult afterBuild;
        if (beforeBuilt is not null && opened is not null)
        {
            before = beforeBuilt;
            AfterBuildPath path;
            (afterBuild, path) = await BuildStage.BuildAfterAsync(bench, solution, opened, before, after.Changed, options, steps, cancellationToken).ConfigureAwait(false);
            timings.AfterBuild = path.InProcess ? "in-process" : "msbuild";
            timings.AfterBuildNote = path.Note;
        }
        else
        {
            (before, afterBuild) = await BuildStage.BuildBothAsync(bench, solution, options, steps, cancellationToken).ConfigureAwait(false);
            timings.AfterBuild = "msbuild";
            timings.AfterBuildNote = "AFTER built by MSBuild with BEFORE: " + (options.After is not null ? "--after (no project was opened)" : "--build-cache");
        }

        timings.BuildMs = waitMs + clock.Elapsed.TotalMilliseconds;
        timings.BuildBeforeMs = before.Elapsed.TotalMilliseconds;
        timings.BuildAfterMs = afterBuild.Elapsed.TotalMilliseconds;
        string beforeDll = BuildStage.FindProgram(before.OutputDirectory, bench, after.AssemblyName);
        string afterDll = BuildStage.FindProgram(afterBuild.OutputDirectory, bench, after.AssemblyName);
        timings.OverheadCpuMs = MachineLoad.CpuMs(overheadStart, MachineLoad.Take());
        timings.CpuMsByStage = new Dictionary<string, double>(steps.CpuMsByStep, StringComparer.Ordinal);

        // 4. Runs, alternating, after warm-up.
        clock.Restart();
        double? loadAverageStart = MachineLoad.LoadAverage();
        List<RunMeasurement> runs = await RunStage.RunAllAsync(_console, steps.Live, options, beforeDll, afterDll, cancellationToken).ConfigureAwait(false);
        double? loadAverageEnd = MachineLoad.LoadAverage();
        timings.RunsMs = clock.Elapsed.TotalMilliseconds;

        // 5. Results, statistics and the report.
        var (verdict, difference) = CompareResults(runs, new ResultComparer(options.Tolerance, options.IgnoreLines));
        Report = CreateReport(options, bench, after, diff, runs, (verdict, difference), timings, (loadAverageStart, loadAverageEnd));
        ReportStage.WriteBench(_console, Report, options);
        return Conclude(verdict);
    }

    /// <summary>The fixes, and the opened project (the caller disposes it) whose restore step builds BEFORE meanwhile unless --build-cache builds it.</summary>
    private async Task<(AfterFiles After, OpenedProject Opened)> FixAsync(Workbench bench, string solution, BenchOptions options, HarnessTimings timings, StepRunner steps, CancellationToken cancellationToken)
    {
        OpenedProject opened = await OpenStage.RestoreAndOpenAsync(bench, solution, options.Input, steps, cancellationToken, buildBefore: options.BuildCache is null).ConfigureAwait(false);
        try
        {
            timings.RestoreMs = opened.RestoreMs;
            timings.OpenProjectMs = opened.OpenMs;
            Project project = opened.Project;
            FixOutcome outcome = await FixStage.ComputeAsync(_engine, project, options, steps, "analyzing and applying fixes", cancellationToken).ConfigureAwait(false);
            if (opened.GeneratedNothing is { } generatedNothing && await generatedNothing.ConfigureAwait(false) != true)
            {
                // The project's source generators produce code (or it is not known): the analysis must see it.
                (Workspace workspace, project) = ProjectLoader.OpenFromCommandLine(bench.BeforeProject, opened.CommandLine, withGenerators: true);
                opened.Adopt(workspace);
                timings.AnalysedTwice = true;
                outcome = await FixStage.ComputeAsync(_engine, project, options, steps, "analyzing and applying fixes with the project's source generators", cancellationToken).ConfigureAwait(false);
            }

            FixStageResult result = await FixStage.ConcludeAsync(_engine, outcome, project, bench, options, _console, cancellationToken).ConfigureAwait(false);
            return (new AfterFiles(result.Changed, result.Fixes, result.NotFixed, project.AssemblyName), opened);
        }
        catch
        {
            opened.Dispose();
            throw;
        }
    }

    /// <summary>
    /// A changed project, props, targets or NuGet file needs AFTER restored again; so does a run that never restored
    /// (--after). A restore of its own, with no build properties: restored with them, a referenced project would be
    /// restored (and then rebuilt) differently from the user's own build.
    /// </summary>
    private static async Task RestoreAfterIfNeededAsync(Workbench bench, string solution, BenchOptions options, Dictionary<string, string> changed, HarnessTimings timings, StepRunner steps, CancellationToken cancellationToken)
    {
        if (options.After is null
            && !changed.Keys.Any(f => Path.GetExtension(f).ToLowerInvariant() is ".csproj" or ".props" or ".targets" or ".config" or ".json"))
        {
            return;
        }

        var restoreClock = Stopwatch.StartNew();
        BuildResult restore = await steps.RunAsync("restoring", () => DotnetBuilder.RestoreSolutionAsync(solution, bench.BeforeProject, cancellationToken)).ConfigureAwait(false);
        timings.LateRestoreMs = restoreClock.Elapsed.TotalMilliseconds;
        if (!restore.Succeeded)
        {
            throw new HarnessException(ExitCodes.BadUsage, "the input does not restore:" + Environment.NewLine + bench.Relativise(restore.Errors));
        }
    }

    private static BenchReport CreateReport(
        BenchOptions options, Workbench bench, AfterFiles after, string diff, List<RunMeasurement> runs,
        (ResultVerdict Verdict, string? Difference) results, HarnessTimings timings, (double? Start, double? End) loadAverage)
    {
        var measuredBefore = runs.Where(r => !r.Warmup && r.Variant == Variant.Before).ToList();
        var measuredAfter = runs.Where(r => !r.Warmup && r.Variant == Variant.After).ToList();
        Speedup speedup = Statistics.Compare(measuredBefore.Select(r => r.WallMs).ToList(), measuredAfter.Select(r => r.WallMs).ToList());
        return new BenchReport
        {
            Input = Path.GetFullPath(options.Input),
            InputKind = bench.Kind == InputKind.Project ? "project" : "single-file",
            Entry = options.Entry,
            AfterSource = options.After is null ? "fixes" : "--after " + options.After,
            Rounds = options.Rounds,
            Warmup = options.Warmup,
            Fixes = after.Fixes,
            NotFixed = after.NotFixed,
            Diff = diff,
            Before = VariantStats.From(measuredBefore),
            After = VariantStats.From(measuredAfter),
            Speedup = SpeedupEntry.From(speedup),
            ResultsEqual = results.Verdict == ResultVerdict.Equal,
            ResultsComparable = results.Verdict != ResultVerdict.BeforeNotDeterministic,
            ResultDifference = results.Difference,
            ParallelFraction = Statistics.ParallelFraction(speedup.Median, Environment.ProcessorCount),
            Load = LoadEntry.From(measuredBefore.Concat(measuredAfter).ToList(), loadAverage.Start, loadAverage.End, Environment.ProcessorCount),
            Harness = timings,
            Runs = runs.Select(RunEntry.From).ToList(),
        };
    }

    /// <summary>The closing line and exit code of a run by its results' verdict.</summary>
    private int Conclude(ResultVerdict verdict)
    {
        switch (verdict)
        {
            case ResultVerdict.BeforeNotDeterministic:
                // The program's own output changes from run to run: nothing can be said about AFTER, so blame neither.
                _console.MarkupLine("[yellow bold]" + Markup.Escape(VerdictLine(verdict)) + "[/]");
                return ExitCodes.BadUsage;
            case ResultVerdict.AfterDiffers:
                _console.MarkupLine("[red bold]" + Markup.Escape(VerdictLine(verdict)) + "[/]");
                return ExitCodes.ResultsUnequal;
            default:
                return ExitCodes.Ok;
        }
    }

    /// <summary>The closing line of a run whose results are not equal.</summary>
    internal static string VerdictLine(ResultVerdict verdict) => verdict switch
    {
        ResultVerdict.BeforeNotDeterministic =>
            "BEFORE's own output changes from run to run, so BEFORE and AFTER could not be compared: the timings stand, the fix is neither confirmed nor blamed. Ignore the changing lines with --ignore-lines REGEX, or compare a return value with --entry.",
        ResultVerdict.AfterDiffers => "BEFORE and AFTER produce different results: the AFTER version is not a faithful rewrite.",
        _ => "",
    };

    internal static (ResultVerdict Verdict, string? Difference) CompareResults(IReadOnlyList<RunMeasurement> runs, ResultComparer comparer)
    {
        RunMeasurement reference = runs.First(r => r.Variant == Variant.Before);
        foreach (RunMeasurement r in runs.Where(r => r.Variant == Variant.Before))
        {
            if (comparer.Difference(reference.Result, r.Result) is { } d)
            {
                return (ResultVerdict.BeforeNotDeterministic,
                    $"BEFORE itself is not deterministic: {Label(reference)} and {Label(r)} differ at {d}");
            }
        }

        foreach (RunMeasurement r in runs.Where(r => r.Variant == Variant.After))
        {
            if (comparer.Difference(reference.Result, r.Result) is { } d)
            {
                return (ResultVerdict.AfterDiffers, $"{Label(r)} differs from BEFORE: {d}");
            }
        }

        return (ResultVerdict.Equal, null);

        static string Label(RunMeasurement m) => $"{(m.Variant == Variant.Before ? "BEFORE" : "AFTER")} {(m.Warmup ? "warm-up" : "round")} {m.Round}";
    }
}

/// <summary>How the results of BEFORE and AFTER compare.</summary>
internal enum ResultVerdict
{
    Equal,

    /// <summary>BEFORE's runs disagree among themselves: AFTER cannot be judged.</summary>
    BeforeNotDeterministic,

    /// <summary>BEFORE agrees with itself and AFTER differs from it.</summary>
    AfterDiffers,
}
