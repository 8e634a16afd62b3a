using System.Collections.Generic;
using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace GilAnalyzers.Core;

/// <summary>
/// Queue workers: the threads of one collection all run one body that loops over items taken from a shared queue
/// (<c>lock (q) { … q.Dequeue() … }</c>, <c>queue.Take()</c>), waiting on an event or monitor only while the queue is
/// empty, and does CPU-bound work on each item (compress, hash, a loop over it). The waits hand the next item over;
/// the time goes to the items. Told apart from consumers and message loops whose items are light, threads that also
/// wait in other ways (sleep, timed waits, input, tasks, spin loops), and threads whose real I/O outweighs the work.
/// </summary>
internal static partial class ThreadFanOut
{
    /// <summary>Why a queue-worker fan-out is reported without a rewrite.</summary>
    internal const string QueueWorkerBlocker = "the threads take their items from a shared queue and wait for them";

    /// <summary>How many source calls deep <see cref="OnlyHandOffWaits"/> follows a call that waits.</summary>
    private const int HandOffDepth = 3;

    /// <summary>At most this many callee bodies are read by one <see cref="OnlyHandOffWaits"/> walk.</summary>
    private const int HandOffBudget = 24;

    /// <summary>
    /// The cost of the work each thread of a collection runs: <see cref="ThreadCost"/>, or, for a body that only waits
    /// to be handed its next item, the cost of the items (<see cref="QueueWorkerCost"/>).
    /// </summary>
    private static WorkCost WorkerThreadCost(IOperation @delegate, WorkCostModel costModel, KnownTypes types, out bool queueWorker)
    {
        queueWorker = false;
        var cost = ThreadCost(@delegate, costModel, types);
        if (cost.Kind != WorkKind.IoBound || QueueWorkerCost(@delegate, costModel, types) is not { } workerCost)
        {
            return cost;
        }

        queueWorker = true;
        return workerCost;
    }

    /// <summary>
    /// The CPU cost of a worker thread's body when every wait in it hands over the next item and the work done per item
    /// is CPU-bound and outweighs its real I/O; null otherwise (the thread stays a coordination thread).
    /// </summary>
    private static WorkCost? QueueWorkerCost(IOperation @delegate, WorkCostModel costModel, KnownTypes types)
    {
        var body = DelegateBody(@delegate);
        if (body is null || RunsUntilStopped(body, 0, costModel))
        {
            return null;
        }

        var visited = new HashSet<IMethodSymbol>(SymbolEqualityComparer.Default);
        var waits = 0;
        if (!OnlyHandOffWaits(body, types, costModel, allowIo: true, 0, visited, ref waits) || waits == 0)
        {
            return null;
        }

        var split = new CostSplit { QueueWorker = true, Types = types };
        SplitCost(body, 0, 0, costModel, ref split);
        return split.Cpu >= WorkCost.NestedStrength && split.Cpu > split.Io && split.CpuReason is not null
            ? new WorkCost(WorkKind.CpuBound, split.CpuReason, split.Cpu)
            : null;
    }

    /// <summary>
    /// Whether everything in <paramref name="operation"/> that waits is a hand-off wait (<see cref="IsHandOffWait"/>),
    /// directly or in the source methods it calls (a few calls deep; an interface or virtual call through its few source
    /// implementations). <paramref name="allowIo"/>: plain I/O that does not wait (a stream, a file) is allowed — the cost
    /// split weighs it against the work; otherwise it refuses too. Counts the hand-off waits found.
    /// </summary>
    private static bool OnlyHandOffWaits(IOperation operation, KnownTypes types, WorkCostModel costModel, bool allowIo, int depth, HashSet<IMethodSymbol> visited, ref int waits)
    {
        foreach (var node in OperationFacts.Descendants(operation, enterFunctions: false))
        {
            switch (node)
            {
                case IAwaitOperation:
                    return false;
                case ILoopOperation loop when OperationFacts.IsSpinLoop(loop, types):
                    return false;
                case IPropertyReferenceOperation { Property.Name: "Result", Property.ContainingType.Name: "Task" or "ValueTask" }:
                    return false;
                case IObjectCreationOperation creation when !allowIo && costModel.Analyze(creation).Kind == WorkKind.IoBound:
                    return false;
                case IInvocationOperation { TargetMethod.MethodKind: MethodKind.DelegateInvoke, Instance: { } invoked }
                    when OperationFacts.StripConversions(invoked) is ILocalReferenceOperation:
                    // var job = queue.Take(); job(); — a dispatcher runs whatever it is handed: the work is its callers'.
                    return false;
                case IInvocationOperation call:
                    if (IsHandOffWait(call, types))
                    {
                        waits++;
                        continue;
                    }

                    if (OperationFacts.JoinsOwnFork(call) || IsLockCall(call, types) || costModel.Analyze(call).Kind != WorkKind.IoBound)
                    {
                        continue;
                    }

                    // A call that waits or does I/O: source methods (the callee, or the implementations an interface or
                    // virtual call can run) whose own waits are all hand-offs, or a refusal.
                    if (depth >= HandOffDepth || visited.Count >= HandOffBudget)
                    {
                        return false;
                    }

                    var callees = SourceCallees(call, costModel);
                    if (callees.IsEmpty)
                    {
                        if (allowIo && OperationFacts.WaitingCall(call, types, costModel) is null)
                        {
                            // Plain I/O (a stream, a file): weighed against the work by the cost split, not a wait.
                            break;
                        }

                        return false;
                    }

                    foreach (var callee in callees)
                    {
                        if (!visited.Add(callee))
                        {
                            continue;
                        }

                        var calleeBody = costModel.GetBody(callee, System.Threading.CancellationToken.None);
                        if (calleeBody is null || !OnlyHandOffWaits(calleeBody, types, costModel, allowIo, depth + 1, visited, ref waits))
                        {
                            return false;
                        }
                    }

                    break;
            }
        }

        return true;
    }

