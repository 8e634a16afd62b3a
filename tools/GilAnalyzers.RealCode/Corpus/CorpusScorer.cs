using System.Collections.Immutable;
using System.Diagnostics;
using GilAnalyzers.Testing;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.Diagnostics;

namespace GilAnalyzers.RealCode.Corpus;

/// <summary>How a project was compiled for scoring.</summary>
public enum ReferenceMode
{
    /// <summary>Its .cs files by folder against the .NET 10 reference assemblies only (NuGet dependencies unresolved).</summary>
    Framework,

    /// <summary>Restored with <c>dotnet restore</c> and opened with MSBuildWorkspace: its real references.</summary>
    Restored,
}

/// <param name="Actions">On every true positive, ask the fixers for code actions and apply the first (<c>--actions</c>).</param>
/// <param name="WithProcessPool">
/// Adds a reference to GilAnalyzers.Processes to every compiled project: the projects as they are after
/// <c>dotnet add package GilAnalyzers.Processes</c>, which GIL006's process-pool fix needs (it is refused without it).
/// </param>
public sealed record CorpusOptions(string Checkouts, IReadOnlyList<string> LabelFiles, IReadOnlyList<ReferenceMode> Modes, bool Actions = false, bool WithProcessPool = false);

/// <summary>
/// Scores the analyzers against labelled real code: per checkout (one folder per repository and commit, made by the
/// user — this fetches nothing), compiles each project that owns a labelled file, runs every analyzer and matches the
/// diagnostics to the labelled line ranges.
/// </summary>
public sealed class CorpusScorer
{
    private static readonly Lazy<MetadataReference> ProcessPoolReference =
        new(() => MetadataReference.CreateFromFile(typeof(GilAnalyzers.Processes.ProcessPool).Assembly.Location));

    private readonly CorpusOptions options;
    private readonly TextWriter log;
    private readonly ImmutableArray<DiagnosticAnalyzer> analyzers = GilCatalog.CreateAnalyzers();
    private readonly ImmutableArray<CodeFixProvider> fixers;

    public CorpusScorer(CorpusOptions options, TextWriter log)
        : this(options, log, GilCatalog.CreateFixers())
    {
    }

    /// <summary>With the code fix providers to ask (tests hand in their own; the command uses every GilAnalyzers fixer).</summary>
    public CorpusScorer(CorpusOptions options, TextWriter log, ImmutableArray<CodeFixProvider> fixers)
    {
        this.options = options;
        this.log = log;
        this.fixers = fixers;
    }

    public async Task<CorpusReport> RunAsync(CancellationToken cancellationToken)
    {
        var rows = options.LabelFiles.SelectMany(CorpusLabels.Read).ToList();
        var report = new CorpusReport
        {
            Checkouts = options.Checkouts,
            LabelFiles = options.LabelFiles.Select(f => Path.GetFileName(f)).ToList(),
            StartedAt = DateTimeOffset.UtcNow,
        };
        var frameworkReferences = FrameworkReferences.Load();
        foreach (var mode in options.Modes)
        {
            var run = new CorpusRun { Mode = mode, ActionsMeasured = options.Actions };
            foreach (var checkout in rows.GroupBy(r => r.CheckoutName).OrderBy(g => g.Key, StringComparer.Ordinal))
            {
                cancellationToken.ThrowIfCancellationRequested();
                try
                {
                    await ScoreCheckoutAsync(checkout.Key, checkout.ToList(), mode, frameworkReferences, run, cancellationToken);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    // The scorer's own failure on one checkout (not an analyzer's): its rows stay unscored, with the reason.
                    log.WriteLine($"[{mode}] {checkout.Key}: could not be scored: {e.GetType().Name}: {e.Message}");
                    var scored = run.Rows.Select(r => r.Row).ToHashSet();
                    run.Rows.AddRange(checkout.Where(r => !scored.Contains(r)).Select(r => RowResult.Unscored(r, $"scorer failed: {e.GetType().Name}: {e.Message}")));
                }
            }

            report.Runs.Add(run);
        }

        return report;
    }

