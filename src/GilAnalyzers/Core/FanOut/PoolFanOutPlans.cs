using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace GilAnalyzers.Core;

/// <summary>
/// The rewrite of queued work items to <c>Parallel.For</c>: the items' completion signal and the caller's wait go away
/// together with the join objects — a <c>CountdownEvent</c>, an array or list of per-item events joined by
/// <c>WaitHandle.WaitAll</c> (or a <c>WaitOne</c> loop), or a pending counter the last item turns into a set event.
/// Planned only when those objects serve nothing but the join.
/// </summary>
internal static partial class PoolFanOut
{
    private static string? PlanQueued(IInvocationOperation queue, ILoopOperation loop, IOperation @delegate, QueuedJoin join, IOperation root, KnownTypes types, out FanOutPlan? plan)
    {
        plan = null;
        if (QueuedJoinObjectsBlocker(join) is { } joinBlocker)
        {
            return joinBlocker;
        }

        if (QueuedItems(loop, root, out var index, out var bound, out var items) is { } loopBlocker)
        {
            return loopBlocker;
        }

        if (@delegate is not IAnonymousFunctionOperation function)
        {
            return "the work item is a method, not a lambda whose completion signal the rewrite can drop";
        }

        if (ItemWork(function, join, types, out var work, out var completion, out var countsUpTo) is { } workBlocker)
        {
            return workBlocker;
        }

        if (items is null && OperationFacts.References(function, index))
        {
            return "the work item reads the loop variable '" + index.Name + "', which changes while it runs";
        }

        var affinity = OperationFacts.ThreadAffinity(function.Body, types);
        if (affinity is not null)
        {
            return "the work item depends on its thread (" + affinity + ")";
        }

        IParameterSymbol? parameter = function.Symbol.Parameters.Length == 1 ? function.Symbol.Parameters[0] : null;
        IOperation? argument = queue.Arguments.Length >= 2 && queue.Arguments[1].ArgumentKind == ArgumentKind.Explicit ? queue.Arguments[1].Value : null;
        if (argument is not null && !FreshState.IsRemade(argument, root, index) && !(items is not null && References(argument, index) && OperationFacts.IsStableValue(argument, root)))
        {
            return "the state passed to the work item cannot be evaluated later with the same value";
        }

        if (QueueLoopParts(queue, loop, join, types, out var block, out var dropped, out var pre, out var eventLocals) is { } partsBlocker)
        {
            return partsBlocker;
        }

        var removed = new List<IOperation>();
        IUsingOperation? usingOperation = null;
        var allowed = new HashSet<IOperation>(dropped) { completion! };
        string? reason;
        if (join.Countdown is not null)
        {
            reason = CountdownRemoval(join.Countdown, bound, items, block, root, allowed, removed, ref usingOperation);
        }
        else if (join.Events is ILocalSymbol events)
        {
            reason = EventsRemoval(events, eventLocals, block, loop, root, join.Wait, allowed, removed, types);
        }
        else
        {
            reason = CounterRemoval((ILocalSymbol)join.DoneEvent!, (ILocalSymbol)join.Counter!, countsUpTo, bound, items, block, root, allowed, removed, ref usingOperation);
        }

        if (reason is not null)
        {
            return reason;
        }

        if (!JoinFollowsLoop(join, loop, block, removed))
        {
            return "other code runs while the work items run";
        }

        var body = new FanOutBody(work, null, parameter, argument, @delegate);
        plan = new FanOutPlan(loop, removed.ToImmutableArray(), index, bound, pre.ToImmutableArray(), ImmutableArray.Create(body), null, usingOperation, items);
        return null;
    }

    /// <summary>Why the join objects cannot be removed by the rewrite (fields, a Monitor.Wait join), or null.</summary>
    private static string? QueuedJoinObjectsBlocker(QueuedJoin join)
    {
        if (join.Countdown is null && join.Events is null && join.DoneEvent is null)
        {
            return join.Mechanism.Contains("Monitor")
                ? "the Monitor.Wait join on a pending counter is not rewritten automatically"
                : "the join object is a field of the class, not a local of the method";
        }

        if (join.Countdown is null && (join.Events ?? join.DoneEvent) is not ILocalSymbol)
        {
            return "the join object is a field of the class, not a local of the method";
        }

        if (join.DoneEvent is not null && join.Counter is not ILocalSymbol)
        {
            return "the pending counter is not a local of the method";
        }

        return null;
    }

