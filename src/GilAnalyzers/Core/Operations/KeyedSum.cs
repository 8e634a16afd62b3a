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

    /// <summary>
    /// Whether <paramref name="value"/> (a field or local reference) is the dictionary of a keyed sum that it is part of:
    /// one assignment (<see cref="Match"/>) or a counting statement (<see cref="IsPartOfCountingStatement"/>).
    /// </summary>
    public static bool IsPartOf(IOperation value)
    {
        for (var current = value.Parent; current is not null; current = current.Parent)
        {
            if (current is ISimpleAssignmentOperation assignment)
            {
                if (Match(assignment) is { } keyed && (keyed.Dictionary == value || keyed.LookupReceiver == OperationFacts.StripConversions(value)
                                                       || keyed.LookupReceiver == value))
                {
                    return true;
                }

                break;
            }

            if (current is IBlockOperation or IAnonymousFunctionOperation or ILocalFunctionOperation)
            {
                break;
            }
        }

        return IsPartOfCountingStatement(value);
    }

    /// <summary>
    /// Whether <paramref name="value"/> is the dictionary of a per-key count written as statements rather than one
    /// assignment — the forms counting code most often takes:
    /// <c>if (d.ContainsKey(k)) d[k] += n; else d[k] = n;</c> (<c>d[k]++</c>, <c>d.Add(k, n)</c>, either order with
    /// <c>!d.ContainsKey(k)</c>), <c>if (d.TryGetValue(k, out var c)) d[k] = c + n; else d[k] = n;</c> (or negated), and the pairs
    /// <c>if (!d.ContainsKey(k)) d[k] = 0; d[k] += n;</c> and <c>d.TryGetValue(k, out var c); d[k] = c + n;</c>. Each
    /// key ends at the sum of what was added for it, as with <c>total += n</c>: the dictionary is only accumulated into.
    /// </summary>
    public static bool IsPartOfCountingStatement(IOperation value)
    {
        var dictionary = OperationFacts.ReferencedSymbol(OperationFacts.StripConversions(value));
        if (dictionary is null || !IsIntegerDictionary(OperationFacts.StripConversions(value).Type, value.SemanticModel?.Compilation))
        {
            return false;
        }

        // The statement of the enclosing block (or branch) that holds the reference.
        IOperation? statement = value;
        while (statement is not null && statement.Parent is not IBlockOperation && statement.Parent is not IConditionalOperation { Type: null })
        {
            if (statement.Parent is IAnonymousFunctionOperation or ILocalFunctionOperation)
            {
                return false;
            }

            statement = statement.Parent;
        }

        if (statement?.Parent is IBlockOperation { Operations.Length: 1 } branch && branch.Parent is IConditionalOperation { Type: null } bracedIf)
        {
            // A braced branch of an if: { d[k] = 1; }.
            statement = bracedIf;
        }
        else if (statement?.Parent is IConditionalOperation { Type: null } branchOf)
        {
            // In the condition or an unbraced branch of an if: the if is the counting statement.
            statement = branchOf;
        }

        if (statement is IConditionalOperation { Type: null } conditional && IsCountingIf(conditional, dictionary))
        {
            return true;
        }

        if (statement?.Parent is not IBlockOperation block)
        {
            return false;
        }

        var index = block.Operations.IndexOf(statement);
        return (index > 0 && IsCountingPair(block.Operations[index - 1], statement, dictionary))
               || (index >= 0 && index + 1 < block.Operations.Length && IsCountingPair(statement, block.Operations[index + 1], dictionary));
    }

    /// <summary>
    /// The per-key count an if statement keeps (the forms of <see cref="IsPartOfCountingStatement"/> written as one if
    /// with both branches): the dictionary as the condition's receiver, the key, and the amount added (null for
    /// <c>d[k]++</c>); null when the if is not one.
    /// </summary>
    public static (IOperation Dictionary, IOperation Key, IOperation? Added)? MatchCountingIf(IConditionalOperation conditional)
    {
        if (LookupIn(conditional.Condition, out _) is not { Instance: { } receiver } lookup
            || OperationFacts.ReferencedSymbol(OperationFacts.StripConversions(receiver)) is not { } dictionary
            || !IsIntegerDictionary(OperationFacts.StripConversions(receiver).Type, conditional.SemanticModel?.Compilation)
            || CountingIf(conditional, dictionary) is not { } added)
        {
            return null;
        }

        return (OperationFacts.StripConversions(receiver), lookup.Arguments[0].Value, added is IIncrementOrDecrementOperation ? null : added);
    }

    /// <summary>The lookup an if tests, <c>d.ContainsKey(k)</c> or <c>!d.TryGetValue(k, out var c)</c>, and whether it is negated.</summary>
    private static IInvocationOperation? LookupIn(IOperation condition, out bool negated)
    {
        condition = OperationFacts.StripConversions(condition);
        negated = condition is IUnaryOperation { OperatorKind: UnaryOperatorKind.Not };
        if (condition is IUnaryOperation { OperatorKind: UnaryOperatorKind.Not } not)
        {
            condition = OperationFacts.StripConversions(not.Operand);
        }

        return condition is IInvocationOperation { Instance: not null, Arguments.Length: >= 1 } lookup ? lookup : null;
    }

    private static bool IsCountingIf(IConditionalOperation conditional, ISymbol dictionary) => CountingIf(conditional, dictionary) is not null;

    /// <summary>What a counting if on <paramref name="dictionary"/> adds per key (see <see cref="AddedTo"/>); null when it is not one.</summary>
    private static IOperation? CountingIf(IConditionalOperation conditional, ISymbol dictionary)
    {
        if (LookupIn(conditional.Condition, out var negated) is not { Instance: { } receiver } lookup
            || !OperationFacts.IsReferenceTo(OperationFacts.StripConversions(receiver), dictionary))
        {
            return null;
        }

        var key = lookup.Arguments[0].Value;
        var present = negated ? conditional.WhenFalse : conditional.WhenTrue;
        var absent = negated ? conditional.WhenTrue : conditional.WhenFalse;
        if (Single(present) is not { } whenPresent || Single(absent) is not { } whenAbsent)
        {
            return null;
        }

        // ContainsKey(k) ? d[k] += n : d[k] = n, or TryGetValue(k, out old) ? d[k] = old + n : d[k] = n.
        ILocalSymbol? old = null;
        if (lookup.TargetMethod.Name == "TryGetValue" && lookup.Arguments.Length == 2)
        {
            if ((old = OutLocal(lookup.Arguments[1].Value)) is null)
            {
                return null;
            }
        }
        else if (lookup.TargetMethod.Name != "ContainsKey" || lookup.Arguments.Length != 1)
        {
            return null;
        }

        return AddedTo(whenPresent, dictionary, key, old) is { } added
               && InitialValue(whenAbsent, dictionary, key) is { } initial
               && SameText(added, initial)
            ? added
            : null;
    }

    /// <summary>
    /// The per-key count two consecutive statements keep — <c>if (!d.ContainsKey(k)) d[k] = 0; d[k] += n;</c> or
    /// <c>d.TryGetValue(k, out var c); d[k] = c + n;</c> — as the dictionary (the first statement's receiver), the key and
    /// the amount added (null for <c>d[k]++</c>); null when they are not such a pair.
    /// </summary>
    public static (IOperation Dictionary, IOperation Key, IOperation? Added)? MatchCountingPair(IOperation first, IOperation second)
    {
        var lookup = first switch
        {
            IConditionalOperation { Type: null, WhenFalse: null } guard => LookupIn(guard.Condition, out _),
            IExpressionStatementOperation { Operation: IInvocationOperation call } => call,
            _ => null,
        };
        if (lookup is not { Instance: { } receiver, Arguments.Length: >= 1 }
            || OperationFacts.ReferencedSymbol(OperationFacts.StripConversions(receiver)) is not { } dictionary
            || !IsIntegerDictionary(OperationFacts.StripConversions(receiver).Type, first.SemanticModel?.Compilation)
            || CountingPair(first, second, dictionary) is not { } added)
        {
            return null;
        }

        return (OperationFacts.StripConversions(receiver), lookup.Arguments[0].Value, added is IIncrementOrDecrementOperation ? null : added);
    }

    private static bool IsCountingPair(IOperation first, IOperation second, ISymbol dictionary) => CountingPair(first, second, dictionary) is not null;

    /// <summary>
    /// What <c>if (!d.ContainsKey(k)) d[k] = 0; d[k] += n;</c> or <c>d.TryGetValue(k, out var c); d[k] = c + n;</c> on
    /// <paramref name="dictionary"/> adds per key (see <see cref="AddedTo"/>); null when the statements are not such a pair.
    /// </summary>
    private static IOperation? CountingPair(IOperation first, IOperation second, ISymbol dictionary)
    {
        if (first is IConditionalOperation { Type: null, WhenFalse: null } guard
            && OperationFacts.StripConversions(guard.Condition) is IUnaryOperation { OperatorKind: UnaryOperatorKind.Not } not
            && OperationFacts.StripConversions(not.Operand) is IInvocationOperation { TargetMethod.Name: "ContainsKey", Instance: { } receiver, Arguments.Length: 1 } contains
            && OperationFacts.IsReferenceTo(OperationFacts.StripConversions(receiver), dictionary)
            && Single(guard.WhenTrue) is { } init
            && InitialValue(init, dictionary, contains.Arguments[0].Value) is { } zero
            && zero.ConstantValue is { HasValue: true, Value: 0 or 0L or 0u or 0uL })
        {
            return Single(second) is { } add ? AddedTo(add, dictionary, contains.Arguments[0].Value, old: null) : null;
        }

        if (first is IExpressionStatementOperation { Operation: IInvocationOperation { TargetMethod.Name: "TryGetValue", Instance: { } tryReceiver, Arguments.Length: 2 } lookup }
            && OperationFacts.IsReferenceTo(OperationFacts.StripConversions(tryReceiver), dictionary)
            && OutLocal(lookup.Arguments[1].Value) is { } old)
        {
            return Single(second) is { } store ? AddedTo(store, dictionary, lookup.Arguments[0].Value, old) : null;
        }

        return null;
    }

    /// <summary>
    /// What <paramref name="statement"/> adds to <c>d[key]</c>: <c>d[k]++</c> (one), <c>d[k] += n</c>,
    /// <c>d[k] = d[k] + n</c>, or with <paramref name="old"/> the looked-up value, <c>d[k] = old + n</c>; null otherwise.
    /// </summary>
    private static IOperation? AddedTo(IOperation statement, ISymbol dictionary, IOperation key, ILocalSymbol? old)
    {
        switch (statement)
        {
            case IIncrementOrDecrementOperation { Kind: OperationKind.Increment, IsChecked: false, OperatorMethod: null } increment
                when old is null && IsEntry(increment.Target, dictionary, key):
                return increment;
            case ICompoundAssignmentOperation { OperatorKind: BinaryOperatorKind.Add, IsChecked: false, OperatorMethod: null } compound
                when old is null && IsEntry(compound.Target, dictionary, key) && !OperationFacts.References(compound.Value, dictionary):
                return compound.Value;
            case ISimpleAssignmentOperation assignment when IsEntry(assignment.Target, dictionary, key)
                                                            && OperationFacts.StripConversions(assignment.Value) is IBinaryOperation { OperatorKind: BinaryOperatorKind.Add, IsChecked: false, OperatorMethod: null } sum:
                foreach (var (lookupSide, payload) in new[] { (sum.LeftOperand, sum.RightOperand), (sum.RightOperand, sum.LeftOperand) })
                {
                    var looked = OperationFacts.StripConversions(lookupSide);
                    var isOld = old is null
                        ? IsEntry(looked, dictionary, key)
                        : looked is ILocalReferenceOperation local && SymbolEqualityComparer.Default.Equals(local.Local, old);
                    if (isOld && !OperationFacts.References(payload, dictionary) && (old is null || !OperationFacts.References(payload, old)))
                    {
                        return payload;
                    }
                }

                return null;
            default:
                return null;
        }
    }

    /// <summary>The value a missing key starts at: <c>d[k] = v</c>, <c>d.Add(k, v)</c>, <c>d.TryAdd(k, v)</c>.</summary>
    private static IOperation? InitialValue(IOperation statement, ISymbol dictionary, IOperation key)
        => statement switch
        {
            ISimpleAssignmentOperation assignment when IsEntry(assignment.Target, dictionary, key)
                                                       && !OperationFacts.References(assignment.Value, dictionary) => assignment.Value,
            IInvocationOperation { TargetMethod.Name: "Add" or "TryAdd", Instance: { } receiver, Arguments.Length: 2 } add
                when OperationFacts.IsReferenceTo(OperationFacts.StripConversions(receiver), dictionary) && SameExpression(add.Arguments[0].Value, key)
                     && !OperationFacts.References(add.Arguments[1].Value, dictionary) => add.Arguments[1].Value,
            _ => null,
        };

    private static bool IsEntry(IOperation target, ISymbol dictionary, IOperation key)
        => OperationFacts.StripConversions(target) is IPropertyReferenceOperation { Property.IsIndexer: true, Instance: { } instance, Arguments.Length: 1 } indexer
           && OperationFacts.IsReferenceTo(OperationFacts.StripConversions(instance), dictionary)
           && SameExpression(indexer.Arguments[0].Value, key);

    /// <summary>The one expression a statement or a one-statement block evaluates (<c>d[k]++;</c>, <c>{ d.Add(k, 1); }</c>).</summary>
    private static IOperation? Single(IOperation? statement)
        => statement switch
        {
            IBlockOperation { Operations.Length: 1 } block => Single(block.Operations[0]),
            IExpressionStatementOperation expression => expression.Operation,
            _ => null,
        };

    /// <summary>The amount added and the amount a missing key starts at are the same (<c>d[k]++</c> and <c>= 1</c> agree).</summary>
    private static bool SameText(IOperation added, IOperation initial)
    {
        var start = OperationFacts.StripConversions(initial);
        if (added is IIncrementOrDecrementOperation)
        {
            return start.ConstantValue is { HasValue: true, Value: 1 or 1L or 1u or 1uL };
        }

        return SameExpression(added, start);
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
