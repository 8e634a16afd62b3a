using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace GilAnalyzers.Core;

/// <summary>
/// A fixed set of explicit tasks: <c>var a = new Task(() =&gt; Part(0)); var b = new Task(() =&gt; Part(1)); a.Start();
/// b.Start(); Task.WaitAll(a, b);</c> — a hand-made <c>Parallel.Invoke</c>, the task twin of explicit threads.
/// </summary>
internal static partial class PoolFanOut
{
    /// <summary>
    /// Reported at the first task of the set (in source order) when every task of the <c>Task.WaitAll</c> is a local made
    /// with <c>new Task(delegate)</c> outside any loop, started with <c>Start()</c>, and CPU-bound; no rewrite.
    /// </summary>
    private static FanOut? AnalyzeTaskSet(IObjectCreationOperation creation, IOperation? parent, IOperation root, KnownTypes types, WorkCostModel costModel)
    {
        if (parent is not IVariableInitializerOperation { Parent: IVariableDeclaratorOperation declarator } || creation.Arguments.Length != 1)
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

            var locals = WaitedLocals(waitAll, own, out var waitedTwice);
            if (waitedTwice)
            {
                return null;
            }

            if (locals is not null)
            {
                return AnalyzeWaitedTasks(creation, locals, waitAll, root, types, costModel);
            }
        }

