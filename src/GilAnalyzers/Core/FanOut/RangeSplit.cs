using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace GilAnalyzers.Core;

/// <summary>
/// The rewrite of a statically range-split fan-out to one <c>Parallel.For</c> over the whole range:
/// <c>for (j = 0; j &lt; N; j++) body</c>, with an optional per-partition accumulator that becomes the
/// thread-local value of the <c>localInit</c>/<c>localFinally</c> overload.
/// </summary>
internal sealed class RangeSplitPlan
{
    public RangeSplitPlan(ILocalSymbol loopIndex, IOperation end, IOperation loopBody, ILocalSymbol? accumulator, IOperation? accumulatorInitializer, ImmutableArray<IOperation> merges, IOperation? slotArray = null, IMethodSymbol? callee = null)
    {
        LoopIndex = loopIndex;
        End = end;
        LoopBody = loopBody;
        Accumulator = accumulator;
        AccumulatorInitializer = accumulatorInitializer;
        Merges = merges;
        SlotArray = slotArray;
        Callee = callee;
    }

    /// <summary>The inner loop's index (<c>j</c>); it becomes the Parallel.For index.</summary>
    public ILocalSymbol LoopIndex { get; }

    /// <summary>The whole range's end, <c>N</c>; the range starts at 0.</summary>
    public IOperation End { get; }

    public IOperation LoopBody { get; }

    public ILocalSymbol? Accumulator { get; }

    public IOperation? AccumulatorInitializer { get; }

    /// <summary>The statements after the inner loop that fold the accumulator into shared state (become localFinally).</summary>
    public ImmutableArray<IOperation> Merges { get; }

    /// <summary>
    /// When the one merge writes the partition's own slot (<c>partial[id] = sum</c>) of a local array that is only ever
    /// summed: that array. Each worker then adds its sum into the first slot, so every sum over the slots is unchanged.
    /// </summary>
    public IOperation? SlotArray { get; }

    /// <summary>
    /// When each partition runs a call (<c>() =&gt; CountSlice(id)</c>, or the calling thread's <c>CountSlice(0)</c>): the
    /// method or local function whose body holds the range loop; the loop, the end and the merges are its code.
    /// </summary>
    public IMethodSymbol? Callee { get; }
}

/// <summary>
/// Recognises partitions that are a plain range split of one index loop: the partition index <c>p</c> of
/// <c>T</c> partitions runs <c>for (j = start; j &lt; end; j++)</c> where start/end are computed from <c>p</c>
/// in one of the usual ways, so the partitions together cover exactly <c>[0, N)</c>:
/// <list type="bullet">
/// <item><c>start = p * chunk; end = p == T - 1 ? N : start + chunk</c> with <c>chunk = N / T</c>;</item>
/// <item><c>start = p * chunk; end = Math.Min(N, start + chunk)</c> with <c>chunk = (N + T - 1) / T</c>;</item>
/// <item><c>start = p * N / T; end = (p + 1) * N / T</c>.</item>
/// </list>
/// </summary>
internal static partial class RangeSplit
{
    public static RangeSplitPlan? Plan(ILocalSymbol partition, IOperation partitionCount, ImmutableArray<IOperation> preStatements, FanOutBody body, IOperation root, KnownTypes types)
    {
        if (body.MethodGroup is not null || body.Parameter is not null)
        {
            return null;
        }

        ISymbol partitionSymbol = partition;
        var statements = preStatements.AddRange(body.Statements);
        IMethodSymbol? callee = null;
        IOperation? calleeBody = null;
        if (!statements.Any(s => s is IForLoopOperation) && PartitionCallee(body, preStatements, partition, root) is { } called)
        {
            // () => CountSlice(id): the range loop is the called method's; its parameter is the partition.
            (callee, partitionSymbol, calleeBody) = called;
            // A void local function's block ends in an implicit return: not part of what it does.
            statements = ((IBlockOperation)calleeBody).Operations.Where(o => o is not IReturnOperation { IsImplicit: true, ReturnedValue: null }).ToImmutableArray();
        }

        var loops = statements.OfType<IForLoopOperation>().ToList();
        if (loops.Count != 1)
        {
            return null;
        }

        var loop = loops[0];
        var loopPosition = statements.IndexOf(loop);
        var partitionLocals = LocalsDeclaredBefore(statements, loopPosition);
        if (partitionLocals is null || !IsCountingLoop(loop, out var j, out var start, out var end))
        {
            return null;
        }

        var matcher = new Matcher(root, statements, calleeBody);
        var n = WholeRangeEnd(matcher, partitionSymbol, partitionCount, start, end, partitionLocals, root);
        if (n is null || !TryFindAccumulator(loop.Body, partitionSymbol, partitionLocals, j, out var accumulator))
        {
            return null;
        }

        IOperation? accumulatorInitializer = null;
        if (accumulator is not null)
        {
            accumulatorInitializer = IntegralSumStart(accumulator, statements);
            if (accumulatorInitializer is null)
            {
                return null;
            }
        }

        // After the loop: only merges of the accumulator into shared state.
        var merges = statements.Skip(loopPosition + 1).ToImmutableArray();
        IOperation? slotArray = null;
        if (accumulator is not null && merges.Length == 1 && SummedSlotWrite(merges[0], accumulator, partitionSymbol, matcher, root) is { } slots)
        {
            slotArray = slots;
        }
        else if (!AreMergesOnly(merges, accumulator, partitionSymbol, partitionLocals, types))
        {
            return null;
        }

        return new RangeSplitPlan(j, n, loop.Body, accumulator, accumulatorInitializer, merges, slotArray, callee);
    }

