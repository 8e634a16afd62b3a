using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace GilAnalyzers.Core;

/// <summary>
/// A fixed set of pool tasks: <c>var a = Task.Run(() =&gt; Half(0)); var b = Task.Run(() =&gt; Half(1)); Task.WaitAll(a, b);</c>,
/// <c>tasks[0] = Task.Factory.StartNew(…); tasks[1] = …; Task.WaitAll(tasks);</c> or
/// <c>Task.WhenAll(new[] { Task.Run(…), Task.Run(…) }).Result</c> — a hand-made <c>Parallel.Invoke</c> whose caller blocks
/// while the pool runs the parts.
/// </summary>
internal static partial class PoolFanOut
{
    /// <summary>
    /// Reported once, at the first launch of the set (in source order), when two or more <c>Task.Run</c> / default-factory
    /// <c>StartNew</c> launches outside any loop are all the tasks of one blocking join and every one runs CPU-bound work;
    /// no rewrite.
    /// </summary>
    private static FanOut? AnalyzePoolTaskSet(IInvocationOperation launch, IOperation root, KnownTypes types, WorkCostModel costModel)
    {
        foreach (var operation in OperationFacts.Descendants(root, enterFunctions: false))
        {
            if (operation is not IInvocationOperation { TargetMethod.Name: "WaitAll" or "WhenAll", Arguments.Length: 1 } join
                || !KnownTypes.Is(join.TargetMethod.ContainingType, types.Task)
                || !IsBlockingTaskJoin(join)
                || JoinedLaunches(join, root) is not { Count: >= 2 } launches
                || !launches.Contains(launch))
            {
                continue;
            }

            if (launches.OrderBy(l => l.Syntax.SpanStart).First() != launch)
            {
                return null;
            }

            WorkCost? first = null;
            foreach (var member in launches)
            {
                if (!IsPoolTaskLaunch(member, types)
                    || (member.TargetMethod.Name == "StartNew" && !IsDefaultFactory(member.Instance))
                    || OperationFacts.EnclosingLoop(member, root) is not null
                    || OperationFacts.UnwrapDelegate(member.Arguments[0].Value) is not { } work
                    || work is IAnonymousFunctionOperation { Symbol.IsAsync: true }
                    || ThreadFanOut.DelegateBody(work) is null)
                {
                    return null;
                }

                var cost = ThreadFanOut.DelegateCost(work, costModel, types);
                if (!cost.IsCpuBound)
                {
                    return null;
                }

                first ??= cost;
            }

            var mechanism = launch.TargetMethod.Name == "Run" ? "Task.Run" : "Task.Factory.StartNew";
            var blocker = PlanPoolTaskSet(join, launches, root, types, out var plan);
            return new FanOut(FanOutShape.Explicit, launch, launches.Count.ToString(System.Globalization.CultureInfo.InvariantCulture), first!.Value,
                mechanism + " (a fixed set of tasks) + Task." + join.TargetMethod.Name, blocker is null ? plan : null, blocker);
        }

        return null;
    }

    /// <summary>
    /// The launches a join waits for when it names each of them: written in the call or its array
    /// (<c>WaitAll(Task.Run(a), Task.Run(b))</c>), locals assigned once from a launch (<c>WaitAll(t1, t2)</c>), or a local
    /// array written out with launches (<c>var tasks = new[] { Task.Run(a), … }</c>) or created with a constant length and
    /// filled once per slot with constant indexes (<c>tasks[0] = Task.Run(a); tasks[1] = …</c>). Null when any waited
    /// task comes from anything else.
    /// </summary>
    private static List<IInvocationOperation>? JoinedLaunches(IInvocationOperation join, IOperation root)
    {
        var argument = OperationFacts.StripConversions(join.Arguments[0].Value);
        var elements = JoinElements(join);
        if (elements.IsDefault)
        {
            return argument is ILocalReferenceOperation { Local: { Type: IArrayTypeSymbol } array } ? ArraySlotLaunches(array, root) : null;
        }

        var launches = new List<IInvocationOperation>();
        foreach (var element in elements)
        {
            var value = OperationFacts.StripConversions(element);
            if (value is ILocalReferenceOperation { Local: var local })
            {
                value = SingleValueOf(local, root);
            }

            if (value is not IInvocationOperation launch || launches.Contains(launch))
            {
                return null;
            }

            launches.Add(launch);
        }

        return launches;
    }