    /// <summary>The loop's index and count (<c>for (int i = 0; i &lt; n; i++)</c>) or its items (<c>foreach (var x in items)</c>).</summary>
    private static string? QueuedItems(ILoopOperation loop, IOperation root, out ILocalSymbol index, out IOperation? bound, out IOperation? items)
    {
        index = null!;
        bound = null;
        items = null;
        if (OperationFacts.IsZeroBasedCountingLoop(loop, out var counting, out var limit))
        {
            if (!OperationFacts.IsStableValue(limit, root))
            {
                return "the item count can change while the items run";
            }

            index = counting;
            bound = limit;
        }
        else if (OperationFacts.IsWideCountingLoop(loop, out var wide, out var wideLimit))
        {
            // for (uint i = 0; i < n; i++) / a long index: Parallel.For's long overload runs the same items.
            if (!OperationFacts.IsStableValue(wideLimit, root))
            {
                return "the item count can change while the items run";
            }

            index = wide;
            bound = wideLimit;
        }
        else if (OperationFacts.ForEachItems(loop, root) is { } source)
        {
            // foreach (var file in files) ThreadPool.QueueUserWorkItem(...): Parallel.ForEach over the same items.
            index = source.Variable;
            items = source.Items;
        }
        else
        {
            return "the items are not queued by a 'for (int i = 0; i < n; i++)' or 'foreach (var x in items)' loop";
        }

        return null;
    }

    /// <summary>
    /// The work of a queued lambda without its completion signal: the signal (or the pending counter's
    /// <c>if (Interlocked.Decrement(ref pending) == 0) done.Set();</c>) must be its last statement or its only finally.
    /// </summary>
    private static string? ItemWork(IAnonymousFunctionOperation function, QueuedJoin join, KnownTypes types, out ImmutableArray<IOperation> work, out IOperation? completion, out IOperation? countsUpTo)
    {
        work = ImmutableArray<IOperation>.Empty;
        countsUpTo = null;
        completion = null;
        if (join.SignalStatements.Length != 1)
        {
            return "the work item signals completion more than once";
        }

        // The completion: the signal itself, or `if (Interlocked.Decrement(ref pending) == 0) done.Set();` around it.
        completion = join.DoneEvent is not null ? CounterCompletion(join.SignalStatements[0], (ILocalSymbol)join.Counter!, types, out countsUpTo) : join.SignalStatements[0];
        if (completion is null)
        {
            return "the last item's signal is not 'if (Interlocked.Decrement(ref pending) == 0) done.Set();' or 'if (Interlocked.Increment(ref completed) == n) done.Set();'";
        }

        var statements = function.Body.Operations.Where(s => !(s is IReturnOperation { IsImplicit: true, ReturnedValue: null })).ToList();
        if (statements.Count > 0 && statements[statements.Count - 1] == completion)
        {
            work = statements.Take(statements.Count - 1).ToImmutableArray();
        }
        else if (statements.Count == 1
                 && statements[0] is ITryOperation { Catches: { Length: 0 }, Finally: { Operations: { Length: 1 } } finallyBlock } tryOperation
                 && finallyBlock.Operations[0] == completion)
        {
            work = tryOperation.Body.Operations;
        }
        else
        {
            return "the completion signal is not the work item's last statement";
        }

        if (work.Any(s => OperationFacts.Descendants(s, enterFunctions: false).Any(o => o is IReturnOperation)))
        {
            return "the work item returns early";
        }

        return null;
    }

