using System.Collections.Immutable;
using System.Diagnostics;
using System.Text.RegularExpressions;
using GilAnalyzers.Testing;
using GilAnalyzers.Testing.Typing;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;

namespace GilAnalyzers.RealCode;

public sealed record RunOptions(string Root, bool FixAll, int TypingFiles, Regex? Exclude, string? Commit);

/// <summary>Analysis, FixAll and typing simulation over every project found under a folder.</summary>
public sealed class RealCodeRunner
{
    private readonly RunOptions options;
    private readonly TextWriter log;
    private readonly ImmutableArray<DiagnosticAnalyzer> analyzers = GilCatalog.CreateAnalyzers();
    private readonly ImmutableArray<CodeFixProvider> fixers = GilCatalog.CreateFixers();

    public RealCodeRunner(RunOptions options, TextWriter log)
    {
        this.options = options;
        this.log = log;
    }

    public async Task<RunReport> RunAsync(CancellationToken cancellationToken)
    {
        var report = new RunReport
        {
            Root = options.Root,
            Commit = options.Commit,
            StartedAt = DateTimeOffset.UtcNow,
            AnalyzerAssembly = typeof(GilAnalyzers.Descriptors).Assembly.Location,
        };
        log.WriteLine($"{analyzers.Length} analyzers ({string.Join(", ", analyzers.Select(a => a.GetType().Name))}), {fixers.Length} fixers");
        var references = FrameworkReferences.Load();
        var projects = SourceProjects.Discover(options.Root, options.Exclude, log);
        if (projects.Count == 0)
        {
            throw new UsageException($"No C# files found under {options.Root}.");
        }

        using var workspace = new AdhocWorkspace();
        var solution = SourceProjects.BuildSolution(workspace, projects, references, log);
        var fixAll = options.FixAll ? new List<FixAllEntry>() : null;
        report.FixAll = fixAll;

        foreach (var project in solution.Projects.OrderBy(p => p.FilePath, StringComparer.Ordinal))
        {
            cancellationToken.ThrowIfCancellationRequested();
            var entry = new ProjectEntry { Name = project.Name, ProjectFile = Relative(project.FilePath!) };
            var documents = project.Documents.Where(d => !d.Name.EndsWith(".g.cs", StringComparison.Ordinal)).ToList();
            entry.Files = documents.Count;
            foreach (var document in documents)
            {
                entry.Lines += (await document.GetTextAsync(cancellationToken)).Lines.Count;
            }

            log.WriteLine($"[{DateTime.Now:HH:mm:ss}] {project.Name}: {entry.Files} files, {entry.Lines:N0} lines");
            var compilation = (await project.GetCompilationAsync(cancellationToken))!;
            var compileWatch = Stopwatch.StartNew();
            var compilerDiagnostics = compilation.GetDiagnostics(cancellationToken);
            entry.CompilerSeconds = compileWatch.Elapsed.TotalSeconds;
            entry.CompilerErrors = compilerDiagnostics.Count(d => d.Severity == DiagnosticSeverity.Error);

            var diagnostics = await AnalyzeAsync(project, compilation, entry, report, cancellationToken);
            report.Projects.Add(entry);
            report.Files += entry.Files;
            report.Lines += entry.Lines;
            report.CompilerSeconds += entry.CompilerSeconds;
            log.WriteLine($"    binding {entry.CompilerSeconds:F1} s, {entry.CompilerErrors} compiler errors, analyzers {entry.AnalyzerSeconds:F2} s, {entry.Diagnostics} diagnostics");

            if (fixAll is not null && diagnostics.Length > 0)
            {
                await FixAllAsync(project, diagnostics, compilerDiagnostics, fixAll, report, cancellationToken);
            }

            // The diagnostics point into this compilation's trees; keep it (and them) alive until the fixers ran.
            GC.KeepAlive(compilation);
        }

        report.AnalyzerSeconds = report.AnalyzerTimes.Values.Sum(t => t.Seconds);
        if (options.TypingFiles > 0)
        {
            report.Typing = await TypingAsync(solution, references.Net, report, cancellationToken);
        }

        return report;
    }

