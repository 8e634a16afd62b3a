using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using GilAnalyzers.Core;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Editing;
using Microsoft.CodeAnalysis.Formatting;
using Microsoft.CodeAnalysis.Simplification;

namespace GilAnalyzers.CodeFixes;

/// <summary>
/// Writes a <see cref="ThreadRunLaterPlan"/> back: the collection of threads becomes one of <c>ThreadStart</c>s, the thread
/// creation <c>new ThreadStart(work)</c>, the starts go, and <c>Parallel.ForEach(collection, work =&gt; work())</c> replaces the
/// first join (or goes right before the loop that joins and merges); later joins go.
/// </summary>
internal static class ThreadRunLaterRewrite
{
    public static async Task<Document> ApplyAsync(Document document, ThreadRunLaterPlan plan, CancellationToken cancellationToken)
    {
        var editor = await DocumentEditor.CreateAsync(document, cancellationToken).ConfigureAwait(false);
        var model = editor.SemanticModel;
        var launched = plan.Launched;

        var creation = plan.Creation.Syntax;
        var workText = plan.Work.ToString();
        if (plan.StartArgument is { } argument)
        {
            // new Thread(Work) … t.Start(arg) → new ThreadStart(() => Work(arg)), arg first copied where the thread was made.
            var argumentText = argument.Syntax.ToString();
            if (plan.CopyArgument)
            {
                var statement = creation.AncestorsAndSelf().OfType<StatementSyntax>().First(s => s.Parent is BlockSyntax);
                argumentText = FanOutRewrite.FreeName(model, statement.SpanStart, "state", statement.Parent!);
                var copy = SyntaxFactory.ParseStatement("var " + argumentText + " = " + argument.Syntax + ";")
                    .WithLeadingTrivia(statement.GetLeadingTrivia().LastOrDefault(t => t.IsKind(SyntaxKind.WhitespaceTrivia)))
                    .WithTrailingTrivia(SyntaxFactory.EndOfLine(EndOfLine(statement, cancellationToken)));
                editor.InsertBefore(statement, copy);
            }

            workText = "() => " + workText + "(" + argumentText + ")";
        }

        var action = (ObjectCreationExpressionSyntax)SyntaxFactory.ParseExpression("new " + plan.DelegateType + "(" + workText + ")");
        action = action.WithType(Simplified(action.Type)).WithTriviaFrom(creation);
        editor.ReplaceNode(creation, action);

        RetypeDeclarations(editor, plan, creation, launched, cancellationToken);

        foreach (var removed in plan.Removed)
        {
            editor.RemoveNode(removed.Syntax, SyntaxRemoveOptions.KeepUnbalancedDirectives);
        }

        PlaceRun(editor, plan, model, cancellationToken);
        return await ImportAdder.AddImportsAsync(editor.GetChangedDocument(), Simplifier.AddImportsAnnotation, cancellationToken: cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Thread[] / List&lt;Thread&gt; / Thread t → ThreadStart[] / List&lt;ThreadStart&gt; / ThreadStart t (not inside the replaced creation).</summary>
    private static void RetypeDeclarations(DocumentEditor editor, ThreadRunLaterPlan plan, SyntaxNode creation, ITypeSymbol launched, CancellationToken cancellationToken)
    {
        var model = editor.SemanticModel;
        foreach (var declaration in new[] { plan.CollectionDeclaration.Syntax, plan.ThreadDeclaration?.Syntax })
        {
            if (declaration is null)
            {
                continue;
            }

            var names = declaration.DescendantNodes(n => !creation.Span.Contains(n.Span) || n == declaration)
                .OfType<TypeSyntax>()
                .Where(t => t is IdentifierNameSyntax { IsVar: false } or QualifiedNameSyntax or AliasQualifiedNameSyntax
                            && !creation.Span.Contains(t.Span)
                            && t.Parent is not QualifiedNameSyntax
                            && SymbolEqualityComparer.Default.Equals(model.GetSymbolInfo(t, cancellationToken).Symbol, launched))
                .ToList();
            foreach (var name in names)
            {
                editor.ReplaceNode(name, Simplified(SyntaxFactory.ParseTypeName(plan.DelegateType)).WithTriviaFrom(name));
            }
        }
    }

    /// <summary>Parallel.ForEach(collection, work =&gt; work()) where the threads were first joined (or right before the joining loop).</summary>
    private static void PlaceRun(DocumentEditor editor, ThreadRunLaterPlan plan, SemanticModel model, CancellationToken cancellationToken)
    {
        var runAt = (StatementSyntax)plan.RunAt.Syntax;
        var work = FanOutRewrite.FreeName(model, runAt.SpanStart, "work", runAt);
        var run = SyntaxFactory.ParseStatement("System.Threading.Tasks.Parallel.ForEach(" + plan.Collection.Name + ", " + work + " => " + work + "());");
        var parallel = run.DescendantNodes().OfType<MemberAccessExpressionSyntax>().First(m => m.ToString() == "System.Threading.Tasks.Parallel");
        run = run.ReplaceNode(parallel, parallel.WithAdditionalAnnotations(Simplifier.Annotation, Simplifier.AddImportsAnnotation));
        if (plan.ReplaceRunAt)
        {
            // workers.ForEach(w => w.Start()); workers.ForEach(w => w.Join()); → one statement, with the first one's leading
            // trivia (the blank line or comment before the pair).
            var leading = runAt.GetLeadingTrivia();
            if (runAt.Parent is BlockSyntax block && block.Statements.IndexOf(runAt) is > 0 and var at
                && plan.Removed.Any(r => r.Syntax == block.Statements[at - 1]))
            {
                leading = block.Statements[at - 1].GetLeadingTrivia();
            }

            editor.ReplaceNode(runAt, run.WithLeadingTrivia(leading).WithTrailingTrivia(runAt.GetTrailingTrivia()).WithAdditionalAnnotations(Formatter.Annotation));
        }
        else
        {
            var indent = runAt.GetLeadingTrivia().LastOrDefault(t => t.IsKind(SyntaxKind.WhitespaceTrivia));
            var eol = EndOfLine(runAt, cancellationToken);
            // The run takes the loop's leading trivia (blank line, comment); the loop keeps its indentation.
            editor.InsertBefore(runAt, run.WithLeadingTrivia(runAt.GetLeadingTrivia()).WithTrailingTrivia(SyntaxFactory.EndOfLine(eol)));
            editor.ReplaceNode(runAt, (current, _) => current.WithLeadingTrivia(indent));
        }
    }

    private static string EndOfLine(SyntaxNode node, CancellationToken cancellationToken)
        => node.SyntaxTree.GetText(cancellationToken).ToString().Contains("\r\n") ? "\r\n" : "\n";

    private static TypeSyntax Simplified(TypeSyntax type) => type.WithAdditionalAnnotations(Simplifier.Annotation, Simplifier.AddImportsAnnotation);
}