    /// <summary>
    /// The loop that queues: it ends with the queue call, before it only declares per-item values and makes or stores the
    /// per-item events (<paramref name="dropped"/>, removed with the join).
    /// </summary>
    private static string? QueueLoopParts(IInvocationOperation queue, ILoopOperation loop, QueuedJoin join, KnownTypes types, out IBlockOperation block, out List<IOperation> dropped, out List<IOperation> pre, out HashSet<ISymbol> eventLocals)
    {
        block = null!;
        eventLocals = new HashSet<ISymbol>(SymbolEqualityComparer.Default);
        dropped = new List<IOperation>();
        pre = new List<IOperation>();
        if (queue.Parent is not IExpressionStatementOperation queueStatement || loop.Body is not IBlockOperation loopBody || queueStatement.Parent != loopBody
            || loopBody.Operations[loopBody.Operations.Length - 1] != queueStatement)
        {
            return "the loop does more than queue the work item";
        }

        if (loop.Parent is not IBlockOperation loopBlock)
        {
            return "the loop is not a plain statement";
        }

        block = loopBlock;

        // Per-item event creation and storing (events[i] = new ManualResetEvent(false); events.Add(done);) goes with the join.
        foreach (var statement in loopBody.Operations.Take(loopBody.Operations.Length - 1))
        {
            if (join.Events is ILocalSymbol events && EventStoreOrDeclaration(statement, events, eventLocals, types))
            {
                dropped.Add(statement);
                continue;
            }

            pre.Add(statement);
        }

        if (pre.Any(s => !ThreadFanOut.IsPureDeclaration(s, types)))
        {
            return "the loop does more than declare per-item values before queuing";
        }

        return null;
    }

    /// <summary>The join statement comes straight after the loop: nothing else runs while the items run.</summary>
    private static bool JoinFollowsLoop(QueuedJoin join, ILoopOperation loop, IBlockOperation block, List<IOperation> removed)
    {
        var loopPosition = block.Operations.IndexOf(loop);
        var waitStatement = join.Wait is ILoopOperation waitLoop ? waitLoop : (IOperation?)join.Wait?.Parent;
        var firstAfter = removed.Where(r => r.Parent == block && block.Operations.IndexOf(r) > loopPosition).Select(r => block.Operations.IndexOf(r)).DefaultIfEmpty(-1).Min();
        return firstAfter == loopPosition + 1 && (waitStatement is null || join.Countdown is not null || block.Operations.IndexOf(waitStatement) == loopPosition + 1);
    }

    /// <summary>A count that is the loop's: the same bound, or for a foreach the items' <c>Length</c> / <c>Count</c> / <c>Count()</c>.</summary>
    private static bool CountsTheItems(IOperation count, IOperation? bound, IOperation? items)
    {
        if (bound is not null)
        {
            return SameCount(count, bound);
        }

        var itemsSymbol = items is null ? null : OperationFacts.ReferencedSymbol(items);
        count = OperationFacts.StripConversions(count);
        var counted = count switch
        {
            IPropertyReferenceOperation { Property.Name: "Length" or "Count", Instance: { } instance } => instance,
            IInvocationOperation { TargetMethod.Name: "Count", Arguments.Length: 1 } call => call.Arguments[0].Value,
            _ => null,
        };
        return itemsSymbol is not null && counted is not null
               && SymbolEqualityComparer.Default.Equals(OperationFacts.ReferencedSymbol(OperationFacts.StripConversions(counted)), itemsSymbol);
    }

    /// <summary>The countdown: declared in this block, or a using whose block holds the loop; waited right after the loop.</summary>
    private static string? CountdownRemoval(ILocalSymbol countdown, IOperation? bound, IOperation? items, IBlockOperation block, IOperation root, HashSet<IOperation> allowed, List<IOperation> removed, ref IUsingOperation? usingOperation)
    {
        var declaration = DeclarationOf(countdown, root, out var initial);
        if (initial is not IObjectCreationOperation { Arguments: { Length: 1 } } creation || !CountsTheItems(creation.Arguments[0].Value, bound, items))
        {
            return "the CountdownEvent's initial count is not the loop's item count";
        }

        var placed = PlaceDeclaration(declaration, block, removed, ref usingOperation);
        if (!placed)
        {
            return "the CountdownEvent is not a local of the block that queues the items";
        }

        foreach (var use in Uses(countdown, root))
        {
            if (IsInside(use, allowed))
            {
                continue;
            }

            if (use.Parent is IInvocationOperation { TargetMethod: { Name: "Wait" or "Dispose" }, Arguments: { Length: 0 } } waitCall
                && waitCall.Parent is IExpressionStatementOperation waitStatement && waitStatement.Parent == block)
            {
                removed.Add(waitStatement);
                continue;
            }

            return "the CountdownEvent is used for more than signalling and waiting";
        }

        return null;
    }

