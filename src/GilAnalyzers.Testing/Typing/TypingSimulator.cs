using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Text;

// The IDE-typing simulation of the real-code runner (option --typing) and of the test suite (TypingSimulationTests):
// one piece of code in the kit. It runs under Roslyn 4.14 (tests) and 5.12 (tools): keep to APIs both have.
// The namespace is the one it had in the real-code runner, so the tests written against it compile unchanged.
namespace GilAnalyzers.Testing.Typing;

/// <summary>One exception seen while the file was being "typed": where (prefix length, line), in what, and the message.</summary>
public sealed record TypingFailure(string Path, int PrefixLength, int Line, string Stage, string Message)
{
    public override string ToString() => $"{Path} @ prefix {PrefixLength} chars (line {Line}) in {Stage}: {Message}";
}

/// <summary>What one file's typing simulation did.</summary>
public sealed class TypingResult
{
    public TypingResult(string path) => Path = path;

    public string Path { get; }

    public int Prefixes { get; set; }

    public int PrefixesWithDiagnostics { get; set; }

    public int Diagnostics { get; set; }

    public int CodeActions { get; set; }

    public List<TypingFailure> Failures { get; } = new();
}

/// <summary>
/// Replays what an IDE sees while someone types a file: the analyzers run on growing prefixes of it (every line end,
/// plus cuts right after <c>(</c>, <c>,</c>, <c>=</c>, <c>=&gt;</c>, <c>{</c>, <c>;</c> inside lines), and wherever a
/// diagnostic appears every fixer that claims its ID is asked for code actions whose operations are then computed.
/// Every exception (thrown, reported through <c>onAnalyzerException</c>, or surfacing as AD0001) is a failure.
/// </summary>
public sealed class TypingSimulator
{
    private readonly ImmutableArray<DiagnosticAnalyzer> analyzers;
    private readonly ImmutableArray<CodeFixProvider> fixers;
    private readonly ImmutableArray<MetadataReference> references;
    private readonly CSharpParseOptions parseOptions;
    private readonly int maxPrefixesPerFile;

    public TypingSimulator(
        ImmutableArray<DiagnosticAnalyzer> analyzers,
        ImmutableArray<CodeFixProvider> fixers,
        ImmutableArray<MetadataReference> references,
        CSharpParseOptions parseOptions,
        int maxPrefixesPerFile = 400)
    {
        if (maxPrefixesPerFile < 2)
        {
            throw new ArgumentOutOfRangeException(nameof(maxPrefixesPerFile), maxPrefixesPerFile, "At least two prefixes (empty and whole file) are needed.");
        }

        this.analyzers = analyzers;
        this.fixers = fixers;
        this.references = references;
        this.parseOptions = parseOptions;
        this.maxPrefixesPerFile = maxPrefixesPerFile;
    }

    /// <summary>
    /// Prefix lengths to try, ascending, always including 0 and the whole text. Line ends come first; when a file has
    /// more lines than the budget they are thinned evenly. Left-over budget goes to cuts inside lines, right after
    /// tokens where people pause (<c>( , = =&gt; { ;</c>), also thinned evenly.
    /// </summary>
    public static IReadOnlyList<int> CutPoints(string text, CSharpParseOptions parseOptions, int maxPrefixes)
    {
        var sourceText = SourceText.From(text);
        var lineEnds = sourceText.Lines.Select(l => l.End).Where(p => p > 0 && p < text.Length).Distinct().ToList();
        var tree = CSharpSyntaxTree.ParseText(sourceText, parseOptions);
        var pauseKinds = new HashSet<SyntaxKind>
        {
            SyntaxKind.OpenParenToken, SyntaxKind.CommaToken, SyntaxKind.EqualsToken, SyntaxKind.EqualsGreaterThanToken,
            SyntaxKind.OpenBraceToken, SyntaxKind.SemicolonToken, SyntaxKind.DotToken,
        };
        var lineEndSet = new HashSet<int>(lineEnds);
        var inLine = tree.GetRoot().DescendantTokens()
            .Where(t => pauseKinds.Contains(t.Kind()) && !lineEndSet.Contains(t.Span.End))
            .Select(t => t.Span.End)
            .Distinct()
            .ToList();

        var budget = maxPrefixes - 2;
        var cuts = new SortedSet<int> { 0, text.Length };
        foreach (var p in Thin(lineEnds, budget))
        {
            cuts.Add(p);
        }

        foreach (var p in Thin(inLine, Math.Max(0, maxPrefixes - cuts.Count)))
        {
            cuts.Add(p);
        }

        return cuts.ToList();
    }

    private static IEnumerable<int> Thin(List<int> points, int budget)
    {
        if (budget <= 0)
        {
            yield break;
        }

        if (points.Count <= budget)
        {
            foreach (var p in points)
            {
                yield return p;
            }

            yield break;
        }

        var step = (double)points.Count / budget;
        for (var i = 0; i < budget; i++)
        {
            yield return points[(int)(i * step)];
        }
    }

