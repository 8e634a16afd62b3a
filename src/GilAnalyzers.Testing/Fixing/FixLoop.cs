using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Text;

namespace GilAnalyzers.Testing;

/// <summary>One fix the loop applied: the diagnostic it fixed (file relative to the project, 1-based line) and the action.</summary>
public sealed record AppliedFix(string DiagnosticId, string? EquivalenceKey, string Title, string File, int Line);

/// <summary>A diagnostic the loop saw but did not fix, and why.</summary>
public sealed record UnfixedDiagnostic(string Id, string File, int Line, string Message, string Reason);

/// <summary>
/// What the loop did: the fixed solution, the fixes in the order applied, the diagnostics left unfixed (with why), how
/// many diagnostics the first analysis saw, the diagnostics of the last analysis, and whether it stopped at the bound.
/// </summary>
public sealed record FixLoopResult(
    Solution Solution,
    IReadOnlyList<AppliedFix> Applied,
    IReadOnlyList<UnfixedDiagnostic> Unfixed,
    int DiagnosticsSeen,
    ImmutableArray<Diagnostic> LastDiagnostics,
    bool ReachedBound);

/// <summary>How the loop chooses and how strict it is.</summary>
public sealed record FixLoopOptions
{
    public static FixLoopOptions Default { get; } = new();

    /// <summary>
    /// Diagnostic ids or equivalence keys (case-insensitive) to apply, as gil-bench's --fix names them; empty: every
    /// diagnostic, its first action.
    /// </summary>
    public IReadOnlyCollection<string> Only { get; init; } = Array.Empty<string>();

    /// <summary>The most fixes applied; the loop stops there (<see cref="FixLoopResult.ReachedBound"/>).</summary>
    public int MaxFixes { get; init; } = 50;

    /// <summary>Told of each pass and each fix applied.</summary>
    public Action<string>? Progress { get; init; }

    /// <summary>
    /// For tests: every pass requires code that compiles, and an analyzer exception (AD0001) or a fixer exception throws
    /// <see cref="InvalidOperationException"/>. Otherwise (a user's project, as the harness fixes it) compiler errors are
    /// left to the build, analyzer exceptions are not reported and a crashing fixer is skipped.
    /// </summary>
    public bool Strict { get; init; }
}

/// <summary>
/// The one fix loop, shaped after what an IDE user does: analyze the project, take the first diagnostic (by file, then
/// position) that has a code action, apply its preferred action (the first registered, or the one named in
/// <see cref="FixLoopOptions.Only"/>), analyze again, and repeat until nothing fixable is left or the bound is reached. A
/// diagnostic reported again after its own fix, or whose action changes nothing, is set aside as unfixed. Used by the
/// execution tests (through <see cref="Programs.SampleFixPipeline"/> for a single source) and meant for
/// the harness's fixing stage.
/// </summary>
public sealed class FixLoop
{
    public FixLoop(IEnumerable<DiagnosticAnalyzer> analyzers, IEnumerable<CodeFixProvider> fixers)
    {
        Analyzers = analyzers.ToImmutableArray();
        Fixers = fixers.ToImmutableArray();
    }

    /// <summary>Every GilAnalyzers analyzer and fixer (<see cref="GilCatalog"/>).</summary>
    public static FixLoop Default { get; } = new(GilCatalog.CreateAnalyzers(), GilCatalog.CreateFixers());

    public ImmutableArray<DiagnosticAnalyzer> Analyzers { get; }

    /// <summary>In order of preference: an earlier fixer's action is chosen before a later one's.</summary>
    public ImmutableArray<CodeFixProvider> Fixers { get; }