    /// <summary>
    /// The per-item events: an array or list local of this block filled only in the queuing loop (or in a loop of its own
    /// that only fills it) and read only by the items' signal and the join; disposing them after the join goes too.
    /// </summary>
    private static string? EventsRemoval(ILocalSymbol events, HashSet<ISymbol> eventLocals, IBlockOperation block, ILoopOperation loop, IOperation root, IOperation? wait, HashSet<IOperation> allowed, List<IOperation> removed, KnownTypes types)
    {
        var declaration = DeclarationOf(events, root, out var initial);
        if (declaration is null || declaration.Parent != block
            || initial is not (IArrayCreationOperation { Initializer: null } or IObjectCreationOperation { Initializer: null })
            || OperationFacts.Descendants(initial).Any(o => o is IInvocationOperation))
        {
            return "the event array is not a local created empty in the block that queues the items";
        }

        removed.Add(declaration);
        var waitStatement = wait is ILoopOperation waitLoop ? waitLoop : wait?.Parent;
        if (waitStatement is null || waitStatement.Parent != block)
        {
            return "the events are not waited right after the items are queued";
        }

        if (wait is IInvocationOperation { Arguments.Length: > 1 } || (wait is ILoopOperation loopWait && !OnlyCallsOnElements(loopWait, "WaitOne") && !OnlyCallsOnElements(loopWait, "Wait")))
        {
            // WaitAll(events, timeout) goes on after the timeout; Parallel.For would not.
            return "the wait has a timeout or does more than wait";
        }

        removed.Add(waitStatement);
        foreach (var use in Uses(events, root))
        {
            if (IsInside(use, allowed) || IsInside(use, removed) || OperationFacts.IsWithin(use, loop))
            {
                if (OperationFacts.IsWithin(use, loop) && !IsInside(use, allowed))
                {
                    return "the events are used for more than signalling and the join";
                }

                continue;
            }

            // for (int i = 0; i < n; i++) events[i] = new ManualResetEvent(false); before the fan-out.
            if (OperationFacts.StatementIn(use, block) is ILoopOperation fill && fill != loop && OnlyFillsEvents(fill, events, types))
            {
                removed.Add(fill);
                continue;
            }

            // foreach (var e in events) e.Dispose(); after the join.
            if (OperationFacts.StatementIn(use, block) is ILoopOperation dispose && OnlyDisposesEvents(dispose, events)
                && block.Operations.IndexOf(dispose) > block.Operations.IndexOf(loop))
            {
                removed.Add(dispose);
                continue;
            }

            return "the events are used for more than signalling and the join";
        }

        foreach (var local in eventLocals)
        {
            foreach (var use in Uses((ILocalSymbol)local, root))
            {
                if (!IsInside(use, allowed))
                {
                    return "the item's event is used for more than signalling and the join";
                }
            }
        }

        return null;
    }

    /// <summary>The counter and the event the last item sets: locals of this block used only for the join.</summary>
    private static string? CounterRemoval(ILocalSymbol done, ILocalSymbol counter, IOperation? countsUpTo, IOperation? bound, IOperation? items, IBlockOperation block, IOperation root, HashSet<IOperation> allowed, List<IOperation> removed, ref IUsingOperation? usingOperation)
    {
        var counterDeclaration = DeclarationOf(counter, root, out var start);
        if (counterDeclaration is null || counterDeclaration.Parent != block)
        {
            return "the pending counter is not a local of the block that queues the items";
        }

        if (countsUpTo is null ? start is null || !CountsTheItems(start, bound, items)
                               : start?.ConstantValue is not { HasValue: true, Value: 0 } || !CountsTheItems(countsUpTo, bound, items))
        {
            return countsUpTo is null
                ? "the pending counter does not start at the loop's item count"
                : "the completed counter does not count from 0 to the loop's item count";
        }

        removed.Add(counterDeclaration);
        foreach (var use in Uses(counter, root))
        {
            if (!IsInside(use, allowed) && !IsInside(use, removed))
            {
                return "the pending counter is used for more than counting the items down";
            }
        }

        var doneDeclaration = DeclarationOf(done, root, out var created);
        if (created is not IObjectCreationOperation { Arguments: { Length: 1 } } creation || creation.Arguments[0].Value.ConstantValue is not { HasValue: true, Value: false })
        {
            return "the completion event does not start unset";
        }

        if (!PlaceDeclaration(doneDeclaration, block, removed, ref usingOperation))
        {
            return "the completion event is not a local of the block that queues the items";
        }

        foreach (var use in Uses(done, root))
        {
            if (IsInside(use, allowed) || IsInside(use, removed))
            {
                continue;
            }

            if (use.Parent is IInvocationOperation { TargetMethod: { Name: "WaitOne" or "Wait" or "Dispose" or "Close" }, Arguments: { Length: 0 } } call
                && call.Parent is IExpressionStatementOperation callStatement && callStatement.Parent == block)
            {
                removed.Add(callStatement);
                continue;
            }

            return "the completion event is used for more than the join";
        }

        return null;
    }

