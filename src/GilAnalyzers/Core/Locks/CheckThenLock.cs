using System.Collections.Generic;
using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Operations;

namespace GilAnalyzers.Core;

/// <summary>
/// Check-then-lock initialisation: the lock is taken only on the branch where a storage location is found not yet
/// initialised, and the locked code fills that location — <c>if (s_table == null) lock (g) { s_table = Build(); }</c>,
/// <c>if (Tables[hi] == null) lock (g) { Tables[hi] = new Table(hi); }</c>, <c>if (!_maps.ContainsKey(k)) lock (g) {
/// _maps[k] = Build(k); }</c>, <c>if (!_ready) lock (g) { …; _ready = true; }</c>, or the early-return form
/// <c>if (s_table != null) return s_table; lock (g) { … s_table = … }</c>. The work runs once per location (per field, per
/// array slot, per key); callers whose location is filled never take the lock. The tests and stores of a keyed location
/// (a dictionary entry) are the per-key cache fill's (<see cref="WorkCostModel.CacheLookup"/>,
/// <see cref="WorkCostModel.StoresInto"/>).
/// </summary>
internal static class CheckThenLock
{
    /// <summary>A location a guard tests: a field or property (<see cref="Index"/> null), an element of an array member, or an entry of a dictionary member.</summary>
    private readonly struct Location
    {
        public Location(ISymbol member, IOperation? instance, ImmutableArray<IOperation> index, bool keyed)
        {
            Member = member;
            Instance = instance;
            Index = index;
            Keyed = keyed;
        }

        public ISymbol Member { get; }

        /// <summary>The object whose member it is (null: static, or a dictionary entry whose key is not compared).</summary>
        public IOperation? Instance { get; }

        /// <summary>The array element's indices (default: the member itself, or a dictionary entry).</summary>
        public ImmutableArray<IOperation> Index { get; }

        /// <summary>An array element, a dictionary entry or a member of another object than this one: one location per key.</summary>
        public bool Keyed { get; }
    }

    /// <summary>
    /// Whether the region at <paramref name="anchor"/> with <paramref name="body"/> is check-then-lock initialisation. With
    /// <paramref name="keyedCounts"/> (a lock written inside the parallel body itself) a keyed location — an array slot or
    /// a dictionary entry — does not make it one: there the key is usually the item and every call misses, as for the
    /// per-key cache fill (<see cref="WorkCostModel.AnalyzeLockBody"/>).
    /// </summary>
    public static bool IsInitialisation(IEnumerable<IOperation> body, IOperation? anchor, bool keyedCounts)
    {
        if (anchor is null)
        {
            return false;
        }

        foreach (var location in GuardedLocations(anchor))
        {
            if (keyedCounts && location.Keyed)
            {
                continue;
            }

            foreach (var operation in body)
            {
                if (Fills(operation, location))
                {
                    return true;
                }
            }
        }

        return false;
    }

