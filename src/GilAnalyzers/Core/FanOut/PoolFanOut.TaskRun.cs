using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace GilAnalyzers.Core;

/// <summary>
/// CPU-bound work fanned out with <c>Task.Run(...)</c> or <c>TaskFactory.StartNew(...)</c> (pool tasks, not LongRunning)
/// — one task per item or per hand-made chunk, in a loop, a LINQ <c>Select</c> or a written-out set — that the same
/// method then joins by BLOCKING its thread: <c>Task.WaitAll</c>, <c>Wait()</c> or <c>Result</c> per task,
/// <c>tasks.Select(t =&gt; t.Result).ToList()</c>, <c>WhenAll(...).Wait()</c>, or a completion counter polled in a sleep
/// loop. The caller's thread waits while the pool runs what <c>Parallel.For</c>/<c>Invoke</c> would run with it.
/// Quiet when the tasks are awaited (<c>await Task.WhenAll(...)</c>, or <c>await t</c> one by one: no thread is held,
/// the work is already on the pool and runs in parallel), when one task is started, and when any task's work is not
/// CPU-bound by the cost model (I/O, unresolved calls). Reported without a rewrite.
/// </summary>
internal static partial class PoolFanOut
{
    private const string TaskRunBlocker = "pool tasks (Task.Run / StartNew) are reported without a rewrite";

    /// <summary><c>Task.Run</c> or <c>TaskFactory.StartNew</c>, by name first.</summary>
    internal static bool IsPoolTaskStart(IMethodSymbol method, KnownTypes types)
        => (method.Name == "Run" && method.ContainingType is { Name: "Task" } task && KnownTypes.Is(task, types.Task))
           || (method.Name == "StartNew" && method.ContainingType is { Name: "TaskFactory" } factory && KnownTypes.Is(factory, types.TaskFactory));

    private static bool IsPoolTaskRun(IInvocationOperation invocation, KnownTypes types)
        => invocation.Arguments.Length >= 1 && IsPoolTaskStart(invocation.TargetMethod, types) && !IsLongRunningStartNew(invocation, types);

    private static FanOut? AnalyzeTaskRun(IInvocationOperation launch, IOperation root, KnownTypes types, WorkCostModel costModel)
    {
        var @delegate = OperationFacts.UnwrapDelegate(launch.Arguments[0].Value);
        if (@delegate is null || @delegate is IAnonymousFunctionOperation { Symbol.IsAsync: true } || ThreadFanOut.DelegateBody(@delegate) is null)
        {
            // An async lambda returns at its first await: what it fans out is not its CPU work alone.
            return null;
        }

        var mechanism = launch.TargetMethod.Name == "Run" ? "Task.Run" : "TaskFactory.StartNew";
        var loop = OperationFacts.EnclosingLoop(launch, root);
        string count;
        string? join;
        if (loop is null && SelectedTasks(launch, root, types) is { } query)
        {
            // var tasks = items.Select(x => Task.Run(() => Work(x))).ToArray(); Task.WaitAll(tasks);
            count = query.Count;
            join = BlockingTaskJoin(query.Collection, query.Root, types, costModel);
        }
        else if (loop is not null)
        {
            var parent = launch.Parent;
            while (parent is IConversionOperation)
            {
                parent = parent.Parent;
            }

            count = DescribeCount(loop);
            join = TaskCollection(parent, root) is { } collection
                ? BlockingTaskJoin(collection, root, types, costModel)
                : PolledTaskJoin(launch, @delegate, loop, root, types, costModel);
        }
        else
        {
            return AnalyzeTaskRunSet(launch, root, types, costModel, mechanism);
        }

        if (join is null)
        {
            return null;
        }

        if (WaitsForOthers(@delegate, costModel, types))
        {
            return null;
        }

        var cost = ThreadFanOut.DelegateCost(@delegate, costModel, types);
        return cost.IsCpuBound ? new FanOut(FanOutShape.Loop, launch, count, cost, mechanism + " + " + join, null, TaskRunBlocker) : null;
    }

