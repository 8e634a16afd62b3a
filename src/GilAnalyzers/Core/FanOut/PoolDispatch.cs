using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace GilAnalyzers.Core;

/// <summary>
/// The rewrite of a thread-pool fan-out whose join the planner cannot remove (the join object travels in the item's
/// state, is a field, or is signalled in a method the item calls; a fixed set of items): the callbacks, their states and
/// the join objects stay as they are, and only the dispatch changes. The queued items are collected while the queuing
/// code runs and handed to <c>Parallel.ForEach</c> (loop) or <c>Parallel.Invoke</c> (fixed set) right after it. That is one
/// of the schedules the pool itself may pick (it may start no item before the queuing code ends), so every outcome of
/// the rewritten code is an outcome of the original; the join then finds every item signalled and returns at once.
/// </summary>
internal sealed class PoolDispatchPlan
{
    public PoolDispatchPlan(ImmutableArray<IInvocationOperation> queues, IOperation region, bool isSet, IObjectCreationOperation? thread = null, IOperation? threadStatement = null)
    {
        Queues = queues;
        Region = region;
        IsSet = isSet;
        Thread = thread;
        ThreadStatement = threadStatement;
    }

    /// <summary>
    /// Thread form (GIL003): the <c>new Thread(work)</c> kept nowhere whose work is collected instead (<see cref="Queues"/>
    /// then holds its <c>Start()</c> call), joined by a CountdownEvent its work signals.
    /// </summary>
    public IObjectCreationOperation? Thread { get; }

    /// <summary>Thread form: the statement that makes (and, chained, starts) the thread; it becomes <c>list.Add(work);</c>.</summary>
    public IOperation? ThreadStatement { get; }

    /// <summary>The <c>QueueUserWorkItem</c> calls, in source order (one for the loop form).</summary>
    public ImmutableArray<IInvocationOperation> Queues { get; }

    /// <summary>Loop form: the queuing loop statement (the list goes before it, the Parallel.ForEach after it). Set form: the first queue statement.</summary>
    public IOperation Region { get; }

    /// <summary>A fixed set of items queued by consecutive statements: one <c>Parallel.Invoke</c> replaces them.</summary>
    public bool IsSet { get; }
}

internal static partial class PoolFanOut
{
    /// <summary>
    /// Plans the dispatch-only rewrite of the items queued by <paramref name="queue"/> in <paramref name="loop"/>, or says
    /// why it would not keep behaviour.
    /// </summary>
    private static string? PlanLoopDispatch(IInvocationOperation queue, ILoopOperation loop, IOperation root, KnownTypes types, WorkCostModel costModel, out PoolDispatchPlan? plan)
    {
        plan = null;
        if (QueueStatementBlocker(queue) is { } statementBlocker)
        {
            return statementBlocker;
        }

        if (loop.Parent is not IBlockOperation || loop.Syntax.Parent is not Microsoft.CodeAnalysis.CSharp.Syntax.BlockSyntax)
        {
            return "the queuing loop is not a statement of a block";
        }

        var queues = OperationFacts.Descendants(loop, enterFunctions: false).OfType<IInvocationOperation>().Count(i => IsQueueUserWorkItem(i, types));
        if (queues != 1)
        {
            return "the loop queues more than one kind of work item";
        }

        if (LeavesEarly(loop) is { } exit)
        {
            return "the queuing loop can leave early (" + exit + "), before the collected items would run";
        }

        if (OperationFacts.WaitingCall(loop, types, costModel) is { } wait)
        {
            return "the queuing loop waits (" + wait + ")";
        }

        if (HeldGate(loop, root, types) is { } gate)
        {
            return "the items are queued while the method holds " + gate;
        }

        if (OperationFacts.UnwrapDelegate(queue.Arguments[0].Value) is IAnonymousFunctionOperation function
            && ChangedCapture(function, loop) is { } changed)
        {
            return "the work item reads '" + changed.Name + "', which the queuing loop changes after queuing it";
        }

        plan = new PoolDispatchPlan(ImmutableArray.Create(queue), loop, isSet: false);
        return null;
    }