    /// <summary>
    /// <c>if (Interlocked.Decrement(ref pending) == 0) done.Set();</c> (either operand order, a block around the Set
    /// allowed, no else): the statement the rewrite drops instead of the bare signal.
    /// </summary>
    private static IOperation? CounterCompletion(IOperation signalStatement, ILocalSymbol counter, KnownTypes types, out IOperation? countsUpTo)
    {
        countsUpTo = null;
        var conditional = signalStatement.Parent is IBlockOperation { Operations.Length: 1 } wrapper ? wrapper.Parent : signalStatement.Parent;
        if (conditional is not IConditionalOperation { WhenFalse: null, Condition: IBinaryOperation { OperatorKind: BinaryOperatorKind.Equals } test } if_)
        {
            return null;
        }

        // Interlocked.Decrement(ref pending) == 0, or Interlocked.Increment(ref completed) == n (either operand order).
        foreach (var (call, other) in new[] { (test.LeftOperand, test.RightOperand), (test.RightOperand, test.LeftOperand) })
        {
            if (OperationFacts.StripConversions(call) is not IInvocationOperation { TargetMethod.Name: "Decrement" or "Increment", Arguments.Length: 1 } interlocked
                || !KnownTypes.Is(interlocked.TargetMethod.ContainingType, types.Interlocked)
                || OperationFacts.StripConversions(interlocked.Arguments[0].Value) is not ILocalReferenceOperation local
                || !SymbolEqualityComparer.Default.Equals(local.Local, counter))
            {
                continue;
            }

            if (interlocked.TargetMethod.Name == "Decrement")
            {
                return other.ConstantValue is { HasValue: true, Value: 0 or 0L } ? if_ : null;
            }

            countsUpTo = other;
            return if_;
        }

        return null;
    }

    /// <summary>
    /// <c>events[i] = new ManualResetEvent(false);</c>, <c>events.Add(done);</c>, <c>events[i] = done;</c> or the
    /// declaration of such a per-item event (<c>var done = new ManualResetEvent(false);</c>, recorded in
    /// <paramref name="eventLocals"/>).
    /// </summary>
    private static bool EventStoreOrDeclaration(IOperation statement, ILocalSymbol events, HashSet<ISymbol> eventLocals, KnownTypes types)
    {
        if (statement is IVariableDeclarationGroupOperation { Declarations: { Length: 1 } declarations } && declarations[0].Declarators.Length == 1)
        {
            var declarator = declarations[0].Declarators[0];
            var value = declarator.Initializer?.Value ?? declarations[0].Initializer?.Value;
            if (value is not null && IsNewEvent(value, types))
            {
                eventLocals.Add(declarator.Symbol);
                return true;
            }

            return false;
        }

        if (statement is not IExpressionStatementOperation { Operation: var operation })
        {
            return false;
        }

        IOperation? stored;
        ISymbol? target;
        switch (operation)
        {
            case ISimpleAssignmentOperation { Target: IArrayElementReferenceOperation slot } assignment:
                target = OperationFacts.ReferencedSymbol(OperationFacts.StripConversions(slot.ArrayReference));
                stored = assignment.Value;
                break;
            case IInvocationOperation { TargetMethod.Name: "Add", Instance: { } list, Arguments: { Length: 1 } added }:
                target = OperationFacts.ReferencedSymbol(OperationFacts.StripConversions(list));
                stored = added[0].Value;
                break;
            default:
                return false;
        }

        if (!SymbolEqualityComparer.Default.Equals(target, events))
        {
            return false;
        }

        stored = OperationFacts.StripConversions(stored);
        return IsNewEvent(stored, types) || (stored is ILocalReferenceOperation local && eventLocals.Contains(local.Local));
    }