    /// <summary><c>Task.Run(…)</c> or a factory's <c>StartNew(…)</c>: a work item of the thread pool in a task.</summary>
    private static bool IsPoolTaskLaunch(IInvocationOperation invocation, KnownTypes types)
    {
        var method = invocation.TargetMethod;
        return invocation.Arguments.Length >= 1
               && ((method.Name == "Run" && KnownTypes.Is(method.ContainingType, types.Task))
                   || (method.Name == "StartNew" && KnownTypes.Is(method.ContainingType, types.TaskFactory)));
    }

    /// <summary><c>Task.Factory</c> or <c>Task&lt;T&gt;.Factory</c>: the default scheduler's factory.</summary>
    private static bool IsDefaultFactory(IOperation? instance)
        => instance is not null && OperationFacts.StripConversions(instance) is IPropertyReferenceOperation { Property: { Name: "Factory", IsStatic: true, ContainingType.Name: "Task" } };

    /// <summary>Whether a task join blocks the caller: <c>WaitAll</c>, or <c>WhenAll(…)</c> followed by <c>.Wait()</c>, <c>.Result</c> or <c>.GetAwaiter().GetResult()</c>.</summary>
    private static bool IsBlockingTaskJoin(IOperation join)
    {
        if (join is not IInvocationOperation { TargetMethod.Name: "WhenAll" } whenAll)
        {
            return true;
        }

        return whenAll.Parent switch
        {
            IInvocationOperation { TargetMethod.Name: "Wait" } => true,
            IPropertyReferenceOperation { Property.Name: "Result" } => true,
            IInvocationOperation { TargetMethod.Name: "GetAwaiter", Parent: IInvocationOperation { TargetMethod.Name: "GetResult" } } => true,
            _ => false,
        };
    }

    /// <summary>The tasks a join lists one by one (<c>WaitAll(a, b)</c>, <c>WaitAll(new[] { a, b })</c>), or default.</summary>
    private static ImmutableArray<IOperation> JoinElements(IInvocationOperation join)
    {
        var argument = OperationFacts.StripConversions(join.Arguments[0].Value);
        var elements = AsyncFanIn.ParamsElements(join, argument);
        return elements.IsDefault && argument is IArrayCreationOperation { Initializer: { } initializer } ? initializer.ElementValues : elements;
    }

    /// <summary>The one value <paramref name="local"/> ever holds: its initializer or its one assignment (outside any loop).</summary>
    private static IOperation? SingleValueOf(ILocalSymbol local, IOperation root)
    {
        IOperation? value = OperationFacts.InitializerOf(local, root, enterFunctions: false);
        foreach (var operation in OperationFacts.Descendants(root))
        {
            if (operation is not ILocalReferenceOperation reference || !SymbolEqualityComparer.Default.Equals(reference.Local, local) || !OperationFacts.IsWrite(reference))
            {
                continue;
            }

            if (value is not null || reference.Parent is not ISimpleAssignmentOperation assignment || OperationFacts.EnclosingLoop(assignment, root) is not null)
            {
                return null;
            }

            value = assignment.Value;
        }

        return value is null ? null : OperationFacts.StripConversions(value);
    }

