using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace GilAnalyzers.Core;

/// <summary>
/// A fixed set of explicit thread locals (<c>var a = new Thread(...); var b = new Thread(...);</c>), or one thread next
/// to the calling thread running another part, and their rewrite to <c>Parallel.Invoke</c>.
/// </summary>
internal static partial class ThreadFanOut
{
    private static FanOut? AnalyzeExplicit(List<ThreadHandle> handles, IOperation root, KnownTypes types, WorkCostModel costModel)
    {
        // The shape first (started and joined), then the cost walk — only when it can lead to a report.
        var candidates = new List<(ThreadHandle Handle, ThreadUsage Usage)>();
        foreach (var handle in handles)
        {
            var usage = ThreadUsage.Collect(handle, root, types);
            if ((usage.Starts.Count == 0 && !handle.StartedByHelper) || !IsJoined(usage, handle, root, types) || usage.NotACpuWorker || handle.Delegate is null)
            {
                continue;
            }

            candidates.Add((handle, usage));
        }

        if (candidates.Count == 1)
        {
            return AnalyzeCallerRunsOtherPart(candidates[0].Handle, candidates[0].Usage, costModel, types);
        }

        if (candidates.Count < 2 || RunOneAfterAnother(candidates.Select(c => c.Usage).ToList()))
        {
            return null;
        }

        var workers = new List<(ThreadHandle Handle, ThreadUsage Usage, WorkCost Cost)>();
        foreach (var (handle, usage) in candidates)
        {
            var cost = ThreadCost(handle.Delegate!, costModel, types);
            if (cost.IsCpuBound)
            {
                workers.Add((handle, usage, cost));
            }
        }

        if (workers.Count < 2 || workers.All(w => IsSmallConstantWork(w.Handle.Delegate!, w.Usage.Starts, costModel)))
        {
            // Every thread's loops count between constants handed in at its start, to a few iterations in all: a demonstration.
            return null;
        }

        if (HaveDifferentPriorities(workers.Select(w => w.Handle), root, types))
        {
            // t1.Priority = Highest; t2.Priority = Lowest: the author wants the scheduler to favour one thread over the
            // other (a priority experiment), not one computation split in two; Parallel.Invoke would drop that.
            return null;
        }

        FanOutPlan? plan = null;
        var blocker = workers.Any(w => !w.Usage.WaitedFor) ? CountdownJoinBlocker : PlanExplicit(workers, root, types, out plan);
        return new FanOut(FanOutShape.Explicit, workers[0].Handle.Site, workers.Count.ToString(System.Globalization.CultureInfo.InvariantCulture), workers[0].Cost, "new Thread", blocker is null ? plan : null, blocker);
    }

