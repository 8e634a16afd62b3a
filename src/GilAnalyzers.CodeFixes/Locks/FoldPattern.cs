using System.Collections.Generic;
using System.Linq;
using GilAnalyzers.Core;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;

namespace GilAnalyzers.CodeFixes.Locks;

/// <summary>How a statement folds a value into an accumulator.</summary>
internal enum FoldKind
{
    /// <summary><c>acc += e</c>, <c>acc -= e</c>, <c>acc++</c>, <c>acc--</c> on an integer: wrapping addition is associative and commutative.</summary>
    Sum,

    /// <summary><c>acc = Math.Max(acc, e)</c>.</summary>
    Max,

    /// <summary><c>acc = Math.Min(acc, e)</c>.</summary>
    Min,

    /// <summary><c>list.Add(e)</c> on a <c>List&lt;T&gt;</c>.</summary>
    Collect,

    /// <summary>
    /// <c>counts[k] = counts.TryGetValue(k, out var c) ? c + e : e</c> or <c>counts[k] = counts.GetValueOrDefault(k) + e</c>
    /// on a <c>Dictionary&lt;TKey, TValue&gt;</c> of integers: a per-key wrapping sum, merged key by key.
    /// </summary>
    KeyedSum,

    /// <summary>
    /// <c>hist[v]++</c>, <c>sums[c] += e</c> on a one-dimensional array of integers (a histogram, per-bucket totals): a
    /// per-element wrapping sum, merged element by element.
    /// </summary>
    ArraySum,
}

/// <summary>A statement recognised as folding a payload into a shared accumulator.</summary>
internal sealed class FoldPattern
{
    private FoldPattern(FoldKind kind, StatementSyntax statement, ExpressionSyntax target, ISymbol accumulator, ITypeSymbol type, ExpressionSyntax? payload, IOperation? payloadOperation, bool negate, ExpressionSyntax? accumulatorArgument = null, IOperation? index = null, IReadOnlyList<ExpressionSyntax>? mentions = null, IOperation? key = null)
    {
        AccumulatorMentions = mentions;
        Key = key;
        Index = index;
        AccumulatorArgument = accumulatorArgument;
        Kind = kind;
        Statement = statement;
        Target = target;
        Accumulator = accumulator;
        Type = type;
        Payload = payload;
        PayloadOperation = payloadOperation;
        Negate = negate;
    }

    public FoldKind Kind { get; }

    /// <summary>For <see cref="FoldKind.ArraySum"/>: the element index (<c>v</c> in <c>hist[v]++</c>).</summary>
    public IOperation? Index { get; }

    /// <summary>For Max/Min: the accumulator as passed to Math.Max/Min.</summary>
    public ExpressionSyntax? AccumulatorArgument { get; }

    /// <summary>The folding statement: an expression statement, a counting if (<see cref="MatchCountingIf"/>) or one statement of a counting pair (<see cref="MatchCountingPair"/>).</summary>
    public StatementSyntax Statement { get; }

    /// <summary>For a counting if or pair: every mention of the accumulator in the statement, all retargeted to the worker's own dictionary.</summary>
    public IReadOnlyList<ExpressionSyntax>? AccumulatorMentions { get; }

    /// <summary>For a counting if or pair: the key, computed by the worker as the payload is.</summary>
    public IOperation? Key { get; }

    /// <summary>The accumulator as written (<c>total</c>, <c>this.total</c>, <c>C.total</c>).</summary>
    public ExpressionSyntax Target { get; }

    /// <summary>The field or local folded into.</summary>
    public ISymbol Accumulator { get; }

    /// <summary>The accumulator's type.</summary>
    public ITypeSymbol Type { get; }

    /// <summary>The value folded in; null for <c>++</c> / <c>--</c> (one).</summary>
    public ExpressionSyntax? Payload { get; }

    public IOperation? PayloadOperation { get; }

    /// <summary>The payload is subtracted (<c>-=</c>, <c>--</c>).</summary>
    public bool Negate { get; }

    /// <summary>Integer types whose unchecked addition wraps, so any grouping of the adds gives the same result.</summary>
    public static bool IsIntegerSumType(ITypeSymbol type) => KeyedSum.IsWrappingIntegerType(type);

