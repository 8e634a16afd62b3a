using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using GilAnalyzers.Core;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Editing;
using Microsoft.CodeAnalysis.Operations;
using Microsoft.CodeAnalysis.Simplification;

namespace GilAnalyzers.CodeFixes;

/// <summary>The whole-range rewrite of explicit threads (and the calling thread) that each run one range of a method.</summary>
internal static partial class FanOutRewrite
{
    public static async Task<Document> ApplyExplicitRangeAsync(Document document, ExplicitRangePlan plan, CancellationToken cancellationToken)
    {
        var editor = await DocumentEditor.CreateAsync(document, cancellationToken).ConfigureAwait(false);
        var model = editor.SemanticModel;
        var anchor = (StatementSyntax)plan.Anchor.Syntax;
        var layout = new Layout(IndentationOf(anchor), EndOfLine(anchor));
        var replacement = Annotate(SyntaxFactory.ParseStatement(ExplicitRangeText(plan, model, anchor.SpanStart, layout)))
            .WithLeadingTrivia(anchor.GetLeadingTrivia())
            .WithTrailingTrivia(anchor.GetTrailingTrivia());
        editor.ReplaceNode(anchor, replacement);
        foreach (var removed in plan.Removed)
        {
            editor.RemoveNode(removed.Syntax, SyntaxRemoveOptions.KeepUnbalancedDirectives);
        }

        if (UnusedLocalFunction(plan.Callee, plan.Removed.Add(plan.Anchor), model, editor.OriginalRoot) is { } unused)
        {
            // Its loop now runs inline in the Parallel.For: an uncalled local function would warn (CS8321).
            editor.RemoveNode(unused, SyntaxRemoveOptions.KeepUnbalancedDirectives);
        }

        return await ImportAdder.AddImportsAsync(editor.GetChangedDocument(), Simplifier.AddImportsAnnotation, cancellationToken: cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Whether the copied loop means at the first thread's declaration what it meant in the method: the method belongs to
    /// the same type, every simple name it uses (other than the parameters, which become the calls' arguments) finds the same
    /// symbol there, and the names it declares (the index, its locals, the accumulator) hide no local or parameter there
    /// nor any name an argument uses.
    /// </summary>
    public static bool ExplicitRangeNamesResolve(ExplicitRangePlan plan, SemanticModel model)
    {
        var position = plan.Anchor.Syntax.SpanStart;
        if (model.GetEnclosingSymbol(position) is not { } enclosing
            || !SymbolEqualityComparer.Default.Equals(enclosing.ContainingType, plan.Callee.ContainingType)
            || (enclosing.IsStatic && !plan.Callee.IsStatic && plan.Callee.MethodKind != MethodKind.LocalFunction))
        {
            return false;
        }

        var copied = new List<IOperation> { plan.LoopBody };
        copied.AddRange(plan.Merges);
        var declared = new HashSet<string> { plan.LoopIndex.Name };
        if (plan.Accumulator is not null)
        {
            declared.Add(plan.Accumulator.Name);
        }

        declared.UnionWith(copied.SelectMany(c => OperationFacts.Descendants(c)).OfType<IVariableDeclaratorOperation>().Select(d => d.Symbol.Name));

        // The callee's parameters become the calls' arguments; the rest must mean the same at the anchor.
        if (!CopiedNamesResolve(copied, model, position, symbol =>
                (symbol is IParameterSymbol parameter && plan.Arguments.ContainsKey(parameter.OriginalDefinition))
                || OperationFacts.IsDeclaredIn(symbol, plan.LoopBody)
                || SymbolEqualityComparer.Default.Equals(symbol, plan.LoopIndex)
                || SymbolEqualityComparer.Default.Equals(symbol, plan.Accumulator)))
        {
            return false;
        }

        var argumentNames = plan.Arguments.Values.Concat(new[] { plan.Start, plan.End })
            .SelectMany(a => a.Syntax.DescendantNodesAndSelf().OfType<IdentifierNameSyntax>())
            .Select(n => n.Identifier.ValueText);
        return !declared.Any(name => argumentNames.Contains(name)
                                     || model.LookupSymbols(position, name: name).Any(s => s is ILocalSymbol or IParameterSymbol or IRangeVariableSymbol));
    }

    private static string ExplicitRangeText(ExplicitRangePlan plan, SemanticModel model, int position, Layout layout)
    {
        var eol = layout.EndOfLine;
        var j = plan.LoopIndex.Name;
        var loopStatements = plan.LoopBody.Syntax is BlockSyntax block ? block.Statements.Cast<SyntaxNode>().ToList() : new List<SyntaxNode> { plan.LoopBody.Syntax };
        var loopBody = string.Concat(loopStatements.Select(s => Reindent(WithArguments(s, plan).ToFullString(), layout.Inner, eol) + eol));
        var range = plan.Start.Syntax.ToString() + ", " + plan.End.Syntax;
        if (plan.Accumulator is null)
        {
            return ParallelName + ".For(" + range + ", " + j + " =>" + eol + layout.Indent + "{" + eol + loopBody + layout.Indent + "});";
        }

        var acc = plan.Accumulator.Name;
        var type = plan.Accumulator.Type.ToMinimalDisplayString(model, position);
        var state = FreeName(model, position, "loopState", plan.LoopBody.Syntax);
        var merges = string.Concat(plan.Merges.Select(m => Reindent(WithArguments(m.Syntax, plan).ToFullString(), layout.Inner, eol) + eol));
        return LocalFoldForText(type, range, plan.AccumulatorInitializer!.Syntax.ToString(), j, state, acc, loopBody, merges, layout);
    }

    /// <summary>The copied code with each of the method's parameters replaced by what the calls pass for it.</summary>
    private static SyntaxNode WithArguments(SyntaxNode node, ExplicitRangePlan plan)
    {
        var model = plan.LoopBody.SemanticModel;
        if (model is null)
        {
            return node;
        }

        var replacements = new Dictionary<SyntaxNode, ExpressionSyntax>();
        foreach (var name in node.DescendantNodesAndSelf().OfType<IdentifierNameSyntax>())
        {
            if (model.GetOperation(name) is IParameterReferenceOperation reference
                && plan.Arguments.TryGetValue(reference.Parameter.OriginalDefinition, out var argument)
                && argument.Syntax is ExpressionSyntax passed)
            {
                var value = passed.WithoutTrivia();
                replacements[name] = value is IdentifierNameSyntax or LiteralExpressionSyntax or MemberAccessExpressionSyntax or InvocationExpressionSyntax
                        or ElementAccessExpressionSyntax or ThisExpressionSyntax or ParenthesizedExpressionSyntax
                    ? value
                    : SyntaxFactory.ParenthesizedExpression(value);
            }
        }

        return replacements.Count == 0 ? node : node.ReplaceNodes(replacements.Keys, (original, _) => replacements[original].WithTriviaFrom(original));
    }

    /// <summary>The declaration of a local function nothing outside <paramref name="gone"/> and itself calls any more.</summary>
    private static SyntaxNode? UnusedLocalFunction(IMethodSymbol callee, IEnumerable<IOperation> gone, SemanticModel model, SyntaxNode root)
    {
        if (callee.MethodKind != MethodKind.LocalFunction
            || callee.DeclaringSyntaxReferences.Length != 1
            || callee.DeclaringSyntaxReferences[0].GetSyntax() is not LocalFunctionStatementSyntax declaration)
        {
            return null;
        }

        var spans = gone.Select(g => g.Syntax.Span).Append(declaration.Span).ToList();
        var stillCalled = root.DescendantNodes()
            .OfType<IdentifierNameSyntax>()
            .Where(n => n.Identifier.ValueText == callee.Name && !spans.Any(s => s.Contains(n.Span)))
            .Any(n => SymbolEqualityComparer.Default.Equals(model.GetSymbolInfo(n).Symbol, callee));
        return stillCalled ? null : declaration;
    }
}