    public async Task<TypingResult> SimulateAsync(string path, string text, CancellationToken cancellationToken)
    {
        var result = new TypingResult(path);
        using var workspace = new AdhocWorkspace();
        var projectId = ProjectId.CreateNewId();
        var documentId = DocumentId.CreateNewId(projectId);
        var solution = workspace.CurrentSolution
            .AddProject(ProjectInfo.Create(
                projectId,
                VersionStamp.Create(),
                "Typing",
                "Typing",
                LanguageNames.CSharp,
                compilationOptions: new CSharpCompilationOptions(
                    OutputKind.DynamicallyLinkedLibrary,
                    allowUnsafe: true,
                    nullableContextOptions: NullableContextOptions.Enable),
                parseOptions: parseOptions,
                metadataReferences: references))
            .AddDocument(documentId, System.IO.Path.GetFileName(path), SourceText.From(string.Empty), filePath: path);

        var fullText = SourceText.From(text);
        foreach (var cut in CutPoints(text, parseOptions, maxPrefixesPerFile))
        {
            cancellationToken.ThrowIfCancellationRequested();
            result.Prefixes++;
            var line = fullText.Lines.GetLineFromPosition(Math.Max(0, Math.Min(cut, text.Length) - (cut > 0 ? 1 : 0))).LineNumber + 1;
            var document = solution.WithDocumentText(documentId, SourceText.From(text.Substring(0, cut))).GetDocument(documentId)!;
            ImmutableArray<Diagnostic> diagnostics;
            var exceptions = new ConcurrentQueue<string>();
            try
            {
                var compilation = (await document.Project.GetCompilationAsync(cancellationToken).ConfigureAwait(false))!;
                var options = new CompilationWithAnalyzersOptions(
                    new AnalyzerOptions(ImmutableArray<AdditionalText>.Empty),
                    onAnalyzerException: (exception, analyzer, _) => exceptions.Enqueue($"{analyzer.GetType().Name} threw {Describe(exception)}"),
                    concurrentAnalysis: false,
                    logAnalyzerExecutionTime: false);
                diagnostics = await compilation.WithAnalyzers(analyzers, options)
                    .GetAnalyzerDiagnosticsAsync(cancellationToken)
                    .ConfigureAwait(false);
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                result.Failures.Add(new TypingFailure(path, cut, line, "analysis", Describe(exception)));
                continue;
            }

            foreach (var message in exceptions)
            {
                result.Failures.Add(new TypingFailure(path, cut, line, "analyzer", message));
            }

            foreach (var ad0001 in diagnostics.Where(d => d.Id == "AD0001"))
            {
                result.Failures.Add(new TypingFailure(path, cut, line, "analyzer", ad0001.GetMessage()));
            }

            var reported = diagnostics.Where(d => d.Id != "AD0001").ToList();
            if (reported.Count == 0)
            {
                continue;
            }

            result.PrefixesWithDiagnostics++;
            result.Diagnostics += reported.Count;
            foreach (var diagnostic in reported)
            {
                foreach (var fixer in fixers.Where(f => f.FixableDiagnosticIds.Contains(diagnostic.Id)))
                {
                    result.CodeActions += await AskFixerAsync(fixer, document, diagnostic, cut, line, result.Failures, cancellationToken).ConfigureAwait(false);
                }
            }
        }

        return result;
    }

    private static async Task<int> AskFixerAsync(
        CodeFixProvider fixer, Document document, Diagnostic diagnostic, int cut, int line, List<TypingFailure> failures, CancellationToken cancellationToken)
    {
        var offered = await CodeFixCalls.ActionsAsync(document, diagnostic, new[] { fixer }, cancellationToken).ConfigureAwait(false);
        var actions = offered.Actions.Select(a => a.Action).ToList();
        if (offered.Failures.Count > 0)
        {
            var stage = $"{fixer.GetType().Name}.RegisterCodeFixesAsync for {diagnostic.Id}";
            failures.Add(new TypingFailure(document.FilePath ?? document.Name, cut, line, stage, Describe(offered.Failures[0].Exception)));
            return actions.Count;
        }

        foreach (var action in actions)
        {
            try
            {
                var operations = await action.GetOperationsAsync(cancellationToken).ConfigureAwait(false);
                foreach (var operation in operations.OfType<ApplyChangesOperation>())
                {
                    // Computing the changed documents' text is what the IDE's preview does; it must not throw either.
                    foreach (var projectChanges in operation.ChangedSolution.GetChanges(document.Project.Solution).GetProjectChanges())
                    {
                        foreach (var changedId in projectChanges.GetChangedDocuments())
                        {
                            var changed = operation.ChangedSolution.GetDocument(changedId);
                            if (changed is not null)
                            {
                                _ = await changed.GetTextAsync(cancellationToken).ConfigureAwait(false);
                            }
                        }
                    }
                }
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                failures.Add(new TypingFailure(
                    document.FilePath ?? document.Name, cut, line, $"{fixer.GetType().Name} action '{action.Title}' ({action.EquivalenceKey}) for {diagnostic.Id}", Describe(exception)));
            }
        }

        return actions.Count;
    }

    private static string Describe(Exception exception)
    {
        var lines = exception.ToString().Split('\n');
        return string.Join("\n", lines.Take(8)).TrimEnd();
    }
}