    /// <summary>
    /// The fold <paramref name="statement"/> writes, or null. With <paramref name="countingIf"/>, a per-key count written
    /// as an if (<c>if (d.ContainsKey(w)) d[w]++; else d.Add(w, 1);</c>) is a <see cref="FoldKind.KeyedSum"/> too — for
    /// the thread-local rewrite, which retargets the whole if; rewrites that take a fold's payload apart do not ask for it.
    /// </summary>
    public static FoldPattern? Match(StatementSyntax statement, SemanticModel model, System.Threading.CancellationToken cancellationToken, bool countingIf = false)
    {
        if (countingIf && statement is IfStatementSyntax ifStatement)
        {
            return MatchCountingIf(ifStatement, model, cancellationToken);
        }

        if (statement is not ExpressionStatementSyntax expressionStatement)
        {
            return null;
        }

        return model.GetOperation(expressionStatement.Expression, cancellationToken) switch
        {
            ICompoundAssignmentOperation compound => MatchSum(expressionStatement, compound) ?? MatchArraySum(expressionStatement, compound),
            IIncrementOrDecrementOperation increment => MatchArrayIncrement(expressionStatement, increment) ?? MatchIncrement(expressionStatement, increment),
            ISimpleAssignmentOperation simple => MinMaxCall(expressionStatement, simple) is { } minMax
                ? MatchMinMax(expressionStatement, minMax.Assignment, minMax.Accumulator, minMax.Type, minMax.Call)
                : MatchKeyedSum(expressionStatement, simple),
            IInvocationOperation invocation => MatchCollect(expressionStatement, invocation),
            _ => null,
        };
    }

    /// <summary><c>acc += e</c>, <c>acc -= e</c> on an integer field or local.</summary>
    private static FoldPattern? MatchSum(ExpressionStatementSyntax statement, ICompoundAssignmentOperation compound)
        => IsWrappingAddOrSubtract(compound)
           && compound.Target.Type is { } type && IsIntegerSumType(type)
           && AccumulatorOf(compound.Target) is { } accumulator
           && statement.Expression is AssignmentExpressionSyntax assignment
            ? new FoldPattern(FoldKind.Sum, statement, assignment.Left, accumulator, type, assignment.Right, compound.Value,
                compound.OperatorKind == BinaryOperatorKind.Subtract)
            : null;

    /// <summary><c>sums[c] += e</c>, <c>sums[c] -= e</c> on an integer array.</summary>
    private static FoldPattern? MatchArraySum(ExpressionStatementSyntax statement, ICompoundAssignmentOperation compound)
        => IsWrappingAddOrSubtract(compound)
           && ArrayElement(compound.Target) is { } element
           && statement.Expression is AssignmentExpressionSyntax { Left: ElementAccessExpressionSyntax access } assignment
            ? new FoldPattern(FoldKind.ArraySum, statement, access.Expression, element.Accumulator, element.Type, assignment.Right, compound.Value,
                compound.OperatorKind == BinaryOperatorKind.Subtract, index: element.Index)
            : null;

    private static bool IsWrappingAddOrSubtract(ICompoundAssignmentOperation compound)
        => (compound.OperatorKind == BinaryOperatorKind.Add || compound.OperatorKind == BinaryOperatorKind.Subtract)
           && !compound.IsChecked && compound.OperatorMethod is null;

    /// <summary><c>hist[v]++</c>, <c>--hist[v]</c> on an integer array.</summary>
    private static FoldPattern? MatchArrayIncrement(ExpressionStatementSyntax statement, IIncrementOrDecrementOperation increment)
        => !increment.IsChecked && increment.OperatorMethod is null
           && ArrayElement(increment.Target) is { } element
           && IncrementedOperand(statement) is ElementAccessExpressionSyntax access
            ? new FoldPattern(FoldKind.ArraySum, statement, access.Expression, element.Accumulator, element.Type, null, null,
                increment.Kind == OperationKind.Decrement, index: element.Index)
            : null;

    /// <summary><c>acc++</c>, <c>--acc</c> on an integer field or local.</summary>
    private static FoldPattern? MatchIncrement(ExpressionStatementSyntax statement, IIncrementOrDecrementOperation increment)
        => !increment.IsChecked && increment.OperatorMethod is null
           && increment.Target.Type is { } type && IsIntegerSumType(type)
           && AccumulatorOf(increment.Target) is { } accumulator
           && IncrementedOperand(statement) is { } target
            ? new FoldPattern(FoldKind.Sum, statement, target, accumulator, type, null, null, increment.Kind == OperationKind.Decrement)
            : null;