    private static bool IsNewEvent(IOperation value, KnownTypes types)
        => OperationFacts.StripConversions(value) is IObjectCreationOperation { Type: { } type, Initializer: null } creation
           && (OperationFacts.DerivesFrom(type, types.WaitHandle) || KnownTypes.Is(type, types.ManualResetEventSlim))
           && creation.Arguments.All(a => a.Value.ConstantValue is { HasValue: true, Value: false });

    /// <summary><c>for (int i = 0; i &lt; n; i++) events[i] = new ManualResetEvent(false);</c></summary>
    private static bool OnlyFillsEvents(ILoopOperation loop, ILocalSymbol events, KnownTypes types)
    {
        var statements = loop.Body is IBlockOperation block ? block.Operations : ImmutableArray.Create(loop.Body);
        var locals = new HashSet<ISymbol>(SymbolEqualityComparer.Default);
        return statements.Length > 0 && statements.All(s => EventStoreOrDeclaration(s, events, locals, types));
    }

    /// <summary><c>foreach (var e in events) e.Dispose();</c> (or <c>Close()</c>).</summary>
    private static bool OnlyDisposesEvents(ILoopOperation loop, ILocalSymbol events)
    {
        if (loop is not IForEachLoopOperation forEach
            || !SymbolEqualityComparer.Default.Equals(OperationFacts.ReferencedSymbol(OperationFacts.StripConversions(forEach.Collection)), events))
        {
            return false;
        }

        var statements = loop.Body is IBlockOperation block ? block.Operations : ImmutableArray.Create(loop.Body);
        return statements.Length > 0 && statements.All(s => s is IExpressionStatementOperation { Operation: IInvocationOperation { TargetMethod.Name: "Dispose" or "Close", Arguments.Length: 0 } });
    }

    /// <summary>The statement declaring <paramref name="local"/> (its declaration group) and its initial value.</summary>
    private static IOperation? DeclarationOf(ILocalSymbol local, IOperation root, out IOperation? initial)
    {
        initial = null;
        foreach (var operation in OperationFacts.Descendants(root, enterFunctions: false))
        {
            if (operation is IVariableDeclaratorOperation declarator && SymbolEqualityComparer.Default.Equals(declarator.Symbol, local))
            {
                var value = (declarator.Initializer ?? (declarator.Parent as IVariableDeclarationOperation)?.Initializer)?.Value;
                initial = value is null ? null : OperationFacts.StripConversions(value);
                return declarator.Parent?.Parent;
            }
        }

        return null;
    }

    /// <summary>A join object's declaration goes: a statement of the block, a using declaration there, or a using whose body is the block.</summary>
    private static bool PlaceDeclaration(IOperation? declaration, IBlockOperation block, List<IOperation> removed, ref IUsingOperation? usingOperation)
    {
        if (declaration?.Parent is IUsingOperation usingStatement && usingStatement.Body == block && usingOperation is null)
        {
            usingOperation = usingStatement;
            return true;
        }

        if (declaration is not null && declaration.Parent == block)
        {
            removed.Add(declaration);
            return true;
        }

        if (declaration?.Parent is IUsingDeclarationOperation usingDeclaration && usingDeclaration.Parent == block)
        {
            removed.Add(usingDeclaration);
            return true;
        }

        return false;
    }

    private static IEnumerable<ILocalReferenceOperation> Uses(ILocalSymbol local, IOperation root)
        => OperationFacts.Descendants(root).OfType<ILocalReferenceOperation>().Where(r => SymbolEqualityComparer.Default.Equals(r.Local, local));

    private static bool IsInside(IOperation operation, IEnumerable<IOperation> statements)
    {
        foreach (var statement in statements)
        {
            if (OperationFacts.IsWithin(operation, statement))
            {
                return true;
            }
        }

        return false;
    }
}