    /// <summary>
    /// Whether no two of the threads overlap: each is joined before the next one is started (<c>a.Start(); a.Join();
    /// b.Start(); b.Join();</c>) — they run one after another, nothing is split.
    /// </summary>
    private static bool RunOneAfterAnother(List<ThreadUsage> threads)
    {
        if (threads.Any(t => t.Starts.Count == 0 || t.Joins.Count == 0))
        {
            return false;
        }

        var spans = threads.Select(t => (Start: t.Starts.Min(s => s.Syntax.SpanStart), Join: t.Joins.Max(j => j.Syntax.SpanStart)))
            .OrderBy(t => t.Start)
            .ToList();
        for (var i = 1; i < spans.Count; i++)
        {
            if (spans[i - 1].Join > spans[i].Start)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// Whether at least two explicit threads are each given a constant priority and those differ, through
    /// <c>t.Priority = ...</c> on its local or <c>new Thread(...) { Priority = ... }</c>. A thread whose priority is never set,
    /// or set to something other than a constant, decides nothing (one raised thread next to a plain one is still reported,
    /// without a rewrite).
    /// </summary>
    private static bool HaveDifferentPriorities(IEnumerable<ThreadHandle> handles, IOperation root, KnownTypes types)
    {
        var known = new HashSet<long>();
        var assignments = OperationFacts.Descendants(root, enterFunctions: false).OfType<ISimpleAssignmentOperation>().ToList();
        foreach (var handle in handles)
        {
            long? priority = null;
            if (handle.Site is IObjectCreationOperation { Initializer: { } initializer })
            {
                foreach (var member in initializer.Initializers)
                {
                    if (member is ISimpleAssignmentOperation { Target: IPropertyReferenceOperation { Property.Name: "Priority" } } set)
                    {
                        priority = ConstantPriority(set.Value);
                    }
                }
            }

            if (handle.Local is not null)
            {
                foreach (var assignment in assignments)
                {
                    if (assignment.Target is IPropertyReferenceOperation { Property.Name: "Priority", Instance: ILocalReferenceOperation local } property
                        && OperationFacts.IsThread(property.Property.ContainingType, types)
                        && SymbolEqualityComparer.Default.Equals(local.Local, handle.Local))
                    {
                        priority = ConstantPriority(assignment.Value);
                    }
                }
            }

            if (priority is { } value)
            {
                known.Add(value);
            }
        }

        return known.Count > 1;
    }

    private static long? ConstantPriority(IOperation value)
    {
        var constant = OperationFacts.StripConversions(value).ConstantValue;
        return constant.HasValue && constant.Value is not null ? System.Convert.ToInt64(constant.Value, System.Globalization.CultureInfo.InvariantCulture) : null;
    }

    /// <summary>
    /// One thread started on one part of the work while the calling thread runs the same method on another part, then
    /// joins it: <c>var t = new Thread(() =&gt; Sort(a, 0, mid)); t.Start(); Sort(a, mid, n); t.Join();</c> — a two-way split.
    /// </summary>
    private static FanOut? AnalyzeCallerRunsOtherPart(ThreadHandle handle, ThreadUsage usage, WorkCostModel costModel, KnownTypes types)
    {
        if (usage.Starts.Count != 1 || usage.Joins.Count != 1 || handle.Local is null || SoleCallee(handle.Delegate!) is not { } callee)
        {
            return null;
        }

        var start = usage.Starts[0].Parent as IExpressionStatementOperation;
        var join = usage.Joins[0].Parent as IExpressionStatementOperation;
        if (start?.Parent is not IBlockOperation block || join?.Parent != block)
        {
            return null;
        }

        var first = block.Operations.IndexOf(start);
        var last = block.Operations.IndexOf(join);
        var callerRunsIt = false;
        for (var i = first + 1; i < last; i++)
        {
            if (SoleCallee(block.Operations[i]) is { } inline && SymbolEqualityComparer.Default.Equals(inline.OriginalDefinition, callee.OriginalDefinition))
            {
                callerRunsIt = true;
            }
        }

        if (!callerRunsIt)
        {
            return null;
        }

        var cost = ThreadCost(handle.Delegate!, costModel, types);
        return cost.IsCpuBound && !IsSmallConstantWork(handle.Delegate!, usage.Starts, costModel)
            ? new FanOut(FanOutShape.Explicit, handle.Site, "2", cost, "new Thread", null, "the calling thread runs one of the parts itself")
            : null;
    }

    /// <summary>
    /// The method a delegate or statement does nothing but call: a method group, a lambda whose body is one call
    /// (or one assignment of a call's result), <c>Sort(a, 0, mid);</c>, <c>right = Sum(a, mid, n);</c>.
    /// </summary>
    private static IMethodSymbol? SoleCallee(IOperation operation)
    {
        switch (operation)
        {
            case IMethodReferenceOperation reference:
                return reference.Method;
            case IAnonymousFunctionOperation function:
                var statements = function.Body.Operations.Where(o => !(o is IReturnOperation { IsImplicit: true, ReturnedValue: null })).ToList();
                return statements.Count == 1 ? SoleCallee(statements[0]) : null;
            case IExpressionStatementOperation { Operation: IInvocationOperation call }:
                return call.TargetMethod;
            case IExpressionStatementOperation { Operation: ISimpleAssignmentOperation { Value: { } value } } when OperationFacts.StripConversions(value) is IInvocationOperation assigned:
                return assigned.TargetMethod;
            case IReturnOperation { ReturnedValue: { } returned } when OperationFacts.StripConversions(returned) is IInvocationOperation result:
                return result.TargetMethod;
            default:
                return null;
        }
    }

    private static string? PlanExplicit(List<(ThreadHandle Handle, ThreadUsage Usage, WorkCost Cost)> workers, IOperation root, KnownTypes types, out FanOutPlan? plan)
    {
        plan = null;
        var statements = new List<IOperation>();
        var bodies = ImmutableArray.CreateBuilder<FanOutBody>();
        IBlockOperation? block = null;
        foreach (var (handle, usage, _) in workers)
        {
            var blocker = handle.ShapeBlocker ?? usage.FixBlocker;
            if (blocker is not null)
            {
                return blocker;
            }

            if (usage.HasStartArgumentOutsideLoop)
            {
                return "a thread is started with an argument";
            }

            var declaration = handle.Declaration;
            if (declaration is null || declaration.Parent is not IBlockOperation declarationBlock)
            {
                return "a thread is not declared as a local in the block that runs it";
            }

            block ??= declarationBlock;
            if (declarationBlock != block)
            {
                return "the threads are declared in different blocks";
            }

            var affinity = OperationFacts.ThreadAffinity(DelegateBody(handle.Delegate!), types);
            if (affinity is not null)
            {
                return "a thread body depends on its own thread (" + affinity + ")";
            }

            var body = BodyOf(handle.Delegate!, null);
            if (body is null || (body.Parameter is not null && (body.Argument is not null || body.Statements.Any(s => OperationFacts.References(s, body.Parameter))))
                || (body.MethodGroup is not null && body.MethodGroup.Method.Parameters.Length != 0))
            {
                // A ParameterizedThreadStart lambda that ignores its parameter and is started without an argument runs as
                // an Action (`x => { Work(); }` becomes `() => { Work(); }`).
                return "a thread delegate takes a parameter";
            }

            bodies.Add(body);
            statements.Add(declaration);
            statements.AddRange(usage.OutsideStatements);
        }

        if (statements.Any(s => s.Parent != block))
        {
            return "the threads are started or joined inside nested statements";
        }

        if (ExplicitOrderBlocker(workers, statements, block!, out var anchor) is { } orderBlocker)
        {
            return orderBlocker;
        }

        var removed = statements.Where(s => s != anchor).Distinct().ToImmutableArray();
        plan = new FanOutPlan(anchor, removed, null, null, ImmutableArray<IOperation>.Empty, bodies.ToImmutable(), null, null);
        return null;
    }

    /// <summary>
    /// Where the <c>Parallel.Invoke</c> goes and whether the order of the explicit threads' statements allows it: every
    /// thread started before the first join, and between the first start and the last join nothing but starts and joins.
    /// Statements between the declarations and the first start (<c>var watch = Stopwatch.StartNew();</c>) stay where they
    /// are when they do not touch the threads: making a thread runs nothing, so the work begins at the first start, where
    /// the <c>Parallel.Invoke</c> takes its place.
    /// </summary>
    private static string? ExplicitOrderBlocker(List<(ThreadHandle Handle, ThreadUsage Usage, WorkCost Cost)> workers, List<IOperation> statements, IBlockOperation block, out IOperation anchor)
    {
        var positions = statements.Select(s => block.Operations.IndexOf(s)).ToList();
        var first = positions.Min();
        var last = positions.Max();
        var firstStart = workers.SelectMany(w => w.Usage.Starts).Min(st => block.Operations.IndexOf(OperationFacts.StatementIn(st, block)!));
        var lastStart = workers.SelectMany(w => w.Usage.Starts).Max(st => block.Operations.IndexOf(OperationFacts.StatementIn(st, block)!));
        var firstJoin = workers.SelectMany(w => w.Usage.Joins.Concat<IOperation>(w.Usage.PollJoins)).Min(j => block.Operations.IndexOf(OperationFacts.StatementIn(j, block)!));
        anchor = block.Operations[first];
        var threadLocals = statements.OfType<IVariableDeclarationGroupOperation>().SelectMany(d => d.GetDeclaredVariables()).ToList();
        var movedPast = false;
        for (var i = first; i <= last; i++)
        {
            var statement = block.Operations[i];
            if (statements.Contains(statement))
            {
                continue;
            }

            if (i > firstStart || firstStart < 0 || threadLocals.Any(l => OperationFacts.References(statement, l)))
            {
                return "other code runs between creating and joining the threads";
            }

            movedPast = true;
        }

        if (firstJoin < lastStart)
        {
            return "a thread is joined before another one starts, so the threads run one after another";
        }

        if (movedPast)
        {
            anchor = block.Operations[firstStart];
        }

        return null;
    }
}