    /// <summary>
    /// The called method when the partition's whole body is one call with the partition index as its only argument, to a
    /// local function or a method declared in this file (not virtual, generic or async, no ref parameter), with a block
    /// body; with its parameter and body. Null otherwise.
    /// </summary>
    private static (IMethodSymbol Callee, IParameterSymbol Partition, IOperation Body)? PartitionCallee(FanOutBody body, ImmutableArray<IOperation> preStatements, ILocalSymbol partition, IOperation root)
    {
        if (body.Statements.Length != 1)
        {
            return null;
        }

        var statement = body.Statements[0] is IExpressionStatementOperation expression ? expression.Operation : body.Statements[0];
        if (OperationFacts.StripConversions(statement) is not IInvocationOperation { Arguments: { Length: 1 } } call
            || call.TargetMethod.Parameters is not { Length: 1 } parameters
            || parameters[0] is not { RefKind: RefKind.None, IsParams: false } parameter
            || parameter.Type.SpecialType != SpecialType.System_Int32
            || !new Matcher(root, preStatements).IsLocal(call.Arguments[0].Value, partition)
            || CopyableCallee(call, root) is not { } callee)
        {
            return null;
        }

        return (callee.Method, parameter, callee.Body);
    }

    /// <summary>
    /// The array of <c>slots[p] = acc;</c> when <c>slots</c> is a local int or long array of the accumulator's type, made
    /// empty (<c>new long[n]</c>), written only here and read only by <c>foreach (var s in slots) total += s;</c> folds
    /// (and its <c>Length</c>): adding every worker's sum into one slot leaves those folds' results as they were.
    /// </summary>
    private static IOperation? SummedSlotWrite(IOperation merge, ILocalSymbol accumulator, ISymbol partition, Matcher matcher, IOperation root)
    {
        if (merge is not IExpressionStatementOperation { Operation: ISimpleAssignmentOperation { Target: IArrayElementReferenceOperation { Indices: { Length: 1 } } slot } assignment }
            || OperationFacts.StripConversions(assignment.Value) is not ILocalReferenceOperation value
            || !SymbolEqualityComparer.Default.Equals(value.Local, accumulator)
            || !matcher.IsLocal(slot.Indices[0], partition)
            || slot.ArrayReference is not ILocalReferenceOperation { Local: { Type: IArrayTypeSymbol { Rank: 1 } arrayType } array }
            || !SymbolEqualityComparer.Default.Equals(arrayType.ElementType, accumulator.Type)
            || accumulator.Type.SpecialType is not (SpecialType.System_Int32 or SpecialType.System_Int64))
        {
            return null;
        }

        // The matcher already knows every local's initial value in the function.
        if (matcher.Initializer(array) is not { } initial
            || OperationFacts.StripConversions(initial) is not IArrayCreationOperation { Initializer: null, DimensionSizes: { Length: 1 } creation })
        {
            return null;
        }

        IOperation? size = creation[0];

        if (!OperationFacts.IsStableValue(size, root))
        {
            // An indexed fold may then only run to slots.Length.
            size = null;
        }

        foreach (var operation in OperationFacts.Descendants(root))
        {
            if (operation is ILocalReferenceOperation reference && SymbolEqualityComparer.Default.Equals(reference.Local, array)
                && reference != slot.ArrayReference
                && !(reference.Parent is IPropertyReferenceOperation { Property.Name: "Length" })
                && !IsSumFoldSource(reference)
                && !IsIndexedSumFoldSource(reference, size, matcher))
            {
                return null;
            }
        }

        return slot.ArrayReference;
    }