    /// <summary>Plans <c>Parallel.Invoke</c> for a fixed set of items queued by consecutive statements of one block.</summary>
    private static string? PlanSetDispatch(List<IInvocationOperation> items, IOperation root, KnownTypes types, out PoolDispatchPlan? plan)
    {
        plan = null;
        IBlockOperation? block = null;
        var positions = new List<int>();
        foreach (var item in items)
        {
            if (QueueStatementBlocker(item) is { } statementBlocker)
            {
                return statementBlocker;
            }

            if (item.Parent!.Parent is not IBlockOperation parent || (block is not null && parent != block))
            {
                return "the work items are not queued by statements of one block";
            }

            block = parent;
            positions.Add(block.Operations.IndexOf(item.Parent));
            if (OperationFacts.UnwrapDelegate(item.Arguments[0].Value) is not IAnonymousFunctionOperation { Symbol.IsAsync: false } function
                || function.Symbol.Parameters.Any(p => OperationFacts.References(function.Body, p))
                || item.Arguments.Skip(1).Any(a => a.ArgumentKind == ArgumentKind.Explicit && !a.Value.ConstantValue.HasValue))
            {
                return "a work item is not a lambda that ignores its state";
            }
        }

        positions.Sort();
        if (positions.Count < 2 || positions[positions.Count - 1] - positions[0] != positions.Count - 1)
        {
            return "other statements run between the calls that queue the work items";
        }

        if (HeldGate(block!, root, types) is { } gate)
        {
            return "the items are queued while the method holds " + gate;
        }

        var ordered = items.OrderBy(i => i.Syntax.SpanStart).ToImmutableArray();
        plan = new PoolDispatchPlan(ordered, ordered[0].Parent!, isSet: true);
        return null;
    }

    /// <summary>
    /// Plans the dispatch-only rewrite of threads made and started one per iteration and kept nowhere
    /// (<c>new Thread(() =&gt; Check(lo, hi, done)).Start();</c> or <c>var t = new Thread(…); t.Start();</c>), joined by a
    /// CountdownEvent their work signals: the work is collected and run by <c>Parallel.ForEach</c> after the loop, the latch
    /// and its wait stay. A started thread may begin running at any later time, so running every piece of work after the
    /// loop is one of the schedules the original allows.
    /// </summary>
    internal static string? PlanThreadDispatch(IObjectCreationOperation thread, IOperation @delegate, ILoopOperation loop, ILocalSymbol? local, IOperation root, KnownTypes types, WorkCostModel costModel, out PoolDispatchPlan? plan)
    {
        plan = null;
        if (thread.Arguments.Length != 1 || thread.Initializer is not null || @delegate is not IAnonymousFunctionOperation { Symbol.Parameters.Length: 0, Symbol.IsAsync: false } work)
        {
            return "the thread is not made from a parameterless lambda alone";
        }

        if (loop.Parent is not IBlockOperation || loop.Syntax.Parent is not Microsoft.CodeAnalysis.CSharp.Syntax.BlockSyntax || loop.Body is not IBlockOperation body)
        {
            return "the creation loop is not a statement of a block";
        }

        var statement = OperationFacts.StatementIn(thread, body);
        IInvocationOperation? start = null;
        IOperation? startStatement = null;
        if (local is null && thread.Parent is IInvocationOperation { TargetMethod.Name: "Start", Arguments.Length: 0 } chained && chained.Parent is IExpressionStatementOperation)
        {
            start = chained;
        }
        else if (local is not null && statement is IVariableDeclarationGroupOperation)
        {
            var uses = OperationFacts.Descendants(root).OfType<ILocalReferenceOperation>().Where(r => SymbolEqualityComparer.Default.Equals(r.Local, local)).ToList();
            if (uses.Count == 1 && uses[0].Parent is IInvocationOperation { TargetMethod.Name: "Start", Arguments.Length: 0 } started
                && started.Parent is IExpressionStatementOperation { Parent: var startParent } && startParent == body)
            {
                start = started;
                startStatement = started.Parent;
            }
        }

        if (start is null || statement is null)
        {
            return "the thread is used for more than being started once in the loop";
        }

        var creations = OperationFacts.Descendants(loop, enterFunctions: false).Count(o => o is IObjectCreationOperation c && OperationFacts.IsThread(c.Type, types));
        if (creations != 1)
        {
            return "the loop makes more than one thread per iteration";
        }

        var blocker = OperationFacts.ThreadAffinity(work.Body, types) is { } affinity ? "the thread's work depends on its thread (" + affinity + ")"
            : LeavesEarly(loop) is { } exit ? "the creation loop can leave early (" + exit + "), before the collected work would run"
            : OperationFacts.WaitingCall(loop, types, costModel) is { } wait ? "the creation loop waits (" + wait + ")"
            : HeldGate(loop, root, types) is { } gate ? "the threads are started while the method holds " + gate
            : ChangedCapture(work, loop) is { } changed ? "the thread's work reads '" + changed.Name + "', which the creation loop changes after starting it"
            : null;
        if (blocker is not null)
        {
            return blocker;
        }

        plan = new PoolDispatchPlan(ImmutableArray.Create(start), loop, isSet: false, thread, startStatement is null ? start.Parent : statement);
        return null;
    }