        return null;
    }

    /// <summary>
    /// The locals a <c>Task.WaitAll(a, b)</c> (a params array, or the span .NET 9+ references bind to) or
    /// <c>Task.WaitAll(new[] { a, b })</c> waits for, when there are two or more, all are locals and
    /// <paramref name="own"/> is one of them; null otherwise. <paramref name="waitedTwice"/> is set when a local is
    /// listed twice (no task set then, whatever else waits).
    /// </summary>
    private static List<ILocalSymbol>? WaitedLocals(IInvocationOperation waitAll, ILocalSymbol own, out bool waitedTwice)
    {
        waitedTwice = false;
        var elements = JoinElements(waitAll);
        if (elements.IsDefault || elements.Length < 2)
        {
            return null;
        }

        var locals = new List<ILocalSymbol>();
        foreach (var element in elements)
        {
            if (OperationFacts.StripConversions(element) is not ILocalReferenceOperation reference)
            {
                return null;
            }

            locals.Add(reference.Local);
        }

        if (!locals.Contains(own, SymbolEqualityComparer.Default))
        {
            return null;
        }

        waitedTwice = locals.Distinct(SymbolEqualityComparer.Default).Count() != locals.Count;
        return waitedTwice ? null : locals;
    }

    /// <summary>
    /// The task set behind the waited <paramref name="locals"/>, reported at its first task: each a <c>new Task(delegate)</c>
    /// outside any loop, started once, running CPU-bound work.
    /// </summary>
    private static FanOut? AnalyzeWaitedTasks(IObjectCreationOperation creation, List<ILocalSymbol> locals, IInvocationOperation waitAll, IOperation root, KnownTypes types, WorkCostModel costModel)
    {
        var tasks = new List<IObjectCreationOperation>();
        foreach (var local in locals)
        {
            if (OperationFacts.InitializerOf(local, root) is not IObjectCreationOperation { Arguments.Length: 1 } made
                || !IsTaskType(made.Type, types)
                || OperationFacts.EnclosingLoop(made, root) is not null
                || !IsStartedOnce(local, root, waitAll, types))
            {
                return null;
            }

            tasks.Add(made);
        }

        if (tasks.OrderBy(t => t.Syntax.SpanStart).First() != creation)
        {
            // Reported once, at the first task of the set.
            return null;
        }

        WorkCost? first = null;
        foreach (var task in tasks)
        {
            var @delegate = OperationFacts.UnwrapDelegate(task.Arguments[0].Value);
            if (@delegate is null || ThreadFanOut.DelegateBody(@delegate) is null)
            {
                return null;
            }

            var cost = ThreadFanOut.DelegateCost(@delegate, costModel, types);
            if (!cost.IsCpuBound)
            {
                return null;
            }

            first ??= cost;
        }

        var blocker = PlanTaskSet(locals, tasks, waitAll, root, types, out var plan);
        return new FanOut(FanOutShape.Explicit, creation, tasks.Count.ToString(System.Globalization.CultureInfo.InvariantCulture), first!.Value,
            "new Task(...).Start() (one local per task) + Task.WaitAll", blocker is null ? plan : null, blocker);
    }

    /// <summary>
    /// The <c>Parallel.Invoke</c> rewrite of a task set, or why there is none. Each task is a non-generic <c>Task</c> made
    /// from a parameterless lambda or method group (no state, token or options), declared alone in the block that starts
    /// it and waits for it; its local is used only by that declaration, its one <c>Start()</c> statement and the
    /// <c>Task.WaitAll</c> statement. From the first start to the wait nothing runs but starts and task declarations
    /// (making a task runs nothing), so the work begins at the first start, where <c>Parallel.Invoke</c> takes its place;
    /// code between the declarations and the first start stays where it is. <c>Parallel.Invoke</c> schedules on
    /// <c>TaskScheduler.Current</c> as <c>Start()</c> does, waits for every action, and throws the actions' exceptions in
    /// one <c>AggregateException</c> as <c>Task.WaitAll</c> does. A body that reads its own task (<c>Task.CurrentId</c>,
    /// <c>TaskScheduler.Current</c>) or thread keeps the tasks: one action of <c>Parallel.Invoke</c> runs on the caller.
    /// </summary>
    private static string? PlanTaskSet(List<ILocalSymbol> locals, List<IObjectCreationOperation> tasks, IInvocationOperation waitAll, IOperation root, KnownTypes types, out FanOutPlan? plan)
    {
        plan = null;
        if (waitAll.Parent is not IExpressionStatementOperation { Parent: IBlockOperation block } wait)
        {
            return "the tasks are not waited for by a statement of their own";
        }

        var declarations = new List<IOperation>();
        var starts = new List<IOperation>();
        var bodies = ImmutableArray.CreateBuilder<FanOutBody>();
        for (var i = 0; i < locals.Count; i++)
        {
            var blocker = CheckTaskOfSet(locals[i], tasks[i], block, wait, root, types, out var declaration, out var start, out var body);
            if (blocker is not null)
            {
                return blocker;
            }

            declarations.Add(declaration!);
            starts.Add(start!);
            bodies.Add(body!);
        }

        return PlanInvokeInBlock(block, wait, starts, declarations, bodies.ToImmutable(), out plan);
    }

    /// <summary>
    /// The <c>Parallel.Invoke</c> plan of a fixed set of tasks in <paramref name="block"/>: the statements that start the
    /// work (<paramref name="starts"/>), those that only hold the tasks (<paramref name="holders"/>, which make nothing run)
    /// and the <paramref name="wait"/> go, and <c>Parallel.Invoke</c> takes the place of the first start — or why not: a
    /// task started after the wait, or other code running between the first start and the wait (it ran beside the tasks,
    /// and would run before them).
    /// </summary>
    private static string? PlanInvokeInBlock(IBlockOperation block, IOperation wait, ICollection<IOperation> starts, ICollection<IOperation> holders,
        ImmutableArray<FanOutBody> bodies, out FanOutPlan? plan)
    {
        plan = null;
        var waitIndex = block.Operations.IndexOf(wait);
        var startIndexes = starts.Select(s => block.Operations.IndexOf(s)).ToList();
        var firstStart = startIndexes.Min();
        if (startIndexes.Max() > waitIndex)
        {
            return "a task is started after the wait";
        }

        for (var i = firstStart; i < waitIndex; i++)
        {
            var statement = block.Operations[i];
            if (!starts.Contains(statement) && !holders.Contains(statement))
            {
                return "other code runs between starting the tasks and waiting for them";
            }
        }

        var anchor = block.Operations[firstStart];
        var removed = holders.Concat(starts).Append(wait).Where(s => s != anchor).Distinct().ToImmutableArray();
        plan = new FanOutPlan(anchor, removed, null, null, ImmutableArray<IOperation>.Empty, bodies, null, null);
        return null;
    }

    /// <summary>
    /// Why one task of a set keeps its rewrite from applying, or null with its declaration statement, its one
    /// <c>Start()</c> statement and its body: a non-generic <c>Task</c> declared alone in <paramref name="block"/>, made from
    /// a parameterless lambda or method whose work does not depend on where it runs, and used only to be started there
    /// and waited for by <paramref name="wait"/>.
    /// </summary>
    private static string? CheckTaskOfSet(ILocalSymbol local, IObjectCreationOperation task, IBlockOperation block, IOperation wait, IOperation root, KnownTypes types,
        out IOperation? declarationStatement, out IOperation? start, out FanOutBody? body)
    {
        declarationStatement = null;
        start = null;
        body = null;
        if (!KnownTypes.Is(task.Type, types.Task))
        {
            return "a task returns a result";
        }

        if (task.Syntax.FirstAncestorOrSelf<Microsoft.CodeAnalysis.CSharp.Syntax.LocalDeclarationStatementSyntax>() is not { } declarationSyntax
            || OperationFacts.StatementIn(task, block) is not IVariableDeclarationGroupOperation { Declarations.Length: 1 } declaration
            || declaration.Syntax != declarationSyntax
            || declaration.Declarations[0].Declarators.Length != 1)
        {
            return "the task '" + local.Name + "' is not declared alone in the block that waits for it";
        }

        var @delegate = OperationFacts.UnwrapDelegate(task.Arguments[0].Value);
        body = @delegate is null ? null : ThreadFanOut.BodyOf(@delegate, null);
        if (body is null || body.Parameter is not null || (body.MethodGroup is not null && body.MethodGroup.Method.Parameters.Length != 0))
        {
            return "the task '" + local.Name + "' does not run a parameterless lambda or method";
        }

        var delegateBody = ThreadFanOut.DelegateBody(@delegate!);
        var affinity = OperationFacts.ThreadAffinity(delegateBody, types) ?? TaskAffinity(delegateBody, types);
        if (affinity is not null)
        {
            return "the work of the task '" + local.Name + "' depends on where it runs (" + affinity + ")";
        }

        foreach (var operation in OperationFacts.Descendants(root))
        {
            if (!OperationFacts.IsReferenceTo(operation, local) || operation.Syntax == declaration.Declarations[0].Declarators[0].Syntax)
            {
                continue;
            }

            if (IsInside(operation, wait))
            {
                continue;
            }

            if (operation.Parent is IInvocationOperation { TargetMethod.Name: "Start", Arguments.Length: 0, Parent: IExpressionStatementOperation { Parent: var startParent } startStatement }
                && startParent == block
                && start is null)
            {
                start = startStatement;
                continue;
            }

            return "the task '" + local.Name + "' is used for more than starting it and waiting for it";
        }

        if (start is null)
        {
            return "the task '" + local.Name + "' is not started by a statement of the block that waits for it";
        }

        declarationStatement = declaration;
        return null;
    }

    private static bool IsInside(IOperation operation, IOperation container)
        => container.Syntax.Span.Contains(operation.Syntax.Span) && container.Syntax.SyntaxTree == operation.Syntax.SyntaxTree;

    /// <summary>What in a task's body reads the task it runs in (<c>Task.CurrentId</c>, <c>TaskScheduler.Current</c>), or null.</summary>
    private static string? TaskAffinity(IOperation? body, KnownTypes types)
    {
        if (body is null)
        {
            return null;
        }

        foreach (var operation in OperationFacts.Descendants(body))
        {
            if (operation is IPropertyReferenceOperation { Property: { IsStatic: true } property }
                && ((property.Name == "CurrentId" && KnownTypes.Is(property.ContainingType, types.Task))
                    || (property.Name == "Current" && property.ContainingType.Name == "TaskScheduler")))
            {
                return "it uses " + property.ContainingType.Name + "." + property.Name;
            }
        }

        return null;
    }

    /// <summary><c>task.Start()</c> exactly once in the function, before <paramref name="join"/>.</summary>
    private static bool IsStartedOnce(ILocalSymbol task, IOperation root, IOperation join, KnownTypes types)
    {
        var starts = 0;
        foreach (var operation in OperationFacts.Descendants(root, enterFunctions: false))
        {
            if (operation is IInvocationOperation { TargetMethod.Name: "Start", Arguments.Length: 0, Instance: { } instance } start
                && IsTaskType(start.TargetMethod.ContainingType, types)
                && OperationFacts.StripConversions(instance) is ILocalReferenceOperation reference
                && SymbolEqualityComparer.Default.Equals(reference.Local, task))
            {
                if (start.Syntax.SpanStart > join.Syntax.SpanStart)
                {
                    return false;
                }

                starts++;
            }
        }

        return starts == 1;
    }

    /// <summary>
    /// <c>Task.Run(work)</c> / <c>factory.StartNew(work, …)</c> whose task is dropped: the statement discards it, or it
    /// goes into a local nothing reads. Such a task can only be joined by what its work signals.
    /// </summary>
    private static bool IsUnkeptTaskLaunch(IInvocationOperation invocation, IOperation root, KnownTypes types)
    {
        if (!IsPoolTaskLaunch(invocation, types))
        {
            return false;
        }

        switch (invocation.Parent)
        {
            case IExpressionStatementOperation:
            case ISimpleAssignmentOperation { Target: IDiscardOperation }:
                return true;
            case IVariableInitializerOperation { Parent: IVariableDeclaratorOperation declarator }:
                return !OperationFacts.Descendants(root, enterFunctions: true).Any(o => o is ILocalReferenceOperation reference
                                                                                         && SymbolEqualityComparer.Default.Equals(reference.Local, declarator.Symbol));
            default:
                return false;
        }
    }

    /// <summary>
    /// Tasks started in a loop with <c>Task.Run</c> / <c>StartNew</c> and kept nowhere, whose work items say they are done
    /// the way queued pool items do (a CountdownEvent, an event per item, a counter and an event, a pending counter
    /// with <c>Monitor.Wait</c> or polled in a sleep loop) and that the caller waits for: the hand-made join is what
    /// makes them a fan-out of the pool's work items (<see cref="AnalyzeSignalledTask"/> is the cold-task twin).
    /// Reported when the work is CPU-bound; no rewrite.
    /// </summary>
    private static FanOut? AnalyzeUnkeptTasks(IInvocationOperation launch, IOperation root, KnownTypes types, WorkCostModel costModel)
    {
        var loop = OperationFacts.EnclosingLoop(launch, root);
        if (loop is null
            || OperationFacts.UnwrapDelegate(launch.Arguments[0].Value) is not IAnonymousFunctionOperation { Symbol.IsAsync: false } function
            || RunsOnlyCallersDelegate(function.Body, costModel))
        {
            return null;
        }

        var join = FindQueuedJoin(launch, function, function.Symbol, function.Body, root, types, costModel);
        if (join is null)
        {
            return null;
        }

        var cost = ItemCost(function, function.Body, join.Value.SignalStatements, costModel, types);
        var name = launch.TargetMethod.Name == "Run" ? "Task.Run" : "TaskFactory.StartNew";
        return cost.IsCpuBound
            ? new FanOut(FanOutShape.Loop, launch, DescribeCount(loop), cost, name + " (tasks kept nowhere) + " + join.Value.Mechanism, null,
                "the tasks are joined by what their work items signal, not kept in a collection the rewrite can replace")
            : null;
    }
}
