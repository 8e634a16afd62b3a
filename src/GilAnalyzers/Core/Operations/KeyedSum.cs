using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace GilAnalyzers.Core;

/// <summary>
/// A per-key count or total kept in a <c>Dictionary</c> of integers, written the ways real code writes it:
/// <c>counts[k] = counts.TryGetValue(k, out var c) ? c + n : n</c> (either operand order) or
/// <c>counts[k] = counts.GetValueOrDefault(k) + n</c>. The dictionary is only added to, key by key — an accumulation like
/// <c>total += n</c>, not state read back by the work — and per-worker dictionaries merged key by key give the same counts.
/// </summary>
internal sealed class KeyedSum
{
    private KeyedSum(IOperation dictionary, IOperation lookupReceiver, IOperation key, IOperation payload)
    {
        Dictionary = dictionary;
        LookupReceiver = lookupReceiver;
        Key = key;
        Payload = payload;
    }

    /// <summary>The dictionary as the indexer's receiver (<c>counts</c> in <c>counts[k] = …</c>).</summary>
    public IOperation Dictionary { get; }

    /// <summary>The dictionary's second mention: the receiver of <c>TryGetValue</c>, or the first argument of <c>GetValueOrDefault</c>.</summary>
    public IOperation LookupReceiver { get; }

    public IOperation Key { get; }

    /// <summary>What is added for the key (<c>n</c>).</summary>
    public IOperation Payload { get; }

    /// <summary>The keyed sum <paramref name="assignment"/> writes, or null.</summary>
    public static KeyedSum? Match(ISimpleAssignmentOperation assignment)
    {
        if (assignment.Target is not IPropertyReferenceOperation { Property.IsIndexer: true, Instance: { } dictionary, Arguments.Length: 1 } indexer
            || !IsIntegerDictionary(dictionary.Type, assignment.SemanticModel?.Compilation))
        {
            return null;
        }

        var key = indexer.Arguments[0].Value;
        var value = OperationFacts.StripConversions(assignment.Value);
        switch (value)
        {
            case IConditionalOperation { Condition: IInvocationOperation { TargetMethod.Name: "TryGetValue", Instance: { } receiver, Arguments.Length: 2 } lookup, WhenTrue: { } whenTrue, WhenFalse: { } whenFalse }
                when SameSymbol(receiver, dictionary)
                     && SameExpression(lookup.Arguments[0].Value, key)
                     && OutLocal(lookup.Arguments[1].Value) is { } old
                     && OperationFacts.StripConversions(whenTrue) is IBinaryOperation { OperatorKind: BinaryOperatorKind.Add, IsChecked: false, OperatorMethod: null } add:
            {
                var left = OperationFacts.StripConversions(add.LeftOperand);
                var right = OperationFacts.StripConversions(add.RightOperand);
                var payload = left is ILocalReferenceOperation l && SymbolEqualityComparer.Default.Equals(l.Local, old) ? right
                    : right is ILocalReferenceOperation r && SymbolEqualityComparer.Default.Equals(r.Local, old) ? left
                    : null;
                return payload is not null && SameExpression(payload, whenFalse) && !OperationFacts.References(payload, old) && Independent(dictionary, payload, key)
                    ? new KeyedSum(dictionary, receiver, key, payload)
                    : null;
            }

            case IBinaryOperation { OperatorKind: BinaryOperatorKind.Add, IsChecked: false, OperatorMethod: null } sum:
                foreach (var (lookupSide, payload) in new[] { (sum.LeftOperand, sum.RightOperand), (sum.RightOperand, sum.LeftOperand) })
                {
                    if (OperationFacts.StripConversions(lookupSide) is IInvocationOperation { TargetMethod.Name: "GetValueOrDefault", Arguments.Length: 2 } get
                        && SameSymbol(get.Arguments[0].Value, dictionary)
                        && SameExpression(get.Arguments[1].Value, key)
                        && Independent(dictionary, payload, key))
                    {
                        return new KeyedSum(dictionary, OperationFacts.StripConversions(get.Arguments[0].Value), key, OperationFacts.StripConversions(payload));
                    }
                }

                return null;
            default:
                return null;
        }
    }

    /// <summary>Whether <paramref name="value"/> (a field or local reference) is the dictionary of a keyed sum that it is part of.</summary>
    public static bool IsPartOf(IOperation value)
    {
        for (var current = value.Parent; current is not null; current = current.Parent)
        {
            if (current is ISimpleAssignmentOperation assignment)
            {
                return Match(assignment) is { } keyed && (keyed.Dictionary == value || keyed.LookupReceiver == OperationFacts.StripConversions(value)
                                                          || keyed.LookupReceiver == value);
            }

            if (current is IBlockOperation or IAnonymousFunctionOperation or ILocalFunctionOperation)
            {
                return false;
            }
        }

        return false;
    }

    public static bool IsIntegerDictionary(ITypeSymbol? type, Compilation? compilation)
        => type is INamedTypeSymbol { Name: "Dictionary", TypeArguments.Length: 2 } named && compilation is not null
           && KnownTypes.Is(named, KnownTypes.For(compilation).Dictionary)
           && IsWrappingIntegerType(named.TypeArguments[1]);

    /// <summary>Integer types whose unchecked addition wraps, so any grouping of the adds gives the same result.</summary>
    public static bool IsWrappingIntegerType(ITypeSymbol type)
        => type.SpecialType is SpecialType.System_Int32 or SpecialType.System_Int64 or SpecialType.System_UInt32 or SpecialType.System_UInt64;

    private static bool Independent(IOperation dictionary, IOperation payload, IOperation key)
    {
        var symbol = OperationFacts.ReferencedSymbol(OperationFacts.StripConversions(dictionary));
        return symbol is not null && !OperationFacts.References(payload, symbol) && !OperationFacts.References(key, symbol);
    }

    private static ILocalSymbol? OutLocal(IOperation argument)
        => OperationFacts.StripConversions(argument) switch
        {
            IDeclarationExpressionOperation { Expression: ILocalReferenceOperation declared } => declared.Local,
            ILocalReferenceOperation local => local.Local,
            _ => null,
        };

    private static bool SameSymbol(IOperation a, IOperation b)
    {
        var left = OperationFacts.ReferencedSymbol(OperationFacts.StripConversions(a));
        return left is not null && SymbolEqualityComparer.Default.Equals(left, OperationFacts.ReferencedSymbol(OperationFacts.StripConversions(b)));
    }

    /// <summary>The same expression written twice (<c>k</c> in the indexer and in the lookup), compared as text.</summary>
    private static bool SameExpression(IOperation a, IOperation b)
        => OperationFacts.StripConversions(a).Syntax.ToString().Trim() == OperationFacts.StripConversions(b).Syntax.ToString().Trim();
}
