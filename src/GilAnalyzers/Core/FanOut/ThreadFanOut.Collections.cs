using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace GilAnalyzers.Core;

/// <summary>
/// Threads made in a loop (or a query) into an array, list, dictionary or other collection — a local or a field of the
/// type —: how many, and whether they are all started and joined.
/// </summary>
internal static partial class ThreadFanOut
{
    /// <summary><c>var threads = Enumerable.Range(0, n).Select(i =&gt; new Thread(...)).ToList();</c> then started and joined.</summary>
    private static FanOut? AnalyzeQuery(ThreadHandle handle, KnownTypes types, WorkCostModel costModel)
    {
        var usage = ThreadUsage.Collect(handle, handle.QueryRoot!, types);
        if ((usage.Starts.Count == 0 && !handle.StartedByHelper) || usage.NotACpuWorker || handle.Delegate is null || !IsJoined(usage, handle, handle.QueryRoot!, types))
        {
            return null;
        }

        var cost = WorkerThreadCost(handle.Delegate, costModel, types, out var queueWorker);
        return cost.IsCpuBound
            ? new FanOut(FanOutShape.Loop, handle.Site, handle.QueryCount!, cost, "new Thread", null, handle.ShapeBlocker ?? (queueWorker ? QueueWorkerBlocker : null))
            : null;
    }

    private static FanOut? AnalyzeLoop(ThreadHandle handle, IOperation root, KnownTypes types, WorkCostModel costModel)
    {
        var usage = ThreadUsage.Collect(handle, root, types);
        if ((usage.Starts.Count == 0 && !handle.StartedByHelper) || !IsJoined(usage, handle, root, types) || usage.NotACpuWorker)
        {
            return null;
        }

        var loop = handle.Loop!;
        if (JoinedInItsOwnIteration(usage, loop))
        {
            // threads[i].Start(); threads[i].Join(); in the creation loop: one thread at a time, nothing runs in parallel.
            return null;
        }

        var count = LoopThreadCount(handle, usage, root, out var index, out var bound, out var callerIndex, out var callerBound);
        if (count is null)
        {
            return null;
        }

        var @delegate = handle.Delegate;
        if (@delegate is null)
        {
            return null;
        }

        var cost = WorkerThreadCost(@delegate, costModel, types, out var queueWorker);
        if (!cost.IsCpuBound || IsSmallConstantWork(@delegate, usage.Starts, costModel))
        {
            return null;
        }

        FanOutPlan? plan = null;
        if (queueWorker)
        {
            // Each thread drains a shared queue until it is told to stop: the same work as Parallel.ForEach over the
            // queue, but not one partition per thread — no rewrite.
            return new FanOut(FanOutShape.Loop, handle.Site, count, cost, "new Thread", null, handle.ShapeBlocker ?? usage.FixBlocker ?? QueueWorkerBlocker);
        }

        if (handle.HeldByMember && usage.FixBlocker is null && usage.Joins.Count > 0 && handle.OuterLoop is null)
        {
            var holderBlocker = PlanHolders(handle, usage, root, types, out plan);
            return new FanOut(FanOutShape.Loop, handle.Site, count, cost, "new Thread", plan, holderBlocker is null ? null : handle.ShapeBlocker + ": " + holderBlocker);
        }

        var blocker = handle.ShapeBlocker ?? usage.FixBlocker ?? (!usage.WaitedFor ? CountdownJoinBlocker : null);
        if (blocker is null)
        {
            blocker = PlanLoop(handle, usage, index ?? callerIndex, bound ?? callerBound, callerIndex is not null, root, types, out plan);
        }

        PoolDispatchPlan? dispatch = null;
        if (plan is null && handle.Collection is null && usage.Joins.Count == 0 && usage.PollJoins.Count == 0 && handle.OuterLoop is null && handle.Site is IObjectCreationOperation thread
            && PoolFanOut.PlanThreadDispatch(thread, @delegate, handle.Loop!, handle.Local, root, types, costModel, out dispatch) is { } dispatchBlocker)
        {
            // Kept nowhere and joined by a CountdownEvent: the latch stays, only the threads go (or why not).
            blocker += "; " + dispatchBlocker;
        }

        return new FanOut(FanOutShape.Loop, handle.Site, count, cost, "new Thread", plan, blocker, dispatch);
    }

    /// <summary>
    /// How many threads the creation loop makes, as the message says it (<c>'n'</c>, <c>'rows × columns'</c> for a grid of
    /// them), with the loop's index and bound (or the caller's, when the loop runs in a helper); null when the loop is not one
    /// partitioning — threads made in nested loops and joined elsewhere that are not a grid, or a count not known.
    /// </summary>
    private static string? LoopThreadCount(ThreadHandle handle, ThreadUsage usage, IOperation root,
        out ILocalSymbol? index, out IOperation? bound, out ILocalSymbol? callerIndex, out IOperation? callerBound)
    {
        index = null;
        bound = null;
        callerIndex = null;
        callerBound = null;
        var grid = false;
        if (handle.OuterLoop is not null && usage.Joins.Any(j => !OperationFacts.IsWithin(j, handle.OuterLoop)))
        {
            // Threads created in nested loops and joined elsewhere: not one partitioning — unless it is a grid of them, one
            // thread per cell of two counting or foreach loops, collected in one local and joined after both.
            if (!IsThreadGrid(handle, root))
            {
                return null;
            }

            grid = true;
        }

        var count = LoopCount(handle.Loop!, out index, out bound, out callerIndex, out callerBound);
        if (count is null)
        {
            return null;
        }

        if (grid && OperationFacts.IsCountingLoop(handle.OuterLoop!, out _, out var outerStart, out var outerBound) && outerStart == 0 && bound is not null)
        {
            // 'rows × columns' threads: one per cell.
            count = "'" + Describe(outerBound).Trim('\'') + " × " + count.Trim('\'') + "'";
        }

        return count;
    }

