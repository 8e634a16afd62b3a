using System.Collections.Generic;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace GilAnalyzers.CodeFixes.Locks;

/// <summary>
/// A scratch array filled forward by a recurrence — a trajectory, a march, a time series: <c>f[0] = x0;</c> then
/// <c>for (int s = 0; s &lt; n; s++) { … f[s] … f[s + 1] = g(f[s]); }</c> with <c>n + 1</c> the array's length. Element 0 is
/// written first, and each pass reads only the element the pass before it (or the first write) wrote and writes the
/// next, so after the loop every element holds what this call wrote and nothing an earlier call left is ever read.
/// </summary>
internal static partial class WholeOverwrites
{
    /// <summary>
    /// The recurrence that starts at <paramref name="statements"/>[<paramref name="index"/>] (<c>f[0] = x0;</c>), with only
    /// straight-line statements that do not name <c>f</c> between it and the loop; null when there is none.
    /// </summary>
    /// <remarks>
    /// The loop counts up from 0 by one to <c>n</c>, where <c>n</c> is <c>f.Length - 1</c>, a constant one less than the
    /// constant size of every array the field is given, or the expression <c>e</c> of every array the field is given as
    /// <c>new T[e + 1]</c> when <c>e</c> names only constants and never-written primary-constructor parameters. Its body
    /// writes <c>f[s + 1]</c> in one statement of its own, names <c>f</c> elsewhere only as <c>f[s]</c> (read, outside any
    /// lambda or local function), writes no counter, and has no <c>continue</c>, <c>return</c>, <c>throw</c>, <c>goto</c>,
    /// <c>yield</c> or <c>break</c> of the loop: every pass writes its element.
    /// </remarks>
    private static WholeOverwrite? Recurrence(IReadOnlyList<StatementSyntax> statements, int index, SemanticModel model, CancellationToken cancellationToken)
    {
        if (statements[index] is not ExpressionStatementSyntax { Expression: AssignmentExpressionSyntax { RawKind: (int)SyntaxKind.SimpleAssignmentExpression, Left: ElementAccessExpressionSyntax { ArgumentList.Arguments: { Count: 1 } first } start } seed }
            || model.GetConstantValue(first[0].Expression, cancellationToken) is not { HasValue: true, Value: 0 }
            || ScratchBuffers.FieldOf(model.GetOperation(start.Expression, cancellationToken)) is not { } field
            || !IsScratchArray(field) || Names(seed.Right, field, model, cancellationToken))
        {
            return null;
        }

        for (var i = index + 1; i < statements.Count; i++)
        {
            var statement = statements[i];
            if (statement is ForStatementSyntax loop)
            {
                return IsRecurrenceLoop(loop, field, model, cancellationToken) ? new WholeOverwrite(field, i - index + 1, null) : null;
            }

            if (statement is not (ExpressionStatementSyntax or LocalDeclarationStatementSyntax) || Names(statement, field, model, cancellationToken)
                || statement.DescendantNodes().Any(n => n is AnonymousFunctionExpressionSyntax))
            {
                return null;
            }
        }

        return null;
    }

