using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.Text;

namespace GilAnalyzers.CodeFixes.FixAll;

/// <summary>
/// Fix all for every GilAnalyzers fixer. With an equivalence key — the IDE's "Fix all occurrences" of the action the user
/// picked — it is the batch fixer: that action at every site that offers it. Without one it applies, at every site, the
/// site's own first action (the best one each fixer registers first). That is what <c>dotnet format analyzers</c> asks
/// for when the first site it looked at has no action (it passes that site's missing key, null): the batch fixer would
/// then fix nothing of the rule in the whole solution, although later sites are fixable. Sites whose fixes touch the
/// same text as an earlier site's are left for the next run; identical edits (the same <c>using</c> added twice) merge.
/// Sites without an action stay as they are: the light bulb never shows an action that does nothing.
/// </summary>
internal sealed class FirstActionFixAllProvider : FixAllProvider
{
    public static FirstActionFixAllProvider Instance { get; } = new FirstActionFixAllProvider();

    private FirstActionFixAllProvider()
    {
    }

    public override IEnumerable<FixAllScope> GetSupportedFixAllScopes()
        => new[] { FixAllScope.Document, FixAllScope.Project, FixAllScope.Solution };

    public override async Task<CodeAction?> GetFixAsync(FixAllContext fixAllContext)
    {
        if (fixAllContext.CodeActionEquivalenceKey is not null)
        {
            return await WellKnownFixAllProviders.BatchFixer.GetFixAsync(fixAllContext).ConfigureAwait(false);
        }

        var byDocument = await DiagnosticsByDocumentAsync(fixAllContext).ConfigureAwait(false);
        if (byDocument.Count == 0)
        {
            return null;
        }

        var solution = fixAllContext.Solution;
        var fixer = fixAllContext.CodeFixProvider;
        return CodeAction.Create(
            "Apply each site's first GilAnalyzers fix",
            ct => FixAsync(solution, fixer, byDocument, ct));
    }

    private static async Task<Dictionary<DocumentId, List<Diagnostic>>> DiagnosticsByDocumentAsync(FixAllContext context)
    {
        var diagnostics = new List<Diagnostic>();
        switch (context.Scope)
        {
            case FixAllScope.Document when context.Document is not null:
                diagnostics.AddRange(await context.GetDocumentDiagnosticsAsync(context.Document).ConfigureAwait(false));
                break;
            case FixAllScope.Project:
                diagnostics.AddRange(await context.GetAllDiagnosticsAsync(context.Project).ConfigureAwait(false));
                break;
            case FixAllScope.Solution:
                foreach (var project in context.Solution.Projects)
                {
                    diagnostics.AddRange(await context.GetAllDiagnosticsAsync(project).ConfigureAwait(false));
                }

                break;
        }

        var ids = new HashSet<string>(context.DiagnosticIds);
        var result = new Dictionary<DocumentId, List<Diagnostic>>();
        foreach (var diagnostic in diagnostics)
        {
            if (!ids.Contains(diagnostic.Id) || diagnostic.Location.SourceTree is not { } tree
                || DocumentOf(context.Solution, tree) is not { } documentId)
            {
                continue;
            }

            if (!result.TryGetValue(documentId, out var list))
            {
                result[documentId] = list = new List<Diagnostic>();
            }

            list.Add(diagnostic);
        }

        return result;
    }

    /// <summary>
    /// The document of a diagnostic's tree. Hosts may analyse compilations whose trees are not the solution's own (dotnet
    /// format does): then the document with the tree's file path.
    /// </summary>
    private static DocumentId? DocumentOf(Solution solution, SyntaxTree tree)
    {
        if (solution.GetDocumentId(tree) is { } id)
        {
            return id;
        }

        return string.IsNullOrEmpty(tree.FilePath) ? null : solution.GetDocumentIdsWithFilePath(tree.FilePath).FirstOrDefault();
    }