    /// <summary>
    /// The analyzers' diagnostics in the project's source (not hidden ones), ordered by file, then position. The project's
    /// own analyzer references are ignored. <paramref name="strict"/>: see <see cref="FixLoopOptions.Strict"/>.
    /// </summary>
    public async Task<ImmutableArray<Diagnostic>> AnalyzeAsync(Project project, bool strict = false, CancellationToken cancellationToken = default)
    {
        var compilation = await project.GetCompilationAsync(cancellationToken).ConfigureAwait(false);
        if (compilation is null)
        {
            return strict ? throw new InvalidOperationException("No compilation for project " + project.Name + ".") : ImmutableArray<Diagnostic>.Empty;
        }

        if (strict)
        {
            var errors = compilation.GetDiagnostics(cancellationToken).Where(d => d.Severity == DiagnosticSeverity.Error).ToList();
            if (errors.Count > 0)
            {
                throw new InvalidOperationException("The source does not compile:\n" + string.Join("\n", errors));
            }
        }

        if (Analyzers.IsEmpty)
        {
            return ImmutableArray<Diagnostic>.Empty;
        }

        var options = new CompilationWithAnalyzersOptions(
            project.AnalyzerOptions, onAnalyzerException: null, concurrentAnalysis: true, logAnalyzerExecutionTime: false, reportSuppressedDiagnostics: false);
        var diagnostics = await compilation.WithAnalyzers(Analyzers, options).GetAnalyzerDiagnosticsAsync(cancellationToken).ConfigureAwait(false);
        if (strict)
        {
            var failures = diagnostics.Where(d => d.Id == "AD0001").ToList();
            if (failures.Count > 0)
            {
                throw new InvalidOperationException("An analyzer threw:\n" + string.Join("\n", failures));
            }
        }

        return diagnostics
            .Where(d => d.Location.IsInSource && d.Severity != DiagnosticSeverity.Hidden)
            .OrderBy(d => d.Location.SourceTree!.FilePath, StringComparer.Ordinal)
            .ThenBy(d => d.Location.SourceSpan.Start)
            .ToImmutableArray();
    }

    /// <summary>
    /// The action the loop would apply to <paramref name="diagnostic"/>: with <paramref name="only"/> empty or naming its
    /// id, the first action offered; otherwise the first whose equivalence key <paramref name="only"/> names; else null.
    /// </summary>
    public async Task<CodeAction?> ChooseActionAsync(Document document, Diagnostic diagnostic, IReadOnlyCollection<string> only, bool strict = false, CancellationToken cancellationToken = default)
    {
        var offered = await CodeFixCalls.ActionsAsync(document, diagnostic, Fixers, cancellationToken).ConfigureAwait(false);
        if (strict && offered.Failures.Count > 0)
        {
            var (fixer, exception) = offered.Failures[0];
            throw new InvalidOperationException($"{fixer.GetType().Name} threw on {diagnostic}: {exception.Message}", exception);
        }

        if (only.Count == 0 || only.Contains(diagnostic.Id, StringComparer.OrdinalIgnoreCase))
        {
            return offered.Actions.FirstOrDefault()?.Action;
        }

        return offered.Actions
            .FirstOrDefault(a => a.Action.EquivalenceKey is { } key && only.Contains(key, StringComparer.OrdinalIgnoreCase))?.Action;
    }

    /// <summary>Applies fixes to <paramref name="project"/> one at a time until none is left (see the class summary).</summary>
    public async Task<FixLoopResult> FixAsync(Project project, FixLoopOptions? options = null, CancellationToken cancellationToken = default)
    {
        options ??= FixLoopOptions.Default;
        var applied = new List<AppliedFix>();
        var unfixed = new Dictionary<string, UnfixedDiagnostic>(StringComparer.Ordinal);
        var fixedKeys = new HashSet<string>(StringComparer.Ordinal);
        var solution = project.Solution;
        var seen = 0;
        var diagnostics = ImmutableArray<Diagnostic>.Empty;
        for (var pass = 0; pass < options.MaxFixes; pass++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var current = solution.GetProject(project.Id)!;
            diagnostics = await AnalyzeAsync(current, options.Strict, cancellationToken).ConfigureAwait(false);
            if (pass == 0)
            {
                seen = diagnostics.Length;
            }

            options.Progress?.Invoke($"pass {pass + 1}: {diagnostics.Length} diagnostic(s)");
            var step = await FixFirstAsync(current, diagnostics, options, unfixed, fixedKeys, cancellationToken).ConfigureAwait(false);
            if (step is null)
            {
                return new FixLoopResult(solution, applied, unfixed.Values.ToList(), seen, diagnostics, ReachedBound: false);
            }

            applied.Add(step.Value.Fix);
            options.Progress?.Invoke($"applied {step.Value.Fix.DiagnosticId} '{step.Value.Fix.Title}' at {step.Value.Fix.File}:{step.Value.Fix.Line}");
            solution = step.Value.Changed;
        }

        return new FixLoopResult(solution, applied, unfixed.Values.ToList(), seen, diagnostics, ReachedBound: true);
    }