    /// <summary>The operand of a statement <c>x++</c>, <c>x--</c>, <c>++x</c> or <c>--x</c>.</summary>
    private static ExpressionSyntax? IncrementedOperand(ExpressionStatementSyntax statement) => statement.Expression switch
    {
        PostfixUnaryExpressionSyntax postfix => postfix.Operand,
        PrefixUnaryExpressionSyntax prefix => prefix.Operand,
        _ => null,
    };

    /// <summary>
    /// <c>acc = Math.Max(…, …)</c> (or Min) on a numeric field or local, the call returning the accumulator's type; null
    /// for any other assignment. Which argument is the accumulator is <see cref="MatchMinMax"/>'s question.
    /// </summary>
    private static (AssignmentExpressionSyntax Assignment, ISymbol Accumulator, ITypeSymbol Type, IInvocationOperation Call)? MinMaxCall(
        ExpressionStatementSyntax statement, ISimpleAssignmentOperation simple)
        => AccumulatorOf(simple.Target) is { } accumulator
           && simple.Value is IInvocationOperation { TargetMethod: { Name: "Max" or "Min", ContainingType: { } mathType } } call
           && call.SemanticModel is { } model && KnownTypes.Is(mathType, KnownTypes.For(model.Compilation).MathType)
           && call.Arguments.Length == 2
           && simple.Target.Type is { } type && IsNumeric(type)
           && SymbolEqualityComparer.Default.Equals(call.TargetMethod.ReturnType, type)
           && statement.Expression is AssignmentExpressionSyntax assignment
            ? (assignment, accumulator, type, call)
            : null;

    /// <summary>
    /// <c>acc = Math.Max(acc, e)</c> or <c>Math.Max(e, acc)</c> where <c>e</c> does not mention the accumulator; null when
    /// neither argument is the accumulator alone.
    /// </summary>
    private static FoldPattern? MatchMinMax(ExpressionStatementSyntax statement, AssignmentExpressionSyntax assignment, ISymbol accumulator, ITypeSymbol type, IInvocationOperation call)
    {
        var kind = call.TargetMethod.Name == "Max" ? FoldKind.Max : FoldKind.Min;
        var first = StateEffectsWalker.Unwrap(call.Arguments[0].Value);
        var second = StateEffectsWalker.Unwrap(call.Arguments[1].Value);
        if (SymbolEqualityComparer.Default.Equals(AccumulatorOf(first), accumulator) && !Mentions(second, accumulator))
        {
            return new FoldPattern(kind, statement, assignment.Left, accumulator, type, (ExpressionSyntax)call.Arguments[1].Value.Syntax, call.Arguments[1].Value, false, (ExpressionSyntax)call.Arguments[0].Value.Syntax);
        }

        if (SymbolEqualityComparer.Default.Equals(AccumulatorOf(second), accumulator) && !Mentions(first, accumulator))
        {
            return new FoldPattern(kind, statement, assignment.Left, accumulator, type, (ExpressionSyntax)call.Arguments[0].Value.Syntax, call.Arguments[0].Value, false, (ExpressionSyntax)call.Arguments[1].Value.Syntax);
        }

        return null;
    }

    /// <summary><c>counts[k] = counts.TryGetValue(k, out var c) ? c + e : e</c> and its kin (<see cref="KeyedSum"/>) on one dictionary.</summary>
    private static FoldPattern? MatchKeyedSum(ExpressionStatementSyntax statement, ISimpleAssignmentOperation assignment)
        => KeyedSum.Match(assignment) is { } keyed
           && AccumulatorOf(keyed.Dictionary) is { } accumulator
           && SymbolEqualityComparer.Default.Equals(AccumulatorOf(keyed.LookupReceiver), accumulator)
            ? new FoldPattern(FoldKind.KeyedSum, statement, (ExpressionSyntax)keyed.Dictionary.Syntax, accumulator, keyed.Dictionary.Type!,
                (ExpressionSyntax)keyed.Payload.Syntax, keyed.Payload, false, (ExpressionSyntax)keyed.LookupReceiver.Syntax)
            : null;