    /// <summary>
    /// The launches stored in a local task array that is never reassigned: the elements it is written out with, or — made
    /// with a constant length and no elements — one launch per slot, stored with constant indexes covering every slot
    /// once. Null when a slot is stored twice, left empty or filled with something else.
    /// </summary>
    private static List<IInvocationOperation>? ArraySlotLaunches(ILocalSymbol array, IOperation root)
    {
        if (OperationFacts.IsWrittenAfterDeclaration(array, root)
            || OperationFacts.InitializerOf(array, root, enterFunctions: false) is not { } made
            || OperationFacts.StripConversions(made) is not IArrayCreationOperation { DimensionSizes.Length: 1 } creation)
        {
            return null;
        }

        if (creation.Initializer is { } written)
        {
            var elements = written.ElementValues.Select(OperationFacts.StripConversions).ToList();
            return elements.All(e => e is IInvocationOperation) ? elements.Cast<IInvocationOperation>().ToList() : null;
        }

        if (creation.DimensionSizes[0].ConstantValue is not { HasValue: true, Value: int length } || length < 2 || length > 64)
        {
            return null;
        }

        var slots = new IInvocationOperation?[length];
        foreach (var operation in OperationFacts.Descendants(root))
        {
            if (operation is not IArrayElementReferenceOperation { Indices.Length: 1 } element
                || OperationFacts.StripConversions(element.ArrayReference) is not ILocalReferenceOperation reference
                || !SymbolEqualityComparer.Default.Equals(reference.Local, array)
                || element.Parent is not ISimpleAssignmentOperation assignment
                || assignment.Target != element)
            {
                continue;
            }

            if (element.Indices[0].ConstantValue is not { HasValue: true, Value: int index } || index < 0 || index >= length || slots[index] is not null
                || OperationFacts.StripConversions(assignment.Value) is not IInvocationOperation launch)
            {
                return null;
            }

            slots[index] = launch;
        }

        return slots.All(s => s is not null) ? slots.Select(s => s!).ToList() : null;
    }

    /// <summary>
    /// The <c>Parallel.Invoke</c> rewrite of a fixed set of pool tasks, or why there is none. The join is a statement of its
    /// own (<c>Task.WaitAll(…);</c> or <c>Task.WhenAll(…).Wait();</c>); every task is a non-generic <c>Task</c> from
    /// <c>Task.Run(work)</c> or <c>Task.Factory.StartNew(work)</c> (a <c>TaskCreationOptions</c> argument aside) whose work
    /// is a parameterless lambda or method that does not depend on the thread or task it runs on; and each task is held
    /// only by the code that makes and waits for it: written in the join, a local declared alone, the elements of an array
    /// declared alone, or one constant slot each of an array declared alone. From the first launch to the join nothing else
    /// runs, so the work still starts where the first task started, and <c>Parallel.Invoke</c> waits for all of it and
    /// throws the tasks' exceptions in one <c>AggregateException</c> as <c>Task.WaitAll</c> did.
    /// </summary>
    private static string? PlanPoolTaskSet(IInvocationOperation join, List<IInvocationOperation> launches, IOperation root, KnownTypes types, out FanOutPlan? plan)
    {
        plan = null;
        var wait = join.Parent is IInvocationOperation { TargetMethod.Name: "Wait", Arguments.Length: 0 } waited ? waited.Parent : join.Parent;
        if (wait is not IExpressionStatementOperation { Parent: IBlockOperation block })
        {
            return "the tasks' join is not a statement of its own (its result is used)";
        }

        var bodies = ImmutableArray.CreateBuilder<FanOutBody>();
        var statements = new HashSet<IOperation>();
        foreach (var launch in launches)
        {
            if (CheckPoolTaskOfSet(launch, types, out var body) is { } blocker)
            {
                return blocker;
            }

            bodies.Add(body!);
            if (OperationFacts.StatementIn(launch, block) is not { } statement)
            {
                return "a task is started in another block than the one that waits for it";
            }

            statements.Add(statement);
        }

        var holders = PoolTaskHolders(join, statements, block, root);
        return holders is null
            ? "a task or its array is used for more than starting the work and waiting for it"
            : PlanInvokeInBlock(block, wait, statements, holders, bodies.ToImmutable(), out plan);
    }