    private static async Task<Solution> FixAsync(Solution solution, CodeFixProvider fixer, Dictionary<DocumentId, List<Diagnostic>> byDocument, CancellationToken cancellationToken)
    {
        // Accepted edits per document, all against the original text.
        var accepted = new Dictionary<DocumentId, List<TextChange>>();
        foreach (var pair in byDocument.OrderBy(p => solution.GetDocument(p.Key)?.FilePath ?? string.Empty, System.StringComparer.Ordinal))
        {
            if (solution.GetDocument(pair.Key) is not { } document)
            {
                continue;
            }

            foreach (var diagnostic in pair.Value.OrderBy(d => d.Location.SourceSpan.Start))
            {
                cancellationToken.ThrowIfCancellationRequested();
                var edits = await EditsOfFirstActionAsync(solution, fixer, document, diagnostic, cancellationToken).ConfigureAwait(false);
                if (edits is not null && !Conflicts(edits, accepted))
                {
                    foreach (var edit in edits)
                    {
                        if (!accepted.TryGetValue(edit.Key, out var list))
                        {
                            accepted[edit.Key] = list = new List<TextChange>();
                        }

                        list.AddRange(edit.Value.Where(change => !list.Contains(change)));
                    }
                }
            }
        }

        var result = solution;
        foreach (var pair in accepted)
        {
            var document = solution.GetDocument(pair.Key)!;
            var text = await document.GetTextAsync(cancellationToken).ConfigureAwait(false);
            result = result.WithDocumentText(pair.Key, text.WithChanges(pair.Value.OrderBy(c => c.Span.Start)));
        }

        return result;
    }

    /// <summary>The text edits of the site's first action, per document; null when it has none or adds or removes documents.</summary>
    private static async Task<Dictionary<DocumentId, List<TextChange>>?> EditsOfFirstActionAsync(
        Solution solution, CodeFixProvider fixer, Document document, Diagnostic diagnostic, CancellationToken cancellationToken)
    {
        CodeAction? first = null;
        var context = new CodeFixContext(document, diagnostic, (action, _) => first ??= action, cancellationToken);
        // GilAnalyzers' fixers register flat actions, best first (no nested groups).
        await fixer.RegisterCodeFixesAsync(context).ConfigureAwait(false);
        if (first is null)
        {
            return null;
        }

        var operations = await first.GetOperationsAsync(cancellationToken).ConfigureAwait(false);
        if (operations.OfType<ApplyChangesOperation>().FirstOrDefault() is not { } apply)
        {
            return null;
        }

        var changes = apply.ChangedSolution.GetChanges(solution);
        var edits = new Dictionary<DocumentId, List<TextChange>>();
        foreach (var project in changes.GetProjectChanges())
        {
            if (project.GetAddedDocuments().Any() || project.GetRemovedDocuments().Any())
            {
                return null;
            }

            foreach (var id in project.GetChangedDocuments(onlyGetDocumentsWithTextChanges: true))
            {
                var before = solution.GetDocument(id)!;
                var after = apply.ChangedSolution.GetDocument(id)!;
                edits[id] = (await after.GetTextChangesAsync(before, cancellationToken).ConfigureAwait(false)).ToList();
            }
        }

        return edits.Count == 0 ? null : edits;
    }

    /// <summary>Whether an edit overlaps, or inserts at the same place as, an accepted edit it is not identical to.</summary>
    private static bool Conflicts(Dictionary<DocumentId, List<TextChange>> edits, Dictionary<DocumentId, List<TextChange>> accepted)
    {
        foreach (var edit in edits)
        {
            if (!accepted.TryGetValue(edit.Key, out var taken))
            {
                continue;
            }

            foreach (var change in edit.Value)
            {
                foreach (var other in taken)
                {
                    if (change.Equals(other))
                    {
                        continue;
                    }

                    if (change.Span.OverlapsWith(other.Span) || change.Span.Start == other.Span.Start
                        || (change.Span.IsEmpty && other.Span.Contains(change.Span.Start) && other.Span.Start != change.Span.Start)
                        || (other.Span.IsEmpty && change.Span.Contains(other.Span.Start)))
                    {
                        return true;
                    }
                }
            }
        }

        return false;
    }
}