    /// <summary>Applies the first diagnostic's action that changes something; records the ones passed over in <paramref name="unfixed"/>.</summary>
    private async Task<(AppliedFix Fix, Solution Changed)?> FixFirstAsync(
        Project current,
        ImmutableArray<Diagnostic> diagnostics,
        FixLoopOptions options,
        Dictionary<string, UnfixedDiagnostic> unfixed,
        HashSet<string> fixedKeys,
        CancellationToken cancellationToken)
    {
        foreach (var diagnostic in diagnostics)
        {
            var key = Key(diagnostic);
            if (unfixed.ContainsKey(key))
            {
                continue;
            }

            var document = current.GetDocument(diagnostic.Location.SourceTree!);
            var file = RelativePath(current, document, diagnostic.Location.SourceTree!.FilePath);
            var line = diagnostic.Location.GetLineSpan().StartLinePosition.Line + 1;
            string? whyNot = null;
            if (fixedKeys.Contains(key))
            {
                whyNot = "it was reported again after its fix was applied";
            }
            else if (document is null)
            {
                whyNot = "not in a source document of the project";
            }

            var action = whyNot is null ? await ChooseActionAsync(document!, diagnostic, options.Only, options.Strict, cancellationToken).ConfigureAwait(false) : null;
            if (whyNot is null && action is null)
            {
                // The fixer's documented reason (GIL00x-Nk: …, see docs/rules) instead of a bare "no fix".
                var why = options.Only.Count > 0 ? null
                    : await GilAnalyzers.CodeFixes.WhyNoFix.ExplainAsync(document!, diagnostic, cancellationToken).ConfigureAwait(false);
                whyNot = options.Only.Count > 0 ? "no code action matches --fix" : why is null ? "no code fix is offered for it" : "no code fix: " + why;
            }

            var changed = action is null ? null : (await CodeFixCalls.ChangedSolutionAsync(action, cancellationToken).ConfigureAwait(false)).Changed;
            if (whyNot is null && (changed is null || !changed.GetChanges(current.Solution).GetProjectChanges().Any()))
            {
                whyNot = $"the action '{action!.Title}' changed nothing";
            }

            if (whyNot is not null)
            {
                unfixed[key] = new UnfixedDiagnostic(diagnostic.Id, file, line, diagnostic.GetMessage(), whyNot);
                continue;
            }

            fixedKeys.Add(key);
            return (new AppliedFix(diagnostic.Id, action!.EquivalenceKey, action.Title, file, line), changed!);
        }

        return null;
    }

    /// <summary>A diagnostic's identity across passes: id, file, the text it covers and its message.</summary>
    private static string Key(Diagnostic diagnostic)
    {
        var text = diagnostic.Location.SourceTree?.GetText();
        var spanText = text is null ? "" : text.ToString(diagnostic.Location.SourceSpan);
        return diagnostic.Id + "|" + diagnostic.Location.SourceTree?.FilePath + "|" + spanText + "|" + diagnostic.GetMessage();
    }

    /// <summary>A document's path relative to its project's folder (forward slashes), or the path as it is when there is no folder.</summary>
    public static string RelativePath(Project project, Document? document, string path)
    {
        var projectDirectory = project.FilePath is null ? null : Path.GetDirectoryName(project.FilePath);
        var full = document?.FilePath ?? path;
        return projectDirectory is null || string.IsNullOrEmpty(full) ? full : Path.GetRelativePath(projectDirectory, full).Replace('\\', '/');
    }
}