    /// <summary>
    /// <c>for (int k = 0; k &lt; slots.Length; k++) total += slots[k];</c> (or <c>k &lt; n</c> with the array made as
    /// <c>new long[n]</c>): every slot added once, unchecked, by a loop that cannot leave early. Other statements in the
    /// loop (a join) may stay.
    /// </summary>
    private static bool IsIndexedSumFoldSource(ILocalReferenceOperation reference, IOperation? size, Matcher matcher)
    {
        if (reference.Parent is not IArrayElementReferenceOperation { Indices: { Length: 1 } } element
            || element.ArrayReference != reference
            || OperationFacts.StripConversions(element.Indices[0]) is not ILocalReferenceOperation index)
        {
            return false;
        }

        IOperation value = element;
        while (value.Parent is IConversionOperation)
        {
            value = value.Parent;
        }

        if (value.Parent is not ICompoundAssignmentOperation { OperatorKind: BinaryOperatorKind.Add, IsChecked: false } add
            || add.Value != value
            || add.Parent is not IExpressionStatementOperation statement
            || OperationFacts.References(add.Target, index.Local)
            || OperationFacts.References(add.Target, reference.Local))
        {
            return false;
        }

        var loop = statement.Parent as IForLoopOperation ?? (statement.Parent is IBlockOperation block ? block.Parent as IForLoopOperation : null);
        if (loop is null
            || !IsCountingLoop(loop, out var loopIndex, out var start, out var end)
            || !SymbolEqualityComparer.Default.Equals(loopIndex, index.Local)
            || !matcher.IsConstant(start, 0)
            || OperationFacts.Descendants(loop.Body).Any(o => o is IBranchOperation or IReturnOperation
                                                             || (o is ILocalReferenceOperation written && OperationFacts.IsWrite(written)
                                                                 && SymbolEqualityComparer.Default.Equals(written.Local, index.Local))))
        {
            return false;
        }

        var bound = OperationFacts.StripConversions(end);
        return (bound is IPropertyReferenceOperation { Property.Name: "Length", Instance: ILocalReferenceOperation lengthOf }
                && SymbolEqualityComparer.Default.Equals(lengthOf.Local, reference.Local))
               || (size is not null && matcher.Same(bound, size));
    }

    /// <summary><c>foreach (var s in slots) total += s;</c> (one unchecked addition of the element into something else).</summary>
    private static bool IsSumFoldSource(ILocalReferenceOperation reference)
    {
        var parent = reference.Parent;
        while (parent is IConversionOperation)
        {
            parent = parent.Parent;
        }

        if (parent is not IForEachLoopOperation { LoopControlVariable: IVariableDeclaratorOperation element } loop
            || OperationFacts.StripConversions(loop.Collection) != reference)
        {
            return false;
        }

        var statement = loop.Body is IBlockOperation { Operations: { Length: 1 } } block ? block.Operations[0] : loop.Body;
        return statement is IExpressionStatementOperation { Operation: ICompoundAssignmentOperation { OperatorKind: BinaryOperatorKind.Add, IsChecked: false } add }
               && OperationFacts.StripConversions(add.Value) is ILocalReferenceOperation added
               && SymbolEqualityComparer.Default.Equals(added.Local, element.Symbol)
               && !OperationFacts.References(add.Target, element.Symbol);
    }

    /// <summary>The locals the partition declares before its loop, or null when anything else runs before the loop.</summary>
    private static HashSet<ILocalSymbol>? LocalsDeclaredBefore(ImmutableArray<IOperation> statements, int loopPosition)
    {
        var partitionLocals = new HashSet<ILocalSymbol>(SymbolEqualityComparer.Default);
        foreach (var statement in statements.Take(loopPosition))
        {
            if (statement is not IVariableDeclarationGroupOperation group)
            {
                return null;
            }

            foreach (var declarator in group.Declarations.SelectMany(d => d.Declarators))
            {
                partitionLocals.Add(declarator.Symbol);
            }
        }

        return partitionLocals;
    }

