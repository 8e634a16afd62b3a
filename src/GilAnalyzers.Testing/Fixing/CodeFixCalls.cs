using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;

namespace GilAnalyzers.Testing;

/// <summary>A code action a fixer offered for one diagnostic, in the order it was registered (nested actions flattened).</summary>
public sealed record OfferedAction(CodeFixProvider Fixer, CodeAction Action)
{
    public string Key => Action.EquivalenceKey ?? "(null)";
}

/// <summary>What asking fixers for one diagnostic's code actions gave: the actions in order, and the fixers that threw.</summary>
public sealed record OfferedActions(IReadOnlyList<OfferedAction> Actions, IReadOnlyList<(CodeFixProvider Fixer, Exception Exception)> Failures);

/// <summary>The compiler errors a change added to a project: per file, errors after minus before (never below zero), summed.</summary>
public sealed record AddedErrors(int Before, int After, int New, IReadOnlyList<Diagnostic> Samples);

/// <summary>
/// The fixer calls the IDE and <c>dotnet format</c> make, in one place for the fix loop, the typing simulation and every
/// mode of the real-code tool: ask fixers for a diagnostic's code actions through a <see cref="CodeFixContext"/> on the
/// workspace document, take a code action's changed solution from its <see cref="ApplyChangesOperation"/>, and count
/// the compiler errors a change added to a project. Fixer exceptions are returned, never thrown.
/// </summary>
public static class CodeFixCalls
{
    /// <summary>
    /// Asks each fixer that handles the diagnostic's rule for its code actions on <paramref name="document"/>, in fixer
    /// order. An action with nested actions (a submenu in the IDE) stands for its leaves: they are what can be applied.
    /// </summary>
    public static async Task<OfferedActions> ActionsAsync(
        Document document, Diagnostic diagnostic, IEnumerable<CodeFixProvider> fixers, CancellationToken cancellationToken)
    {
        var actions = new List<OfferedAction>();
        var failures = new List<(CodeFixProvider, Exception)>();
        foreach (var fixer in fixers.Where(f => f.FixableDiagnosticIds.Contains(diagnostic.Id)))
        {
            var offered = new List<OfferedAction>();
            try
            {
                await fixer.RegisterCodeFixesAsync(new CodeFixContext(document, diagnostic, (a, _) => offered.AddRange(Leaves(a).Select(leaf => new OfferedAction(fixer, leaf))), cancellationToken));
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                failures.Add((fixer, e));
            }

            actions.AddRange(offered);
        }

        return new OfferedActions(actions, failures);
    }

    private static IEnumerable<CodeAction> Leaves(CodeAction action) =>
        action.NestedActions.IsDefaultOrEmpty ? new[] { action } : action.NestedActions.SelectMany(Leaves);

    /// <summary>
    /// The solution a code action leaves (what applying it in the IDE or <c>dotnet format</c> gives), or null with why
    /// not. Exceptions from the fixer's rewrite propagate: the caller reports them as the fixer's failure.
    /// </summary>
    public static async Task<(Solution? Changed, string? WhyNot)> ChangedSolutionAsync(CodeAction action, CancellationToken cancellationToken)
    {
        var operations = await action.GetOperationsAsync(cancellationToken);
        var apply = operations.OfType<ApplyChangesOperation>().FirstOrDefault();
        return apply is null ? (null, "the action has no ApplyChangesOperation") : (apply.ChangedSolution, null);
    }

    /// <summary>Errors per file of a project's compiler diagnostics (the "before" side of <see cref="AddedErrorsAsync"/>).</summary>
    public static Dictionary<string, List<Diagnostic>> ErrorsPerFile(ImmutableArray<Diagnostic> diagnostics) =>
        diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error)
            .GroupBy(d => d.Location.SourceTree?.FilePath ?? "(no file)", StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.ToList(), StringComparer.Ordinal);

    /// <summary>Compiles the project in the changed solution and compares its errors per file with <paramref name="errorsBefore"/>.</summary>
    public static async Task<AddedErrors> AddedErrorsAsync(
        Solution changed, ProjectId project, Dictionary<string, List<Diagnostic>> errorsBefore, int samplesPerFile, CancellationToken cancellationToken)
    {
        var compilation = (await changed.GetProject(project)!.GetCompilationAsync(cancellationToken))!;
        var errorsAfter = ErrorsPerFile(compilation.GetDiagnostics(cancellationToken));
        var added = 0;
        var samples = new List<Diagnostic>();
        foreach (var (file, after) in errorsAfter)
        {
            var before = errorsBefore.GetValueOrDefault(file) ?? new List<Diagnostic>();
            if (after.Count <= before.Count)
            {
                continue;
            }

            added += after.Count - before.Count;
            var known = before.Select(d => d.Id + d.GetMessage()).ToHashSet(StringComparer.Ordinal);
            samples.AddRange(after.Where(d => !known.Contains(d.Id + d.GetMessage())).Take(samplesPerFile));
        }

        return new AddedErrors(errorsBefore.Values.Sum(v => v.Count), errorsAfter.Values.Sum(v => v.Count), added, samples);
    }
}