    /// <summary>
    /// <c>if (d.ContainsKey(k)) d[k] += e; else d[k] = e;</c> and the other counting ifs of <see cref="KeyedSum.MatchCountingIf"/>
    /// on a dictionary held in a field or local that every mention in the if names the same way.
    /// </summary>
    private static FoldPattern? MatchCountingIf(IfStatementSyntax statement, SemanticModel model, System.Threading.CancellationToken cancellationToken)
    {
        if (model.GetOperation(statement, cancellationToken) is not IConditionalOperation conditional
            || KeyedSum.MatchCountingIf(conditional) is not { } counting
            || AccumulatorOf(counting.Dictionary) is not { } accumulator
            || counting.Dictionary.Type is not { } type)
        {
            return null;
        }

        if (AccumulatorMentionsIn(conditional, accumulator) is not { } mentions)
        {
            // Named some other way (through another instance): not one accumulator to retarget.
            return null;
        }

        return new FoldPattern(FoldKind.KeyedSum, statement, (ExpressionSyntax)counting.Dictionary.Syntax, accumulator, type,
            (ExpressionSyntax?)counting.Added?.Syntax, counting.Added, false, mentions: mentions, key: counting.Key);
    }

    /// <summary>
    /// <c>if (!d.ContainsKey(k)) d[k] = 0; d[k] += e;</c> or <c>d.TryGetValue(k, out var c); d[k] = c + e;</c>: one per-key
    /// count written as two statements, returned as two <see cref="FoldKind.KeyedSum"/> folds on the same dictionary
    /// (the second carries the amount), both retargeted to the worker's dictionary; null when they are not such a pair.
    /// </summary>
    public static (FoldPattern First, FoldPattern Second)? MatchCountingPair(StatementSyntax first, StatementSyntax second, SemanticModel model, System.Threading.CancellationToken cancellationToken)
    {
        if (model.GetOperation(first, cancellationToken) is not { } firstOperation
            || model.GetOperation(second, cancellationToken) is not { } secondOperation
            || KeyedSum.MatchCountingPair(firstOperation, secondOperation) is not { } counting
            || AccumulatorOf(counting.Dictionary) is not { } accumulator
            || counting.Dictionary.Type is not { } type
            || AccumulatorMentionsIn(firstOperation, accumulator) is not { } firstMentions
            || AccumulatorMentionsIn(secondOperation, accumulator) is not { } secondMentions)
        {
            return null;
        }

        var target = (ExpressionSyntax)counting.Dictionary.Syntax;
        return (new FoldPattern(FoldKind.KeyedSum, first, target, accumulator, type, null, null, false, mentions: firstMentions, key: counting.Key),
                new FoldPattern(FoldKind.KeyedSum, second, target, accumulator, type, (ExpressionSyntax?)counting.Added?.Syntax, counting.Added, false,
                    mentions: secondMentions, key: counting.Key));
    }

    /// <summary>Every mention of <paramref name="accumulator"/> in <paramref name="operation"/>; null if one names it through something else.</summary>
    private static List<ExpressionSyntax>? AccumulatorMentionsIn(IOperation operation, ISymbol accumulator)
    {
        var mentions = new List<ExpressionSyntax>();
        foreach (var descendant in operation.DescendantsAndSelf())
        {
            if (descendant is IFieldReferenceOperation or ILocalReferenceOperation
                && SymbolEqualityComparer.Default.Equals(AccumulatorOf(descendant), accumulator))
            {
                mentions.Add((ExpressionSyntax)descendant.Syntax);
            }
            else if (descendant is IFieldReferenceOperation or ILocalReferenceOperation && Mentions(descendant, accumulator))
            {
                return null;
            }
        }

        return mentions;
    }

    /// <summary><c>list.Add(e)</c> on a <c>List&lt;T&gt;</c> field or local.</summary>
    private static FoldPattern? MatchCollect(ExpressionStatementSyntax statement, IInvocationOperation invocation)
        => invocation is { TargetMethod: { Name: "Add" } method, Instance: { } instance }
           && invocation.Arguments.Length == 1
           && invocation.SemanticModel is { } model && KnownTypes.Is(method.ContainingType, KnownTypes.For(model.Compilation).List)
           && AccumulatorOf(instance) is { } accumulator
           && instance.Type is { } listType
           && statement.Expression is InvocationExpressionSyntax { Expression: MemberAccessExpressionSyntax member }
            ? new FoldPattern(FoldKind.Collect, statement, member.Expression, accumulator, listType,
                (ExpressionSyntax)invocation.Arguments[0].Value.Syntax, invocation.Arguments[0].Value, false)
            : null;