    /// <summary>Why one launch of a set cannot become an action of <c>Parallel.Invoke</c>, or null.</summary>
    private static string? CheckPoolTaskOfSet(IInvocationOperation launch, KnownTypes types, out FanOutBody? body)
    {
        body = null;
        var discards = !KnownTypes.Is(launch.Type, types.Task);
        if (discards && !DiscardsResult(launch))
        {
            return "a task returns a result";
        }

        if (launch.Arguments.Skip(1).Any(a => !KnownTypes.Is(a.Value.Type, types.TaskCreationOptions) || a.ArgumentKind == ArgumentKind.DefaultValue && a.Value.ConstantValue is not { HasValue: true }))
        {
            return "a task is started with a token, a state or a scheduler";
        }

        var @delegate = OperationFacts.UnwrapDelegate(launch.Arguments[0].Value)!;
        body = discards && @delegate is IAnonymousFunctionOperation { Symbol.Parameters.Length: 0 }
            ? new FanOutBody(ImmutableArray<IOperation>.Empty, null, null, null, @delegate)
            : ThreadFanOut.BodyOf(@delegate, null);
        if (body is null || body.Parameter is not null || (body.MethodGroup is not null && body.MethodGroup.Method.Parameters.Length != 0))
        {
            return "a task does not run a parameterless lambda or method";
        }

        var delegateBody = ThreadFanOut.DelegateBody(@delegate);
        return (OperationFacts.ThreadAffinity(delegateBody, types) ?? TaskAffinity(delegateBody, types)) is { } affinity
            ? "the work of a task depends on where it runs (" + affinity + ")"
            : null;
    }

    /// <summary>
    /// A <c>Task&lt;T&gt;</c> whose lambda is one statement expression (<c>() =&gt; sum = Total(part)</c>, <c>() =&gt; Fill(part)</c>):
    /// it becomes an <c>Action</c> as written, and nothing reads the result (the holders are used only to wait).
    /// </summary>
    private static bool DiscardsResult(IInvocationOperation launch)
        => OperationFacts.UnwrapDelegate(launch.Arguments[0].Value)?.Syntax is Microsoft.CodeAnalysis.CSharp.Syntax.LambdaExpressionSyntax { ExpressionBody: { } body }
           && body is Microsoft.CodeAnalysis.CSharp.Syntax.AssignmentExpressionSyntax or Microsoft.CodeAnalysis.CSharp.Syntax.InvocationExpressionSyntax
               or Microsoft.CodeAnalysis.CSharp.Syntax.PostfixUnaryExpressionSyntax or Microsoft.CodeAnalysis.CSharp.Syntax.PrefixUnaryExpressionSyntax { OperatorToken.Text: "++" or "--" };

    /// <summary>
    /// The statements that only hold the tasks and go with them — the declarations of task locals or of the task array —
    /// or null when a task local or the array is declared with anything else or used anywhere but in
    /// <paramref name="statements"/> and <paramref name="join"/>.
    /// </summary>
    private static List<IOperation>? PoolTaskHolders(IInvocationOperation join, HashSet<IOperation> statements, IBlockOperation block, IOperation root)
    {
        var held = new List<ILocalSymbol>();
        var elements = JoinElements(join);
        foreach (var element in elements.IsDefault ? ImmutableArray.Create(join.Arguments[0].Value) : elements)
        {
            if (OperationFacts.StripConversions(element) is ILocalReferenceOperation reference)
            {
                held.Add(reference.Local);
            }
        }

        var holders = new List<IOperation>();
        foreach (var local in held)
        {
            var declaration = block.Operations.FirstOrDefault(s => s is IVariableDeclarationGroupOperation group
                && group.Declarations.Length == 1 && group.Declarations[0].Declarators.Length == 1
                && SymbolEqualityComparer.Default.Equals(group.Declarations[0].Declarators[0].Symbol, local));
            if (declaration is null)
            {
                return null;
            }

            if (Uses(local, root).Any(use => !IsInside(use, join) && !IsInside(use, declaration) && !IsInside(use, statements)))
            {
                return null;
            }

            holders.Add(declaration);
        }

        return holders;
    }
}