    /// <summary>
    /// An initialisation branch inside locked code: <c>if (_table == null) _table = Build();</c>, <c>if (!_ready) { …;
    /// _ready = true; }</c> — the condition finds a field or property of this object (or a static one) not yet there and
    /// the true branch fills it, so the branch runs once, not on every entry. An array slot, a dictionary entry or a member
    /// of another object is one location per key and does not count (the key is often the caller's item).
    /// </summary>
    public static bool FillsOnlyWhenEmpty(IConditionalOperation conditional)
    {
        foreach (var location in Tested(conditional.Condition, uninitialisedWhen: true))
        {
            if (!location.Keyed && Fills(conditional.WhenTrue, location))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// The locations found uninitialised on the way to <paramref name="anchor"/>: tested by an enclosing <c>if</c> whose
    /// true branch holds the lock, or by an earlier <c>if (…) return/throw</c> of an enclosing block whose test found them
    /// initialised. The walk stops at a loop or a function boundary (a lock in a loop is taken once per trip).
    /// </summary>
    private static IEnumerable<Location> GuardedLocations(IOperation anchor)
    {
        var child = anchor;
        for (var current = anchor.Parent; current is not null; child = current, current = current.Parent)
        {
            switch (current)
            {
                case ILoopOperation:
                case IAnonymousFunctionOperation:
                case ILocalFunctionOperation:
                case IMethodBodyBaseOperation:
                    yield break;
                case IConditionalOperation conditional when child == conditional.WhenTrue:
                    foreach (var location in Tested(conditional.Condition, uninitialisedWhen: true))
                    {
                        yield return location;
                    }

                    break;
                case IBlockOperation block:
                    foreach (var statement in block.Operations)
                    {
                        if (statement == child)
                        {
                            break;
                        }

                        if (statement is IConditionalOperation { WhenFalse: null } early && Leaves(early.WhenTrue))
                        {
                            foreach (var location in Tested(early.Condition, uninitialisedWhen: false))
                            {
                                yield return location;
                            }
                        }
                    }

                    break;
            }
        }
    }

    /// <summary>The branch ends by leaving: its last statement (or itself) is a <c>return</c> or a <c>throw</c>.</summary>
    public static bool Leaves(IOperation branch)
        => (branch is IBlockOperation block ? (block.Operations.Length > 0 ? block.Operations[block.Operations.Length - 1] : null) : branch)
            is IReturnOperation or IThrowOperation or IExpressionStatementOperation { Operation: IThrowOperation };

    /// <summary>
    /// The locations that are uninitialised whenever <paramref name="condition"/> evaluates to
    /// <paramref name="uninitialisedWhen"/>: <c>x == null</c>, <c>x is null</c>, <c>!x.HasValue</c>, <c>!flag</c>,
    /// <c>!map.ContainsKey(k)</c> / <c>!map.TryGetValue(k, out _)</c> (true), and their negations (false). An <c>||</c>
    /// that is true, or an <c>&amp;&amp;</c> that is false, needs every side to be such a test (<c>x == null || force</c> is
    /// not); a null test on a member of the location (<c>t[i].Texture == null</c>) tests the location too.
    /// </summary>
    private static List<Location> Tested(IOperation condition, bool uninitialisedWhen)
    {
        var found = new List<Location>();
        var test = OperationFacts.StripConversions(condition);
        switch (test)
        {
            case IUnaryOperation { OperatorKind: UnaryOperatorKind.Not } not:
                return Tested(not.Operand, !uninitialisedWhen);
            case IBinaryOperation { OperatorKind: BinaryOperatorKind.ConditionalOr or BinaryOperatorKind.ConditionalAnd } logical:
                return TestedByBoth(logical, uninitialisedWhen);
            case IBinaryOperation { OperatorKind: BinaryOperatorKind.Equals or BinaryOperatorKind.NotEquals } compare:
                return TestedByComparison(compare, uninitialisedWhen);

            case IIsPatternOperation { Pattern: IConstantPatternOperation constantPattern } isNull when IsNull(constantPattern.Value):
                if (uninitialisedWhen)
                {
                    AddLocations(isNull.Value, found);
                }

                return found;
            case IIsPatternOperation { Pattern: INegatedPatternOperation { Pattern: IConstantPatternOperation negatedPattern } } isNotNull when IsNull(negatedPattern.Value):
                if (!uninitialisedWhen)
                {
                    AddLocations(isNotNull.Value, found);
                }

                return found;
            case IPropertyReferenceOperation { Property.Name: "HasValue", Instance: { } nullable }:
                if (!uninitialisedWhen)
                {
                    AddLocations(nullable, found);
                }

                return found;
            case IInvocationOperation:
                // map.TryGetValue(k, out v) / map.ContainsKey(k) / set.Contains(k): false when the entry is missing.
                if (!uninitialisedWhen && WorkCostModel.CacheLookup(test, out _) is { } map)
                {
                    found.Add(new Location(map, null, default, keyed: true));
                }

                return found;
            case IMemberReferenceOperation { Type.SpecialType: SpecialType.System_Boolean } flag:
                // if (!_ready) …: a flag that is false until the work ran.
                if (!uninitialisedWhen)
                {
                    AddLocations(flag, found);
                }

                return found;
            default:
                return found;
        }
    }

    /// <summary>
    /// <see cref="Tested"/> for <c>a || b</c> and <c>a &amp;&amp; b</c>: an <c>||</c> that is true, or an <c>&amp;&amp;</c>
    /// that is false, needs a test on both sides; either side suffices otherwise.
    /// </summary>
    private static List<Location> TestedByBoth(IBinaryOperation logical, bool uninitialisedWhen)
    {
        var both = (logical.OperatorKind == BinaryOperatorKind.ConditionalOr) == uninitialisedWhen;
        var left = Tested(logical.LeftOperand, uninitialisedWhen);
        var right = Tested(logical.RightOperand, uninitialisedWhen);
        if (both && (left.Count == 0 || right.Count == 0))
        {
            return new List<Location>();
        }

        left.AddRange(right);
        return left;
    }

    /// <summary><see cref="Tested"/> for <c>x == null</c>, <c>x != null</c> and <c>flag == false</c> (read as <c>!flag</c>).</summary>
    private static List<Location> TestedByComparison(IBinaryOperation compare, bool uninitialisedWhen)
    {
        var found = new List<Location>();
        var equals = compare.OperatorKind == BinaryOperatorKind.Equals;
        if (IsNull(compare.RightOperand) || IsNull(compare.LeftOperand))
        {
            // x == null is true when x is not there yet; x != null is false then.
            if (equals == uninitialisedWhen)
            {
                AddLocations(IsNull(compare.RightOperand) ? compare.LeftOperand : compare.RightOperand, found);
            }
        }
        else if (BooleanConstant(compare.RightOperand) is { } constant)
        {
            return Tested(compare.LeftOperand, equals == constant ? uninitialisedWhen : !uninitialisedWhen);
        }

        return found;
    }

    /// <summary>The location a tested value names: a member, an element of an array member, and for a member of one of those, that one too.</summary>
    private static void AddLocations(IOperation value, List<Location> found)
    {
        for (var current = OperationFacts.StripConversions(value); current is not null;)
        {
            switch (current)
            {
                case IFieldReferenceOperation or IPropertyReferenceOperation { Arguments.Length: 0 }:
                    var member = (IMemberReferenceOperation)current;
                    // A member of another object than this one (item.Result, cells[i].Value) is one location per object.
                    var ofOther = member.Instance is { } owner && OperationFacts.StripConversions(owner) is not IInstanceReferenceOperation;
                    found.Add(new Location(member.Member, member.Instance, default, keyed: ofOther));
                    current = member.Instance is { } instance ? OperationFacts.StripConversions(instance) : null;
                    break;
                case IArrayElementReferenceOperation element
                    when OperationFacts.StripConversions(element.ArrayReference) is IFieldReferenceOperation or IPropertyReferenceOperation { Arguments.Length: 0 }:
                    var array = (IMemberReferenceOperation)OperationFacts.StripConversions(element.ArrayReference);
                    found.Add(new Location(array.Member, array.Instance, element.Indices, keyed: true));
                    return;
                default:
                    return;
            }
        }
    }

    /// <summary>Whether <paramref name="operation"/> assigns <paramref name="location"/> (or, for a dictionary entry, stores into the dictionary).</summary>
    private static bool Fills(IOperation operation, Location location)
    {
        if (location.Keyed && location.Index.IsDefault && location.Instance is null)
        {
            return WorkCostModel.StoresInto(operation, location.Member);
        }

        foreach (var descendant in operation.DescendantsAndSelf())
        {
            if (descendant is not IAssignmentOperation assignment)
            {
                continue;
            }

            var target = OperationFacts.StripConversions(assignment.Target);
            if (!location.Index.IsDefault)
            {
                if (target is IArrayElementReferenceOperation element
                    && OperationFacts.StripConversions(element.ArrayReference) is IMemberReferenceOperation array
                    && SameMember(array, location)
                    && SameIndices(element.Indices, location.Index))
                {
                    return true;
                }

                continue;
            }

            if (target is IMemberReferenceOperation member && SameMember(member, location))
            {
                return true;
            }
        }

        return false;
    }

    private static bool SameMember(IMemberReferenceOperation member, Location location)
    {
        if (!SymbolEqualityComparer.Default.Equals(member.Member, location.Member))
        {
            return false;
        }

        if (member.Member.IsStatic || member.Instance is null || location.Instance is null)
        {
            return true;
        }

        var a = OperationFacts.StripConversions(member.Instance);
        var b = OperationFacts.StripConversions(location.Instance);
        return (a is IInstanceReferenceOperation && b is IInstanceReferenceOperation)
               || SyntaxFactory.AreEquivalent(a.Syntax, b.Syntax);
    }

    private static bool SameIndices(ImmutableArray<IOperation> a, ImmutableArray<IOperation> b)
    {
        if (a.Length != b.Length)
        {
            return false;
        }

        for (var i = 0; i < a.Length; i++)
        {
            if (!SyntaxFactory.AreEquivalent(OperationFacts.StripConversions(a[i]).Syntax, OperationFacts.StripConversions(b[i]).Syntax))
            {
                return false;
            }
        }

        return true;
    }

    private static bool IsNull(IOperation operation)
        => operation.ConstantValue is { HasValue: true, Value: null } && operation.Type?.IsValueType != true
           || OperationFacts.StripConversions(operation) is ILiteralOperation { ConstantValue: { HasValue: true, Value: null } };

    private static bool? BooleanConstant(IOperation operation)
        => OperationFacts.StripConversions(operation).ConstantValue is { HasValue: true, Value: bool value } ? value : null;
}
