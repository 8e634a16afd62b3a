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

    private static readonly HashSet<string> BenchOnly = new(StringComparer.Ordinal)
    {
        "--fix", "--fixers", "--after", "--rounds", "--warmup", "--tolerance", "--ignore-lines", "--max-fixes", "--no-diff", "--build-cache",
    };

    private readonly IAnsiConsole _console;
    private readonly FixEngine _engine;

    public DiagnoseCommand(IAnsiConsole console, FixEngine engine)
    {
        _console = console;
        _engine = engine;
    }

    public DiagnoseReport? Report { get; private set; }

    public async Task<int> RunAsync(IReadOnlyList<string> args, CancellationToken cancellationToken)
    {
        int dashDash = args.ToList().IndexOf("--");
        var own = dashDash < 0 ? args.ToList() : args.Take(dashDash).ToList();
        if (own.Count == 0 && !Workbench.HoldsInput(Environment.CurrentDirectory))
        {
            _console.WriteLine(Usage);
            return ExitCodes.BadUsage;
        }

        if (own.FirstOrDefault(BenchOnly.Contains) is { } wrong)
        {
            throw new HarnessException(ExitCodes.BadUsage, $"{wrong} is an option of the bench, not of diagnose (see gil-bench diagnose --help)");
        }

        bool plainRun = own.Remove("--plain-run");
        var rest = own.Concat(dashDash < 0 ? Enumerable.Empty<string>() : args.Skip(dashDash)).ToList();
        BenchOptions? options = BenchOptions.Parse(rest);
        if (options is null)
        {
            _console.WriteLine(Usage);
            return ExitCodes.Ok;
        }

        if (ContentionRecorder.DisabledBy() is { } switchOff)
        {
            throw new HarnessException(ExitCodes.BadUsage,
                $"the .NET runtime's diagnostics are turned off in this environment ({switchOff}): diagnose needs them to record lock contention over EventPipe. Unset it and run again.");
        }

        var timings = new DiagnoseTimings();
        var clock = Stopwatch.StartNew();
        using Workbench bench = await Step("preparing the work folder", () => Task.FromResult(Workbench.Create(options.Input))).ConfigureAwait(false);
        bench.Keep = options.Keep;
        timings.PrepareMs = clock.Elapsed.TotalMilliseconds;
        if (options.Keep)
        {
            _console.MarkupLine($"work folder kept: [blue]{Markup.Escape(bench.BeforeDir)}[/]");
        }

        string Display(string full) => bench.DisplayName(Path.GetRelativePath(bench.BeforeDir, full));

        // 1. The analyzers over the program as it is.
        clock.Restart();
        var (findings, assemblyName) = await AnalyzeAsync(bench, options, Display, cancellationToken).ConfigureAwait(false);
        timings.AnalyzeMs = clock.Elapsed.TotalMilliseconds;

        // 2. One Release build.
        clock.Restart();
        BuildResult build = (await Step("building (Release)", () => DotnetBuilder.BuildTogetherAsync(Solution(bench), new[] { bench.BeforeProject }, restore: false, cancellationToken)).ConfigureAwait(false))[0];
        timings.BuildMs = clock.Elapsed.TotalMilliseconds;
        if (!build.Succeeded)
        {
            throw new HarnessException(ExitCodes.BadUsage, "the input does not build:" + Environment.NewLine + BenchCommand.Relativise(build.Errors, bench));
        }

        string dll = BenchCommand.FindProgram(build.OutputDirectory, bench, assemblyName);
        var runner = new ProgramRunner();
        var timeout = TimeSpan.FromSeconds(options.TimeoutSeconds);

        OverheadEntry? overhead = null;
        double plainWall = 0, plainCpu = 0;
        if (plainRun)
        {
            RunMeasurement plain = await Step("running the program once without tracing", () =>
                runner.RunAsync(Variant.Before, 0, true, dll, options.Entry, options.ProgramArgs, timeout, cancellationToken)).ConfigureAwait(false);
            Fail(plain, "the plain run");
            plainWall = plain.WallMs;
            plainCpu = plain.TotalCpuMs;
        }

        // 3. The diagnosed run.
        clock.Restart();
        string traceDir = Path.Combine(Path.GetTempPath(), "gil-bench-diagnose-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(traceDir);
        try
        {
            string tracePath = Path.Combine(traceDir, "run.nettrace");
            var recorder = new ContentionRecorder(tracePath);
            var timeline = new CpuTimeline();
            using var samplingStop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            Task recording = Task.CompletedTask;
            Task sampling = Task.CompletedTask;
            RunMeasurement run = await Step("running the program under tracing", () =>
                runner.RunAsync(Variant.Before, 1, false, dll, options.Entry, options.ProgramArgs, timeout, cancellationToken,
                    ContentionRecorder.Environment,
                    process =>
                    {
                        recording = Task.Run(() => recorder.RecordAsync(process, cancellationToken), CancellationToken.None);
                        sampling = Task.Run(async () =>
                        {
                            await recorder.Attached.ConfigureAwait(false);
                            await timeline.SampleAsync(process, TimeSpan.FromMilliseconds(50), samplingStop.Token).ConfigureAwait(false);
                        }, CancellationToken.None);
                    })).ConfigureAwait(false);
            samplingStop.Cancel();
            await Task.WhenAll(recording, sampling).ConfigureAwait(false);
            timings.RunMs = clock.Elapsed.TotalMilliseconds;
            if (recorder.KilledProcess)
            {
                throw new HarnessException(ExitCodes.BadUsage, recorder.Problem ?? "the runtime's diagnostics could not be reached");
            }

            Fail(run, "the diagnosed run");
            if (plainRun)
            {
                overhead = new OverheadEntry(plainWall, run.WallMs, plainWall > 0 ? Math.Round(run.WallMs / plainWall, 3) : 0, plainCpu, run.TotalCpuMs);
            }

            // 4. Contention sites from the trace, joined with the diagnostics.
            clock.Restart();
            var contention = new ContentionSection { Recorded = recorder.Problem is null && File.Exists(tracePath), Problem = recorder.Problem };
            if (contention.Recorded)
            {
                ContentionAnalysis.Result result = await Step("reading the trace", () => Task.FromResult(ContentionAnalysis.Analyze(tracePath, Display))).ConfigureAwait(false);
                contention.Sites = result.Sites;
                contention.Events = result.Events;
                contention.EventsWithoutUserFrame = result.EventsWithoutUserFrame;
                StaticJoin.Join(result.Sites, findings);
            }
            else
            {
                contention.Problem ??= "the trace file was not written";
            }

            timings.TraceAnalysisMs = clock.Elapsed.TotalMilliseconds;
            // A run that ends before the sampler's first 50 ms interval (a fast program, or a sampler started late on a
            // loaded machine) leaves no samples: the run's own CPU over its wall time is then the one point.
            IReadOnlyList<TimelinePoint> points = timeline.Points.Count > 0 || run.WallMs <= 0
                ? timeline.Points
                : [new TimelinePoint(Math.Round(run.WallMs, 1), Math.Round(run.TotalCpuMs / run.WallMs, 3))];
            var report = new DiagnoseReport
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
            Report = report;
            _console.WriteLine();
            DiagnoseWriters.WriteConsole(_console, report);
            if (options.JsonPath is not null)
            {
                ReportWriters.WriteFile(options.JsonPath, DiagnoseWriters.Json(report));
            }

            if (options.MarkdownPath is not null)
            {
                ReportWriters.WriteFile(options.MarkdownPath, DiagnoseWriters.Markdown(report));
            }

            if (options.ChartPath is not null)
            {
                DiagnoseWriters.Chart(options.ChartPath, report);
            }

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

    private static void Fail(RunMeasurement m, string label)
    {
        if (m.Failure != RunFailure.None)
        {
            int code = m.Failure == RunFailure.EntryNotFound ? ExitCodes.BadUsage : ExitCodes.UserCodeFailed;
            throw new HarnessException(code, $"{label}: the program {m.FailureMessage}");
        }
    }

    private async Task<(List<StaticFinding>, string?)> AnalyzeAsync(Workbench bench, BenchOptions options, Func<string, string> display, CancellationToken cancellationToken)
    {
        string commandLineFile = Path.Combine(bench.SolutionDir, "before.csc.rsp");
        BuildResult restore = await Step("restoring", () => DotnetBuilder.RestoreAndDescribeAsync(Solution(bench), bench.BeforeProject, commandLineFile, cancellationToken)).ConfigureAwait(false);
        if (!restore.Succeeded || !File.Exists(commandLineFile))
        {
            throw new HarnessException(ExitCodes.BadUsage, "the input does not restore:" + Environment.NewLine + BenchCommand.Relativise(restore.Errors, bench));
        }

        var (workspace, project) = await Step("opening the project", () => Task.FromResult(ProjectLoader.OpenFromCommandLine(bench.BeforeProject, File.ReadAllLines(commandLineFile)))).ConfigureAwait(false);
        using Workspace _ = workspace;
        if (project.CompilationOptions?.OutputKind is not (OutputKind.ConsoleApplication or OutputKind.WindowsApplication))
        {
            throw new HarnessException(ExitCodes.BadUsage, $"'{options.Input}' is not an executable project (OutputType Exe): gil-bench runs programs");
        }

        List<StaticFinding> findings = await Step("running GilAnalyzers", () => StaticJoin.AnalyzeAsync(_engine, project, display, cancellationToken)).ConfigureAwait(false);
        _console.MarkupLine(Markup.Escape($"analyzers: {findings.Count} diagnostic(s): " + string.Join(", ", findings.Select(f => $"{f.Id} at {f.File}:{f.Line}"))));
        return (findings, project.AssemblyName);
    }

    /// <summary>The one-project solution the build goes through (analyzer-only project references dropped, as for the bench).</summary>
    private static string Solution(Workbench bench) => Path.Combine(bench.SolutionDir, "gil-bench.slnx") is { } path && File.Exists(path)
        ? path
        : DotnetBuilder.WriteSolution(new[] { bench.BeforeProject }, bench.SolutionDir);

    private async Task<T> Step<T>(string title, Func<Task<T>> work)
    {
        _console.MarkupLine(Markup.Escape("» " + title));
        return await work().ConfigureAwait(false);
    }
}