    /// <summary>N when the loop's [start, end) is a recognised split of an int range [0, N) whose N means the same outside the partition; otherwise null.</summary>
    private static IOperation? WholeRangeEnd(Matcher matcher, ISymbol partition, IOperation partitionCount, IOperation start, IOperation end, HashSet<ILocalSymbol> partitionLocals, IOperation root)
    {
        var n = MatchRange(matcher, partition, partitionCount, start, end);
        if (n is null || n.Type?.SpecialType != SpecialType.System_Int32)
        {
            return null;
        }

        // N must mean the same thing outside the partition.
        if (OperationFacts.Descendants(n).Any(o => (o is ILocalReferenceOperation l && partitionLocals.Contains(l.Local)) || OperationFacts.IsReferenceTo(o, partition))
            || !OperationFacts.IsStableValue(n, root))
        {
            return null;
        }

        return n;
    }

    /// <summary>
    /// Whether the loop body is safe to spread over workers; if so, the one partition local it uses (a sum
    /// accumulator only ever added to), or null when it uses none.
    /// </summary>
    private static bool TryFindAccumulator(IOperation loopBody, ISymbol partition, HashSet<ILocalSymbol> partitionLocals, ILocalSymbol j, out ILocalSymbol? accumulator)
    {
        accumulator = null;
        foreach (var operation in OperationFacts.Descendants(loopBody))
        {
            if (operation is ILocalReferenceOperation local && partitionLocals.Contains(local.Local))
            {
                if (accumulator is not null && !SymbolEqualityComparer.Default.Equals(accumulator, local.Local))
                {
                    return false;
                }

                accumulator = local.Local;
                if (!IsAddedTo(local))
                {
                    return false;
                }

                // acc += x; or acc++; as a statement: checked, and per worker after the rewrite.
                continue;
            }

            if (OperationFacts.IsReferenceTo(operation, partition))
            {
                return false;
            }

            if (!IsSafeInRangeLoop(operation, loopBody, j))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary><c>acc += x;</c> (x not reading acc), <c>acc++;</c> or <c>++acc;</c> as a statement of its own.</summary>
    private static bool IsAddedTo(ILocalReferenceOperation local)
    {
        switch (local.Parent)
        {
            case ICompoundAssignmentOperation { OperatorKind: BinaryOperatorKind.Add } add when add.Target == local && !OperationFacts.References(add.Value, local.Local):
                return add.Parent is IExpressionStatementOperation;
            case IIncrementOrDecrementOperation { Kind: OperationKind.Increment } increment:
                return increment.Parent is IExpressionStatementOperation;
            default:
                return false;
        }
    }

    /// <summary>
    /// The accumulator's initial value when it is a constant zero, or null when it is not integral or starts elsewhere:
    /// each partition starts from it once, each worker after the rewrite once, and the counts differ.
    /// </summary>
    private static IOperation? IntegralSumStart(ILocalSymbol accumulator, ImmutableArray<IOperation> statements)
    {
        if (!IsIntegral(accumulator.Type))
        {
            // Floating-point sums depend on the grouping: the result could change.
            return null;
        }

        var initializer = InitializerOf(accumulator, statements);
        return initializer is { ConstantValue: { HasValue: true, Value: { } value } }
               && System.Convert.ToDecimal(value, System.Globalization.CultureInfo.InvariantCulture) == 0m
            ? initializer
            : null;
    }

    /// <summary>Whether the statements after the loop are exactly the merges of the accumulator into shared state (none without one).</summary>
    private static bool AreMergesOnly(ImmutableArray<IOperation> merges, ILocalSymbol? accumulator, ISymbol partition, HashSet<ILocalSymbol> partitionLocals, KnownTypes types)
    {
        if (accumulator is null ? merges.Length != 0 : merges.Length == 0)
        {
            return false;
        }

        foreach (var merge in merges)
        {
            if (!IsMerge(merge, accumulator!, types))
            {
                return false;
            }

            foreach (var operation in OperationFacts.Descendants(merge))
            {
                if (OperationFacts.IsReferenceTo(operation, partition)
                    || (operation is ILocalReferenceOperation local && partitionLocals.Contains(local.Local) && !SymbolEqualityComparer.Default.Equals(local.Local, accumulator)))
                {
                    return false;
                }
            }
        }

        return true;
    }

    private static bool IsIntegral(ITypeSymbol type) => type.SpecialType switch
    {
        SpecialType.System_Int32 or SpecialType.System_Int64 or SpecialType.System_UInt32 or SpecialType.System_UInt64 => true,
        _ => false,
    };

    private static IOperation? InitializerOf(ILocalSymbol local, ImmutableArray<IOperation> statements)
    {
        foreach (var statement in statements)
        {
            foreach (var operation in OperationFacts.Descendants(statement, enterFunctions: false))
            {
                if (operation is IVariableDeclaratorOperation declarator && SymbolEqualityComparer.Default.Equals(declarator.Symbol, local))
                {
                    return (declarator.Initializer ?? (declarator.Parent as IVariableDeclarationOperation)?.Initializer)?.Value;
                }
            }
        }

        return null;
    }

    /// <summary><c>Interlocked.Add(ref total, acc);</c> or <c>lock (gate) { total += acc; }</c>.</summary>
    private static bool IsMerge(IOperation statement, ILocalSymbol accumulator, KnownTypes types)
    {
        switch (statement)
        {
            case IExpressionStatementOperation { Operation: IInvocationOperation invocation }
                when KnownTypes.Is(invocation.TargetMethod.ContainingType, types.Interlocked)
                     && invocation.TargetMethod.Name == "Add"
                     && invocation.Arguments.Length == 2
                     && OperationFacts.StripConversions(invocation.Arguments[1].Value) is ILocalReferenceOperation added
                     && SymbolEqualityComparer.Default.Equals(added.Local, accumulator):
                return true;
            case ILockOperation lockOperation:
                var inner = lockOperation.Body is IBlockOperation { Operations: { Length: 1 } } block ? block.Operations[0] : lockOperation.Body;
                return inner is IExpressionStatementOperation { Operation: ICompoundAssignmentOperation { OperatorKind: BinaryOperatorKind.Add } add }
                       && add.Target is not ILocalReferenceOperation
                       && OperationFacts.StripConversions(add.Value) is ILocalReferenceOperation value
                       && SymbolEqualityComparer.Default.Equals(value.Local, accumulator);
            default:
                return false;
        }
    }

    /// <summary>
    /// What a body can do when its iterations are spread over workers: no jumps out of the loop, no writes to
    /// locals declared outside it (except the accumulator, checked separately), array writes only at index j.
    /// </summary>
    private static bool IsSafeInRangeLoop(IOperation operation, IOperation body, ILocalSymbol j)
    {
        switch (operation)
        {
            case IBranchOperation { BranchKind: BranchKind.Break or BranchKind.Continue } branch when ExitsNestedStatementOnly(branch, body):
                return true;
            case IBranchOperation:
            case IReturnOperation:
            case IAwaitOperation:
                return false;
            case ILocalReferenceOperation local when OperationFacts.IsWrite(local):
                if (SymbolEqualityComparer.Default.Equals(local.Local, j))
                {
                    return false;
                }

                // Locals declared inside the body are per iteration; the accumulator is checked by the caller.
                return OperationFacts.IsDeclaredIn(local.Local, body) || local.Parent is ICompoundAssignmentOperation;
            case IArrayElementReferenceOperation element when OperationFacts.IsWrite(element):
                return element.Indices.Length == 1
                       && OperationFacts.StripConversions(element.Indices[0]) is ILocalReferenceOperation index
                       && SymbolEqualityComparer.Default.Equals(index.Local, j);
            case IParameterReferenceOperation parameter when OperationFacts.IsWrite(parameter):
            case IFieldReferenceOperation field when OperationFacts.IsWrite(field) && !(field.Parent?.Parent is IExpressionStatementOperation && OperationFacts.IsInsideLock(field)):
                return false;
            default:
                return true;
        }
    }

    /// <summary>A break or continue of a loop (or a break of a switch) that sits inside the body: it stays in one iteration.</summary>
    private static bool ExitsNestedStatementOnly(IBranchOperation branch, IOperation body)
    {
        for (var current = branch.Parent; current is not null && current != body; current = current.Parent)
        {
            if (current is ILoopOperation || (branch.BranchKind == BranchKind.Break && current is ISwitchOperation))
            {
                return true;
            }
        }

        return false;
    }

    private static bool IsCountingLoop(IForLoopOperation loop, out ILocalSymbol index, out IOperation start, out IOperation end)
    {
        index = null!;
        start = null!;
        end = null!;
        if (loop.Before.Length != 1
            || loop.AtLoopBottom.Length != 1
            || loop.Condition is not IBinaryOperation { OperatorKind: BinaryOperatorKind.LessThan } condition
            || loop.Before[0] is not IVariableDeclarationGroupOperation { Declarations: { Length: 1 } declarations }
            || declarations[0].Declarators.Length != 1)
        {
            return false;
        }

        var declarator = declarations[0].Declarators[0];
        var initializer = declarator.Initializer ?? declarations[0].Initializer;
        if (initializer is null
            || declarator.Symbol.Type.SpecialType != SpecialType.System_Int32
            || OperationFacts.StripConversions(condition.LeftOperand) is not ILocalReferenceOperation left
            || !SymbolEqualityComparer.Default.Equals(left.Local, declarator.Symbol))
        {
            return false;
        }

        var step = loop.AtLoopBottom[0] is IExpressionStatementOperation statement ? statement.Operation : loop.AtLoopBottom[0];
        if (!(step is IIncrementOrDecrementOperation { Kind: OperationKind.Increment, Target: ILocalReferenceOperation target }
              && SymbolEqualityComparer.Default.Equals(target.Local, declarator.Symbol)))
        {
            return false;
        }

        index = declarator.Symbol;
        start = initializer.Value;
        end = condition.RightOperand;
        return true;
    }

    /// <summary>Returns N when [start, end) for partition p of T is one of the recognised splits of [0, N).</summary>
    private static IOperation? MatchRange(Matcher m, ISymbol p, IOperation t, IOperation start, IOperation end)
    {
        var s = m.Resolve(start);
        var e = m.Resolve(end);
        if (MatchProportional(m, p, t, s, e) is { } proportional)
        {
            return proportional;
        }

        // start = p * chunk
        if (!m.IsBinary(s, BinaryOperatorKind.Multiply, out var x, out var y))
        {
            return null;
        }

        var chunk = m.IsLocal(x, p) ? y : m.IsLocal(y, p) ? x : null;
        if (chunk is null)
        {
            return null;
        }

        if (e is IConditionalOperation conditional)
        {
            return MatchLastTakesRest(m, p, t, start, chunk, conditional);
        }

        return MatchCappedChunks(m, p, t, start, chunk, e);
    }

    /// <summary>N when start = p * N / T and end = (p + 1) * N / T (either factor order); otherwise null.</summary>
    private static IOperation? MatchProportional(Matcher m, ISymbol p, IOperation t, IOperation s, IOperation e)
    {
        if (m.IsBinary(s, BinaryOperatorKind.Divide, out var sNum, out var sDen) && m.Same(sDen, t)
            && m.IsBinary(sNum, BinaryOperatorKind.Multiply, out var a, out var b)
            && m.IsBinary(e, BinaryOperatorKind.Divide, out var eNum, out var eDen) && m.Same(eDen, t)
            && m.IsBinary(eNum, BinaryOperatorKind.Multiply, out var c, out var d))
        {
            IOperation? n = m.IsLocal(a, p) ? b : m.IsLocal(b, p) ? a : null;
            if (n is not null && ((m.IsPlusOne(c, p) && m.Same(d, n)) || (m.IsPlusOne(d, p) && m.Same(c, n))))
            {
                return n;
            }
        }

        return null;
    }

    /// <summary>Whether the candidate is the next partition's start: start + chunk or (p + 1) * chunk.</summary>
    private static bool IsNextStart(Matcher m, ISymbol p, IOperation start, IOperation chunk, IOperation candidate)
    {
        candidate = m.Resolve(candidate);
        if (m.IsBinary(candidate, BinaryOperatorKind.Add, out var l, out var r))
        {
            if ((m.Same(l, start) && m.Same(r, chunk)) || (m.Same(r, start) && m.Same(l, chunk)))
            {
                return true;
            }
        }

        if (m.IsBinary(candidate, BinaryOperatorKind.Multiply, out l, out r))
        {
            return (m.IsPlusOne(l, p) && m.Same(r, chunk)) || (m.IsPlusOne(r, p) && m.Same(l, chunk));
        }

        return false;
    }

    /// <summary>
    /// N when end = p == T - 1 ? N : next (or p != T - 1 ? next : N, or p &lt; T - 1 ? next : N) and chunk = N / T,
    /// so the last partition takes the remainder; otherwise null.
    /// </summary>
    private static IOperation? MatchLastTakesRest(Matcher m, ISymbol p, IOperation t, IOperation start, IOperation chunk, IConditionalOperation conditional)
    {
        if (conditional.WhenFalse is not { } whenFalse || m.Resolve(conditional.Condition) is not IBinaryOperation test)
        {
            return null;
        }

        IOperation? n = null;
        var testsLast = (m.IsLocal(test.LeftOperand, p) && m.IsMinusOne(test.RightOperand, t))
                        || (m.IsLocal(test.RightOperand, p) && m.IsMinusOne(test.LeftOperand, t));
        if (testsLast && test.OperatorKind == BinaryOperatorKind.Equals && IsNextStart(m, p, start, chunk, whenFalse))
        {
            n = conditional.WhenTrue;
        }
        else if (testsLast && test.OperatorKind == BinaryOperatorKind.NotEquals && IsNextStart(m, p, start, chunk, conditional.WhenTrue))
        {
            n = whenFalse;
        }
        else if (m.IsLocal(test.LeftOperand, p) && m.IsMinusOne(test.RightOperand, t) && test.OperatorKind == BinaryOperatorKind.LessThan && IsNextStart(m, p, start, chunk, conditional.WhenTrue))
        {
            n = whenFalse;
        }

        if (n is not null
            && m.IsBinary(m.Resolve(chunk), BinaryOperatorKind.Divide, out var num, out var den)
            && m.Same(num, n) && m.Same(den, t))
        {
            return n;
        }

        return null;
    }

    /// <summary>N when end = Math.Min(N, next) (either order) and chunk = (N + T - 1) / T; otherwise null.</summary>
    private static IOperation? MatchCappedChunks(Matcher m, ISymbol p, IOperation t, IOperation start, IOperation chunk, IOperation e)
    {
        if (e is IInvocationOperation { TargetMethod: { Name: "Min", ContainingType: { Name: "Math" } } } min && min.Arguments.Length == 2)
        {
            var first = min.Arguments[0].Value;
            var second = min.Arguments[1].Value;
            var n = IsNextStart(m, p, start, chunk, first) ? second : IsNextStart(m, p, start, chunk, second) ? first : null;
            if (n is not null
                && m.IsBinary(m.Resolve(chunk), BinaryOperatorKind.Divide, out var num, out var den) && m.Same(den, t)
                && m.IsCeilingNumerator(num, n, t))
            {
                return n;
            }
        }

        return null;
    }

    /// <summary>Structural equality of integer expressions, seeing through locals assigned once.</summary>
    private sealed class Matcher
    {
        private readonly IOperation _root;
        private readonly IOperation? _calleeBody;
        private readonly Dictionary<ILocalSymbol, IOperation?> _initializers = new Dictionary<ILocalSymbol, IOperation?>(SymbolEqualityComparer.Default);

        /// <param name="root">The function holding the fan-out.</param>
        /// <param name="partitionStatements">What a partition runs.</param>
        /// <param name="calleeBody">The body of the method each partition calls, when that holds the loop (its locals are written there).</param>
        public Matcher(IOperation root, ImmutableArray<IOperation> partitionStatements, IOperation? calleeBody = null)
        {
            _root = root;
            _calleeBody = calleeBody;
            foreach (var operation in OperationFacts.Descendants(root).Concat(partitionStatements.SelectMany(s => OperationFacts.Descendants(s))))
            {
                if (operation is IVariableDeclaratorOperation declarator && !_initializers.ContainsKey(declarator.Symbol))
                {
                    _initializers[declarator.Symbol] = (declarator.Initializer ?? (declarator.Parent as IVariableDeclarationOperation)?.Initializer)?.Value;
                }
            }
        }

        public IOperation Resolve(IOperation operation)
        {
            for (var depth = 0; depth < 8; depth++)
            {
                operation = OperationFacts.StripConversions(operation);
                if (operation is ILocalReferenceOperation local
                    && _initializers.TryGetValue(local.Local, out var initializer)
                    && initializer is not null
                    && !local.Local.IsRef
                    && !OperationFacts.IsWrittenAfterDeclaration(local.Local, _root)
                    && (_calleeBody is null || !OperationFacts.IsWrittenAfterDeclaration(local.Local, _calleeBody)))
                {
                    operation = initializer;
                    continue;
                }

                break;
            }

            return operation;
        }

        /// <summary>The value a local of the function or the partition is declared with, or null (none, or not declared there).</summary>
        public IOperation? Initializer(ILocalSymbol local)
            => _initializers.TryGetValue(local, out var initializer) ? initializer : null;

        /// <summary>Whether the value is (a copy of) the local or parameter.</summary>
        public bool IsLocal(IOperation operation, ISymbol local)
            => OperationFacts.IsReferenceTo(Resolve(operation), local);

        public bool IsBinary(IOperation operation, BinaryOperatorKind kind, out IOperation left, out IOperation right)
        {
            left = null!;
            right = null!;
            if (Resolve(operation) is IBinaryOperation binary && binary.OperatorKind == kind && !binary.IsChecked)
            {
                left = binary.LeftOperand;
                right = binary.RightOperand;
                return true;
            }

            return false;
        }

        public bool IsPlusOne(IOperation operation, ISymbol p)
            => IsBinary(operation, BinaryOperatorKind.Add, out var l, out var r)
               && ((IsLocal(l, p) && IsConstant(r, 1)) || (IsLocal(r, p) && IsConstant(l, 1)));

        public bool IsMinusOne(IOperation operation, IOperation t)
            => IsBinary(operation, BinaryOperatorKind.Subtract, out var l, out var r) && Same(l, t) && IsConstant(r, 1);

        /// <summary><c>N + T - 1</c> or <c>N + (T - 1)</c> or <c>N - 1 + T</c>.</summary>
        public bool IsCeilingNumerator(IOperation operation, IOperation n, IOperation t)
        {
            if (IsBinary(operation, BinaryOperatorKind.Subtract, out var l, out var r) && IsConstant(r, 1)
                && IsBinary(l, BinaryOperatorKind.Add, out var a, out var b))
            {
                return (Same(a, n) && Same(b, t)) || (Same(a, t) && Same(b, n));
            }

            if (IsBinary(operation, BinaryOperatorKind.Add, out l, out r))
            {
                return (Same(l, n) && IsMinusOne(r, t)) || (Same(r, n) && IsMinusOne(l, t));
            }

            return false;
        }

        public bool IsConstant(IOperation operation, int value)
            => Resolve(operation).ConstantValue is { HasValue: true, Value: int v } && v == value;

        public bool Same(IOperation a, IOperation b)
        {
            a = Resolve(a);
            b = Resolve(b);
            if (a.ConstantValue.HasValue || b.ConstantValue.HasValue)
            {
                return a.ConstantValue.HasValue && b.ConstantValue.HasValue && Equals(a.ConstantValue.Value, b.ConstantValue.Value);
            }

            switch (a)
            {
                case ILocalReferenceOperation la when b is ILocalReferenceOperation lb:
                    return SymbolEqualityComparer.Default.Equals(la.Local, lb.Local);
                case IParameterReferenceOperation pa when b is IParameterReferenceOperation pb:
                    return SymbolEqualityComparer.Default.Equals(pa.Parameter, pb.Parameter);
                case IFieldReferenceOperation fa when b is IFieldReferenceOperation fb:
                    return SymbolEqualityComparer.Default.Equals(fa.Field, fb.Field) && SameInstance(fa.Instance, fb.Instance);
                case IPropertyReferenceOperation qa when b is IPropertyReferenceOperation qb:
                    return SymbolEqualityComparer.Default.Equals(qa.Property, qb.Property) && qa.Arguments.Length == 0 && qb.Arguments.Length == 0 && SameInstance(qa.Instance, qb.Instance);
                case IBinaryOperation ba when b is IBinaryOperation bb:
                    return ba.OperatorKind == bb.OperatorKind && Same(ba.LeftOperand, bb.LeftOperand) && Same(ba.RightOperand, bb.RightOperand);
                default:
                    return false;
            }
        }

        private bool SameInstance(IOperation? a, IOperation? b)
        {
            if (a is null || b is null)
            {
                return a is null && b is null;
            }

            if (a is IInstanceReferenceOperation && b is IInstanceReferenceOperation)
            {
                return true;
            }

            return Same(a, b);
        }
    }
}