    private async Task<ImmutableArray<Diagnostic>> AnalyzeAsync(
        Project project, Compilation compilation, ProjectEntry entry, RunReport report, CancellationToken cancellationToken)
    {
        var pass = await AnalyzerPass.RunAsync(compilation, project.AnalyzerOptions, analyzers, cancellationToken);
        if (pass.DriverFailure is { } driverFailure)
        {
            report.Failures.Add(new FailureEntry(project.Name, "analysis driver", null, null, Short(driverFailure)));
            return ImmutableArray<Diagnostic>.Empty;
        }

        foreach (var (exception, analyzer, diagnostic) in pass.Exceptions)
        {
            var (file, line) = Where(diagnostic.Location, exception);
            report.Failures.Add(new FailureEntry(project.Name, $"{analyzer.GetType().Name} threw", file, line, diagnostic.GetMessage() + "\n" + Short(exception)));
        }

        foreach (var ad0001 in pass.UnexplainedAd0001)
        {
            var (file, line) = Where(ad0001.Location, null);
            report.Failures.Add(new FailureEntry(project.Name, "AD0001", file, line, ad0001.GetMessage()));
        }

        foreach (var (analyzer, time) in pass.Times)
        {
            var name = analyzer.GetType().Name;
            var seconds = time.TotalSeconds;
            entry.AnalyzerSeconds += seconds;
            report.AnalyzerTimes[name] = report.AnalyzerTimes.TryGetValue(name, out var previous)
                ? previous with { Seconds = previous.Seconds + seconds }
                : new AnalyzerTime(analyzer.SupportedDiagnostics.Select(d => d.Id).Distinct().ToList(), seconds);
        }

        var found = pass.Diagnostics;
        entry.Diagnostics = found.Length;
        foreach (var diagnostic in found)
        {
            report.DiagnosticsPerRule[diagnostic.Id] = report.DiagnosticsPerRule.GetValueOrDefault(diagnostic.Id) + 1;
            var span = diagnostic.Location.GetLineSpan();
            var sourceLine = diagnostic.Location.SourceTree is { } tree
                ? (await tree.GetTextAsync(cancellationToken)).Lines[span.StartLinePosition.Line].ToString().Trim()
                : "";
            report.Diagnostics.Add(new DiagnosticEntry(
                diagnostic.Id, project.Name, Relative(span.Path), span.StartLinePosition.Line + 1, span.StartLinePosition.Character + 1,
                diagnostic.GetMessage(), sourceLine));
        }

        return found;
    }

    private async Task FixAllAsync(
        Project project, ImmutableArray<Diagnostic> diagnostics, ImmutableArray<Diagnostic> compilerDiagnostics,
        List<FixAllEntry> entries, RunReport report, CancellationToken cancellationToken)
    {
        var errorsBefore = CodeFixCalls.ErrorsPerFile(compilerDiagnostics);
        foreach (var group in diagnostics.GroupBy(d => d.Id))
        {
            var ruleDiagnostics = group.ToImmutableArray();
            var provider = new FixedDiagnosticProvider(ruleDiagnostics);
            var applicable = fixers.Where(f => f.FixableDiagnosticIds.Contains(group.Key)).ToList();
            if (applicable.Count == 0)
            {
                entries.Add(new FixAllEntry { Project = project.Name, RuleId = group.Key, Fixer = "-", Diagnostics = ruleDiagnostics.Length, Note = "no code fix provider for this rule" });
                continue;
            }

            foreach (var fixer in applicable)
            {
                // Which equivalence keys do the diagnostics offer? Asking is itself a fixer call that must not throw.
                var keys = new SortedDictionary<string, int>(StringComparer.Ordinal);
                var offeredNone = 0;
                foreach (var diagnostic in ruleDiagnostics)
                {
                    var document = project.GetDocument(diagnostic.Location.SourceTree);
                    if (document is null)
                    {
                        continue;
                    }

                    if (await document.GetSyntaxTreeAsync(cancellationToken) != diagnostic.Location.SourceTree)
                    {
                        // Not the fixer's fault: the runner would hand it a diagnostic from another tree than the document's.
                        var (staleFile, staleLine) = Where(diagnostic.Location, null);
                        report.Failures.Add(new FailureEntry(project.Name, "runner: diagnostic tree is not the document's tree", staleFile, staleLine, "skipped"));
                        continue;
                    }

                    var offered = await CodeFixCalls.ActionsAsync(document, diagnostic, new[] { fixer }, cancellationToken);
                    foreach (var (_, e) in offered.Failures)
                    {
                        var (file, line) = Where(diagnostic.Location, e);
                        report.Failures.Add(new FailureEntry(project.Name, $"{fixer.GetType().Name}.RegisterCodeFixesAsync", file, line, Short(e)));
                    }

                    offeredNone += offered.Actions.Count == 0 ? 1 : 0;
                    foreach (var key in offered.Actions.Select(a => a.Key).Distinct())
                    {
                        keys[key] = keys.GetValueOrDefault(key) + 1;
                    }
                }

                if (keys.Count == 0)
                {
                    entries.Add(new FixAllEntry
                    {
                        Project = project.Name, RuleId = group.Key, Fixer = fixer.GetType().Name, Diagnostics = ruleDiagnostics.Length,
                        Note = "no code action offered for any diagnostic",
                    });
                    continue;
                }

                foreach (var (key, offeredFor) in keys)
                {
                    var entry = new FixAllEntry
                    {
                        Project = project.Name, RuleId = group.Key, Fixer = fixer.GetType().Name, EquivalenceKey = key, Diagnostics = offeredFor,
                        Note = offeredNone > 0 ? $"{offeredNone} diagnostic(s) got no action" : "",
                    };
                    entries.Add(entry);
                    await ApplyFixAllAsync(project, fixer, key == "(null)" ? null : key, group.Key, ruleDiagnostics, provider, errorsBefore, entry, report, cancellationToken);
                }
            }
        }
    }