    /// <summary>
    /// How the tasks in <paramref name="collection"/> are joined when the join blocks the calling thread, else null:
    /// <c>Task.WaitAll</c>, <c>Wait()</c>/<c>Result</c> per task in a loop, <c>Task.WhenAll(...)</c> then <c>Wait()</c>,
    /// <c>Result</c> or <c>GetAwaiter().GetResult()</c>, or a query reading each task's <c>Result</c>. A join inside the
    /// loop is not a fan-out, or a round of phased work (<see cref="InRounds"/>).
    /// </summary>
    private static string? BlockingTaskJoin(ISymbol collection, IOperation root, KnownTypes types, WorkCostModel costModel)
    {
        if (FindTaskJoin(collection, root, types, costModel) is { } found && !InRounds(found.Join))
        {
            if (found.Name != "Task.WhenAll")
            {
                return found.Name;
            }

            if (BlocksOn(found.Join))
            {
                return "Task.WhenAll blocked on";
            }
        }

        return ResultQueryJoin(collection, root, types);
    }

    /// <summary>
    /// Whether a join runs inside a loop: inside the starting loop it waits for each task before the next starts (no
    /// fan-out); inside an outer loop the fan-out is repeated round by round and each join is the algorithm's
    /// synchronisation point (the lock-step phases of a Barrier) — a look-alike the labels keep quiet.
    /// </summary>
    private static bool InRounds(IOperation join) => OperationFacts.EnclosingLoop(join, OperationFacts.FunctionRoot(join)) is not null;

    /// <summary><c>task.Wait()</c>, <c>task.Result</c> or <c>task.GetAwaiter().GetResult()</c> applied to <paramref name="task"/>.</summary>
    private static bool BlocksOn(IOperation task)
    {
        var parent = task.Parent;
        while (parent is IConversionOperation)
        {
            parent = parent.Parent;
        }

        return parent switch
        {
            IInvocationOperation { TargetMethod.Name: "Wait" } wait => wait.Instance is not null,
            IPropertyReferenceOperation { Property.Name: "Result" } => true,
            IInvocationOperation { TargetMethod.Name: "GetAwaiter", Arguments.Length: 0 } awaiter
                => awaiter.Parent is IInvocationOperation { TargetMethod.Name: "GetResult", Arguments.Length: 0 },
            _ => false,
        };
    }

    /// <summary>
    /// <c>tasks.Select(t =&gt; t.Result).ToList()</c> (also <c>ToArray</c>, a <c>foreach</c> over the query, and
    /// <c>t.GetAwaiter().GetResult()</c>): each task's result read by blocking, the query run at once.
    /// </summary>
    private static string? ResultQueryJoin(ISymbol collection, IOperation root, KnownTypes types)
    {
        foreach (var operation in OperationFacts.Descendants(root, enterFunctions: false))
        {
            if (operation is not IInvocationOperation { TargetMethod.Name: "Select", Arguments.Length: 2 } select
                || !KnownTypes.Is(select.TargetMethod.ContainingType, types.Enumerable)
                || InRounds(select)
                || !SymbolEqualityComparer.Default.Equals(OperationFacts.ReferencedSymbol(OperationFacts.StripConversions(select.Arguments[0].Value)), collection)
                || OperationFacts.UnwrapDelegate(select.Arguments[1].Value) is not IAnonymousFunctionOperation { Symbol.Parameters.Length: 1 } selector
                || selector.Body.Operations.Length == 0
                || selector.Body.Operations[0] is not IReturnOperation { ReturnedValue: { } returned })
            {
                continue;
            }

            var value = OperationFacts.StripConversions(returned);
            var parameter = selector.Symbol.Parameters[0];
            var blocks = value switch
            {
                IPropertyReferenceOperation { Property.Name: "Result", Instance: IParameterReferenceOperation p } => SymbolEqualityComparer.Default.Equals(p.Parameter, parameter),
                IInvocationOperation { TargetMethod.Name: "GetResult", Instance: IInvocationOperation { TargetMethod.Name: "GetAwaiter", Instance: IParameterReferenceOperation p } }
                    => SymbolEqualityComparer.Default.Equals(p.Parameter, parameter),
                _ => false,
            };
            if (!blocks)
            {
                continue;
            }

            IOperation current = select;
            while (current.Parent is IConversionOperation)
            {
                current = current.Parent;
            }

            if (current.Parent is IArgumentOperation { Parent: IInvocationOperation { TargetMethod.Name: "ToList" or "ToArray" } materialize }
                && KnownTypes.Is(materialize.TargetMethod.ContainingType, types.Enumerable))
            {
                return "Task.Result per task";
            }

            if (current.Parent is IForEachLoopOperation forEach && forEach.Collection == current)
            {
                return "Task.Result per task";
            }
        }

        return null;
    }