    private async Task ScoreCheckoutAsync(
        string name, List<CorpusRow> rows, ReferenceMode mode, FrameworkReferences frameworkReferences, CorpusRun run, CancellationToken cancellationToken)
    {
        var root = Path.Combine(options.Checkouts, name);
        if (!Directory.Exists(root))
        {
            log.WriteLine($"[{mode}] {name}: no checkout folder; {rows.Count} row(s) unscored");
            run.Rows.AddRange(rows.Select(r => RowResult.Unscored(r, "no checkout folder " + name)));
            return;
        }

        IReadOnlyList<SourceProject> projects = SourceProjects.Discover(root, exclude: null, TextWriter.Null);
        var byFile = projects.SelectMany(p => p.Files.Select(f => (File: Path.GetRelativePath(root, f).Replace('\\', '/'), Project: p)))
            .GroupBy(x => x.File, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.First().Project, StringComparer.Ordinal);
        var owners = new Dictionary<SourceProject, List<CorpusRow>>();
        var folderProjects = new Dictionary<string, SourceProject>(StringComparer.Ordinal);
        foreach (var row in rows)
        {
            if (!File.Exists(Path.Combine(root, row.Path)))
            {
                run.Rows.Add(RowResult.Unscored(row, "file not in the checkout"));
            }
            else if (!byFile.TryGetValue(row.Path, out var owner))
            {
                run.Rows.Add(RowResult.Unscored(row, "file belongs to no .csproj"));
            }
            else
            {
                if (owner.Name == SourceProjects.LooseFilesName)
                {
                    // No .csproj in the checkout (projects generated by a build tool such as Prebuild): the loose files
                    // of the row's folder and its subfolders are compiled as one project, named after the folder.
                    // A folder of independent programs (several files with a Main) is compiled program by program.
                    var folder = Path.GetDirectoryName(row.Path)!.Replace('\\', '/');
                    var wholeFolder = SourceProjects.LooseFolder(owner, root, folder);
                    var program = SourceProjects.LooseProgram(wholeFolder, Path.Combine(root, row.Path));
                    var key = program is null ? folder : folder + "/" + Path.GetFileName(row.Path);
                    if (!folderProjects.TryGetValue(key, out var folderProject))
                    {
                        folderProject = program ?? wholeFolder;
                        folderProjects[key] = folderProject;
                    }

                    owner = folderProject;
                }

                (owners.TryGetValue(owner, out var list) ? list : owners[owner] = new List<CorpusRow>()).Add(row);
            }
        }

        if (folderProjects.Count > 0)
        {
            projects = projects.Where(p => p.Name != SourceProjects.LooseFilesName).Concat(folderProjects.Values).ToList();
        }

        if (owners.Count == 0)
        {
            return;
        }

        using var workspace = new AdhocWorkspace();
        var solution = SourceProjects.BuildSolution(workspace, projects, frameworkReferences, TextWriter.Null);
        foreach (var (owner, ownerRows) in owners.OrderBy(kv => kv.Key.ProjectFile, StringComparer.Ordinal))
        {
            var relativeProject = Path.GetRelativePath(root, owner.ProjectFile);
            var entry = new ScoredProject { Checkout = name, ProjectFile = relativeProject, Mode = ReferenceMode.Framework };
            if (owner.Name.StartsWith(SourceProjects.LooseFilesName, StringComparison.Ordinal))
            {
                entry.Note = owner.ProjectFile.EndsWith(".cs", StringComparison.Ordinal)
                    ? "no .csproj: the folder holds several programs (files with a Main); this one compiled with the folder's other files"
                    : "no .csproj: the folder's .cs files compiled together";
            }

            Compilation? compilation = null;
            Project? project = null;
            var analyzerOptions = new AnalyzerOptions(ImmutableArray<AdditionalText>.Empty);
            if (mode == ReferenceMode.Restored && File.Exists(owner.ProjectFile))
            {
                var restored = await RestoredProjects.TryOpenAsync(owner.ProjectFile, cancellationToken);
                if (restored.Compilation is not null && ownerRows.All(r => restored.Compilation.SyntaxTrees.Any(t => SameFile(t.FilePath, root, r.Path))))
                {
                    compilation = restored.Compilation;
                    project = restored.Project;
                    analyzerOptions = restored.AnalyzerOptions!;
                    entry.Mode = ReferenceMode.Restored;
                    entry.Note = restored.Note;
                }
                else
                {
                    entry.Note = "fell back to framework references: " + (restored.Note ?? "a labelled file is not in the restored project's compilation");
                }
            }

            if (compilation is null)
            {
                entry.NetFramework = owner.TargetsNetFramework && frameworkReferences.HasNetFramework;
                if (owner.TargetsNetFramework)
                {
                    entry.Note = entry.Note is null ? frameworkReferences.Describe(owner) : entry.Note + "; " + frameworkReferences.Describe(owner);
                }

                project = solution.Projects.First(p => p.FilePath == owner.ProjectFile);
                compilation = (await project.GetCompilationAsync(cancellationToken))!;
                analyzerOptions = project.AnalyzerOptions;
            }

            if (options.WithProcessPool && project is not null)
            {
                project = project.AddMetadataReference(ProcessPoolReference.Value);
                compilation = (await project.GetCompilationAsync(cancellationToken))!;
                entry.Note = entry.Note is null ? "with GilAnalyzers.Processes" : entry.Note + "; with GilAnalyzers.Processes";
            }

            var binding = Stopwatch.StartNew();
            var compilerDiagnostics = compilation.GetDiagnostics(cancellationToken);
            entry.CompilerErrors = compilerDiagnostics.Count(d => d.Severity == DiagnosticSeverity.Error);
            entry.CompilerSeconds = binding.Elapsed.TotalSeconds;
            var pass = await AnalyzerPass.RunAsync(compilation, analyzerOptions, analyzers, cancellationToken);
            entry.AnalyzerSeconds = pass.Times.Values.Sum(t => t.TotalSeconds);
            foreach (var (analyzer, time) in pass.Times)
            {
                var key = analyzer.GetType().Name;
                run.AnalyzerSeconds[key] = run.AnalyzerSeconds.GetValueOrDefault(key) + time.TotalSeconds;
            }

            if (pass.DriverFailure is not null)
            {
                run.Failures.Add($"{name}/{relativeProject}: analysis driver: {pass.DriverFailure.GetType().Name}: {pass.DriverFailure.Message}");
            }

            foreach (var (exception, analyzer, diagnostic) in pass.Exceptions)
            {
                run.Failures.Add($"{name}/{relativeProject}: {analyzer.GetType().Name} threw {exception.GetType().Name}: {exception.Message} ({diagnostic.Location.GetLineSpan()})");
            }

            foreach (var ad0001 in pass.UnexplainedAd0001)
            {
                run.Failures.Add($"{name}/{relativeProject}: AD0001 {ad0001.GetMessage()}");
            }

            var found = pass.Diagnostics
                .Where(d => d.Location.IsInSource && d.Id.StartsWith("GIL", StringComparison.Ordinal))
                .Select(d => (Diagnostic: d, File: Relative(d.Location.SourceTree!.FilePath, root), Line: d.Location.GetLineSpan().StartLinePosition.Line + 1))
                .ToList();
            entry.Diagnostics = found.Count;
            run.Projects.Add(entry);
            log.WriteLine($"[{mode}] {name} {relativeProject}: {entry.Mode}, {entry.CompilerErrors} compiler errors, {found.Count} GIL diagnostics, analyzers {entry.AnalyzerSeconds:F2} s");

            var errorsBefore = CodeFixCalls.ErrorsPerFile(compilerDiagnostics);
            foreach (var row in ownerRows)
            {
                var inRangeDiagnostics = found.Where(f => f.File == row.Path && f.Line >= row.Start && f.Line <= row.End).ToList();
                var inRange = inRangeDiagnostics.Select(f => new FoundDiagnostic(f.Diagnostic.Id, f.Line, f.Diagnostic.GetMessage())).ToList();
                var result = RowResult.Scored(row, entry.Mode, inRange) with { SiteErrors = ErrorsInside(compilerDiagnostics, root, row) };
                if (options.Actions && result.Outcome == Outcome.TruePositive && project is not null)
                {
                    var watch = Stopwatch.StartNew();
                    var probes = new List<ActionProbe>();
                    foreach (var (diagnostic, _, line) in inRangeDiagnostics.Where(f => row.Expected.Contains(f.Diagnostic.Id)))
                    {
                        probes.Add(await ProbeAsync(project, diagnostic, line, errorsBefore, $"{name}/{row.Path}:{line} {diagnostic.Id}", run, cancellationToken));
                    }

                    run.ActionSeconds += watch.Elapsed.TotalSeconds;
                    result = result with { Actions = probes };
                }

                run.Rows.Add(result);
            }

            // Diagnostics in labelled files that no row covers: candidates for new labels (never counted).
            var labelledFiles = ownerRows.Select(r => r.Path).ToHashSet(StringComparer.Ordinal);
            foreach (var (diagnostic, file, line) in found.Where(f => labelledFiles.Contains(f.File)))
            {
                if (!rows.Any(r => r.Path == file && line >= r.Start && line <= r.End))
                {
                    run.Unlabelled.Add($"{name}:{file}:{line} {diagnostic.Id} {diagnostic.GetMessage()}");
                }
            }
        }
    }