    private static bool IsRecurrenceLoop(ForStatementSyntax loop, IFieldSymbol field, SemanticModel model, CancellationToken cancellationToken)
    {
        if (CountsUp(loop, model, cancellationToken) is not { } header || WritesCounter(loop.Statement, header.Counter)
            || !IsLengthLessOne(header.Bound, field, model, cancellationToken))
        {
            return false;
        }

        var counter = header.Counter;
        var body = loop.Statement is BlockSyntax block ? (IReadOnlyList<StatementSyntax>)block.Statements : new[] { loop.Statement };
        if (body.Any(s => s.DescendantNodesAndSelf().Any(n => n is ContinueStatementSyntax or ReturnStatementSyntax or ThrowStatementSyntax or ThrowExpressionSyntax
                                                              or GotoStatementSyntax or YieldStatementSyntax or LabeledStatementSyntax
                                                              || (n is BreakStatementSyntax && EndsLoop(n, loop)))))
        {
            return false;
        }

        ElementAccessExpressionSyntax? next = null;
        foreach (var statement in body)
        {
            if (statement is ExpressionStatementSyntax { Expression: AssignmentExpressionSyntax { RawKind: (int)SyntaxKind.SimpleAssignmentExpression, Left: ElementAccessExpressionSyntax target } }
                && IsField(target.Expression, field, model, cancellationToken) && IsCounterPlusOne(target, counter))
            {
                if (next is not null)
                {
                    return false;
                }

                next = target;
            }
        }

        if (next is null)
        {
            return false;
        }

        foreach (var mention in body.SelectMany(s => Mentions(s, field, model, cancellationToken)))
        {
            var use = UseOf(mention);
            if (use.Parent is ElementAccessExpressionSyntax element && element == next && element.Expression == use)
            {
                continue;
            }

            var atCounter = use.Parent is ElementAccessExpressionSyntax { ArgumentList.Arguments: { Count: 1 } position } read && read.Expression == use
                            && position[0].Expression is IdentifierNameSyntax { Identifier.ValueText: var name } && name == counter
                            && !IsWritten(read);
            if (!atCounter || use.Ancestors().TakeWhile(a => a != loop).Any(a => a is AnonymousFunctionExpressionSyntax or LocalFunctionStatementSyntax))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// <paramref name="block"/> is the body of <paramref name="loop"/>, a <c>for</c> that counts up from 0 by <c>i++</c> to a
    /// constant above 0 (<see cref="CountsUp"/>) and never writes its counter, and no statement of the body can end a pass
    /// early or leave the loop (<c>continue</c>, <c>break</c>, <c>goto</c>, <c>return</c>, <c>throw</c>, <c>yield</c>): every
    /// pass runs the body whole, and there is at least one. A buffer the body overwrites whole then holds this call's data
    /// after the loop (<see cref="ScratchBuffers"/>).
    /// </summary>
    public static bool RunsEveryPassAtLeastOnce(StatementSyntax loop, BlockSyntax block, SemanticModel model, CancellationToken cancellationToken)
        => loop is ForStatementSyntax counted && counted.Statement == block
           && CountsUp(counted, model, cancellationToken) is { } header
           && model.GetConstantValue(header.Bound, cancellationToken) is { HasValue: true, Value: int trips } && trips > 0
           && counted.Incrementors[0] is PostfixUnaryExpressionSyntax { RawKind: (int)SyntaxKind.PostIncrementExpression }
           && !WritesCounter(block, header.Counter)
           && !block.DescendantNodes().Any(n => n is ContinueStatementSyntax or BreakStatementSyntax or GotoStatementSyntax or ReturnStatementSyntax
                                                 or ThrowStatementSyntax or ThrowExpressionSyntax or YieldStatementSyntax or LabeledStatementSyntax);

    /// <summary><c>f[s + 1]</c> or <c>f[1 + s]</c>.</summary>
    private static bool IsCounterPlusOne(ElementAccessExpressionSyntax target, string counter)
        => target.ArgumentList.Arguments.Count == 1
           && target.ArgumentList.Arguments[0].Expression is BinaryExpressionSyntax { RawKind: (int)SyntaxKind.AddExpression } sum
           && ((sum.Left is IdentifierNameSyntax { Identifier.ValueText: var left } && left == counter && sum.Right is LiteralExpressionSyntax { Token.Value: 1 })
               || (sum.Right is IdentifierNameSyntax { Identifier.ValueText: var right } && right == counter && sum.Left is LiteralExpressionSyntax { Token.Value: 1 }));

    private static bool IsField(ExpressionSyntax expression, IFieldSymbol field, SemanticModel model, CancellationToken cancellationToken)
        => SymbolEqualityComparer.Default.Equals(ScratchBuffers.FieldOf(model.GetOperation(expression, cancellationToken)), field);

    /// <summary>The loop bound is one less than the array's length (see <see cref="Recurrence"/>).</summary>
    private static bool IsLengthLessOne(ExpressionSyntax bound, IFieldSymbol field, SemanticModel model, CancellationToken cancellationToken)
    {
        if (bound is BinaryExpressionSyntax { RawKind: (int)SyntaxKind.SubtractExpression } less
            && model.GetConstantValue(less.Right, cancellationToken) is { HasValue: true, Value: 1 }
            && IsLengthOf(less.Left, field, model, cancellationToken))
        {
            return true;
        }

        if (Names(bound, field, model, cancellationToken))
        {
            return false;
        }

        if (model.GetConstantValue(bound, cancellationToken) is { HasValue: true, Value: int constant })
        {
            return constant < int.MaxValue && AllCreatedWithLength(field, constant + 1, model, cancellationToken);
        }

        // new double[years * 52 + 1] beside for (t = 0; t < years * 52; t++), years a primary-constructor parameter no code writes.
        if (!bound.DescendantNodesAndSelf().OfType<IdentifierNameSyntax>().All(n => model.GetSymbolInfo(n, cancellationToken).Symbol switch
            {
                IFieldSymbol { IsConst: true } => true,
                IParameterSymbol parameter => IsNeverWrittenPrimaryParameter(parameter, field.ContainingType, cancellationToken),
                _ => false,
            }))
        {
            return false;
        }

        var values = ScratchBuffers.ValuesGiven(field, cancellationToken);
        return values.Count > 0 && values.All(value =>
            value is ArrayCreationExpressionSyntax { Initializer: null, Type.RankSpecifiers: { Count: 1 } ranks } && ranks[0].Sizes.Count == 1
            && ranks[0].Sizes[0] is BinaryExpressionSyntax { RawKind: (int)SyntaxKind.AddExpression, Right: LiteralExpressionSyntax { Token.Value: 1 } } size
            && SyntaxFactory.AreEquivalent(size.Left, bound, topLevel: false));
    }
}
