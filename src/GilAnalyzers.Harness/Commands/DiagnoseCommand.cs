using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using GilAnalyzers.Harness.Building;
using GilAnalyzers.Harness.Cli;
using GilAnalyzers.Harness.Diagnosing;
using GilAnalyzers.Harness.Fixing;
using GilAnalyzers.Harness.Inputs;
using GilAnalyzers.Harness.Reporting;
using GilAnalyzers.Harness.Running;
using GilAnalyzers.Harness.Stages;
using Microsoft.CodeAnalysis;
using Spectre.Console;

namespace GilAnalyzers.Harness.Commands;

/// <summary>
/// `gil-bench diagnose &lt;input&gt;`: build the program as it is, run it once under the measurement
/// shim with an EventPipe session on the runtime's contention events and a /proc CPU sampler,
/// then report the core-usage timeline, the contended locks with their source lines, and how they
/// match GilAnalyzers' diagnostics on the same code.
/// </summary>
public sealed class DiagnoseCommand
{
    public const string Usage = """
        Usage: gil-bench diagnose [<input>] [options] [-- program arguments]

          Builds the program (no fix), runs it once and shows where it is serialised: cores busy over
          time, contended locks with file:line, and which of them GilAnalyzers' rules report.
          <input> as for the bench (a .csproj, an app.cs, a folder); default: the current folder.

          --entry NS.Type.Method   run this static parameterless method instead of Main
          --timeout SECONDS        the run is killed past this (default 120)
          --json FILE              the full report as JSON
          --markdown FILE          the contended sites as Markdown
          --chart FILE.svg|.png    the effective-cores timeline
          --plain-run              also run the program once without tracing, to show the overhead
          --keep                   keep the build folder (its path is printed)

        Exit codes: 0 ok, 1 internal error, 2 bad usage or input (also: diagnostics disabled),
                    5 user code failed (threw, non-zero exit, timed out)
        """;

    private readonly IAnsiConsole _console;
    private readonly FixEngine _engine;

    public DiagnoseCommand(IAnsiConsole console, FixEngine engine)
    {
        _console = console;
        _engine = engine;
    }

    public DiagnoseReport? Report { get; private set; }

    /// <summary>The diagnosed run, with the trace recorder and the CPU sampler that watched it.</summary>
    private sealed record TracedRun(RunMeasurement Run, ContentionRecorder Recorder, CpuTimeline Timeline);

    public async Task<int> RunAsync(IReadOnlyList<string> args, CancellationToken cancellationToken)
    {
        int dashDash = args.ToList().IndexOf("--");
        int ownCount = dashDash < 0 ? args.Count : dashDash;
        if (ownCount == 0 && !Workbench.HoldsInput(Environment.CurrentDirectory))
        {
            _console.WriteLine(Usage);
            return ExitCodes.BadUsage;
        }

        DiagnoseOptions? options = DiagnoseOptions.Parse(args);
        if (options is null)
        {
            _console.WriteLine(Usage);
            return ExitCodes.Ok;
        }

        return await RunAsync(options, cancellationToken).ConfigureAwait(false);
    }