    /// <summary>
    /// Tasks kept nowhere whose work ends by counting itself done (<c>Interlocked.Decrement</c>, a counter changed under a
    /// lock, or an atomic-counter object's <c>Decrement…</c>/<c>Increment…</c> method that does it with
    /// <c>Interlocked</c>) while the caller, after the starting loop, polls that counter in a loop that only sleeps,
    /// yields or spins.
    /// </summary>
    private static string? PolledTaskJoin(IInvocationOperation launch, IOperation @delegate, ILoopOperation loop, IOperation root, KnownTypes types, WorkCostModel costModel)
    {
        if (@delegate is not IAnonymousFunctionOperation function)
        {
            return null;
        }

        var step = CompletionCount(function.Body, types, out var counter) ?? AtomicCounterStep(function.Body, types, costModel, out counter);
        if (step is null || counter is null || !SignalsCompletion(step, function.Body, costModel))
        {
            return null;
        }

        foreach (var operation in OperationFacts.Descendants(root, enterFunctions: false))
        {
            if (operation is IWhileLoopOperation { Condition: { } condition } poll
                && poll.Syntax.SpanStart > launch.Syntax.SpanStart
                && !InRounds(poll)
                && References(condition, counter)
                && OnlyWaits(poll.Body, types))
            {
                return "pending counter polled in a sleep loop";
            }
        }

        return null;
    }

    /// <summary>
    /// The last <c>counter.DecrementAndGet()</c>-like statement of <paramref name="body"/>: a parameterless call named
    /// <c>Decrement…</c> or <c>Increment…</c> on a local or field, to a method of the user's whose body calls
    /// <c>Interlocked.Decrement</c>/<c>Increment</c> — the atomic-integer classes ported code keeps.
    /// </summary>
    private static IOperation? AtomicCounterStep(IOperation body, KnownTypes types, WorkCostModel costModel, out ISymbol? counter)
    {
        IOperation? step = null;
        counter = null;
        foreach (var operation in OperationFacts.Descendants(body))
        {
            if (operation is not IInvocationOperation { Arguments.Length: 0, Instance: { } instance } call
                || !(call.TargetMethod.Name.StartsWith("Decrement", System.StringComparison.Ordinal) || call.TargetMethod.Name.StartsWith("Increment", System.StringComparison.Ordinal))
                || operation.Parent is not IExpressionStatementOperation statement
                || OperationFacts.ReferencedSymbol(OperationFacts.StripConversions(instance)) is not { } symbol
                || symbol is not (IFieldSymbol or ILocalSymbol)
                || call.TargetMethod.IsAbstract
                || call.TargetMethod.DeclaringSyntaxReferences.Length == 0
                || costModel.GetBody(call.TargetMethod.OriginalDefinition, System.Threading.CancellationToken.None) is not { } method
                || !OperationFacts.Descendants(method).OfType<IInvocationOperation>().Any(i =>
                    i.TargetMethod.Name is "Increment" or "Decrement" or "Add" && KnownTypes.Is(i.TargetMethod.ContainingType, types.Interlocked)))
            {
                continue;
            }

            step = statement;
            counter = symbol;
        }

        return step;
    }