    /// <summary>
    /// A wait that only hands over the next item: <c>WaitOne()</c> / <c>WaitAny</c> / <c>WaitAll</c> on wait handles,
    /// <c>Monitor.Wait</c>, <c>ManualResetEventSlim</c> / <c>SemaphoreSlim.Wait</c>, <c>BlockingCollection.Take</c> /
    /// <c>GetConsumingEnumerable</c> — without a timeout (a timed wait paces a loop: a frame or polling loop).
    /// </summary>
    private static bool IsHandOffWait(IInvocationOperation call, KnownTypes types)
    {
        var method = call.TargetMethod;
        var type = method.ContainingType;
        if (type is null)
        {
            return false;
        }

        var name = method.Name;
        var waits = (OperationFacts.DerivesFrom(type, types.WaitHandle) && name is "WaitOne" or "WaitAll" or "WaitAny")
                    || (KnownTypes.Is(type, types.Monitor) && name == "Wait")
                    || ((KnownTypes.Is(type, types.ManualResetEventSlim) || KnownTypes.Is(type, types.SemaphoreSlim)) && name == "Wait")
                    || (KnownTypes.Is(type, types.BlockingCollection) && name is "Take" or "GetConsumingEnumerable");
        if (!waits)
        {
            return false;
        }

        foreach (var argument in call.Arguments)
        {
            var argumentType = argument.Parameter?.Type;
            if (argumentType is null || argumentType.SpecialType == SpecialType.System_Int32 || argumentType.Name == "TimeSpan")
            {
                return false;
            }
        }

        return true;
    }

    /// <summary><c>Monitor.Enter</c> / <c>Exit</c> / <c>Pulse</c>: the lock around the queue, not a wait for time or input.</summary>
    private static bool IsLockCall(IInvocationOperation call, KnownTypes types)
        => KnownTypes.Is(call.TargetMethod.ContainingType, types.Monitor) && call.TargetMethod.Name is "Enter" or "Exit" or "Pulse" or "PulseAll";

    /// <summary>
    /// The source methods a call runs: the callee itself when it is not overridable, or the few source implementations
    /// of an interface, abstract or virtual method of the compilation (empty when there are none or too many).
    /// </summary>
    private static ImmutableArray<IMethodSymbol> SourceCallees(IInvocationOperation call, WorkCostModel costModel)
    {
        var method = call.TargetMethod;
        if (method.MethodKind == MethodKind.LocalFunction || (!method.IsVirtual && !method.IsAbstract && !method.IsOverride && method.ContainingType?.TypeKind != TypeKind.Interface))
        {
            return method.DeclaringSyntaxReferences.Length > 0 ? ImmutableArray.Create(method.OriginalDefinition) : ImmutableArray<IMethodSymbol>.Empty;
        }

        var implementations = costModel.Implementations;
        return implementations.Dispatches(method)
            ? implementations.For(method, call.Instance?.Type, System.Threading.CancellationToken.None)
            : ImmutableArray<IMethodSymbol>.Empty;
    }

    /// <summary>Whether all the waiting and I/O of <paramref name="operation"/> is hand-off waits (one statement of a queue worker).</summary>
    private static bool WaitsOnlyForItems(IOperation operation, KnownTypes types, WorkCostModel costModel)
    {
        var waits = 0;
        return OnlyHandOffWaits(operation, types, costModel, allowIo: false, 0, new HashSet<IMethodSymbol>(SymbolEqualityComparer.Default), ref waits) && waits > 0;
    }

    /// <summary>
    /// A queue worker's statement whose only waiting is for items (<c>var block = Next();</c>,
    /// <c>var packed = Compress(queue.Take());</c>): no I/O level, but the CPU-bound calls in it count — directly, or
    /// inside the source method that also waits.
    /// </summary>
    private static void SplitHandOffStatement(IOperation statement, int depth, int trampolines, WorkCostModel costModel, ref CostSplit split)
    {
        foreach (var node in OperationFacts.Descendants(statement, enterFunctions: false))
        {
            if (node is not IInvocationOperation call || IsHandOffWait(call, split.Types!) || IsLockCall(call, split.Types!))
            {
                continue;
            }

            var cost = costModel.Analyze(call);
            if (cost.Kind == WorkKind.CpuBound)
            {
                split.AddCpu(depth + cost.Strength, depth == 0 ? cost.Reason : DeeperReason(cost, depth));
            }
            else if (cost.Kind == WorkKind.IoBound && trampolines < TrampolineDepth)
            {
                // A source method that waits for the item and may also work on it (each body an interface call can run).
                foreach (var callee in SourceCallees(call, costModel))
                {
                    if (costModel.GetBody(callee, System.Threading.CancellationToken.None) is { } calleeBody)
                    {
                        SplitCost(calleeBody, depth, trampolines + 1, costModel, ref split);
                    }
                }
            }
        }
    }
}