    public async Task<int> RunAsync(DiagnoseOptions options, CancellationToken cancellationToken)
    {
        if (ContentionRecorder.DisabledBy() is { } switchOff)
        {
            throw new HarnessException(ExitCodes.BadUsage,
                $"the .NET runtime's diagnostics are turned off in this environment ({switchOff}): diagnose needs them to record lock contention over EventPipe. Unset it and run again.");
        }

        var steps = new StepRunner(_console, live: false);
        var timings = new DiagnoseTimings();
        var clock = Stopwatch.StartNew();
        using Workbench bench = await steps.RunAsync("preparing the work folder", () => Task.FromResult(Workbench.Create(options.Input))).ConfigureAwait(false);
        bench.Keep = options.Keep;
        timings.PrepareMs = clock.Elapsed.TotalMilliseconds;
        if (options.Keep)
        {
            _console.MarkupLine($"work folder kept: [blue]{Markup.Escape(bench.BeforeDir)}[/]");
        }

        string Display(string full) => bench.DisplayName(Path.GetRelativePath(bench.BeforeDir, full));
        // The one-project solution the build goes through (analyzer-only project references dropped, as for the bench).
        string solution = DotnetBuilder.WriteSolution(new[] { bench.BeforeProject }, bench.SolutionDir);

        // 1. The analyzers over the program as it is.
        clock.Restart();
        var (findings, assemblyName) = await AnalyzeAsync(bench, solution, options, Display, steps, cancellationToken).ConfigureAwait(false);
        timings.AnalyzeMs = clock.Elapsed.TotalMilliseconds;

        // 2. One Release build.
        clock.Restart();
        BuildResult build = await BuildStage.BuildBeforeAsync(bench, solution, steps, cancellationToken).ConfigureAwait(false);
        timings.BuildMs = clock.Elapsed.TotalMilliseconds;
        string dll = BuildStage.FindProgram(build.OutputDirectory, bench, assemblyName);
        var runner = new ProgramRunner();
        RunMeasurement? plain = null;
        if (options.PlainRun)
        {
            plain = await steps.RunAsync("running the program once without tracing", () =>
                runner.RunAsync(Variant.Before, 0, true, dll, options.Entry, options.ProgramArgs, TimeSpan.FromSeconds(options.TimeoutSeconds), cancellationToken)).ConfigureAwait(false);
            RunStage.ThrowIfFailed(plain, "the plain run");
        }

        return await TraceAndReportAsync(runner, dll, plain, findings, Display, bench, options, timings, steps, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Steps 3 and 4: the diagnosed run, its trace read and joined with the diagnostics, and the report.</summary>
    private async Task<int> TraceAndReportAsync(
        ProgramRunner runner, string dll, RunMeasurement? plain, List<StaticFinding> findings, Func<string, string> display,
        Workbench bench, DiagnoseOptions options, DiagnoseTimings timings, StepRunner steps, CancellationToken cancellationToken)
    {
        // 3. The diagnosed run.
        var clock = Stopwatch.StartNew();
        string traceDir = Path.Combine(Path.GetTempPath(), "gil-bench-diagnose-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(traceDir);
        try
        {
            string tracePath = Path.Combine(traceDir, "run.nettrace");
            TracedRun traced = await RunTracedAsync(runner, dll, tracePath, options, steps, cancellationToken).ConfigureAwait(false);
            timings.RunMs = clock.Elapsed.TotalMilliseconds;
            if (traced.Recorder.KilledProcess)
            {
                throw new HarnessException(ExitCodes.BadUsage, traced.Recorder.Problem ?? "the runtime's diagnostics could not be reached");
            }

            RunStage.ThrowIfFailed(traced.Run, "the diagnosed run");

            // 4. Contention sites from the trace, joined with the diagnostics.
            clock.Restart();
            ContentionSection contention = await ReadTraceAsync(traced.Recorder, tracePath, findings, display, steps).ConfigureAwait(false);
            timings.TraceAnalysisMs = clock.Elapsed.TotalMilliseconds;
            Report = CreateReport(options, bench, traced, plain, contention, findings, timings);
            ReportStage.WriteDiagnose(_console, Report, options);
            if (!contention.Recorded)
            {
                _console.MarkupLine("[red]error:[/] " + Markup.Escape(contention.Problem ?? ""));
                return ExitCodes.BadUsage;
            }

            return ExitCodes.Ok;
        }
        finally
        {
            try
            {
                Directory.Delete(traceDir, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }

    private async Task<(List<StaticFinding>, string?)> AnalyzeAsync(Workbench bench, string solution, DiagnoseOptions options, Func<string, string> display, StepRunner steps, CancellationToken cancellationToken)
    {
        using OpenedProject opened = await OpenStage.RestoreAndOpenAsync(bench, solution, options.Input, steps, cancellationToken).ConfigureAwait(false);
        List<StaticFinding> findings = await steps.RunAsync("running GilAnalyzers", () => StaticJoin.AnalyzeAsync(_engine, opened.Project, display, cancellationToken)).ConfigureAwait(false);
        _console.MarkupLine(Markup.Escape($"analyzers: {findings.Count} diagnostic(s): " + string.Join(", ", findings.Select(f => $"{f.Id} at {f.File}:{f.Line}"))));
        return (findings, opened.Project.AssemblyName);
    }

    /// <summary>The program run once under an EventPipe session (contention events) and a /proc CPU sampler of its process tree.</summary>
    private static async Task<TracedRun> RunTracedAsync(ProgramRunner runner, string dll, string tracePath, DiagnoseOptions options, StepRunner steps, CancellationToken cancellationToken)
    {
        var recorder = new ContentionRecorder(tracePath);
        var timeline = new CpuTimeline();
        using var samplingStop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        Task recording = Task.CompletedTask;
        Task sampling = Task.CompletedTask;
        RunMeasurement run = await steps.RunAsync("running the program under tracing", () =>
            runner.RunAsync(Variant.Before, 1, false, dll, options.Entry, options.ProgramArgs, TimeSpan.FromSeconds(options.TimeoutSeconds), cancellationToken,
                ContentionRecorder.Environment,
                process =>
                {
                    // The id is read here, while the runner holds the process: a program that ends at once (an exception
                    // in its first line) can be gone, and its Process object disposed, before the tasks below start.
                    int pid = process.Id;
                    recording = Task.Run(() => recorder.RecordAsync(process, pid, cancellationToken), CancellationToken.None);
                    sampling = Task.Run(async () =>
                    {
                        await recorder.Attached.ConfigureAwait(false);
                        await timeline.SampleAsync(pid, TimeSpan.FromMilliseconds(50), samplingStop.Token).ConfigureAwait(false);
                    }, CancellationToken.None);
                })).ConfigureAwait(false);
        samplingStop.Cancel();
        await Task.WhenAll(recording, sampling).ConfigureAwait(false);
        return new TracedRun(run, recorder, timeline);
    }

    private static async Task<ContentionSection> ReadTraceAsync(ContentionRecorder recorder, string tracePath, List<StaticFinding> findings, Func<string, string> display, StepRunner steps)
    {
        var contention = new ContentionSection { Recorded = recorder.Problem is null && File.Exists(tracePath), Problem = recorder.Problem };
        if (!contention.Recorded)
        {
            contention.Problem ??= "the trace file was not written";
            return contention;
        }

        ContentionAnalysis.Result result = await steps.RunAsync("reading the trace", () => Task.FromResult(ContentionAnalysis.Analyze(tracePath, display))).ConfigureAwait(false);
        contention.Sites = result.Sites;
        contention.Events = result.Events;
        contention.EventsWithoutUserFrame = result.EventsWithoutUserFrame;
        StaticJoin.Join(result.Sites, findings);
        return contention;
    }

    private static DiagnoseReport CreateReport(
        DiagnoseOptions options, Workbench bench, TracedRun traced, RunMeasurement? plain, ContentionSection contention, List<StaticFinding> findings, DiagnoseTimings timings)
    {
        RunMeasurement run = traced.Run;
        // A run that ends before the sampler's first 50 ms interval (a fast program, or a sampler started late on a
        // loaded machine) leaves no samples: the run's own CPU over its wall time is then the one point.
        IReadOnlyList<TimelinePoint> points = traced.Timeline.Points.Count > 0 || run.WallMs <= 0
            ? traced.Timeline.Points
            : [new TimelinePoint(Math.Round(run.WallMs, 1), Math.Round(run.TotalCpuMs / run.WallMs, 3))];
        OverheadEntry? overhead = plain is null
            ? null
            : new OverheadEntry(plain.WallMs, run.WallMs, plain.WallMs > 0 ? Math.Round(run.WallMs / plain.WallMs, 3) : 0, plain.TotalCpuMs, run.TotalCpuMs);
        return new DiagnoseReport
        {
            Input = Path.GetFullPath(options.Input),
            InputKind = bench.Kind == InputKind.Project ? "project" : "single-file",
            Entry = options.Entry,
            Run = RunEntry.From(run),
            Timeline = points,
            MeanEffectiveCores = Math.Round(CpuTimeline.Mean(points), 3),
            ShareBelowThreshold = Math.Round(CpuTimeline.ShareBelow(points, 1.2), 3),
            Contention = contention,
            Diagnostics = findings,
            Uncovered = ContentionAnalysis.Uncovered(contention.Sites),
            NotExercised = DiagnoseReport.NotExercisedOf(findings, contention.Recorded),
            NotLockRules = findings.Where(f => !f.LockRule).ToList(),
            Overhead = overhead,
            Harness = timings,
        };
    }
}