    private async Task ApplyFixAllAsync(
        Project project, CodeFixProvider fixer, string? key, string ruleId, ImmutableArray<Diagnostic> ruleDiagnostics, FixedDiagnosticProvider provider,
        Dictionary<string, List<Diagnostic>> errorsBefore, FixAllEntry entry, RunReport report, CancellationToken cancellationToken)
    {
        var fixAllProvider = fixer.GetFixAllProvider();
        if (fixAllProvider is null)
        {
            entry.Note = Join(entry.Note, "fixer has no FixAll provider");
            return;
        }

        var firstDocument = project.GetDocument(ruleDiagnostics[0].Location.SourceTree);
        if (firstDocument is null)
        {
            entry.Note = Join(entry.Note, "diagnostic outside the project's documents");
            return;
        }

        Solution changed;
        try
        {
            var context = new FixAllContext(firstDocument, fixer, FixAllScope.Project, key, new[] { ruleId }, provider, cancellationToken);
            var action = await fixAllProvider.GetFixAsync(context);
            if (action is null)
            {
                entry.Note = Join(entry.Note, "FixAll produced no action");
                return;
            }

            var (result, whyNot) = await CodeFixCalls.ChangedSolutionAsync(action, cancellationToken);
            if (result is null)
            {
                entry.Note = Join(entry.Note, "FixAll: " + whyNot);
                return;
            }

            changed = result;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            report.Failures.Add(new FailureEntry(project.Name, $"FixAll {fixer.GetType().Name} '{key}'", null, null, Short(e)));
            entry.Note = Join(entry.Note, "FixAll threw");
            return;
        }

        var changes = changed.GetChanges(project.Solution);
        var changedDocuments = changes.GetProjectChanges().SelectMany(p => p.GetChangedDocuments().Concat(p.GetAddedDocuments())).ToList();
        entry.ChangedDocuments = changedDocuments.Count;
        var added = await CodeFixCalls.AddedErrorsAsync(changed, project.Id, errorsBefore, samplesPerFile: 5, cancellationToken);
        entry.ErrorsBefore = added.Before;
        entry.ErrorsAfter = added.After;
        entry.NewErrors = added.New;
        foreach (var error in added.Samples)
        {
            var span = error.Location.GetLineSpan();
            entry.NewErrorSamples.Add($"{Relative(span.Path)}:{span.StartLinePosition.Line + 1}: {error.Id} {error.GetMessage()}");
        }
    }