    /// <summary>
    /// Whether the creation loop joins the thread it has just started (<c>t.Start(); t.Join();</c>, <c>threads[i].Start();
    /// threads[i].Join();</c>) before the next iteration makes another: the threads run one after another.
    /// </summary>
    private static bool JoinedInItsOwnIteration(ThreadUsage usage, ILoopOperation loop)
    {
        foreach (var join in usage.Joins)
        {
            if (!OperationFacts.IsWithin(join, loop.Body) || join.Instance is null)
            {
                continue;
            }

            var joined = OperationFacts.StripConversions(join.Instance).Syntax.ToString();
            if (usage.Starts.Any(start => start.Instance is not null && OperationFacts.IsWithin(start, loop.Body) && start.Syntax.SpanStart < join.Syntax.SpanStart
                                          && OperationFacts.StripConversions(start.Instance).Syntax.ToString() == joined))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// The value of a loop bound known before the loop runs: a constant, or a local initialised with one and never written
    /// again (<c>int nrThreads = 1;</c>), also through <c>threads.Length</c> of a local array made with such a size.
    /// </summary>
    private static long? SettledCount(IOperation bound, ILoopOperation loop)
    {
        var value = OperationFacts.StripConversions(bound);
        if (value.ConstantValue is { HasValue: true, Value: int constant })
        {
            return constant;
        }

        var root = OperationFacts.TreeRoot(loop);
        if (value is IPropertyReferenceOperation { Property.Name: "Length", Instance: ILocalReferenceOperation array }
            && !OperationFacts.IsWrittenAfterDeclaration(array.Local, root)
            && OperationFacts.InitializerOf(array.Local, root) is IArrayCreationOperation { DimensionSizes.Length: 1 } creation)
        {
            return SettledCount(creation.DimensionSizes[0], loop);
        }

        return value is ILocalReferenceOperation local
               && !OperationFacts.IsWrittenAfterDeclaration(local.Local, root)
               && OperationFacts.InitializerOf(local.Local, root) is { ConstantValue: { HasValue: true, Value: int initial } }
            ? initial
            : null;
    }

    /// <summary>
    /// How many threads the creation loop makes, as the message words it, with the index and bound of a loop from 0
    /// (or of a loop from 1, whose partition 0 the calling thread runs); null when a constant count is below two.
    /// </summary>
    private static string? LoopCount(ILoopOperation loop, out ILocalSymbol? index, out IOperation? bound, out ILocalSymbol? callerIndex, out IOperation? callerBound)
    {
        index = null;
        bound = null;
        callerIndex = null;
        callerBound = null;
        if (OperationFacts.IsCountingLoop(loop, out var loopIndex, out var start, out var loopBound))
        {
            if (SettledCount(loopBound, loop) is { } n && n - start < 2)
            {
                // One thread (int nrThreads = 1; for (i = 0; i < nrThreads; i++)): no split.
                return null;
            }

            if (start == 0)
            {
                index = loopIndex;
                bound = loopBound;
                return Describe(loopBound);
            }

            // for (int i = 1; i < n; i++): the calling thread usually runs partition 0 itself.
            if (start == 1)
            {
                callerIndex = loopIndex;
                callerBound = loopBound;
            }

            return loopBound.ConstantValue is { HasValue: true, Value: int constant }
                ? (constant - start).ToString(System.Globalization.CultureInfo.InvariantCulture)
                : "'" + OperationFacts.StripConversions(loopBound).Syntax + " - " + start.ToString(System.Globalization.CultureInfo.InvariantCulture) + "'";
        }

        if (OperationFacts.IsWideCountingLoop(loop, out var wideIndex, out var wideBound))
        {
            // for (uint i = 0; i < n; ++i) / for (long i = 0; …): Parallel.For's long overload runs the same partitions.
            index = wideIndex;
            bound = wideBound;
            return Describe(wideBound);
        }

        return "several";
    }

    /// <summary>
    /// Threads made one per cell of two nested loops (<c>for (i …) for (j …) workers.Add(new Thread(() =&gt; Cell(i, j)))</c>),
    /// kept in one local collection declared before the outer loop, which itself runs a finite count: a grid fan-out
    /// joined once after both loops. A while loop around the creation (a service loop making a thread per request) is not.
    /// </summary>
    private static bool IsThreadGrid(ThreadHandle handle, IOperation root)
        => handle.OuterLoop is { } outer
           && outer.LoopKind is LoopKind.For or LoopKind.ForEach
           && handle.Loop!.LoopKind is LoopKind.For or LoopKind.ForEach
           && OperationFacts.EnclosingLoop(outer, root) is null
           && handle.Collection is ILocalSymbol { DeclaringSyntaxReferences.Length: 1 } collection
           && !outer.Syntax.Span.Contains(collection.DeclaringSyntaxReferences[0].Span);
}