    /// <summary>
    /// Asks every fixer for the diagnostic's code actions on the project's document, as the IDE and <c>dotnet format</c>
    /// do, then applies the first action alone and counts the compiler errors it added to the project. A throwing fixer
    /// is recorded (in the probe and the run's fixer failures), never rethrown.
    /// </summary>
    private async Task<ActionProbe> ProbeAsync(
        Project project, Diagnostic diagnostic, int line, Dictionary<string, List<Diagnostic>> errorsBefore, string site, CorpusRun run, CancellationToken cancellationToken)
    {
        var document = project.GetDocument(diagnostic.Location.SourceTree);
        if (document is null)
        {
            run.FixerFailures.Add($"{site}: runner: the diagnostic's tree is no document of the project; no fixer asked");
            return new ActionProbe(diagnostic.Id, line, Array.Empty<string>(), null, null, 0, Array.Empty<string>(), new[] { "runner: tree is no document of the project" });
        }

        var offered = await CodeFixCalls.ActionsAsync(document, diagnostic, fixers, cancellationToken);
        var exceptions = offered.Failures.Select(f => $"{f.Fixer.GetType().Name}.RegisterCodeFixesAsync threw {f.Exception.GetType().Name}: {f.Exception.Message}{OurFrame(f.Exception)}").ToList();
        var keys = offered.Actions.Select(a => a.Key).ToList();
        FirstActionResult? first = null;
        var newErrors = 0;
        var samples = new List<string>();
        if (offered.Actions.Count > 0)
        {
            var action = offered.Actions[0];
            try
            {
                var (changed, whyNot) = await CodeFixCalls.ChangedSolutionAsync(action.Action, cancellationToken);
                if (changed is null)
                {
                    first = FirstActionResult.Failed;
                    exceptions.Add($"{action.Fixer.GetType().Name} '{action.Key}': {whyNot}");
                }
                else if (!changed.GetChanges(project.Solution).GetProjectChanges().Any(p =>
                             p.GetChangedDocuments(onlyGetDocumentsWithTextChanges: true).Any() || p.GetAddedDocuments().Any() || p.GetRemovedDocuments().Any()))
                {
                    first = FirstActionResult.NoChange;
                }
                else
                {
                    var added = await CodeFixCalls.AddedErrorsAsync(changed, project.Id, errorsBefore, samplesPerFile: 3, cancellationToken);
                    newErrors = added.New;
                    first = added.New == 0 ? FirstActionResult.Clean : FirstActionResult.BrokeBuild;
                    samples.AddRange(added.Samples.Select(e => $"{Path.GetFileName(e.Location.SourceTree?.FilePath)}:{e.Location.GetLineSpan().StartLinePosition.Line + 1}: {e.Id} {e.GetMessage()}"));
                }
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                first = FirstActionResult.Failed;
                exceptions.Add($"{action.Fixer.GetType().Name} '{action.Key}' threw {e.GetType().Name}: {e.Message}{OurFrame(e)}");
            }
        }

        string? whyNoFix = null;
        if (offered.Actions.Count == 0 && offered.Failures.Count == 0)
        {
            try
            {
                whyNoFix = await GilAnalyzers.CodeFixes.WhyNoFix.ExplainAsync(document, diagnostic, cancellationToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                exceptions.Add($"WhyNoFix.ExplainAsync threw {e.GetType().Name}: {e.Message}{OurFrame(e)}");
            }
        }

        run.FixerFailures.AddRange(exceptions.Select(e => $"{site}: {e}"));
        return new ActionProbe(diagnostic.Id, line, keys, offered.Actions.Count > 0 ? offered.Actions[0].Fixer.GetType().Name : null, first, newErrors, samples, exceptions)
        {
            WhyNoFix = whyNoFix,
        };
    }

    /// <summary>" (at …)": the innermost stack frame in GilAnalyzers' own code, so a report names where a fixer failed.</summary>
    private static string OurFrame(Exception e)
    {
        var frame = e.StackTrace?.Split('\n').Select(l => l.Trim()).FirstOrDefault(l => l.StartsWith("at GilAnalyzers.", StringComparison.Ordinal));
        return frame is null ? "" : $" ({frame})";
    }

    private static IReadOnlyList<string> ErrorsInside(ImmutableArray<Diagnostic> diagnostics, string root, CorpusRow row) =>
        diagnostics
            .Where(d => d.Severity == DiagnosticSeverity.Error && d.Location.IsInSource && SameFile(d.Location.SourceTree!.FilePath, root, row.Path))
            .Where(d => d.Location.GetLineSpan().StartLinePosition.Line + 1 is var line && line >= row.Start && line <= row.End)
            .Select(d => d.Id)
            .ToList();

    private static bool SameFile(string? treePath, string root, string relative) =>
        treePath is not null && Relative(treePath, root) == relative;

    private static string Relative(string path, string root) => Path.GetRelativePath(root, path).Replace('\\', '/');
}
