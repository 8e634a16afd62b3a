using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using GilAnalyzers.Harness.Building;
using GilAnalyzers.Harness.Cli;
using GilAnalyzers.Harness.Fixing;
using GilAnalyzers.Harness.Inputs;
using GilAnalyzers.Harness.Reporting;
using GilAnalyzers.Harness.Running;
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
    private readonly bool _live;
    private readonly Dictionary<string, double> _stageCpu = new(StringComparer.Ordinal);

    public BenchCommand(IAnsiConsole console, FixEngine engine)
    {
        _console = console;
        _engine = engine;
        _live = console.Profile.Capabilities.Interactive && console.Profile.Capabilities.Ansi;
    }

    /// <summary>The report of the last run (also when it ended with a non-zero exit code after measuring).</summary>
    public BenchReport? Report { get; private set; }

    public async Task<int> RunAsync(BenchOptions options, CancellationToken cancellationToken)
    {
        if (options.After is not null && !File.Exists(options.After) && !Directory.Exists(options.After))
        {
            throw new HarnessException(ExitCodes.BadUsage, $"--after '{options.After}' does not exist");
        }

        var timings = new HarnessTimings { LoadAverage = MachineLoad.LoadAverage() };
        CpuSnapshot? overheadStart = MachineLoad.Take();
        var clock = Stopwatch.StartNew();
        using Workbench bench = await Step("preparing work folders", () => Task.FromResult(Workbench.Create(options.Input))).ConfigureAwait(false);
        bench.Keep = options.Keep;
        // AFTER starts as a plain copy, so that one restore serves both copies; the fixed files are written over it later.
        bench.CreateAfter(new Dictionary<string, string>());
        string[] projects = { bench.BeforeProject, bench.AfterProject };
        string solution = DotnetBuilder.WriteSolution(projects, bench.SolutionDir);
        timings.PrepareMs = clock.Elapsed.TotalMilliseconds;

        // 1. AFTER: the fixers' output, or the user's own version.
        clock.Restart();
        IReadOnlyList<FixEntry> fixes = Array.Empty<FixEntry>();
        IReadOnlyList<UnfixedDiagnostic> notFixed = Array.Empty<UnfixedDiagnostic>();
        Dictionary<string, string> changed;
        string? assemblyName = null;
        if (options.After is not null)
        {
            changed = ReadAfter(bench, options.After);
        }
        else
        {
            (changed, fixes, notFixed, assemblyName) = await FixAsync(bench, solution, options, timings, cancellationToken).ConfigureAwait(false);
        }

        timings.AnalyzeAndFixMs = clock.Elapsed.TotalMilliseconds;

        // 2. The diff, against BEFORE as built (for a single file, its text as the user wrote it).
        string diff = Diff(bench, changed);
        if (diff.Length == 0)
        {
            if (options.After is not null)
            {
                _console.MarkupLine("[yellow]nothing to compare:[/] the --after version is identical to the input.");
                return ExitCodes.NothingToFix;
            }

            _console.MarkupLine("[yellow]nothing to fix:[/] the fixes changed no file.");
            return ExitCodes.NothingToFix;
        }

        if (!options.NoDiff)
        {
            _console.WriteLine();
            _console.Write(new Text(diff));
            _console.WriteLine();
        }

        bench.WriteAfterFiles(changed);
        // A changed project, props, targets or NuGet file needs AFTER restored again; so does a run that never restored (--after).
        // A restore of its own, with no build properties: restored with them, a referenced project would be restored
        // (and then rebuilt) differently from the user's own build.
        if (options.After is not null
            || changed.Keys.Any(f => Path.GetExtension(f).ToLowerInvariant() is ".csproj" or ".props" or ".targets" or ".config" or ".json"))
        {
            var restoreClock = Stopwatch.StartNew();
            BuildResult restore = await Step("restoring", () => DotnetBuilder.RestoreSolutionAsync(solution, bench.BeforeProject, cancellationToken)).ConfigureAwait(false);
            timings.LateRestoreMs = restoreClock.Elapsed.TotalMilliseconds;
            if (!restore.Succeeded)
            {
                throw new HarnessException(ExitCodes.BadUsage, "the input does not restore:" + Environment.NewLine + Relativise(restore.Errors, bench));
            }
        }

        if (options.Keep)
        {
            _console.MarkupLine($"work folders kept: [blue]{Markup.Escape(bench.BeforeDir)}[/] and [blue]{Markup.Escape(bench.AfterDir)}[/]");
        }

        // 3. Build both in Release: one MSBuild invocation over both copies (parallel, a shared reference built once).
        clock.Restart();
        var (before, after) = await Step("building BEFORE and AFTER (Release)", async () =>
        {
            if (options.BuildCache is null)
            {
                IReadOnlyList<BuildResult> both = await DotnetBuilder.BuildTogetherAsync(solution, projects, restore: false, cancellationToken).ConfigureAwait(false);
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
        timings.BuildMs = clock.Elapsed.TotalMilliseconds;
        timings.BuildBeforeMs = before.Elapsed.TotalMilliseconds;
        timings.BuildAfterMs = after.Elapsed.TotalMilliseconds;
        if (!before.Succeeded)
        {
            throw new HarnessException(ExitCodes.BadUsage, "the input does not build:" + Environment.NewLine + Relativise(before.Errors, bench));
        }

        if (!after.Succeeded)
        {
            throw new HarnessException(ExitCodes.UserCodeFailed,
                (options.After is null ? "AFTER (the fixed code) does not build — a bug in a code fix, please report it:" : "the --after version does not build:")
                + Environment.NewLine + Relativise(after.Errors, bench));
        }

        string beforeDll = FindProgram(before.OutputDirectory, bench, assemblyName);
        string afterDll = FindProgram(after.OutputDirectory, bench, assemblyName);
        timings.OverheadCpuMs = MachineLoad.CpuMs(overheadStart, MachineLoad.Take());
        timings.CpuMsByStage = new Dictionary<string, double>(_stageCpu, StringComparer.Ordinal);

        // 4. Runs, alternating, after warm-up.
        clock.Restart();
        double? loadAverageStart = MachineLoad.LoadAverage();
        List<RunMeasurement> runs = await RunAllAsync(options, beforeDll, afterDll, cancellationToken).ConfigureAwait(false);
        double? loadAverageEnd = MachineLoad.LoadAverage();
        timings.RunsMs = clock.Elapsed.TotalMilliseconds;

        // 5. Results and statistics.
        var comparer = new ResultComparer(options.Tolerance, options.IgnoreLines);
        var (verdict, difference) = CompareResults(runs, comparer);
        bool equal = verdict == ResultVerdict.Equal;
        var measuredBefore = runs.Where(r => !r.Warmup && r.Variant == Variant.Before).ToList();
        var measuredAfter = runs.Where(r => !r.Warmup && r.Variant == Variant.After).ToList();
        Speedup speedup = Statistics.Compare(measuredBefore.Select(r => r.WallMs).ToList(), measuredAfter.Select(r => r.WallMs).ToList());
        var report = new BenchReport
        {
            Input = Path.GetFullPath(options.Input),
            InputKind = bench.Kind == InputKind.Project ? "project" : "single-file",
            Entry = options.Entry,
            AfterSource = options.After is null ? "fixes" : "--after " + options.After,
            Rounds = options.Rounds,
            Warmup = options.Warmup,
            Fixes = fixes,
            NotFixed = notFixed,
            Diff = diff,
            Before = VariantStats.From(measuredBefore),
            After = VariantStats.From(measuredAfter),
            Speedup = SpeedupEntry.From(speedup),
            ResultsEqual = equal,
            ResultsComparable = verdict != ResultVerdict.BeforeNotDeterministic,
            ResultDifference = difference,
            ParallelFraction = Statistics.ParallelFraction(speedup.Median, Environment.ProcessorCount),
            Load = LoadEntry.From(measuredBefore.Concat(measuredAfter).ToList(), loadAverageStart, loadAverageEnd, Environment.ProcessorCount),
            Harness = timings,
            Runs = runs.Select(RunEntry.From).ToList(),
        };
        Report = report;

        _console.WriteLine();
        ReportWriters.WriteConsole(_console, report);
        if (options.JsonPath is not null)
        {
            ReportWriters.WriteFile(options.JsonPath, ReportWriters.Json(report));
        }

        if (options.MarkdownPath is not null)
        {
            ReportWriters.WriteFile(options.MarkdownPath, ReportWriters.Markdown(report));
        }

        if (options.ChartPath is not null)
        {
            ChartWriter.Write(options.ChartPath, report);
        }

        switch (verdict)
        {
            case ResultVerdict.BeforeNotDeterministic:
                // The program's own output changes from run to run: nothing can be said about AFTER, so blame neither.
                _console.MarkupLine("[yellow bold]" + Markup.Escape(VerdictLine(verdict)) + "[/]");
                return ExitCodes.BadUsage;
            case ResultVerdict.AfterDiffers:
                _console.MarkupLine("[red bold]" + Markup.Escape(VerdictLine(verdict)) + "[/]");
                return ExitCodes.ResultsUnequal;
        }

        return ExitCodes.Ok;
    }

    private async Task<(Dictionary<string, string>, IReadOnlyList<FixEntry>, IReadOnlyList<UnfixedDiagnostic>, string?)> FixAsync(
        Workbench bench, string solution, BenchOptions options, HarnessTimings timings, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        string commandLineFile = Path.Combine(bench.SolutionDir, "before.csc.rsp");
        BuildResult restore = await Step("restoring", () => DotnetBuilder.RestoreAndDescribeAsync(solution, bench.BeforeProject, commandLineFile, cancellationToken)).ConfigureAwait(false);
        if (!restore.Succeeded || !File.Exists(commandLineFile))
        {
            throw new HarnessException(ExitCodes.BadUsage, "the input does not restore:" + Environment.NewLine + Relativise(restore.Errors, bench));
        }

        timings.RestoreMs = clock.Elapsed.TotalMilliseconds;
        clock.Restart();
        var (workspace, project) = await Step("opening the project", () => Task.FromResult(ProjectLoader.OpenFromCommandLine(bench.BeforeProject, File.ReadAllLines(commandLineFile)))).ConfigureAwait(false);
        timings.OpenProjectMs = clock.Elapsed.TotalMilliseconds;
        using Workspace _ = workspace;

        if (project.CompilationOptions?.OutputKind is not (OutputKind.ConsoleApplication or OutputKind.WindowsApplication))
        {
            throw new HarnessException(ExitCodes.BadUsage, $"'{options.Input}' is not an executable project (OutputType Exe): gil-bench runs programs");
        }

        FixOutcome outcome = await Step("analyzing and applying fixes", () =>
            _engine.FixAsync(project, options.Fix, options.MaxFixes, progress: null, cancellationToken)).ConfigureAwait(false);

        var fixes = outcome.Fixes.Select(f => new FixEntry(f.Id, f.Action, f.EquivalenceKey, bench.DisplayName(f.File), f.Line)).ToList();
        var notFixed = outcome.Unfixed.Select(u => u with { File = bench.DisplayName(u.File) }).ToList();
        _console.MarkupLine($"analyzers: {outcome.DiagnosticsSeen} diagnostic(s) from {_engine.Analyzers.Length} analyzer(s); {_engine.Providers.Length} code fix provider(s)");
        foreach (FixEntry f in fixes)
        {
            _console.MarkupLine($"  [green]fixed[/] {f.Id} at {Markup.Escape(f.File)}:{f.Line}: {Markup.Escape(f.Action)}{(f.EquivalenceKey is null ? "" : " [grey](" + Markup.Escape(f.EquivalenceKey) + ")[/]")}");
        }

        foreach (UnfixedDiagnostic u in notFixed)
        {
            _console.MarkupLine($"  [yellow]not fixed[/] {u.Id} at {Markup.Escape(u.File)}:{u.Line}: {Markup.Escape(u.Reason)}");
        }

        if (fixes.Count == 0)
        {
            string why = outcome.DiagnosticsSeen == 0
                ? "GilAnalyzers report nothing in this program"
                : options.Fix.Count > 0 ? $"no fix matches --fix {string.Join(", ", options.Fix)}" : "no code fix applies to the diagnostics found";
            throw new HarnessException(ExitCodes.NothingToFix, "nothing to fix: " + why + ".");
        }

        var changed = new Dictionary<string, string>(StringComparer.Ordinal);
        Solution original = project.Solution;
        foreach (ProjectChanges projectChanges in outcome.Solution.GetChanges(original).GetProjectChanges())
        {
            Project newProject = projectChanges.NewProject;
            foreach (DocumentId id in projectChanges.GetChangedDocuments(onlyGetDocumentsWithTextChanges: true).Concat(projectChanges.GetAddedDocuments()))
            {
                Document document = newProject.GetDocument(id)!;
                string path = document.FilePath ?? Path.Combine(Path.Combine(document.Folders.ToArray()), document.Name);
                string relative = Path.IsPathRooted(path) ? Path.GetRelativePath(bench.BeforeDir, path) : path;
                if (relative.StartsWith("..", StringComparison.Ordinal))
                {
                    _console.MarkupLine($"[yellow]skipped a change outside the project folder:[/] {Markup.Escape(path)}");
                    continue;
                }

                changed[relative] = (await document.GetTextAsync(cancellationToken).ConfigureAwait(false)).ToString();
            }
        }

        return (changed, fixes, notFixed, project.AssemblyName);
    }

    private static Dictionary<string, string> ReadAfter(Workbench bench, string after)
    {
        var changed = new Dictionary<string, string>(StringComparer.Ordinal);
        if (Directory.Exists(after))
        {
            if (bench.Kind == InputKind.SingleFile)
            {
                throw new HarnessException(ExitCodes.BadUsage, "--after must be a .cs file when the input is a single-file program");
            }

            string root = Path.GetFullPath(after);
            foreach (string file in Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories))
            {
                string relative = Path.GetRelativePath(root, file);
                string first = relative.Split(Path.DirectorySeparatorChar)[0];
                if (first is "bin" or "obj" || first.StartsWith('.'))
                {
                    continue;
                }

                changed[relative] = File.ReadAllText(file);
            }

            return changed;
        }

        string text = File.ReadAllText(after);
        if (bench.Kind == InputKind.SingleFile)
        {
            changed[bench.SingleFileName!] = FileBasedProgram.ToProject(text, Path.GetDirectoryName(Path.GetFullPath(after))!).Source;
            return changed;
        }

        string name = Path.GetFileName(after);
        var matches = Directory.EnumerateFiles(bench.BeforeDir, name, SearchOption.AllDirectories)
            .Where(f => !f.Contains(Path.DirectorySeparatorChar + "obj" + Path.DirectorySeparatorChar, StringComparison.Ordinal)
                     && !f.Contains(Path.DirectorySeparatorChar + "bin" + Path.DirectorySeparatorChar, StringComparison.Ordinal))
            .ToList();
        if (matches.Count != 1)
        {
            throw new HarnessException(ExitCodes.BadUsage, matches.Count == 0
                ? $"--after '{after}': the project has no file named {name} to replace (pass a folder to add files)"
                : $"--after '{after}': the project has {matches.Count} files named {name}; pass a folder laid out like the project");
        }

        changed[Path.GetRelativePath(bench.BeforeDir, matches[0])] = text;
        return changed;
    }

    private static string Diff(Workbench bench, Dictionary<string, string> changed)
    {
        var sb = new StringBuilder();
        foreach (var (relative, text) in changed.OrderBy(c => c.Key, StringComparer.Ordinal))
        {
            string beforePath = Path.Combine(bench.BeforeDir, relative);
            string old = File.Exists(beforePath) ? File.ReadAllText(beforePath) : "";
            string name = bench.DisplayName(relative);
            sb.Append(UnifiedDiff.Create("a/" + name, "b/" + name, old, text));
        }

        return sb.ToString();
    }

    internal static string FindProgram(string outputDirectory, Workbench bench, string? assemblyName)
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

    private async Task<List<RunMeasurement>> RunAllAsync(BenchOptions options, string beforeDll, string afterDll, CancellationToken cancellationToken)
    {
        var plan = new List<(Variant Variant, int Round, bool Warmup)>();
        for (int w = 1; w <= options.Warmup; w++)
        {
            plan.Add((Variant.Before, w, true));
            plan.Add((Variant.After, w, true));
        }

        for (int r = 1; r <= options.Rounds; r++)
        {
            // ABBA order: neither variant always goes first.
            bool beforeFirst = r % 2 == 1;
            plan.Add((beforeFirst ? Variant.Before : Variant.After, r, false));
            plan.Add((beforeFirst ? Variant.After : Variant.Before, r, false));
        }

        var runner = new ProgramRunner();
        var timeout = TimeSpan.FromSeconds(options.TimeoutSeconds);
        var runs = new List<RunMeasurement>();

        async Task RunPlan(Action<int, string>? tick)
        {
            for (int i = 0; i < plan.Count; i++)
            {
                var (variant, round, warmup) = plan[i];
                string label = $"{(variant == Variant.Before ? "BEFORE" : "AFTER")} {(warmup ? "warm-up" : "round")} {round}";
                tick?.Invoke(i, label);
                RunMeasurement m = await runner.RunAsync(variant, round, warmup, variant == Variant.Before ? beforeDll : afterDll,
                    options.Entry, options.ProgramArgs, timeout, cancellationToken).ConfigureAwait(false);
                if (m.Failure != RunFailure.None)
                {
                    int code = m.Failure == RunFailure.EntryNotFound ? ExitCodes.BadUsage : ExitCodes.UserCodeFailed;
                    throw new HarnessException(code, $"{label}: the program {m.FailureMessage}");
                }

                runs.Add(m);
                if (!_live)
                {
                    string others = m.OthersCores is { } o ? $"; other processes {o:0.00} cores" : "";
                    _console.MarkupLine(Markup.Escape($"  {label}: wall {ReportWriters.Ms(m.WallMs)}, CPU {ReportWriters.Ms(m.TotalCpuMs)}, {m.EffectiveCores:0.00} cores{others}"));
                }
            }
        }

        if (_live)
        {
            await _console.Progress()
                .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(), new SpinnerColumn())
                .StartAsync(async ctx =>
                {
                    ProgressTask task = ctx.AddTask("runs", maxValue: plan.Count);
                    await RunPlan((i, label) =>
                    {
                        task.Value = i;
                        task.Description = Markup.Escape(label);
                    }).ConfigureAwait(false);
                    task.Value = plan.Count;
                    task.Description = "runs done";
                }).ConfigureAwait(false);
        }
        else
        {
            _console.MarkupLine(Markup.Escape($"running {plan.Count} runs ({options.Warmup} warm-up + {options.Rounds} rounds per variant, alternating)"));
            await RunPlan(null).ConfigureAwait(false);
        }

        return runs;
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

    internal static string Relativise(string text, Workbench bench) =>
        text.Replace(bench.BeforeDir + Path.DirectorySeparatorChar, "BEFORE/", StringComparison.Ordinal)
            .Replace(bench.AfterDir + Path.DirectorySeparatorChar, "AFTER/", StringComparison.Ordinal);

    private async Task<T> Step<T>(string title, Func<Task<T>> work)
    {
        CpuSnapshot? start = MachineLoad.Take();
        try
        {
            if (_live)
            {
                return await _console.Status().Spinner(Spinner.Known.Dots).StartAsync(title + "…", _ => work()).ConfigureAwait(false);
            }

            _console.MarkupLine(Markup.Escape("» " + title));
            return await work().ConfigureAwait(false);
        }
        finally
        {
            if (MachineLoad.CpuMs(start, MachineLoad.Take()) is { } cpu)
            {
                _stageCpu[title] = cpu;
            }
        }
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