    /// <summary>
    /// A written-out set: <c>var a = Task.Run(...); var b = Task.Run(...); Task.WaitAll(a, b);</c> — every element of the
    /// <c>Task.WaitAll</c> (two or more) a local started once outside any loop by <c>Task.Run</c>/<c>StartNew</c>, each
    /// CPU-bound. Reported at the first task of the set (in source order).
    /// </summary>
    private static FanOut? AnalyzeTaskRunSet(IInvocationOperation launch, IOperation root, KnownTypes types, WorkCostModel costModel, string mechanism)
    {
        var parent = launch.Parent;
        while (parent is IConversionOperation)
        {
            parent = parent.Parent;
        }

        if (parent is not IVariableInitializerOperation { Parent: IVariableDeclaratorOperation declarator })
        {
            return null;
        }

        var own = declarator.Symbol;
        foreach (var operation in OperationFacts.Descendants(root, enterFunctions: false))
        {
            if (operation is not IInvocationOperation { TargetMethod.Name: "WaitAll", Arguments.Length: 1 } waitAll
                || !KnownTypes.Is(waitAll.TargetMethod.ContainingType, types.Task))
            {
                continue;
            }

            var argument = OperationFacts.StripConversions(waitAll.Arguments[0].Value);
            var elements = AsyncFanIn.ParamsElements(waitAll, argument);
            if (elements.IsDefault && argument is IArrayCreationOperation { Initializer: { } initializer })
            {
                elements = initializer.ElementValues;
            }

            if (elements.IsDefault || elements.Length < 2 || InRounds(waitAll))
            {
                continue;
            }

            var locals = elements.Select(e => OperationFacts.StripConversions(e) is ILocalReferenceOperation reference ? reference.Local : null).ToList();
            if (locals.Any(l => l is null) || !locals.Contains(own, SymbolEqualityComparer.Default))
            {
                continue;
            }

            if (locals.Distinct(SymbolEqualityComparer.Default).Count() != locals.Count)
            {
                return null;
            }

            var starts = new List<IInvocationOperation>();
            foreach (var local in locals)
            {
                if (OperationFacts.InitializerOf(local!, root, enterFunctions: false) is not { } initial
                    || OperationFacts.StripConversions(initial) is not IInvocationOperation start
                    || !IsPoolTaskRun(start, types)
                    || OperationFacts.EnclosingLoop(start, root) is not null
                    || start.Syntax.SpanStart > waitAll.Syntax.SpanStart
                    || AssignedAgain(local!, root))
                {
                    return null;
                }

                starts.Add(start);
            }

            if (starts.OrderBy(s => s.Syntax.SpanStart).First() != launch)
            {
                return null;
            }

            WorkCost? first = null;
            foreach (var start in starts)
            {
                var @delegate = OperationFacts.UnwrapDelegate(start.Arguments[0].Value);
                if (@delegate is null || @delegate is IAnonymousFunctionOperation { Symbol.IsAsync: true } || ThreadFanOut.DelegateBody(@delegate) is null)
                {
                    return null;
                }

                var cost = ThreadFanOut.DelegateCost(@delegate, costModel, types);
                if (!cost.IsCpuBound || WaitsForOthers(@delegate, costModel, types))
                {
                    return null;
                }

                first ??= cost;
            }

            return new FanOut(FanOutShape.Explicit, launch, starts.Count.ToString(System.Globalization.CultureInfo.InvariantCulture), first!.Value,
                mechanism + " (one local per task) + Task.WaitAll", null, TaskRunBlocker);
        }

        return null;
    }

    /// <summary>
    /// Whether a task's work blocks on the others or on a hand-off (a <c>Barrier</c>, a wait handle, a blocking queue),
    /// in its own body or in a method of the user's it calls directly: lock-step teams and consumers must all run at once,
    /// which <c>Parallel.For</c> does not promise.
    /// </summary>
    private static bool WaitsForOthers(IOperation @delegate, WorkCostModel costModel, KnownTypes types)
    {
        var body = ThreadFanOut.DelegateBody(@delegate);
        if (body is null || OperationFacts.BlockingCall(body, types) is not null)
        {
            return true;
        }

        var seen = 0;
        foreach (var call in OperationFacts.Descendants(body).OfType<IInvocationOperation>())
        {
            if (call.TargetMethod.DeclaringSyntaxReferences.Length == 0 || ++seen > 8)
            {
                continue;
            }

            if (costModel.GetBody(call.TargetMethod.OriginalDefinition, System.Threading.CancellationToken.None) is { } callee
                && OperationFacts.BlockingCall(callee, types) is not null)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Whether <paramref name="local"/> is assigned anywhere besides its declaration.</summary>
    private static bool AssignedAgain(ILocalSymbol local, IOperation root)
        => OperationFacts.Descendants(root).Any(o => o is IAssignmentOperation { Target: ILocalReferenceOperation target }
                                                    && SymbolEqualityComparer.Default.Equals(target.Local, local));
}