    /// <summary><c>a[i]</c> of a one-dimensional integer array held in a field or local: the array, its type and the index.</summary>
    private static (ISymbol Accumulator, ITypeSymbol Type, IOperation Index)? ArrayElement(IOperation target)
    {
        if (target is IArrayElementReferenceOperation { Indices.Length: 1 } element
            && element.ArrayReference.Type is IArrayTypeSymbol { Rank: 1 } arrayType
            && IsIntegerSumType(arrayType.ElementType)
            && AccumulatorOf(element.ArrayReference) is { } accumulator)
        {
            return (accumulator, arrayType, element.Indices[0]);
        }

        return null;
    }

    /// <summary>The field or local an accumulator expression names: <c>x</c>, <c>this.x</c>, <c>C.x</c>.</summary>
    public static ISymbol? AccumulatorOf(IOperation? operation)
    {
        operation = operation is null ? null : StateEffectsWalker.Unwrap(operation);
        switch (operation)
        {
            case IFieldReferenceOperation field when field.Instance is null || field.Instance is IInstanceReferenceOperation { ReferenceKind: InstanceReferenceKind.ContainingTypeInstance }:
                return field.Field;
            case ILocalReferenceOperation local when local.Local.RefKind == RefKind.None:
                return local.Local;
            default:
                return null;
        }
    }

    public static bool Mentions(IOperation operation, ISymbol symbol)
    {
        foreach (var descendant in operation.DescendantsAndSelf())
        {
            ISymbol? referenced = descendant switch
            {
                IFieldReferenceOperation field => field.Field,
                ILocalReferenceOperation local => local.Local,
                IParameterReferenceOperation parameter => parameter.Parameter,
                IPropertyReferenceOperation property => property.Property,
                _ => null,
            };
            if (referenced is not null && SymbolEqualityComparer.Default.Equals(referenced, symbol))
            {
                return true;
            }
        }

        return false;
    }

    private static bool IsNumeric(ITypeSymbol type)
        => type.SpecialType is SpecialType.System_Int32 or SpecialType.System_Int64 or SpecialType.System_UInt32 or SpecialType.System_UInt64
           or SpecialType.System_Int16 or SpecialType.System_UInt16 or SpecialType.System_Byte or SpecialType.System_SByte
           or SpecialType.System_Double or SpecialType.System_Single or SpecialType.System_Decimal;

    /// <summary>The same fold with the accumulator replaced by <paramref name="newTarget"/>.</summary>
    public StatementSyntax WithTarget(ExpressionSyntax newTarget)
    {
        var nodes = AccumulatorMentions is { } mentions ? mentions.ToArray<SyntaxNode>()
            : AccumulatorArgument is null ? new SyntaxNode[] { Target } : new SyntaxNode[] { Target, AccumulatorArgument };
        return Statement.ReplaceNodes(nodes, (original, _) => newTarget.WithTriviaFrom(original));
    }

    /// <summary>The identity of the fold as a C# expression, for a thread-local initial value.</summary>
    public ExpressionSyntax IdentityValue(TypeSyntax typeSyntax)
    {
        switch (Kind)
        {
            case FoldKind.Sum:
                return SyntaxFactory.LiteralExpression(SyntaxKind.NumericLiteralExpression, SyntaxFactory.Literal(0));
            case FoldKind.Collect:
            case FoldKind.KeyedSum:
                return SyntaxFactory.ObjectCreationExpression(typeSyntax, SyntaxFactory.ArgumentList(), null);
            case FoldKind.ArraySum:
                // new long[sums.Length]: each worker's own buckets, as many as the shared array has.
                return SyntaxFactory.ArrayCreationExpression(
                    SyntaxFactory.ArrayType(((ArrayTypeSyntax)typeSyntax).ElementType,
                        SyntaxFactory.SingletonList(SyntaxFactory.ArrayRankSpecifier(SyntaxFactory.SingletonSeparatedList<ExpressionSyntax>(
                            SyntaxFactory.MemberAccessExpression(SyntaxKind.SimpleMemberAccessExpression, Target.WithoutTrivia(), SyntaxFactory.IdentifierName("Length")))))));
            default:
                var floating = Type.SpecialType is SpecialType.System_Double or SpecialType.System_Single;
                var member = Kind == FoldKind.Max
                    ? (floating ? "NegativeInfinity" : "MinValue")
                    : (floating ? "PositiveInfinity" : "MaxValue");
                return SyntaxFactory.MemberAccessExpression(SyntaxKind.SimpleMemberAccessExpression, typeSyntax, SyntaxFactory.IdentifierName(member));
        }
    }
}