    private async Task<List<TypingEntry>> TypingAsync(Solution solution, ImmutableArray<MetadataReference> references, RunReport report, CancellationToken cancellationToken)
    {
        // The files an IDE user would most likely be typing threading code in: most threading keywords first.
        var keywords = new Regex(@"\block\s*\(|Parallel\.|new Thread\b|ThreadPool\.|Task\.Run|WhenAll|WaitAll|Interlocked\.|Monitor\.|SemaphoreSlim|MethodImplOptions\.Synchronized", RegexOptions.Compiled);
        var candidates = new List<(Document Document, int Score)>();
        foreach (var document in solution.Projects.SelectMany(p => p.Documents))
        {
            var text = (await document.GetTextAsync(cancellationToken)).ToString();
            var score = keywords.Matches(text).Count;
            if (score > 0 && text.Length < 60_000)
            {
                candidates.Add((document, score));
            }
        }

        var entries = new List<TypingEntry>();
        foreach (var (document, _) in candidates.OrderByDescending(c => c.Score).ThenBy(c => c.Document.FilePath, StringComparer.Ordinal).Take(options.TypingFiles))
        {
            var parseOptions = (CSharpParseOptions)document.Project.ParseOptions!;
            var simulator = new TypingSimulator(analyzers, fixers, references, parseOptions, maxPrefixesPerFile: 300);
            var path = Relative(document.FilePath!);
            var watch = Stopwatch.StartNew();
            var result = await simulator.SimulateAsync(path, (await document.GetTextAsync(cancellationToken)).ToString(), cancellationToken);
            log.WriteLine($"  typing {path}: {result.Prefixes} prefixes, {result.PrefixesWithDiagnostics} with diagnostics, {result.CodeActions} code actions, {result.Failures.Count} failures ({watch.Elapsed.TotalSeconds:F1} s)");
            entries.Add(new TypingEntry(path, result.Prefixes, result.PrefixesWithDiagnostics, result.CodeActions, result.Failures.Count));
            foreach (var failure in result.Failures)
            {
                report.Failures.Add(new FailureEntry(document.Project.Name, "typing: " + failure.Stage, failure.Path, failure.Line, $"prefix length {failure.PrefixLength}: {failure.Message}"));
            }
        }

        return entries;
    }

    private (string? File, int? Line) Where(Location location, Exception? exception)
    {
        if (location.IsInSource)
        {
            var span = location.GetLineSpan();
            return (Relative(span.Path), span.StartLinePosition.Line + 1);
        }

        // Roslyn puts the failing node's file into the exception's context text when it knows it.
        var match = exception is null ? null : Regex.Match(exception.ToString(), @"SyntaxTree: (?<path>[^\r\n;]+)");
        return match is { Success: true } ? (Relative(match.Groups["path"].Value.Trim()), null) : (null, null);
    }

    private string Relative(string path) =>
        path.StartsWith(options.Root, StringComparison.Ordinal) ? Path.GetRelativePath(options.Root, path) : path;

    private static string Join(string a, string b) => a.Length == 0 ? b : a + "; " + b;

    private static string Short(Exception e) => string.Join("\n", e.ToString().Split('\n').Take(12)).TrimEnd();

    /// <summary>Hands FixAll exactly the diagnostics this run found.</summary>
    private sealed class FixedDiagnosticProvider : FixAllContext.DiagnosticProvider
    {
        private readonly ImmutableArray<Diagnostic> diagnostics;

        public FixedDiagnosticProvider(ImmutableArray<Diagnostic> diagnostics) => this.diagnostics = diagnostics;

        public override async Task<IEnumerable<Diagnostic>> GetDocumentDiagnosticsAsync(Document document, CancellationToken cancellationToken)
        {
            var tree = await document.GetSyntaxTreeAsync(cancellationToken);
            return diagnostics.Where(d => d.Location.SourceTree == tree);
        }

        public override Task<IEnumerable<Diagnostic>> GetProjectDiagnosticsAsync(Project project, CancellationToken cancellationToken) =>
            Task.FromResult(diagnostics.Where(d => !d.Location.IsInSource));

        public override Task<IEnumerable<Diagnostic>> GetAllDiagnosticsAsync(Project project, CancellationToken cancellationToken) =>
            Task.FromResult<IEnumerable<Diagnostic>>(diagnostics);
    }
}

/// <summary>Bad input: the message is shown without a stack trace and the exit code is 2.</summary>
public sealed class UsageException : Exception
{
    public UsageException(string message)
        : base(message)
    {
    }
}

/// <summary>The report files a command was asked to write (Markdown, JSON): checked before any work starts.</summary>
public static class ReportFiles
{
    /// <summary>Throws a <see cref="UsageException"/> for the first file whose folder does not exist; null entries are skipped.</summary>
    public static void EnsureFoldersExist(params string?[] files)
    {
        foreach (var file in files.Where(f => f is not null))
        {
            var dir = Path.GetDirectoryName(Path.GetFullPath(file!));
            if (!Directory.Exists(dir))
            {
                throw new UsageException($"Cannot write {file}: folder {dir} does not exist.");
            }
        }
    }
}
