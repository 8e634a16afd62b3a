using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace GilAnalyzers.Core;

/// <summary>
/// Binary searches written out by hand. Their passes are logarithmic in the range they search — at most 64 over 32- or
/// 64-bit indices — so a cost estimate counts one like a short constant loop, not like a loop over the range:
/// <see cref="ThreadFanOut"/>'s small-work bound (64 passes) and <see cref="WorkCostModel"/> (not a loop level).
/// </summary>
internal static class Bisection
{
    /// <summary>
    /// A binary search: <c>while (lo &lt;= hi)</c> (or <c>&lt;</c>) over two locals or parameters, the body computing a
    /// midpoint <c>(lo + hi) / 2</c>, <c>lo + (hi - lo) / 2</c> (or <c>&gt;&gt; 1</c>) and moving only one end to it
    /// (<c>lo = mid + 1</c>, <c>hi = mid - 1</c>, <c>hi = mid</c>), each end at least once.
    /// </summary>
    public static bool IsBinarySearch(ILoopOperation loop)
    {
        if (loop is not IWhileLoopOperation { Condition: IBinaryOperation { OperatorKind: BinaryOperatorKind.LessThan or BinaryOperatorKind.LessThanOrEqual } condition } whileLoop
            || EndSymbol(condition.LeftOperand) is not { } low || EndSymbol(condition.RightOperand) is not { } high
            || SymbolEqualityComparer.Default.Equals(low, high))
        {
            return false;
        }

        ISymbol? middle = null;
        bool movesLow = false, movesHigh = false;
        foreach (var operation in OperationFacts.Descendants(whileLoop.Body))
        {
            switch (operation)
            {
                case IAnonymousFunctionOperation or ILocalFunctionOperation:
                    return false;
                case IVariableDeclaratorOperation { Initializer.Value: { } value } declarator when IsMidpoint(value, low, high):
                    middle = declarator.Symbol;
                    break;
                case ISimpleAssignmentOperation { Target: { } target, Value: { } value } when EndSymbol(target) is { } written:
                    if (SymbolEqualityComparer.Default.Equals(written, low) || SymbolEqualityComparer.Default.Equals(written, high))
                    {
                        var isLow = SymbolEqualityComparer.Default.Equals(written, low);
                        if (!MovesToMiddle(value, middle, isLow))
                        {
                            return false;
                        }

                        movesLow |= isLow;
                        movesHigh |= !isLow;
                    }
                    else if (IsMidpoint(value, low, high))
                    {
                        middle = written;
                    }

                    break;
                case ICompoundAssignmentOperation { Target: { } compound } when EndSymbol(compound) is { } changed
                                                                              && (SymbolEqualityComparer.Default.Equals(changed, low) || SymbolEqualityComparer.Default.Equals(changed, high)):
                case IIncrementOrDecrementOperation { Target: { } stepped } when EndSymbol(stepped) is { } moved
                                                                                && (SymbolEqualityComparer.Default.Equals(moved, low) || SymbolEqualityComparer.Default.Equals(moved, high)):
                case IArgumentOperation { Parameter.RefKind: not RefKind.None, Value: { } passed } when EndSymbol(passed) is { } byRef
                                                                                                    && (SymbolEqualityComparer.Default.Equals(byRef, low) || SymbolEqualityComparer.Default.Equals(byRef, high)):
                    return false;
            }
        }

        return middle is not null && movesLow && movesHigh;
    }

    /// <summary>A local or parameter read or written (conversions stripped), or null.</summary>
    private static ISymbol? EndSymbol(IOperation operation) => OperationFacts.StripConversions(operation) switch
    {
        ILocalReferenceOperation local => local.Local,
        IParameterReferenceOperation parameter => parameter.Parameter,
        _ => null,
    };

    /// <summary><c>(lo + hi) / 2</c>, <c>(lo + hi) &gt;&gt; 1</c>, <c>lo + (hi - lo) / 2</c> (or <c>&gt;&gt; 1</c>).</summary>
    private static bool IsMidpoint(IOperation value, ISymbol low, ISymbol high)
    {
        if (OperationFacts.StripConversions(value) is not IBinaryOperation binary)
        {
            return false;
        }

        if (IsHalving(binary, out var halved))
        {
            // (lo + hi) / 2
            return halved is IBinaryOperation { OperatorKind: BinaryOperatorKind.Add } sum && AreEnds(sum.LeftOperand, sum.RightOperand, low, high);
        }

        // lo + (hi - lo) / 2
        return binary.OperatorKind == BinaryOperatorKind.Add
               && SymbolEqualityComparer.Default.Equals(EndSymbol(binary.LeftOperand), low)
               && OperationFacts.StripConversions(binary.RightOperand) is IBinaryOperation half && IsHalving(half, out var span)
               && span is IBinaryOperation { OperatorKind: BinaryOperatorKind.Subtract } difference
               && SymbolEqualityComparer.Default.Equals(EndSymbol(difference.LeftOperand), high)
               && SymbolEqualityComparer.Default.Equals(EndSymbol(difference.RightOperand), low);
    }

    private static bool IsHalving(IBinaryOperation binary, out IOperation halved)
    {
        halved = OperationFacts.StripConversions(binary.LeftOperand);
        while (halved is IParenthesizedOperation parenthesized)
        {
            halved = OperationFacts.StripConversions(parenthesized.Operand);
        }

        return binary.RightOperand.ConstantValue is { HasValue: true, Value: int divisor }
               && ((binary.OperatorKind == BinaryOperatorKind.Divide && divisor == 2) || (binary.OperatorKind == BinaryOperatorKind.RightShift && divisor == 1));
    }

    private static bool AreEnds(IOperation a, IOperation b, ISymbol low, ISymbol high)
        => (SymbolEqualityComparer.Default.Equals(EndSymbol(a), low) && SymbolEqualityComparer.Default.Equals(EndSymbol(b), high))
           || (SymbolEqualityComparer.Default.Equals(EndSymbol(a), high) && SymbolEqualityComparer.Default.Equals(EndSymbol(b), low));

    /// <summary><c>mid</c>, <c>mid + 1</c> (for the low end) or <c>mid - 1</c> (for the high end).</summary>
    private static bool MovesToMiddle(IOperation value, ISymbol? middle, bool lowEnd)
    {
        if (middle is null)
        {
            return false;
        }

        var stripped = OperationFacts.StripConversions(value);
        if (SymbolEqualityComparer.Default.Equals(EndSymbol(stripped), middle))
        {
            return true;
        }

        return stripped is IBinaryOperation { RightOperand.ConstantValue: { HasValue: true, Value: 1 } } step
               && step.OperatorKind == (lowEnd ? BinaryOperatorKind.Add : BinaryOperatorKind.Subtract)
               && SymbolEqualityComparer.Default.Equals(EndSymbol(step.LeftOperand), middle);
    }
}