    /// <summary>The queue call must be a statement of its own (its bool result unused) and carry no preferLocal that has effects.</summary>
    private static string? QueueStatementBlocker(IInvocationOperation queue)
    {
        if (queue.Parent is not IExpressionStatementOperation)
        {
            return "the result of the queue call is used";
        }

        foreach (var argument in queue.Arguments)
        {
            if (argument.Parameter is { Ordinal: >= 2 } && argument.ArgumentKind == ArgumentKind.Explicit && !argument.Value.ConstantValue.HasValue)
            {
                return "the queue call passes more than a callback and a state";
            }

            if (argument.Parameter is { Ordinal: 1 } && argument.Value.Type is { IsAnonymousType: true })
            {
                return "the work item's state is of an anonymous type";
            }
        }

        return null;
    }

    /// <summary>A return, throw, goto or await in the loop (outside its lambdas): the code after the loop might not run.</summary>
    internal static string? LeavesEarly(IOperation loop)
    {
        foreach (var operation in OperationFacts.Descendants(loop, enterFunctions: false))
        {
            switch (operation)
            {
                case IReturnOperation { IsImplicit: false }:
                    return "return";
                case IThrowOperation:
                    return "throw";
                case IBranchOperation { BranchKind: BranchKind.GoTo }:
                    return "goto";
                case IAwaitOperation:
                    return "await";
            }
        }

        return null;
    }

    /// <summary>
    /// A lock or gate the method holds or takes (a <c>lock</c> around the queuing code, <c>Monitor.Enter</c>, a Lock, a
    /// semaphore or mutex wait, a reader/writer lock): items that run on the calling thread would re-enter it, items on
    /// other threads would wait for a caller that waits for them.
    /// </summary>
    internal static string? HeldGate(IOperation region, IOperation root, KnownTypes types)
    {
        for (var parent = region.Parent; parent is not null && parent != root; parent = parent.Parent)
        {
            if (parent is ILockOperation)
            {
                return "a lock";
            }
        }

        foreach (var operation in OperationFacts.Descendants(root, enterFunctions: false))
        {
            if (operation is not IInvocationOperation invocation || invocation.TargetMethod.ContainingType is not { } type)
            {
                continue;
            }

            var name = invocation.TargetMethod.Name;
            if ((KnownTypes.Is(type, types.Monitor) && (name == "Enter" || name == "TryEnter"))
                || (KnownTypes.Is(type, types.Lock) && name.Contains("Enter"))
                || (KnownTypes.Is(type, types.SemaphoreSlim) && name.StartsWith("Wait", System.StringComparison.Ordinal))
                || ((OperationFacts.DerivesFrom(type, types.Mutex) || OperationFacts.DerivesFrom(type, types.Semaphore)) && name.StartsWith("WaitOne", System.StringComparison.Ordinal))
                || (KnownTypes.Is(type, types.ReaderWriterLockSlim) && name.Contains("Enter")))
            {
                return type.Name + "." + name;
            }
        }

        return null;
    }

    /// <summary>
    /// A variable or field the item lambda reads from outside itself that the queuing loop writes (outside the lambda),
    /// such as the for loop's own variable: running the item after the loop would see the last value.
    /// </summary>
    internal static ISymbol? ChangedCapture(IAnonymousFunctionOperation function, IOperation loop)
    {
        var written = new HashSet<ISymbol>(SymbolEqualityComparer.Default);
        foreach (var operation in OperationFacts.Descendants(loop, enterFunctions: false))
        {
            if (operation is ILocalReferenceOperation or IParameterReferenceOperation or IFieldReferenceOperation
                && OperationFacts.IsWrite(operation) && OperationFacts.ReferencedSymbol(operation) is { } symbol)
            {
                written.Add(symbol);
            }
        }

        if (written.Count == 0)
        {
            return null;
        }

        foreach (var operation in OperationFacts.Descendants(function.Body))
        {
            if (OperationFacts.ReferencedSymbol(operation) is { } symbol && written.Contains(symbol)
                && !(symbol is ILocalSymbol && OperationFacts.IsDeclaredIn(symbol, function)))
            {
                return symbol;
            }
        }

        return null;
    }
}
