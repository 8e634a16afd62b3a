using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;

namespace GilAnalyzers.Core;

/// <summary>
/// Finds raw-thread fan-outs in one function: two or more <c>Thread</c>s created (in a loop into an array, list,
/// dictionary or other collection — a local or a field of the type —, or as explicit locals), directly or through a
/// small helper that wraps <c>new Thread(...)</c>, started and joined (in the same function, or for threads kept in a
/// field, in any method of the type), and plans the rewrite to <c>Parallel.For</c> / <c>Parallel.Invoke</c> when it
/// keeps behaviour.
/// </summary>
internal static class ThreadFanOut
{
    /// <summary>How many helper calls deep <see cref="ThreadCost"/> follows a body that only calls one method.</summary>
    private const int TrampolineDepth = 2;

    /// <summary>Every CPU-bound raw-thread fan-out whose threads are created (or obtained from a helper) directly in <paramref name="functionRoot"/>.</summary>
    public static ImmutableArray<FanOut> Find(IOperation functionRoot, KnownTypes types, WorkCostModel costModel)
    {
        if (types.Thread is null)
        {
            return ImmutableArray<FanOut>.Empty;
        }

        var sites = new List<IOperation>();
        foreach (var operation in OperationFacts.Descendants(functionRoot, enterFunctions: false))
        {
            switch (operation)
            {
                case IObjectCreationOperation creation when OperationFacts.IsThread(creation.Type, types):
                    sites.Add(creation);
                    break;
                case IInvocationOperation invocation when IsHelperCandidate(invocation.TargetMethod, types):
                    sites.Add(invocation);
                    break;
            }
        }

        if (sites.Count == 0)
        {
            return ImmutableArray<FanOut>.Empty;
        }

        sites.Sort((a, b) => a.Syntax.SpanStart.CompareTo(b.Syntax.SpanStart));
        var results = ImmutableArray.CreateBuilder<FanOut>();
        var explicitThreads = new List<ThreadHandle>();
        var seenCollections = new HashSet<ISymbol>(SymbolEqualityComparer.Default);
        foreach (var site in sites)
        {
            var handle = ThreadHandle.Create(site, functionRoot, types, costModel);
            if (handle is null)
            {
                continue;
            }

            if (handle.QueryRoot is not null)
            {
                if (seenCollections.Add(handle.Collection!))
                {
                    var queryFanOut = AnalyzeQuery(handle, types, costModel);
                    if (queryFanOut is not null)
                    {
                        results.Add(queryFanOut);
                    }
                }
            }
            else if (handle.Loop is not null)
            {
                if (handle.Collection is null || seenCollections.Add(handle.Collection))
                {
                    var loopFanOut = AnalyzeLoop(handle, functionRoot, types, costModel);
                    if (loopFanOut is not null)
                    {
                        results.Add(loopFanOut);
                    }
                }
            }
            else if (handle.Local is not null)
            {
                explicitThreads.Add(handle);
            }
        }

        var explicitFanOut = AnalyzeExplicit(explicitThreads, functionRoot, types, costModel);
        if (explicitFanOut is not null)
        {
            results.Add(explicitFanOut);
        }

        return results.ToImmutable();
    }

    /// <summary>A call that may return a thread made by a small helper of this compilation (the name is tested first).</summary>
    public static bool IsHelperCandidate(IMethodSymbol method, KnownTypes types)
        => method.ReturnType is { } returnType
           && (returnType.Name == "Thread" || IsThreadCollectionName(returnType))
           && method.DeclaringSyntaxReferences.Length > 0
           && !method.IsAbstract
           && !method.IsVirtual
           && (OperationFacts.IsThread(returnType, types) || OperationFacts.HoldsThreads(returnType, types));

    /// <summary><c>Thread[]</c>, <c>List&lt;Thread&gt;</c> and the like, by name only (resolves nothing).</summary>
    private static bool IsThreadCollectionName(ITypeSymbol type)
        => type is IArrayTypeSymbol { ElementType: { Name: "Thread" } }
           || (type is INamedTypeSymbol { IsGenericType: true } named && named.TypeArguments.Length == 1 && named.TypeArguments[0].Name == "Thread");

    /// <summary>The CPU cost of what a thread / work item runs, or an I/O-bound verdict when it blocks.</summary>
    public static WorkCost DelegateCost(IOperation @delegate, WorkCostModel costModel, KnownTypes types)
    {
        var body = DelegateBody(@delegate);
        var blocking = OperationFacts.BlockingCall(body ?? @delegate, types);
        if (blocking is not null)
        {
            return new WorkCost(WorkKind.IoBound, blocking);
        }

        return @delegate is IMethodReferenceOperation reference
            ? costModel.AnalyzeMethod(reference.Method)
            : costModel.Analyze(body ?? @delegate);
    }

    /// <summary>
    /// What a raw thread's body spends its time on. Waiting anywhere in it — a blocking wait, a sleep, a spin loop, also
    /// a few source calls deep — makes it a coordination thread (I/O-bound verdict). Otherwise a little I/O up front or
    /// around the work (check a file, read a config, print progress once per outer iteration) does not decide: when the
    /// CPU-bound part runs at a deeper loop level than every I/O call, the time goes to the CPU.
    /// </summary>
    /// <summary>
    /// Below this many iterations in all (every trip count a constant), a thread's work costs less than the thread: tens of
    /// microseconds to create, start and join one, against nanoseconds per simple iteration.
    /// </summary>
    public const long MinThreadIterations = 10_000;

    public static WorkCost ThreadCost(IOperation @delegate, WorkCostModel costModel, KnownTypes types)
    {
        var body = DelegateBody(@delegate);
        var cost = @delegate is IMethodReferenceOperation reference
            ? costModel.AnalyzeMethod(reference.Method)
            : costModel.Analyze(body ?? @delegate);
        if (cost.Kind != WorkKind.IoBound && cost.Kind != WorkKind.CpuBound)
        {
            // Light or unknown: not reported whatever waits in it; the callee walk below is not needed.
            return cost;
        }

        if (cost.IsCpuBound && cost.Iterations >= 0 && cost.Iterations < MinThreadIterations)
        {
            // for (int i = 0; i < 50; i++) list.Add(i): a loop, but its trip counts are constants and add up to less work
            // than creating, starting and joining the thread costs — a demonstration, not a split worth balancing.
            return new WorkCost(WorkKind.Light, "a constant " + cost.Iterations.ToString(System.Globalization.CultureInfo.InvariantCulture) + " iterations");
        }

        var waiting = OperationFacts.WaitingCall(body ?? @delegate, types, costModel);
        if (waiting is not null)
        {
            return new WorkCost(WorkKind.IoBound, waiting);
        }

        if (body is not null && RunsUntilStopped(body, 0, costModel))
        {
            // while (!_stop) { ... }: a service thread that works until told to stop, not one partition of a finite job.
            return new WorkCost(WorkKind.IoBound, "runs until stopped");
        }

        if (cost.Kind != WorkKind.IoBound || body is null)
        {
            return cost;
        }

        var split = new CostSplit();
        SplitCost(body, 0, 0, costModel, ref split);
        return split.Cpu >= WorkCost.LoopStrength && split.Cpu > split.Io
            ? new WorkCost(WorkKind.CpuBound, split.CpuReason!, split.Cpu)
            : cost;
    }

    /// <summary>
    /// A body whose main loop runs while a flag says so: <c>while (!_stopping)</c>, <c>while (running)</c>,
    /// <c>while (!token.IsCancellationRequested)</c> — directly, or in the one method the body calls.
    /// </summary>
    private static bool RunsUntilStopped(IOperation body, int trampolines, WorkCostModel costModel)
    {
        var statements = body is IBlockOperation block
            ? block.Operations.Where(o => !(o is IReturnOperation { IsImplicit: true })).ToList()
            : new List<IOperation> { body };
        foreach (var statement in statements)
        {
            switch (statement)
            {
                case IWhileLoopOperation { Condition: { } condition } when IsStopFlag(condition):
                    return true;
                case IExpressionStatementOperation { Operation: IInvocationOperation call } when trampolines < TrampolineDepth && statements.Count == 1:
                    var callee = call.TargetMethod;
                    var calleeBody = callee.MethodKind == MethodKind.LocalFunction || (!callee.IsVirtual && !callee.IsAbstract)
                        ? costModel.GetBody(callee.OriginalDefinition, System.Threading.CancellationToken.None)
                        : null;
                    return calleeBody is not null && RunsUntilStopped(calleeBody, trampolines + 1, costModel);
            }
        }

        return false;
    }

    private static bool IsStopFlag(IOperation condition)
    {
        var value = OperationFacts.StripConversions(condition);
        if (value is IUnaryOperation { OperatorKind: UnaryOperatorKind.Not } not)
        {
            value = OperationFacts.StripConversions(not.Operand);
        }

        return value.Type?.SpecialType == SpecialType.System_Boolean
               && (value is IFieldReferenceOperation
                   || value is IPropertyReferenceOperation { Property: { Name: "IsCancellationRequested" } }
                   || value is IPropertyReferenceOperation { Instance: null or IInstanceReferenceOperation });
    }

    /// <summary>The deepest CPU-bound work and the deepest I/O call of a thread body, in loop levels.</summary>
    private struct CostSplit
    {
        public int Cpu;
        public string? CpuReason;
        public int Io;
        public bool HasIo;

        public void AddCpu(int strength, string reason)
        {
            if (strength > Cpu)
            {
                Cpu = strength;
                CpuReason = reason;
            }
        }

        public void AddIo(int depth)
        {
            if (!HasIo || depth > Io)
            {
                Io = depth;
                HasIo = true;
            }
        }
    }

    /// <summary>Walks a thread body for its deepest CPU-bound work and its I/O level, following I/O-bound structure, loops and calls.</summary>
    private static void SplitCost(IOperation operation, int depth, int trampolines, WorkCostModel costModel, ref CostSplit split)
    {
        var cost = costModel.Analyze(operation);
        switch (cost.Kind)
        {
            case WorkKind.CpuBound:
                split.AddCpu(depth + cost.Strength, depth == 0 ? cost.Reason : DeeperReason(cost, depth));
                return;
            case WorkKind.IoBound:
                break;
            default:
                return;
        }

        switch (operation)
        {
            case IBlockOperation block:
                foreach (var statement in block.Operations)
                {
                    SplitCost(statement, depth, trampolines, costModel, ref split);
                }

                return;
            case ILoopOperation loop:
                SplitLoopCost(loop, depth, trampolines, costModel, ref split);
                return;
            case IConditionalOperation { WhenTrue: IBlockOperation { Operations: { Length: > 0 } exit } } branch when depth > 0 && LeavesLoop(exit[exit.Length - 1]) is { } levels:
                // if (failed) { Console.WriteLine(...); break; }: runs once, when the loop ends, not once per iteration.
                SplitCost(branch.Condition, depth, trampolines, costModel, ref split);
                SplitCost(branch.WhenTrue, levels == int.MaxValue ? 0 : System.Math.Max(0, depth - levels), trampolines, costModel, ref split);
                if (branch.WhenFalse is not null)
                {
                    SplitCost(branch.WhenFalse, depth, trampolines, costModel, ref split);
                }

                return;
            case IConditionalOperation:
            case ITryOperation:
            case IUsingOperation:
            case ILockOperation:
            case ISwitchOperation:
            case ISwitchCaseOperation:
            case ILabeledOperation:
            case IVariableDeclarationGroupOperation { Declarations: { Length: > 1 } }:
                foreach (var child in operation.ChildOperations)
                {
                    SplitCost(child, depth, trampolines, costModel, ref split);
                }

                return;
            case IExpressionStatementOperation { Operation: IInvocationOperation call } when trampolines < TrampolineDepth:
                SplitCallCost(call, depth, trampolines, costModel, ref split);
                return;
            default:
                // A statement whose only I/O is inside one source call (`var c = tracer.Calculate(x, y);`): where the time
                // goes is decided inside that callee, at this statement's loop level.
                if (trampolines < TrampolineDepth && SoleIoCallee(operation, costModel) is { } calleeOfIo)
                {
                    SplitCost(calleeOfIo, depth, trampolines + 1, costModel, ref split);
                    return;
                }

                split.AddIo(depth);
                return;
        }
    }

    /// <summary>
    /// An I/O-bound loop: its children one level deeper (unless it is a small constant loop), and the loop itself
    /// counts as CPU work at that level when its iterations compute besides the I/O.
    /// </summary>
    private static void SplitLoopCost(ILoopOperation loop, int depth, int trampolines, WorkCostModel costModel, ref CostSplit split)
    {
        var small = IsSmallConstantLoop(loop);
        var inner = depth + (small ? 0 : 1);
        foreach (var child in loop.ChildOperations)
        {
            SplitCost(child, inner, trampolines, costModel, ref split);
        }

        if (!small && loop.Body is IBlockOperation loopBlock
            && loopBlock.Operations.Any(o => !(o is IConditionalOperation) && costModel.Analyze(o).Kind != WorkKind.IoBound))
        {
            // The iterations compute besides the I/O: the loop itself is work at its own level.
            split.AddCpu(inner, inner >= 2 ? "nested loop, " + inner.ToString(System.Globalization.CultureInfo.InvariantCulture) + " levels" : "loop");
        }
    }

    /// <summary>
    /// An I/O-bound call statement: followed into the callee's body (after its arguments) when the body is in
    /// source and the call is not virtual, otherwise I/O at this level.
    /// </summary>
    private static void SplitCallCost(IInvocationOperation call, int depth, int trampolines, WorkCostModel costModel, ref CostSplit split)
    {
        var callee = call.TargetMethod;
        var calleeBody = callee.MethodKind == MethodKind.LocalFunction || (!callee.IsVirtual && !callee.IsAbstract)
            ? costModel.GetBody(callee.OriginalDefinition, System.Threading.CancellationToken.None)
            : null;
        if (calleeBody is null)
        {
            split.AddIo(depth);
            return;
        }

        foreach (var argument in call.Arguments)
        {
            SplitCost(argument.Value, depth, trampolines, costModel, ref split);
        }

        SplitCost(calleeBody, depth, trampolines + 1, costModel, ref split);
    }

    /// <summary>How many loop levels a branch's last statement leaves: 1 for <c>break</c>, all for <c>return</c> / <c>throw</c>.</summary>
    private static int? LeavesLoop(IOperation last)
        => last switch
        {
            IBranchOperation { BranchKind: BranchKind.Break } => 1,
            IReturnOperation => int.MaxValue,
            IThrowOperation => int.MaxValue,
            IExpressionStatementOperation { Operation: IThrowOperation } => int.MaxValue,
            _ => null,
        };

    /// <summary>The body of the one source method through which <paramref name="statement"/> does I/O, when there is exactly one.</summary>
    private static IOperation? SoleIoCallee(IOperation statement, WorkCostModel costModel)
    {
        IInvocationOperation? sole = null;
        foreach (var operation in OperationFacts.Descendants(statement, enterFunctions: false))
        {
            if (operation is not IInvocationOperation call || costModel.Analyze(call).Kind != WorkKind.IoBound)
            {
                continue;
            }

            if (sole is not null && !IsWithin(call, sole) && !IsWithin(sole, call))
            {
                return null;
            }

            // Keep the innermost I/O call of a nested chain: Process(Read(x)) is decided by Read.
            sole = sole is null || IsWithin(call, sole) ? call : sole;
        }

        if (sole is null)
        {
            return null;
        }

        var callee = sole.TargetMethod;
        var body = callee.MethodKind == MethodKind.LocalFunction || (!callee.IsVirtual && !callee.IsAbstract)
            ? costModel.GetBody(callee.OriginalDefinition, System.Threading.CancellationToken.None)
            : null;
        if (body is null)
        {
            return null;
        }

        // The call's arguments must not do I/O themselves.
        foreach (var argument in sole.Arguments)
        {
            if (costModel.Analyze(argument.Value).Kind == WorkKind.IoBound)
            {
                return null;
            }
        }

        return body;
    }

    private static string DeeperReason(WorkCost cost, int depth)
    {
        var reason = cost.Reason;
        return reason.EndsWith(" loop", System.StringComparison.Ordinal) || reason == "loop" || reason == "LINQ pipeline"
               || reason.StartsWith("nested loop", System.StringComparison.Ordinal)
            ? "nested loop, " + (depth + cost.Strength).ToString(System.Globalization.CultureInfo.InvariantCulture) + " levels"
            : reason;
    }

    /// <summary><c>for (int k = 0; k &lt; 4; k++)</c>: both ends small constants (the cost model's notion of a light loop).</summary>
    private static bool IsSmallConstantLoop(ILoopOperation loop)
        => loop is IForLoopOperation { Condition: IBinaryOperation condition } forLoop
           && IsSmall(condition.RightOperand.ConstantValue)
           && forLoop.Before.Length == 1
           && forLoop.Before[0] is IVariableDeclarationGroupOperation group
           && group.Declarations.All(d => d.Declarators.All(v => v.Initializer is { } init && IsSmall(init.Value.ConstantValue)));

    private static bool IsSmall(Optional<object?> constant)
        => constant.HasValue && constant.Value is int value && value >= -WorkCostModel.SmallLoopLimit && value <= WorkCostModel.SmallLoopLimit;

    /// <summary>A lambda's body, or a method group's body when it is declared in the same syntax tree.</summary>
    public static IOperation? DelegateBody(IOperation @delegate)
    {
        switch (@delegate)
        {
            case IAnonymousFunctionOperation function:
                return function.Body;
            case IMethodReferenceOperation reference:
                var model = reference.SemanticModel;
                return model is null
                    ? null
                    : WorkCostModel.For(KnownTypes.For(model.Compilation)).GetBody(reference.Method.OriginalDefinition, System.Threading.CancellationToken.None);
            default:
                return null;
        }
    }

    /// <summary><c>var threads = Enumerable.Range(0, n).Select(i =&gt; new Thread(...)).ToList();</c> then started and joined.</summary>
    private static FanOut? AnalyzeQuery(ThreadHandle handle, KnownTypes types, WorkCostModel costModel)
    {
        var usage = ThreadUsage.Collect(handle, handle.QueryRoot!, types);
        if ((usage.Starts.Count == 0 && !handle.StartedByHelper) || usage.NotACpuWorker || handle.Delegate is null || !IsJoined(usage, handle, handle.QueryRoot!, types))
        {
            return null;
        }

        var cost = ThreadCost(handle.Delegate, costModel, types);
        return cost.IsCpuBound
            ? new FanOut(FanOutShape.Loop, handle.Site, handle.QueryCount!, cost, "new Thread", null, handle.ShapeBlocker)
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

        var grid = false;
        if (handle.OuterLoop is not null && usage.Joins.Any(j => !IsWithin(j, handle.OuterLoop)))
        {
            // Threads created in nested loops and joined elsewhere: not one partitioning — unless it is a grid of them, one
            // thread per cell of two counting or foreach loops, collected in one local and joined after both.
            if (!IsThreadGrid(handle, root))
            {
                return null;
            }

            grid = true;
        }

        var count = LoopCount(loop, out var index, out var bound, out var callerIndex, out var callerBound);
        if (count is null)
        {
            return null;
        }

        if (grid && OperationFacts.IsCountingLoop(handle.OuterLoop!, out _, out var outerStart, out var outerBound) && outerStart == 0 && bound is not null)
        {
            // 'rows × columns' threads: one per cell.
            count = "'" + Describe(outerBound).Trim('\'') + " × " + count.Trim('\'') + "'";
        }

        var @delegate = handle.Delegate;
        if (@delegate is null)
        {
            return null;
        }

        var cost = ThreadCost(@delegate, costModel, types);
        if (!cost.IsCpuBound)
        {
            return null;
        }

        FanOutPlan? plan = null;
        if (handle.HeldByMember && usage.FixBlocker is null && usage.Joins.Count > 0 && handle.OuterLoop is null)
        {
            var holderBlocker = PlanHolders(handle, usage, root, types, out plan);
            return new FanOut(FanOutShape.Loop, handle.Site, count, cost, "new Thread", plan, holderBlocker is null ? null : handle.ShapeBlocker + ": " + holderBlocker);
        }

        var blocker = handle.ShapeBlocker ?? usage.FixBlocker ?? (usage.Joins.Count == 0 ? "the threads signal a CountdownEvent instead of being joined" : null);
        if (blocker is null)
        {
            blocker = PlanLoop(handle, usage, index ?? callerIndex, bound ?? callerBound, callerIndex is not null, root, types, out plan);
        }

        PoolDispatchPlan? dispatch = null;
        if (plan is null && handle.Collection is null && usage.Joins.Count == 0 && handle.OuterLoop is null && handle.Site is IObjectCreationOperation thread
            && PoolFanOut.PlanThreadDispatch(thread, @delegate, handle.Loop!, handle.Local, root, types, costModel, out dispatch) is { } dispatchBlocker)
        {
            // Kept nowhere and joined by a CountdownEvent: the latch stays, only the threads go (or why not).
            blocker += "; " + dispatchBlocker;
        }

        return new FanOut(FanOutShape.Loop, handle.Site, count, cost, "new Thread", plan, blocker, dispatch);
    }

    /// <summary>
    /// How many threads the creation loop makes, as the message words it, with the index and bound of a loop from 0
    /// (or of a loop from 1, whose partition 0 the calling thread runs); null when a constant count is below two.
    /// </summary>
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

    private static string? PlanLoop(ThreadHandle handle, ThreadUsage usage, ILocalSymbol? index, IOperation? bound, bool callerRunsFirst, IOperation root, KnownTypes types, out FanOutPlan? plan)
    {
        plan = null;
        var loop = handle.Loop!;
        if (LoopRange(handle, index, bound, root, types, out var partition, out var source) is { } rangeBlocker)
        {
            return rangeBlocker;
        }

        index = partition;

        if (loop.Parent is not IBlockOperation block || loop.Body is not IBlockOperation loopBody)
        {
            return "the creation loop is not a plain statement block";
        }

        // The loop body: per-iteration declarations, the creation, then only starts / list adds.
        var pre = ImmutableArray.CreateBuilder<IOperation>();
        var creationStatement = OperationFacts.StatementIn(handle.Site, loopBody);
        if (creationStatement is null)
        {
            return "the thread is created inside a nested statement";
        }

        if (PerThreadStatements(loopBody, creationStatement, handle, usage, types, pre) is { } perThreadBlocker)
        {
            return perThreadBlocker;
        }

        var @delegate = handle.Delegate!;
        if (ThreadRunBlocker(usage, loop, @delegate, index, source, root, types, out var argument) is { } runBlocker)
        {
            return runBlocker;
        }

        var body = BodyOf(@delegate, argument);
        if (body is null)
        {
            return "the thread delegate's shape is not supported";
        }

        // Start/join statements and the collection declaration go away; nothing else may run between them.
        var removed = new List<IOperation>();
        var mergeLoops = new List<IOperation>();
        var keptField = handle.Collection is IFieldSymbol;
        if (StatementsToRemove(handle, usage, block, loop, body, pre, index!, callerRunsFirst, keptField, types, removed, mergeLoops) is { } removeBlocker)
        {
            return removeBlocker;
        }

        if (PlaceOfRewrite(usage, block, loop, removed, mergeLoops, types, out var anchor) is { } placeBlocker)
        {
            return placeBlocker;
        }

        // The collection's declaration goes away: the rewrite must not keep code that still names it
        // (`Parallel.For(0, threads.Length, ...)` after `var threads = new Thread[n]` is gone would not compile).
        var collection = handle.Collection!;
        if (keptField)
        {
            // A private field keeps its declaration and its size: the count may still be read from it (threads.Length);
            // its elements are no longer set, and the usage walk has checked that nothing else in the type reads them.
            var fieldRange = bound is null ? null : RangeSplit.Plan(index, bound, pre.ToImmutable(), body, root, types);
            plan = new FanOutPlan(anchor, removed.ToImmutableArray(), index, bound, pre.ToImmutable(), ImmutableArray.Create(body), fieldRange, null, source);
            return null;
        }

        if (RemovedCollectionBlocker(usage, collection, source, pre, @delegate, argument, root, ref bound) is { } collectionBlocker)
        {
            return collectionBlocker;
        }

        var range = bound is null ? null : RangeSplit.Plan(index, bound, pre.ToImmutable(), body, root, types);
        plan = new FanOutPlan(anchor, removed.ToImmutableArray(), index, bound, pre.ToImmutable(), ImmutableArray.Create(body), range, null, source);
        return null;
    }

    /// <summary>
    /// What the threads run over: the counting loop's index (<paramref name="partition"/>) and bound as given, or a
    /// foreach loop's variable and items (<paramref name="source"/>) when there is no counting index; null when the
    /// count is kept while the threads run, else why the rewrite is refused.
    /// </summary>
    private static string? LoopRange(ThreadHandle handle, ILocalSymbol? index, IOperation? bound, IOperation root, KnownTypes types, out ILocalSymbol partition, out IOperation? source)
    {
        partition = null!;
        source = null;
        if ((index is null || bound is null) && OperationFacts.ForEachItems(handle.Loop!, root) is { } items)
        {
            // foreach (var desk in desks) { new Thread(…).Start(); … }: one thread per item → Parallel.ForEach over the items.
            (partition, source) = items;
        }
        else if (index is null || bound is null)
        {
            return "the threads are not created by a 'for (int i = 0; i < n; i++)' or 'foreach (var x in items)' loop";
        }
        else
        {
            partition = index;
        }

        if (bound is not null && !BoundKept(bound, root, handle.Delegate!, types))
        {
            return "the thread count can change while the threads run";
        }

        return null;
    }

    /// <summary>
    /// Whether the threads can run as iterations of one parallel loop: not joined one by one, not reading the changing
    /// loop variable, not tied to their own thread, and started with an argument that can be evaluated later
    /// (<paramref name="argument"/>). Null when they can, else why not.
    /// </summary>
    private static string? ThreadRunBlocker(ThreadUsage usage, ILoopOperation loop, IOperation @delegate, ILocalSymbol index, IOperation? source, IOperation root, KnownTypes types, out IOperation? argument)
    {
        argument = null;
        if (usage.Joins.Any(j => IsWithin(j, loop)))
        {
            // Each thread is joined before the next one starts: the original runs the partitions one at a time.
            return "each thread is joined before the next one starts, so the partitions run one after another";
        }

        if (source is null && OperationFacts.References(@delegate, index))
        {
            return "the thread reads the loop variable '" + index.Name + "', which changes while the thread runs";
        }

        var affinity = OperationFacts.ThreadAffinity(DelegateBody(@delegate), types);
        if (affinity is not null)
        {
            return "the thread body depends on its own thread (" + affinity + ")";
        }

        if (usage.StartArgumentInLoop is not null)
        {
            argument = usage.StartArgumentInLoop;
            if (!OperationFacts.IsStableValue(argument, root, index))
            {
                return "the argument passed to Start cannot be evaluated later with the same value";
            }
        }
        else if (usage.HasStartArgumentOutsideLoop)
        {
            return "the threads' arguments are passed by a separate start loop";
        }

        return null;
    }

    /// <summary>
    /// Whether the rewrite may remove the local thread collection: nothing it keeps names it, and a count read from it
    /// (<c>threads.Length</c>) is replaced by the array's stable size in <paramref name="bound"/>. Null when it may, else why not.
    /// </summary>
    private static string? RemovedCollectionBlocker(ThreadUsage usage, ISymbol collection, IOperation? source, ImmutableArray<IOperation>.Builder pre, IOperation @delegate, IOperation? argument, IOperation root, ref IOperation? bound)
    {
        if (source is not null && OperationFacts.References(source, collection))
        {
            return "the threads' work uses the thread collection, which the rewrite removes";
        }

        if (bound is not null && OperationFacts.References(bound, collection))
        {
            var size = OperationFacts.Descendants(usage.CollectionDeclaration!).OfType<IArrayCreationOperation>().FirstOrDefault();
            if (size is null
                || size.DimensionSizes.Length != 1
                || !SymbolEqualityComparer.Default.Equals(OperationFacts.ReferencedSymbol(OperationFacts.StripConversions(bound) is IPropertyReferenceOperation { Property: { Name: "Length" } } length ? OperationFacts.StripConversions(length.Instance!) : bound), collection)
                || !OperationFacts.IsStableValue(size.DimensionSizes[0], root))
            {
                return "the thread count is read from the thread collection, which the rewrite removes";
            }

            bound = size.DimensionSizes[0];
        }

        if (pre.Any(s => OperationFacts.References(s, collection)) || OperationFacts.References(@delegate, collection)
            || (argument is not null && OperationFacts.References(argument, collection)))
        {
            return "the threads' work uses the thread collection, which the rewrite removes";
        }

        return null;
    }

    /// <summary>
    /// The creation loop's body, statement by statement: per-thread declarations (and adjustments) before the creation go
    /// to <paramref name="pre"/>, as do pure declarations after it; starts and list adds are the usage's bookkeeping. Null
    /// when nothing else runs there, else why the rewrite is refused.
    /// </summary>
    private static string? PerThreadStatements(IBlockOperation loopBody, IOperation creationStatement, ThreadHandle handle, ThreadUsage usage, KnownTypes types, ImmutableArray<IOperation>.Builder pre)
    {
        var seenCreation = false;
        foreach (var statement in loopBody.Operations)
        {
            if (statement == creationStatement)
            {
                seenCreation = true;
                continue;
            }

            if (!seenCreation)
            {
                if (!IsPerThreadDeclaration(statement, types) && !IsPerThreadAdjustment(statement, pre, types))
                {
                    return "the creation loop does more than declare per-thread values before creating the thread";
                }

                pre.Add(statement);
                continue;
            }

            if (!usage.LoopBookkeeping.Contains(statement) && IsPerThreadDeclaration(statement, types)
                && (handle.Local is null || !OperationFacts.References(statement, handle.Local)))
            {
                // threads[i] = new Thread(Render); var range = new Band(min, max); threads[i].Start(range); — making a
                // thread runs nothing, so the declarations after it can as well come first.
                pre.Add(statement);
                continue;
            }

            if (!usage.LoopBookkeeping.Contains(statement))
            {
                return "the creation loop does other work after creating the thread";
            }
        }

        return null;
    }

    /// <summary>
    /// The statements the rewrite removes (starts, joins, the collection's declaration, the caller's own partition) into
    /// <paramref name="removed"/>, and join loops that also fold per-thread results into <paramref name="mergeLoops"/>.
    /// Null when they can all go, else why not.
    /// </summary>
    private static string? StatementsToRemove(ThreadHandle handle, ThreadUsage usage, IBlockOperation block, ILoopOperation loop, FanOutBody body, ImmutableArray<IOperation>.Builder pre, ILocalSymbol index, bool callerRunsFirst, bool keptField, KnownTypes types, List<IOperation> removed, List<IOperation> mergeLoops)
    {
        var @delegate = handle.Delegate!;
        if (callerRunsFirst)
        {
            // for (int i = 1; i < n; i++) { …start thread i… } Work(0); join: the calling thread runs partition 0 right after
            // starting the others; Parallel.For(0, n, …) runs all n partitions, the call goes away.
            var loopAt = block.Operations.IndexOf(loop);
            if (loopAt + 1 >= block.Operations.Length || !IsCallerPartition(block.Operations[loopAt + 1], body, pre, index!))
            {
                return "the creation loop does not start at 0 and the calling thread does not run partition 0 right after it";
            }

            removed.Add(block.Operations[loopAt + 1]);
        }

        foreach (var statement in usage.OutsideStatements)
        {
            if (statement.Parent != block)
            {
                // for (int i = 0; i < n; i++) { threads[i].Join(); total += partial[i]; }: the join goes, the loop that
                // folds the per-thread results stays and runs once every partition is done.
                if (MergeLoopOfJoin(statement, block, @delegate, pre, types) is { } mergeLoop)
                {
                    mergeLoops.Add(mergeLoop);
                    removed.Add(statement);
                    continue;
                }

                return "the threads are started or joined inside nested statements";
            }

            removed.Add(statement);
        }

        if (!keptField)
        {
            if (usage.CollectionDeclaration is null || usage.CollectionDeclaration.Parent != block || !IsPureCollectionCreation(usage.CollectionDeclaration))
            {
                return "the thread collection is not a local created in the same block";
            }

            removed.Add(usage.CollectionDeclaration);
        }

        return null;
    }

    /// <summary>
    /// Where the Parallel.For goes (the creation loop, or the first start when the threads start later) — null when
    /// nothing but removed statements, hoistable declarations and merge-loop reads runs between the creation loop and the
    /// last removed statement, else why the rewrite would change the order of things.
    /// </summary>
    private static string? PlaceOfRewrite(ThreadUsage usage, IBlockOperation block, ILoopOperation loop, List<IOperation> removed, List<IOperation> mergeLoops, KnownTypes types, out IOperation anchor)
    {
        anchor = loop;
        var lastRemoved = removed.Max(s => block.Operations.IndexOf(OperationFacts.StatementIn(s, block)!));
        var loopPosition = block.Operations.IndexOf(loop);
        if (removed.Any(s => block.Operations.IndexOf(OperationFacts.StatementIn(s, block)!) < loopPosition && s != usage.CollectionDeclaration))
        {
            return "the threads are started before the creation loop";
        }

        var lastStart = usage.Starts.Max(st => block.Operations.IndexOf(OperationFacts.StatementIn(st, block)!));

        // Threads created by one loop and started by a later statement (threads.ForEach(t => t.Start())): declarations that
        // only compute between the two run before any thread starts. They stay there and the rewrite takes the place of
        // the first start, so nothing runs in another order.
        var firstStart = FirstStartAfterLoop(usage, loop, block);
        var hoisted = false;
        for (var i = loopPosition + 1; i <= lastRemoved; i++)
        {
            if (removed.Contains(block.Operations[i]) || mergeLoops.Contains(block.Operations[i]))
            {
                continue;
            }

            if (i < firstStart && IsPureDeclaration(block.Operations[i], types))
            {
                hoisted = true;
                continue;
            }

            if (mergeLoops.Count > 0 && i > lastStart && IsPureDeclaration(block.Operations[i], types))
            {
                // int total = partial[0]; between the last start and the merge loop: it reads what is final once the
                // Parallel.For returns, as it is once the threads it waits for are joined.
                continue;
            }

            return "other code runs while the threads run";
        }

        if (hoisted)
        {
            anchor = block.Operations[firstStart];
            removed.Remove(anchor);
            removed.Add(loop);
        }

        return null;
    }

    /// <summary>
    /// The loop of the function's block whose body starts with <paramref name="joinStatement"/> and then only folds
    /// per-thread results into locals the threads' work never names (<c>total += partial[i];</c>,
    /// <c>if (best[i] &gt; max) max = best[i];</c>): no calls but Math, no writes but to such locals, no jumps.
    /// </summary>
    private static IOperation? MergeLoopOfJoin(IOperation joinStatement, IBlockOperation block, IOperation work, IList<IOperation> pre, KnownTypes types)
    {
        if (joinStatement.Parent is not IBlockOperation { Parent: ILoopOperation loop } body
            || loop.Body != body || loop.Parent != block || body.Operations.Length < 2 || body.Operations[0] != joinStatement)
        {
            return null;
        }

        for (var i = 1; i < body.Operations.Length; i++)
        {
            foreach (var operation in OperationFacts.Descendants(body.Operations[i]))
            {
                switch (operation)
                {
                    case IInvocationOperation invocation when !KnownTypes.Is(invocation.TargetMethod.ContainingType, types.MathType):
                    case IObjectCreationOperation:
                    case IAnonymousFunctionOperation:
                    case IBranchOperation:
                    case IReturnOperation:
                    case IThrowOperation:
                    case IAwaitOperation:
                        return null;
                    case ILocalReferenceOperation local when OperationFacts.IsWrite(local):
                        if (OperationFacts.References(work, local.Local) || pre.Any(p => OperationFacts.References(p, local.Local)))
                        {
                            return null;
                        }

                        break;
                    case IArrayElementReferenceOperation or IFieldReferenceOperation or IPropertyReferenceOperation or IParameterReferenceOperation
                        when OperationFacts.IsWrite(operation):
                        return null;
                }
            }
        }

        return loop;
    }

    /// <summary>
    /// Whether <paramref name="statement"/> is the thread body run for partition 0: the same call (same method, receiver
    /// and arguments as written), where an argument that is the partition index — or a per-thread copy of it
    /// (<c>int j = i;</c>) — is the constant 0, and every other argument names nothing declared per thread.
    /// </summary>
    private static bool IsCallerPartition(IOperation statement, FanOutBody body, IList<IOperation> pre, ILocalSymbol index)
    {
        if (statement is not IExpressionStatementOperation { Operation: IInvocationOperation inline }
            || body.MethodGroup is not null
            || body.Parameter is not null
            || body.Statements.Length != 1
            || OperationFacts.StripConversions(body.Statements[0] is IExpressionStatementOperation expression ? expression.Operation : body.Statements[0]) is not IInvocationOperation work
            || !SymbolEqualityComparer.Default.Equals(work.TargetMethod, inline.TargetMethod)
            || work.Arguments.Length != inline.Arguments.Length
            || (work.Instance?.Syntax.ToString() ?? string.Empty) != (inline.Instance?.Syntax.ToString() ?? string.Empty))
        {
            return false;
        }

        // Per-thread values: the index and the locals the creation loop declares; copies of the index may stand for it.
        var perThread = new HashSet<ILocalSymbol>(SymbolEqualityComparer.Default) { index };
        var indexCopies = new HashSet<ILocalSymbol>(SymbolEqualityComparer.Default) { index };
        foreach (var declaration in pre)
        {
            foreach (var operation in OperationFacts.Descendants(declaration, enterFunctions: false))
            {
                if (operation is IVariableDeclaratorOperation declarator)
                {
                    perThread.Add(declarator.Symbol);
                    var initial = (declarator.Initializer ?? (declarator.Parent as IVariableDeclarationOperation)?.Initializer)?.Value;
                    if (initial is not null && OperationFacts.StripConversions(initial) is ILocalReferenceOperation copied
                        && SymbolEqualityComparer.Default.Equals(copied.Local, index) && !OperationFacts.IsWrittenAfterDeclaration(declarator.Symbol, body.Delegate))
                    {
                        indexCopies.Add(declarator.Symbol);
                    }
                }
            }
        }

        if (work.Instance is not null && OperationFacts.Descendants(work.Instance).Any(o => o is ILocalReferenceOperation l && perThread.Contains(l.Local)))
        {
            return false;
        }

        for (var i = 0; i < work.Arguments.Length; i++)
        {
            var mine = OperationFacts.StripConversions(work.Arguments[i].Value);
            var theirs = OperationFacts.StripConversions(inline.Arguments[i].Value);
            if (!SymbolEqualityComparer.Default.Equals(work.Arguments[i].Parameter, inline.Arguments[i].Parameter))
            {
                return false;
            }

            if (mine is ILocalReferenceOperation local && indexCopies.Contains(local.Local))
            {
                if (theirs.ConstantValue is not { HasValue: true, Value: 0 })
                {
                    return false;
                }

                continue;
            }

            if (OperationFacts.Descendants(mine).Any(o => o is ILocalReferenceOperation l && perThread.Contains(l.Local))
                || mine.Syntax.ToString() != theirs.Syntax.ToString())
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// The position in <paramref name="block"/> of the first statement that starts a thread when no thread is started
    /// inside the creation loop, or -1.
    /// </summary>
    private static int FirstStartAfterLoop(ThreadUsage usage, ILoopOperation loop, IBlockOperation block)
    {
        if (usage.Starts.Count == 0)
        {
            return -1;
        }

        var first = int.MaxValue;
        foreach (var start in usage.Starts)
        {
            if (IsWithin(start, loop) || OperationFacts.StatementIn(start, block) is not { } statement)
            {
                return -1;
            }

            first = System.Math.Min(first, block.Operations.IndexOf(statement));
        }

        return first;
    }

    /// <summary>
    /// Threads kept as a member of per-thread objects (<c>jobs.Add(new Job { …, Worker = new Thread(Run) })</c>), started
    /// by <c>foreach (var job in jobs) job.Worker.Start(job);</c> and joined by a second such loop: the start loop becomes
    /// <c>Parallel.ForEach(jobs, job =&gt; Run(job))</c>, the join loop and the member's initialiser go. The objects are
    /// built as before; only their thread member stays unset, so the work must not read it.
    /// </summary>
    private static string? PlanHolders(ThreadHandle handle, ThreadUsage usage, IOperation root, KnownTypes types, out FanOutPlan? plan)
    {
        plan = null;
        if (handle.Collection is not ILocalSymbol || handle.Site.Parent is not ISimpleAssignmentOperation { Parent: IObjectOrCollectionInitializerOperation } memberInitializer
            || usage.Starts.Count != 1 || usage.Joins.Count != 1 || usage.OutsideStatements.Count != 2)
        {
            return "the threads are not started by one loop over the objects and joined by another";
        }

        if (usage.OutsideStatements[0] is not IForEachLoopOperation { LoopControlVariable: IVariableDeclaratorOperation startVariable } startLoop
            || usage.OutsideStatements[1] is not IForEachLoopOperation joinLoop
            || !IsWithin(usage.Starts[0], startLoop) || !IsWithin(usage.Joins[0], joinLoop)
            || startLoop.Parent is not IBlockOperation block || joinLoop.Parent != block
            || block.Operations.IndexOf(joinLoop) != block.Operations.IndexOf(startLoop) + 1
            || startLoop.Syntax is not ForEachStatementSyntax { Type.IsVar: true }
            || OperationFacts.StripConversions(startLoop.Collection) is not ILocalReferenceOperation items
            || !SymbolEqualityComparer.Default.Equals(items.Local, handle.Collection))
        {
            return "the threads are not started by one loop over the objects and joined by the loop right after it";
        }

        var @delegate = handle.Delegate!;
        var start = usage.Starts[0];
        IOperation? argument = start.Arguments.Length == 1 ? start.Arguments[0].Value : null;
        if (argument is not null && !OperationFacts.IsStableValue(argument, root, startVariable.Symbol))
        {
            return "the argument passed to Start cannot be evaluated later with the same value";
        }

        var affinity = OperationFacts.ThreadAffinity(DelegateBody(@delegate), types);
        if (affinity is not null)
        {
            return "the thread body depends on its own thread (" + affinity + ")";
        }

        if (WorkReads(@delegate, handle.Member!, types))
        {
            return "the work reads the '" + handle.Member!.Name + "' member, which the rewrite leaves unset";
        }

        var body = BodyOf(@delegate, argument);
        if (body is null)
        {
            return "the thread delegate's shape is not supported";
        }

        if (OperationFacts.References(@delegate, handle.Collection))
        {
            return "the threads' work uses the collection of per-thread objects";
        }

        plan = new FanOutPlan(startLoop, ImmutableArray.Create<IOperation>(joinLoop, memberInitializer), startVariable.Symbol, null,
            ImmutableArray<IOperation>.Empty, ImmutableArray.Create(body), null, null, startLoop.Collection);
        return null;
    }

    /// <summary>Whether the thread's work (its body and the source methods that body calls) reads <paramref name="member"/>.</summary>
    private static bool WorkReads(IOperation @delegate, ISymbol member, KnownTypes types)
    {
        if (DelegateBody(@delegate) is null)
        {
            return true;
        }

        foreach (var operation in WorkOperations(@delegate, types))
        {
            if (operation is IMemberReferenceOperation reference && SymbolEqualityComparer.Default.Equals(reference.Member.OriginalDefinition, member.OriginalDefinition))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// The operations of a thread's work: its body, then the bodies of the source methods that body calls directly (one
    /// level: what a partition's own helpers do).
    /// </summary>
    private static IEnumerable<IOperation> WorkOperations(IOperation @delegate, KnownTypes types)
    {
        var body = DelegateBody(@delegate);
        if (body is null)
        {
            yield break;
        }

        var costModel = WorkCostModel.For(types);
        var callees = new List<IOperation>();
        var seen = new HashSet<IMethodSymbol>(SymbolEqualityComparer.Default);
        foreach (var operation in OperationFacts.Descendants(body))
        {
            if (operation is IInvocationOperation call && seen.Add(call.TargetMethod.OriginalDefinition)
                && costModel.GetBody(call.TargetMethod.OriginalDefinition, System.Threading.CancellationToken.None) is { } callee)
            {
                callees.Add(callee);
            }

            yield return operation;
        }

        foreach (var callee in callees)
        {
            foreach (var operation in OperationFacts.Descendants(callee))
            {
                yield return operation;
            }
        }
    }

    private static bool IsWithin(IOperation operation, IOperation ancestor)
    {
        for (var current = operation; current is not null; current = current.Parent)
        {
            if (current == ancestor)
            {
                return true;
            }
        }

        return false;
    }

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

        if (candidates.Count < 2)
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

        if (workers.Count < 2)
        {
            return null;
        }

        if (HaveDifferentPriorities(workers.Select(w => w.Handle), root, types))
        {
            // t1.Priority = Highest; t2.Priority = Lowest: the author wants the scheduler to favour one thread over the
            // other (a priority experiment), not one computation split in two; Parallel.Invoke would drop that.
            return null;
        }

        FanOutPlan? plan = null;
        var blocker = workers.Any(w => w.Usage.Joins.Count == 0) ? "the threads signal a CountdownEvent instead of being joined" : PlanExplicit(workers, root, types, out plan);
        return new FanOut(FanOutShape.Explicit, workers[0].Handle.Site, workers.Count.ToString(System.Globalization.CultureInfo.InvariantCulture), workers[0].Cost, "new Thread", blocker is null ? plan : null, blocker);
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
        return cost.IsCpuBound
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

    /// <summary>Joined with <c>Join</c>, or each thread signals a <c>CountdownEvent</c> the function then waits on.</summary>
    private static bool IsJoined(ThreadUsage usage, ThreadHandle handle, IOperation root, KnownTypes types)
        => usage.Joins.Count > 0 || (handle.Delegate is not null && JoinedByCountdown(handle.Delegate, root, types));

    /// <summary>
    /// <c>done.Signal()</c> in the thread body and <c>done.Wait()</c> in the function that starts the threads, on the same
    /// <c>CountdownEvent</c>: a join written without <c>Join</c>.
    /// </summary>
    private static bool JoinedByCountdown(IOperation @delegate, IOperation root, KnownTypes types)
    {
        if (@delegate is not IAnonymousFunctionOperation function)
        {
            return false;
        }

        ISymbol? signalled = null;
        foreach (var operation in OperationFacts.Descendants(function.Body, enterFunctions: false))
        {
            if (operation is not IInvocationOperation invocation)
            {
                continue;
            }

            if (IsCountdownSignal(invocation, types))
            {
                signalled = OperationFacts.ReferencedSymbol(OperationFacts.StripConversions(invocation.Instance!));
                break;
            }

            // () => CheckRange(lo, hi, done): the helper signals the event it is handed.
            if (SignalledArgument(invocation, types) is { } passed)
            {
                signalled = passed;
                break;
            }
        }

        if (signalled is null)
        {
            return false;
        }

        foreach (var operation in OperationFacts.Descendants(root, enterFunctions: false))
        {
            if (operation is IInvocationOperation { TargetMethod: { Name: "Wait", ContainingType: { Name: "CountdownEvent" } }, Instance: { } waited }
                && SymbolEqualityComparer.Default.Equals(OperationFacts.ReferencedSymbol(OperationFacts.StripConversions(waited)), signalled))
            {
                return true;
            }
        }

        return false;
    }

    private static bool IsCountdownSignal(IInvocationOperation invocation, KnownTypes types)
        => invocation is { TargetMethod: { Name: "Signal", ContainingType: { Name: "CountdownEvent" } countdown }, Instance: not null }
           && KnownTypes.Is(countdown, types.CountdownEvent);

    /// <summary>
    /// The local or field passed to a source method of this compilation that signals it (<c>Check(lo, hi, done)</c> where
    /// <c>Check</c> ends with <c>done.Signal()</c> on that parameter), or null.
    /// </summary>
    private static ISymbol? SignalledArgument(IInvocationOperation call, KnownTypes types)
    {
        var candidates = new List<(IParameterSymbol Parameter, ISymbol Passed)>();
        foreach (var argument in call.Arguments)
        {
            if (argument.Parameter is { } parameter && KnownTypes.Is(parameter.Type, types.CountdownEvent)
                && OperationFacts.StripConversions(argument.Value) is ILocalReferenceOperation or IFieldReferenceOperation
                && OperationFacts.ReferencedSymbol(OperationFacts.StripConversions(argument.Value)) is { } passed)
            {
                candidates.Add((parameter, passed));
            }
        }

        if (candidates.Count == 0
            || WorkCostModel.For(types).GetBody(call.TargetMethod.OriginalDefinition, System.Threading.CancellationToken.None) is not { } body)
        {
            return null;
        }

        foreach (var operation in OperationFacts.Descendants(body, enterFunctions: false))
        {
            if (operation is IInvocationOperation signal && IsCountdownSignal(signal, types)
                && OperationFacts.StripConversions(signal.Instance!) is IParameterReferenceOperation signalledParameter)
            {
                foreach (var (parameter, passed) in candidates)
                {
                    if (parameter.Ordinal == signalledParameter.Parameter.Ordinal)
                    {
                        return passed;
                    }
                }
            }
        }

        return null;
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
        var firstJoin = workers.SelectMany(w => w.Usage.Joins).Min(j => block.Operations.IndexOf(OperationFacts.StatementIn(j, block)!));
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

    /// <summary>How a lambda / method group becomes the body of a Parallel.* delegate.</summary>
    public static FanOutBody? BodyOf(IOperation @delegate, IOperation? argument, IOperation? dropStatement = null)
    {
        switch (@delegate)
        {
            case IAnonymousFunctionOperation function:
                if (function.Symbol.IsAsync || !function.Symbol.ReturnsVoid || function.Symbol.Parameters.Length > 1)
                {
                    return null;
                }

                var statements = function.Body.Operations
                    .Where(s => !(s is IReturnOperation { IsImplicit: true, ReturnedValue: null }))
                    .Where(s => s != dropStatement)
                    .ToImmutableArray();
                var parameter = function.Symbol.Parameters.Length == 1 ? function.Symbol.Parameters[0] : null;
                return new FanOutBody(statements, null, parameter, argument, @delegate);
            case IMethodReferenceOperation reference:
                if (!reference.Method.ReturnsVoid || reference.Method.Parameters.Length > 1 || reference.Method.IsAsync)
                {
                    return null;
                }

                return new FanOutBody(ImmutableArray<IOperation>.Empty, reference, null, argument, @delegate);
            default:
                return null;
        }
    }

    /// <summary>A local declaration whose initialisers only compute (no calls except Math, no writes, no allocation of threads).</summary>
    public static bool IsPureDeclaration(IOperation statement, KnownTypes types)
    {
        if (statement is not IVariableDeclarationGroupOperation group)
        {
            return false;
        }

        foreach (var operation in OperationFacts.Descendants(group))
        {
            switch (operation)
            {
                case IInvocationOperation invocation when !KnownTypes.Is(invocation.TargetMethod.ContainingType, types.MathType):
                case IObjectCreationOperation:
                case IAnonymousFunctionOperation:
                case ISimpleAssignmentOperation:
                case ICompoundAssignmentOperation:
                case IIncrementOrDecrementOperation:
                case IAwaitOperation:
                    return false;
            }
        }

        return true;
    }

    /// <summary>
    /// A declaration the rewrite can run inside each partition: pure (<see cref="IsPureDeclaration"/>), or one that also
    /// builds per-thread argument objects (<c>var band = new Band(progress, min, max);</c>) whose constructor only
    /// stores its parameters in the new object's own fields and properties.
    /// </summary>
    private static bool IsPerThreadDeclaration(IOperation statement, KnownTypes types)
    {
        if (IsPureDeclaration(statement, types))
        {
            return true;
        }

        if (statement is not IVariableDeclarationGroupOperation group)
        {
            return false;
        }

        foreach (var operation in OperationFacts.Descendants(group))
        {
            switch (operation)
            {
                case IObjectCreationOperation creation when IsArgumentBag(creation):
                    break;
                case ISimpleAssignmentOperation { Parent: IObjectOrCollectionInitializerOperation, Target: IMemberReferenceOperation { Instance: IInstanceReferenceOperation { ReferenceKind: InstanceReferenceKind.ImplicitReceiver } } }:
                    break;
                case IInvocationOperation invocation when !KnownTypes.Is(invocation.TargetMethod.ContainingType, types.MathType):
                case IObjectCreationOperation:
                case IAnonymousFunctionOperation:
                case ISimpleAssignmentOperation:
                case ICompoundAssignmentOperation:
                case IIncrementOrDecrementOperation:
                case IAwaitOperation:
                    return false;
            }
        }

        return true;
    }

    /// <summary>
    /// <c>new Band(progress, min, max)</c> / <c>new Job { From = a }</c> of a source class whose constructor (if any) only
    /// assigns its parameters or constants to the object's own fields and auto-properties.
    /// </summary>
    private static bool IsArgumentBag(IObjectCreationOperation creation)
    {
        if (creation.Constructor is not { } constructor || creation.Type is not INamedTypeSymbol { TypeKind: TypeKind.Class } type
            || type.DeclaringSyntaxReferences.Length == 0 || type.BaseType is { SpecialType: not SpecialType.System_Object })
        {
            return false;
        }

        if (constructor.IsImplicitlyDeclared)
        {
            return IsPlainStorage(type);
        }

        if (constructor.DeclaringSyntaxReferences.Length != 1
            || constructor.DeclaringSyntaxReferences[0].GetSyntax() is not ConstructorDeclarationSyntax { Initializer: null } declaration
            || creation.SemanticModel is not { } model
            || declaration.SyntaxTree != model.SyntaxTree
            || model.GetOperation(declaration) is not { } body)
        {
            return false;
        }

        foreach (var operation in OperationFacts.Descendants(body))
        {
            switch (operation)
            {
                case IConstructorBodyOperation:
                case IBlockOperation:
                case IExpressionStatementOperation:
                case IParameterReferenceOperation:
                case ILiteralOperation:
                case IConversionOperation:
                case IInstanceReferenceOperation:
                case IFieldReferenceOperation { Instance: IInstanceReferenceOperation }:
                case IReturnOperation { ReturnedValue: null }:
                    break;
                case IInvocationOperation { TargetMethod: { MethodKind: MethodKind.Constructor, ContainingType.SpecialType: SpecialType.System_Object } }:
                    // The implicit `: base()` call of object.
                    break;
                case IPropertyReferenceOperation { Instance: IInstanceReferenceOperation, Property: { } property } when IsAutoProperty(property):
                    break;
                case ISimpleAssignmentOperation { Target: IFieldReferenceOperation or IPropertyReferenceOperation } assignment
                    when (assignment.Target as IMemberReferenceOperation)?.Instance is IInstanceReferenceOperation:
                    break;
                default:
                    return false;
            }
        }

        return IsPlainStorage(type);
    }

    /// <summary>A class whose field initializers, if any, are constants: making one runs no other code.</summary>
    private static bool IsPlainStorage(INamedTypeSymbol type)
    {
        foreach (var member in type.GetMembers())
        {
            if (member is IFieldSymbol { IsStatic: false, IsImplicitlyDeclared: false } field
                && field.DeclaringSyntaxReferences.Length == 1
                && field.DeclaringSyntaxReferences[0].GetSyntax() is VariableDeclaratorSyntax { Initializer: { } initializer }
                && initializer.Value is not LiteralExpressionSyntax)
            {
                return false;
            }

            if (member is IPropertySymbol { IsStatic: false } property
                && property.DeclaringSyntaxReferences.Length == 1
                && property.DeclaringSyntaxReferences[0].GetSyntax() is PropertyDeclarationSyntax { Initializer: { } propertyInitializer }
                && propertyInitializer.Value is not LiteralExpressionSyntax)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// A private field of a type declared in one place, whose nested types never name it: every use of it is in the
    /// methods and accessors the thread usage walk visits.
    /// </summary>
    private static bool IsPrivateToThisFile(IFieldSymbol field)
    {
        if (field.DeclaredAccessibility != Accessibility.Private
            || field.ContainingType is not { DeclaringSyntaxReferences.Length: 1 } type
            || field.DeclaringSyntaxReferences.Length != 1
            || type.DeclaringSyntaxReferences[0].GetSyntax() is not TypeDeclarationSyntax declaration)
        {
            return false;
        }

        foreach (var member in declaration.Members)
        {
            if (member is BaseTypeDeclarationSyntax nested
                && nested.DescendantTokens().Any(t => t.IsKind(Microsoft.CodeAnalysis.CSharp.SyntaxKind.IdentifierToken) && t.ValueText == field.Name))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// <c>if (i == n - 1) end = total;</c> after <c>int end = …;</c>: a branch that only sets values declared for this thread
    /// by the statements before it, from pure expressions — it moves into the partition's body unchanged.
    /// </summary>
    private static bool IsPerThreadAdjustment(IOperation statement, IList<IOperation> declarations, KnownTypes types)
    {
        if (statement is not IConditionalOperation { Type: null } branch)
        {
            return false;
        }

        var declared = new HashSet<ILocalSymbol>(SymbolEqualityComparer.Default);
        foreach (var declaration in declarations)
        {
            foreach (var operation in OperationFacts.Descendants(declaration, enterFunctions: false))
            {
                if (operation is IVariableDeclaratorOperation declarator)
                {
                    declared.Add(declarator.Symbol);
                }
            }
        }

        foreach (var operation in OperationFacts.Descendants(branch))
        {
            switch (operation)
            {
                case IInvocationOperation invocation when !KnownTypes.Is(invocation.TargetMethod.ContainingType, types.MathType):
                case IObjectCreationOperation:
                case IAnonymousFunctionOperation:
                case IAwaitOperation:
                case IBranchOperation:
                case IReturnOperation:
                case IThrowOperation:
                case IVariableDeclarationGroupOperation:
                case ILoopOperation:
                    return false;
                case ISimpleAssignmentOperation or ICompoundAssignmentOperation or IIncrementOrDecrementOperation or ICoalesceAssignmentOperation:
                    var target = operation switch
                    {
                        IAssignmentOperation assignment => assignment.Target,
                        IIncrementOrDecrementOperation increment => increment.Target,
                        _ => null,
                    };
                    if (target is not ILocalReferenceOperation local || !declared.Contains(local.Local))
                    {
                        return false;
                    }

                    break;
            }
        }

        return true;
    }

    private static bool IsPureCollectionCreation(IOperation declaration)
    {
        foreach (var operation in OperationFacts.Descendants(declaration))
        {
            if ((operation is IInvocationOperation invocation && !IsArrayShapeRead(invocation)) || operation is IAnonymousFunctionOperation)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary><c>grid.GetLength(0)</c>, <c>GetUpperBound</c>, <c>GetLowerBound</c> on an array: reads its shape, nothing else.</summary>
    private static bool IsArrayShapeRead(IInvocationOperation invocation)
        => invocation.TargetMethod.Name is "GetLength" or "GetUpperBound" or "GetLowerBound" or "GetLongLength"
           && invocation.Instance?.Type is IArrayTypeSymbol
           && invocation.Arguments.Length == 1;

    /// <summary>
    /// Whether <c>Parallel.For(0, bound, …)</c>, which reads the thread count once before any partition runs, reads the
    /// same count as the creation loop, which reads it again before each thread is made while the earlier ones already
    /// run. The operands the rewrite accepts: what <see cref="OperationFacts.IsStableValue"/> accepts, plus fields,
    /// auto-properties and array shapes (<c>grid.GetLength(0)</c>) that the threads' own work (the delegate's body and the
    /// source methods it calls directly) never writes — nothing else runs between the creation and the join.
    /// </summary>
    internal static bool BoundKept(IOperation bound, IOperation root, IOperation @delegate, KnownTypes types)
    {
        if (OperationFacts.IsStableValue(bound, root))
        {
            return true;
        }

        HashSet<ISymbol>? written = null;
        foreach (var operation in OperationFacts.Descendants(bound))
        {
            switch (operation)
            {
                case ILiteralOperation:
                case IConversionOperation:
                case IBinaryOperation:
                case IUnaryOperation:
                case IInstanceReferenceOperation:
                case IParenthesizedOperation:
                    continue;
                case IParameterReferenceOperation parameter when parameter.Parameter.RefKind == RefKind.None:
                    continue;
                case ILocalReferenceOperation local when !local.Local.IsRef && !OperationFacts.IsWrittenAfterDeclaration(local.Local, root):
                    continue;
                case IFieldReferenceOperation field:
                    written ??= WrittenByWork(@delegate, types);
                    if (field.Field.IsReadOnly || field.Field.IsConst || !written.Contains(field.Field.OriginalDefinition))
                    {
                        continue;
                    }

                    return false;
                case IPropertyReferenceOperation { Property: { Name: "Length" or "Count" or "LongLength" }, Instance: { } }:
                    continue;
                case IPropertyReferenceOperation { Property: { IsIndexer: false } property } when IsAutoProperty(property):
                    written ??= WrittenByWork(@delegate, types);
                    if (!written.Contains(property.OriginalDefinition))
                    {
                        continue;
                    }

                    return false;
                case IInvocationOperation invocation when IsArrayShapeRead(invocation):
                    continue;
                case IArgumentOperation:
                    continue;
                default:
                    if (operation.ConstantValue.HasValue)
                    {
                        continue;
                    }

                    return false;
            }
        }

        return true;
    }

    /// <summary>A property declared in source as <c>{ get; set; }</c> / <c>{ get; }</c>: reading it runs no code.</summary>
    private static bool IsAutoProperty(IPropertySymbol property)
    {
        if (property.DeclaringSyntaxReferences.Length != 1
            || property.DeclaringSyntaxReferences[0].GetSyntax() is not PropertyDeclarationSyntax { AccessorList: { } accessors })
        {
            return false;
        }

        foreach (var accessor in accessors.Accessors)
        {
            if (accessor.Body is not null || accessor.ExpressionBody is not null)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>The fields and properties the thread's work writes: in its body and in the source methods that body calls.</summary>
    private static HashSet<ISymbol> WrittenByWork(IOperation @delegate, KnownTypes types)
    {
        var written = new HashSet<ISymbol>(SymbolEqualityComparer.Default);
        foreach (var operation in WorkOperations(@delegate, types))
        {
            switch (operation)
            {
                case IFieldReferenceOperation field when OperationFacts.IsWrite(field):
                    written.Add(field.Field.OriginalDefinition);
                    break;
                case IPropertyReferenceOperation property when OperationFacts.IsWrite(property):
                    written.Add(property.Property.OriginalDefinition);
                    break;
            }
        }

        return written;
    }

    public static string Describe(IOperation count)
    {
        var value = OperationFacts.StripConversions(count);
        if (value.ConstantValue.HasValue && value.ConstantValue.Value is not null)
        {
            return System.Convert.ToString(value.ConstantValue.Value, System.Globalization.CultureInfo.InvariantCulture) ?? value.Syntax.ToString();
        }

        return "'" + value.Syntax + "'";
    }


    /// <summary>
    /// Where one thread goes: a <c>new Thread(...)</c> (or a helper call returning one) stored into an array / list /
    /// dictionary / queue element in a loop, or into an explicit local.
    /// </summary>
    private sealed class ThreadHandle
    {
        private ThreadHandle(IOperation site, IOperation? @delegate, ILoopOperation? loop, ILoopOperation? outerLoop, ISymbol? collection, ILocalSymbol? local, IOperation? declaration, bool startedByHelper, string? shapeBlocker, IOperation? queryRoot = null, string? queryCount = null)
        {
            QueryRoot = queryRoot;
            QueryCount = queryCount;
            Site = site;
            Delegate = @delegate;
            Loop = loop;
            OuterLoop = outerLoop;
            Collection = collection;
            Local = local;
            Declaration = declaration;
            StartedByHelper = startedByHelper;
            ShapeBlocker = shapeBlocker;
        }

        /// <summary>The <c>new Thread(...)</c>, or the call of the helper that makes the thread: where the diagnostic goes.</summary>
        public IOperation Site { get; }

        public IOperation? Delegate { get; }

        public ILoopOperation? Loop { get; }

        /// <summary>A loop around the creation loop (the fan-out repeats, e.g. once per generation or frame).</summary>
        public ILoopOperation? OuterLoop { get; }

        /// <summary>The array, list, dictionary... (a local, or a field of the type) the loop puts the threads in.</summary>
        public ISymbol? Collection { get; }

        /// <summary>The local the thread is stored in (explicit threads, or the loop's temporary).</summary>
        public ILocalSymbol? Local { get; }

        /// <summary>Explicit shape: the declaration statement of <see cref="Local"/>.</summary>
        public IOperation? Declaration { get; }

        /// <summary>Threads made by a LINQ <c>Select</c>: the function that holds the query (where they are started and joined).</summary>
        public IOperation? QueryRoot { get; }

        /// <summary>The thread is this property / field of each object stored in <see cref="Collection"/>.</summary>
        public ISymbol? Member { get; private set; }

        /// <summary>
        /// The only thing that kept the rewrite away when the handle was made: the thread is a member of per-thread objects
        /// (<see cref="Member"/>), which <see cref="PlanHolders"/> may still rewrite.
        /// </summary>
        public bool HeldByMember { get; private set; }

        /// <summary>How many threads the query makes, as written.</summary>
        public string? QueryCount { get; }

        /// <summary>The helper (or the query's selector) that makes the thread also starts it.</summary>
        public bool StartedByHelper { get; }

        /// <summary>Why the shape itself (a field, a helper, a named thread...) keeps the rewrite from being offered.</summary>
        public string? ShapeBlocker { get; }

        public static ThreadHandle? Create(IOperation site, IOperation root, KnownTypes types, WorkCostModel costModel)
        {
            if (site is IInvocationOperation call && !OperationFacts.IsThread(call.TargetMethod.ReturnType, types))
            {
                return CreateFromCollectionHelper(call, root, types, costModel);
            }

            if (!TryResolveSiteDelegate(site, root, types, costModel, out var @delegate, out var startedByHelper, out var shapeBlocker))
            {
                return null;
            }

            var loop = OperationFacts.EnclosingLoop(site, root);
            var parent = site.Parent;
            while (parent is IConversionOperation)
            {
                parent = parent.Parent;
            }

            WhereKept(parent, loop, ref shapeBlocker, out var collection, out var local, out var declaration, out var member, out var heldByMember);
            if (loop is null && root is IAnonymousFunctionOperation selector && TryQuery(selector, site, parent, local, out var query))
            {
                return new ThreadHandle(site, @delegate, null, null, query.Collection, null, null, query.Started, shapeBlocker ?? "the threads are made by a LINQ query", query.Root, query.Count);
            }

            if (collection is null && local is null)
            {
                // new Thread(...).Start() in a loop: kept nowhere, so only a CountdownEvent the threads signal can join them.
                return loop is not null && parent is IInvocationOperation { TargetMethod: { Name: "Start" } } started && started.Instance is not null
                       && OperationFacts.StripConversions(started.Instance) == site && @delegate is not null && JoinedByCountdown(@delegate, root, types)
                    ? new ThreadHandle(site, @delegate, loop, OperationFacts.EnclosingLoop(loop, root), null, null, null, startedByHelper, shapeBlocker ?? "the threads are kept nowhere")
                    : null;
            }

            if (loop is not null && collection is null)
            {
                // var t = new Thread(...); threads.Add(t); / threads[i] = t; / workers[t] = state; inside the loop.
                collection = CollectionOfLocal(loop.Body, local!);
                if (collection is null)
                {
                    // var t = new Thread(...); t.Start(); kept nowhere: joined only through a CountdownEvent the threads signal.
                    return @delegate is not null && JoinedByCountdown(@delegate, root, types)
                        ? new ThreadHandle(site, @delegate, loop, OperationFacts.EnclosingLoop(loop, root), null, local, null, startedByHelper, shapeBlocker ?? "the threads are kept nowhere")
                        : null;
                }
            }

            shapeBlocker ??= CollectionBlocker(collection);
            ILoopOperation? outerLoop = null;
            if (loop is not null)
            {
                outerLoop = OperationFacts.EnclosingLoop(loop, root);
                if (outerLoop is not null)
                {
                    if (collection is IFieldSymbol)
                    {
                        // Nested creation loops filling one field: not a simple partitioning.
                        return null;
                    }

                    shapeBlocker ??= "the fan-out is repeated inside an outer loop";
                }
            }

            return new ThreadHandle(site, @delegate, loop, outerLoop, collection, local, declaration, startedByHelper, shapeBlocker) { Member = member, HeldByMember = heldByMember };
        }

        /// <summary>
        /// The delegate a creation site runs (<c>new Thread(delegate)</c> or a helper returning a started or unstarted
        /// thread), whether the helper starts it, and why the shape blocks the rewrite; false when it is no plain worker thread.
        /// </summary>
        private static bool TryResolveSiteDelegate(IOperation site, IOperation root, KnownTypes types, WorkCostModel costModel, out IOperation? @delegate, out bool startedByHelper, out string? shapeBlocker)
        {
            @delegate = null;
            startedByHelper = false;
            shapeBlocker = null;
            if (site is IObjectCreationOperation creation)
            {
                if (!IsPlainWorkerCreation(creation, out shapeBlocker))
                {
                    return false;
                }

                @delegate = ResolveDelegate(creation.Arguments[0].Value, root, ref shapeBlocker);
                return true;
            }

            if (site is IInvocationOperation call && Helper.TryResolve(call, types, costModel, out @delegate, out startedByHelper))
            {
                shapeBlocker = "the threads are made by the helper '" + call.TargetMethod.Name + "'";
                return true;
            }

            return false;
        }

        /// <summary>
        /// Where the created thread is kept, read from the operation that receives it: a member of per-thread objects
        /// stored in a collection, an element of an array, indexer or store call's collection, or a local.
        /// </summary>
        private static void WhereKept(IOperation? parent, ILoopOperation? loop, ref string? shapeBlocker, out ISymbol? collection, out ILocalSymbol? local, out IOperation? declaration, out ISymbol? member, out bool heldByMember)
        {
            collection = null;
            local = null;
            declaration = null;
            member = null;
            heldByMember = false;
            switch (parent)
            {
                case ISimpleAssignmentOperation { Target: IMemberReferenceOperation { Member: IPropertySymbol or IFieldSymbol } held, Parent: IObjectOrCollectionInitializerOperation { Parent: IObjectCreationOperation holder } }
                    when loop is not null && StoredInto(holder) is { } holders:
                    // list.Add(new WorkerState { Id = i, Thread = new Thread(Run) }): the thread is a member of each stored object.
                    collection = holders;
                    member = held.Member;
                    heldByMember = shapeBlocker is null;
                    shapeBlocker ??= "the threads are kept in the '" + held.Member.Name + "' member of per-thread objects";
                    break;
                case ISimpleAssignmentOperation { Target: IArrayElementReferenceOperation element }:
                    collection = Storage(element.ArrayReference);
                    break;
                case ISimpleAssignmentOperation { Target: IPropertyReferenceOperation { Property: { IsIndexer: true } } indexer }:
                    collection = Storage(indexer.Instance);
                    break;
                case IArgumentOperation { Parent: IInvocationOperation store } when IsStoreMethod(store.TargetMethod.Name):
                    collection = Storage(store.Instance);
                    break;
                case IVariableInitializerOperation { Parent: IVariableDeclaratorOperation declarator }:
                    local = declarator.Symbol;
                    declaration = declarator.Parent?.Parent;
                    break;
                case ISimpleAssignmentOperation { Target: ILocalReferenceOperation assigned }:
                    local = assigned.Local;
                    break;
            }
        }

        /// <summary>Why the collection the threads are kept in blocks the rewrite (a field other files reach, a list field, an unusual collection), or null.</summary>
        private static string? CollectionBlocker(ISymbol? collection)
        {
            if (collection is IFieldSymbol field && !IsPrivateToThisFile(field))
            {
                // The uses of a private field are all in this file's part of the type, where the thread usage is followed;
                // any other field can be used where nothing checks it.
                return "the threads are kept in the field '" + field.Name + "', which code in other files can reach";
            }

            if (collection is IFieldSymbol arrayField && arrayField.Type is not IArrayTypeSymbol)
            {
                // An array field keeps its length when its elements are no longer set; a list field would stay empty.
                return "the threads are added to the field '" + arrayField.Name + "', whose count the rewrite would change";
            }

            if (collection is ILocalSymbol collectionLocal && !IsListOrArray(collectionLocal.Type))
            {
                return "the threads are kept in a " + collectionLocal.Type.Name;
            }

            return null;
        }

        /// <summary>
        /// <c>var workers = StartWorkers(n);</c> where the helper creates (and usually starts) one thread per iteration of a
        /// loop, puts them in a local collection and returns it: the caller's local is the thread collection, joined there.
        /// </summary>
        private static ThreadHandle? CreateFromCollectionHelper(IInvocationOperation call, IOperation root, KnownTypes types, WorkCostModel costModel)
        {
            if (OperationFacts.EnclosingLoop(call, root) is not null
                || !Helper.TryResolveCollection(call, types, costModel, out var @delegate, out var started))
            {
                return null;
            }

            var parent = call.Parent;
            while (parent is IConversionOperation)
            {
                parent = parent.Parent;
            }

            ISymbol? collection = parent switch
            {
                IVariableInitializerOperation { Parent: IVariableDeclaratorOperation declarator } => declarator.Symbol,
                ISimpleAssignmentOperation { Target: ILocalReferenceOperation local } => local.Local,
                ISimpleAssignmentOperation { Target: IFieldReferenceOperation { Instance: null or IInstanceReferenceOperation } field } => field.Field,
                _ => null,
            };
            if (collection is null)
            {
                return null;
            }

            return new ThreadHandle(call, @delegate, null, null, collection, null, null, started,
                "the threads are made by the helper '" + call.TargetMethod.Name + "'", root, "several");
        }

        /// <summary>The collection an object is stored into right where it is created: <c>states.Add(new State { ... })</c>.</summary>
        private static ISymbol? StoredInto(IOperation created)
        {
            var parent = created.Parent;
            while (parent is IConversionOperation)
            {
                parent = parent.Parent;
            }

            return parent switch
            {
                IArgumentOperation { Parent: IInvocationOperation store } when IsStoreMethod(store.TargetMethod.Name) => Storage(store.Instance),
                ISimpleAssignmentOperation { Target: IArrayElementReferenceOperation element } => Storage(element.ArrayReference),
                ISimpleAssignmentOperation { Target: IPropertyReferenceOperation { Property: { IsIndexer: true } } indexer } => Storage(indexer.Instance),
                _ => null,
            };
        }

        /// <summary>
        /// A thread built to be a plain worker: one start delegate (no custom stack size), no object initializer except
        /// a name or a priority (which only the rewrite cares about).
        /// </summary>
        public static bool IsPlainWorkerCreation(IObjectCreationOperation creation, out string? shapeBlocker)
        {
            shapeBlocker = null;
            if (creation.Arguments.Length != 1)
            {
                // new Thread(start, maxStackSize): a custom stack size is deliberate.
                return false;
            }

            if (creation.Initializer is { } initializer)
            {
                // new Thread(...) { IsBackground = true, ... }: background / configured threads are not plain workers.
                foreach (var member in initializer.Initializers)
                {
                    if (member is not ISimpleAssignmentOperation { Target: IPropertyReferenceOperation { Property: { Name: "Name" or "Priority" } } })
                    {
                        return false;
                    }
                }

                // A name only labels the thread for a debugger: pool threads have none, and a body that reads its own
                // thread is refused by the thread-affinity check. A priority changes scheduling: the fix keeps away.
                if (initializer.Initializers.Any(m => m is ISimpleAssignmentOperation { Target: IPropertyReferenceOperation { Property.Name: "Priority" } }))
                {
                    shapeBlocker = "the threads are given a priority";
                }
            }

            return true;
        }

        /// <summary>
        /// The selector of <c>Enumerable.Range(0, n).Select(i =&gt; new Thread(...)).ToList()</c> (or <c>.ToArray()</c>) stored
        /// into a local or a field: the threads' collection, how many, and whether the selector starts them.
        /// </summary>
        private static bool TryQuery(IAnonymousFunctionOperation selector, IOperation site, IOperation? parent, ILocalSymbol? local, out (ISymbol Collection, IOperation Root, string Count, bool Started) query)
        {
            query = default;
            var returned = parent is IReturnOperation returnedSite && OperationFacts.StripConversions(returnedSite.ReturnedValue!) == site;
            var started = false;
            if (!returned && local is not null)
            {
                foreach (var operation in OperationFacts.Descendants(selector.Body, enterFunctions: false))
                {
                    if (operation is IReturnOperation { ReturnedValue: { } value } && OperationFacts.StripConversions(value) is ILocalReferenceOperation back
                        && SymbolEqualityComparer.Default.Equals(back.Local, local))
                    {
                        returned = true;
                    }
                    else if (operation is IInvocationOperation { TargetMethod: { Name: "Start" }, Instance: ILocalReferenceOperation startedLocal }
                             && SymbolEqualityComparer.Default.Equals(startedLocal.Local, local))
                    {
                        started = true;
                    }
                }
            }

            if (!returned)
            {
                return false;
            }

            IOperation current = selector;
            while (current.Parent is IDelegateCreationOperation || current.Parent is IConversionOperation)
            {
                current = current.Parent;
            }

            if (current.Parent is not IArgumentOperation { Parent: IInvocationOperation { TargetMethod: { Name: "Select" } } select } || select.Arguments.Length != 2)
            {
                return false;
            }

            var count = "several";
            if (OperationFacts.StripConversions(select.Arguments[0].Value) is IInvocationOperation { TargetMethod: { Name: "Range" } } range
                && range.Arguments.Length == 2
                && OperationFacts.StripConversions(range.Arguments[0].Value).ConstantValue is { HasValue: true, Value: 0 })
            {
                count = Describe(range.Arguments[1].Value);
            }

            current = select;
            while (true)
            {
                var up = current.Parent;
                while (up is IConversionOperation)
                {
                    current = up;
                    up = up.Parent;
                }

                if (up is IArgumentOperation { Parent: IInvocationOperation { TargetMethod: { Name: "ToList" or "ToArray" } } materialised })
                {
                    current = materialised;
                    continue;
                }

                ISymbol? collection = up switch
                {
                    IVariableInitializerOperation { Parent: IVariableDeclaratorOperation declarator } => declarator.Symbol,
                    ISimpleAssignmentOperation assignment when assignment.Value == current => Storage(assignment.Target),
                    _ => null,
                };
                if (collection is null || current == select)
                {
                    // A lazy query re-creates the threads each time it is enumerated: not followed.
                    return false;
                }

                query = (collection, OperationFacts.FunctionRoot(selector), count, started);
                return true;
            }
        }

        /// <summary>The lambda or method group a thread runs; a local holding one (never reassigned) is followed.</summary>
        private static IOperation? ResolveDelegate(IOperation argument, IOperation root, ref string? shapeBlocker)
        {
            var direct = OperationFacts.UnwrapDelegate(argument);
            if (direct is not null)
            {
                return direct;
            }

            var value = OperationFacts.StripConversions(argument);
            if (value is IDelegateCreationOperation wrapped)
            {
                value = OperationFacts.StripConversions(wrapped.Target);
            }

            if (value is ILocalReferenceOperation reference && !OperationFacts.IsWrittenAfterDeclaration(reference.Local, root))
            {
                foreach (var operation in OperationFacts.Descendants(root, enterFunctions: false))
                {
                    if (operation is IVariableDeclaratorOperation declarator
                        && SymbolEqualityComparer.Default.Equals(declarator.Symbol, reference.Local)
                        && declarator.Initializer is { } initializer)
                    {
                        shapeBlocker ??= "the thread's delegate is held in the local '" + reference.Local.Name + "'";
                        return OperationFacts.UnwrapDelegate(initializer.Value);
                    }
                }
            }

            return null;
        }

        /// <summary>A local, or a field of this instance / type, holding the threads.</summary>
        public static ISymbol? Storage(IOperation? instance)
        {
            switch (instance is null ? null : OperationFacts.StripConversions(instance))
            {
                case ILocalReferenceOperation local:
                    return local.Local;
                case IFieldReferenceOperation { Instance: null or IInstanceReferenceOperation } field:
                    return field.Field;
                default:
                    return null;
            }
        }

        public static bool IsStoreMethod(string name)
            => name == "Add" || name == "Enqueue" || name == "Push" || name == "TryAdd" || name == "Insert" || name == "AddLast" || name == "AddFirst";

        private static bool IsListOrArray(ITypeSymbol type)
            => type is IArrayTypeSymbol || type is INamedTypeSymbol { Name: "List", Arity: 1 };

        private static ISymbol? CollectionOfLocal(IOperation loopBody, ILocalSymbol local)
        {
            foreach (var operation in OperationFacts.Descendants(loopBody, enterFunctions: false))
            {
                if (operation is not ILocalReferenceOperation reference || !SymbolEqualityComparer.Default.Equals(reference.Local, local))
                {
                    continue;
                }

                IOperation current = reference;
                while (current.Parent is IConversionOperation)
                {
                    current = current.Parent;
                }

                switch (current.Parent)
                {
                    case IArgumentOperation { Parent: IInvocationOperation store } when IsStoreMethod(store.TargetMethod.Name):
                        return Storage(store.Instance);
                    case IArgumentOperation { Parent: IPropertyReferenceOperation { Property: { IsIndexer: true } } keyed }
                        when keyed.Parent is ISimpleAssignmentOperation keyAssignment && keyAssignment.Target == keyed:
                        return Storage(keyed.Instance);
                    case ISimpleAssignmentOperation { Target: IArrayElementReferenceOperation element } assignment when assignment.Value == current:
                        return Storage(element.ArrayReference);
                    case ISimpleAssignmentOperation { Target: IPropertyReferenceOperation { Property: { IsIndexer: true } } indexer } assignment when assignment.Value == current:
                        return Storage(indexer.Instance);
                }
            }

            return null;
        }
    }

    /// <summary>
    /// A small method of the compilation that makes a worker thread and returns it (and may start it):
    /// <c>Thread Spawn(int id) { var t = new Thread(() =&gt; Work(id)); t.Start(); return t; }</c>.
    /// </summary>
    private static class Helper
    {
        /// <summary>
        /// A helper that returns a local collection of threads, each made by the one <c>new Thread(...)</c> in a loop of its
        /// body and stored in that collection (<c>list.Add(t)</c>, <c>array[i] = ...</c>); plain workers only.
        /// </summary>
        public static bool TryResolveCollection(IInvocationOperation call, KnownTypes types, WorkCostModel costModel, out IOperation? @delegate, out bool started)
        {
            @delegate = null;
            started = false;
            var method = call.TargetMethod;
            var body = costModel.GetBody(method.OriginalDefinition, System.Threading.CancellationToken.None);
            if (body is null)
            {
                return false;
            }

            IObjectCreationOperation? creation = null;
            ISymbol? returned = null;
            foreach (var operation in OperationFacts.Descendants(body, enterFunctions: false))
            {
                switch (operation)
                {
                    case IObjectCreationOperation candidate when OperationFacts.IsThread(candidate.Type, types):
                        if (creation is not null)
                        {
                            return false;
                        }

                        creation = candidate;
                        break;
                    case IReturnOperation { ReturnedValue: { } value }:
                        if (OperationFacts.StripConversions(value) is not ILocalReferenceOperation back
                            || (returned is not null && !SymbolEqualityComparer.Default.Equals(returned, back.Local)))
                        {
                            return false;
                        }

                        returned = back.Local;
                        break;
                    case IInvocationOperation { TargetMethod: { Name: "SetApartmentState" or "TrySetApartmentState" } }:
                    case IPropertyReferenceOperation { Property: { Name: "IsBackground" or "ApartmentState" } }:
                        return false;
                    case IInvocationOperation { TargetMethod: { Name: "Start" } } start when OperationFacts.IsThread(start.Instance?.Type, types):
                        started = true;
                        break;
                }
            }

            if (creation is null || returned is null || !ThreadHandle.IsPlainWorkerCreation(creation, out _)
                || OperationFacts.EnclosingLoop(creation, body) is not { } loop)
            {
                return false;
            }

            // The creation goes into the returned collection, directly or through a per-iteration local.
            var parent = creation.Parent;
            while (parent is IConversionOperation)
            {
                parent = parent.Parent;
            }

            var store = parent switch
            {
                ISimpleAssignmentOperation { Target: IArrayElementReferenceOperation element } => ThreadHandle.Storage(element.ArrayReference),
                ISimpleAssignmentOperation { Target: IPropertyReferenceOperation { Property: { IsIndexer: true } } indexer } => ThreadHandle.Storage(indexer.Instance),
                IArgumentOperation { Parent: IInvocationOperation add } when ThreadHandle.IsStoreMethod(add.TargetMethod.Name) => ThreadHandle.Storage(add.Instance),
                IVariableInitializerOperation { Parent: IVariableDeclaratorOperation declarator } => StoredLocal(loop.Body, declarator.Symbol),
                ISimpleAssignmentOperation { Target: ILocalReferenceOperation assigned } => StoredLocal(loop.Body, assigned.Local),
                _ => null,
            };
            if (!SymbolEqualityComparer.Default.Equals(store, returned))
            {
                return false;
            }

            var argument = creation.Arguments[0].Value;
            @delegate = OperationFacts.UnwrapDelegate(argument);
            return @delegate is not null;
        }

        /// <summary>The collection a per-iteration thread local is added to: <c>list.Add(t)</c> / <c>array[i] = t</c>.</summary>
        private static ISymbol? StoredLocal(IOperation loopBody, ILocalSymbol local)
        {
            foreach (var operation in OperationFacts.Descendants(loopBody, enterFunctions: false))
            {
                if (operation is not ILocalReferenceOperation reference || !SymbolEqualityComparer.Default.Equals(reference.Local, local))
                {
                    continue;
                }

                switch (reference.Parent)
                {
                    case IArgumentOperation { Parent: IInvocationOperation add } when ThreadHandle.IsStoreMethod(add.TargetMethod.Name):
                        return ThreadHandle.Storage(add.Instance);
                    case ISimpleAssignmentOperation { Target: IArrayElementReferenceOperation element } assignment when assignment.Value == reference:
                        return ThreadHandle.Storage(element.ArrayReference);
                }
            }

            return null;
        }

        public static bool TryResolve(IInvocationOperation call, KnownTypes types, WorkCostModel costModel, out IOperation? @delegate, out bool started)
        {
            @delegate = null;
            started = false;
            var method = call.TargetMethod;
            var body = costModel.GetBody(method.OriginalDefinition, System.Threading.CancellationToken.None);
            if (body is null)
            {
                return false;
            }

            var returns = new List<IOperation>();
            var creation = SingleThreadCreation(body, types, returns);
            if (creation is null || !ThreadHandle.IsPlainWorkerCreation(creation, out _))
            {
                return false;
            }

            // An expression-bodied helper: `Thread Make(int i) => new Thread(...);`
            if (returns.Count == 0 && OperationFacts.StripConversions(body) == creation)
            {
                returns.Add(creation);
            }

            var parent = creation.Parent;
            while (parent is IConversionOperation)
            {
                parent = parent.Parent;
            }

            var local = parent switch
            {
                IVariableInitializerOperation { Parent: IVariableDeclaratorOperation declarator } => declarator.Symbol,
                ISimpleAssignmentOperation { Target: ILocalReferenceOperation assigned } => assigned.Local,
                _ => null,
            };
            if (returns.Count == 0
                || !returns.All(r => r == creation || (local is not null && r is ILocalReferenceOperation l && SymbolEqualityComparer.Default.Equals(l.Local, local))))
            {
                return false;
            }

            if (local is not null && !IsPlainlyStarted(body, local, ref started))
            {
                return false;
            }

            @delegate = CreationDelegate(call, creation);
            return @delegate is not null;
        }

        /// <summary>The helper's one <c>new Thread(...)</c> (null when there are none or several), collecting its returned values into <paramref name="returns"/>.</summary>
        private static IObjectCreationOperation? SingleThreadCreation(IOperation body, KnownTypes types, List<IOperation> returns)
        {
            IObjectCreationOperation? creation = null;
            foreach (var operation in OperationFacts.Descendants(body, enterFunctions: false))
            {
                switch (operation)
                {
                    case IObjectCreationOperation candidate when OperationFacts.IsThread(candidate.Type, types):
                        if (creation is not null)
                        {
                            return null;
                        }

                        creation = candidate;
                        break;
                    case IReturnOperation { ReturnedValue: { } value }:
                        returns.Add(OperationFacts.StripConversions(value));
                        break;
                }
            }

            return creation;
        }

        /// <summary>
        /// Whether the helper's thread local is used plainly: false when the helper sets its apartment or background flag;
        /// sets <paramref name="started"/> when the helper starts it.
        /// </summary>
        private static bool IsPlainlyStarted(IOperation body, ILocalSymbol local, ref bool started)
        {
            foreach (var operation in OperationFacts.Descendants(body))
            {
                if (operation is not ILocalReferenceOperation reference || !SymbolEqualityComparer.Default.Equals(reference.Local, local))
                {
                    continue;
                }

                switch (reference.Parent)
                {
                    case IInvocationOperation { TargetMethod: { Name: "Start" } } start when start.Instance == reference:
                        started = true;
                        break;
                    case IInvocationOperation { TargetMethod: { Name: "SetApartmentState" or "TrySetApartmentState" } }:
                        return false;
                    case IPropertyReferenceOperation { Property: { Name: "IsBackground" or "ApartmentState" } }:
                        return false;
                }
            }

            return true;
        }

        /// <summary>The delegate the helper's thread runs: its own, or the caller's when the helper passes a delegate parameter on.</summary>
        private static IOperation? CreationDelegate(IInvocationOperation call, IObjectCreationOperation creation)
        {
            var argument = creation.Arguments[0].Value;
            var @delegate = OperationFacts.UnwrapDelegate(argument);
            if (@delegate is null
                && OperationFacts.StripConversions(argument) is IParameterReferenceOperation parameter
                && SymbolEqualityComparer.Default.Equals(parameter.Parameter.ContainingSymbol, call.TargetMethod.OriginalDefinition))
            {
                // Thread Spawn(ThreadStart work) { ... new Thread(work) ... }: the caller's delegate runs.
                var passed = call.Arguments.FirstOrDefault(a => a.Parameter is { } p && p.Ordinal == parameter.Parameter.Ordinal);
                @delegate = passed is null ? null : OperationFacts.UnwrapDelegate(passed.Value);
            }

            return @delegate;
        }
    }

    /// <summary>Everything done with the threads of one handle in the function: starts, joins, configuration.</summary>
    private sealed class ThreadUsage
    {
        public List<IInvocationOperation> Starts { get; } = new List<IInvocationOperation>();

        public List<IInvocationOperation> Joins { get; } = new List<IInvocationOperation>();

        /// <summary>Background, STA, message-loop threads: not CPU workers at all (no diagnostic).</summary>
        public bool NotACpuWorker { get; set; }

        public string? FixBlocker { get; set; }

        /// <summary>Statements in the creation loop that only start the thread or add it to the list.</summary>
        public HashSet<IOperation> LoopBookkeeping { get; } = new HashSet<IOperation>();

        /// <summary>Start / join statements (or single-purpose loops) outside the creation loop.</summary>
        public List<IOperation> OutsideStatements { get; } = new List<IOperation>();

        public IOperation? StartArgumentInLoop { get; set; }

        public bool HasStartArgumentOutsideLoop { get; set; }

        public IOperation? CollectionDeclaration { get; set; }

        public static ThreadUsage Collect(ThreadHandle handle, IOperation root, KnownTypes types)
        {
            var collector = new Collector(handle, types);
            collector.Run(root);
            var usage = collector.Usage;
            foreach (var expression in collector.ThreadExpressions)
            {
                usage.Classify(expression, handle, types);
            }

            return usage;
        }

        /// <summary>
        /// Follows the threads from where they are stored to where they are started and joined: elements of the
        /// collection, foreach variables, <c>Keys</c> / <c>Values</c> / <c>Key</c>, <c>Dequeue()</c>, <c>ToArray()</c>,
        /// lambda parameters of <c>ForEach(t =&gt; t.Join())</c>, helpers that take the collection (<c>JoinAll(threads)</c>).
        /// Only the shapes the rewrite knows leave <see cref="FixBlocker"/> unset.
        /// </summary>
        private sealed class Collector
        {
            private const int MaxExtraScopes = 4;
            private readonly ThreadHandle _handle;
            private readonly KnownTypes _types;
            private readonly HashSet<ISymbol> _threadSymbols = new HashSet<ISymbol>(SymbolEqualityComparer.Default);
            private readonly HashSet<ISymbol> _containerSymbols = new HashSet<ISymbol>(SymbolEqualityComparer.Default);
            private readonly HashSet<ISymbol> _holderSymbols = new HashSet<ISymbol>(SymbolEqualityComparer.Default);
            private readonly HashSet<IOperation> _seenThreads = new HashSet<IOperation>();
            private readonly HashSet<IOperation> _seenContainers = new HashSet<IOperation>();
            private readonly List<IOperation> _extraScopes = new List<IOperation>();

            public Collector(ThreadHandle handle, KnownTypes types)
            {
                _handle = handle;
                _types = types;
                if (handle.Collection is not null)
                {
                    _containerSymbols.Add(handle.Collection);
                }

                if (handle.Local is not null)
                {
                    _threadSymbols.Add(handle.Local);
                }
            }

            public ThreadUsage Usage { get; } = new ThreadUsage();

            public List<IOperation> ThreadExpressions { get; } = new List<IOperation>();

            private string CollectionBlocker => "the thread collection '" + (_handle.Collection?.Name ?? "?") + "' is used for more than starting and joining";

            public void Run(IOperation root)
            {
                var all = new List<IOperation>();
                foreach (var scope in Scopes(root))
                {
                    all.AddRange(OperationFacts.Descendants(scope));
                }

                // The creation stored and started in one expression: (threads[i] = new Thread(...)).Start();
                var parent = _handle.Site.Parent;
                while (parent is IConversionOperation)
                {
                    parent = parent.Parent;
                }

                if (parent is ISimpleAssignmentOperation stored && stored.Parent is IInvocationOperation started && started.Instance == stored)
                {
                    AddThread(stored);
                }
                else if (parent is IInvocationOperation { TargetMethod: { Name: "Start" } } direct && direct.Instance is not null
                         && OperationFacts.StripConversions(direct.Instance) == _handle.Site)
                {
                    // new Thread(...).Start(): the creation itself is the only reference to the thread.
                    AddThread(_handle.Site);
                }

                var scopesAdded = 0;
                for (var pass = 0; pass < 4; pass++)
                {
                    var known = _threadSymbols.Count + _containerSymbols.Count + _holderSymbols.Count;
                    foreach (var operation in all)
                    {
                        if (operation is IVariableDeclaratorOperation declarator)
                        {
                            if (SymbolEqualityComparer.Default.Equals(declarator.Symbol, _handle.Collection))
                            {
                                Usage.CollectionDeclaration = declarator.Parent?.Parent;
                            }

                            continue;
                        }

                        var symbol = Referenced(operation);
                        if (symbol is null)
                        {
                            continue;
                        }

                        if (_holderSymbols.Contains(symbol))
                        {
                            Holder(operation);
                        }
                        else if (_containerSymbols.Contains(symbol))
                        {
                            Container(operation, SymbolEqualityComparer.Default.Equals(symbol, _handle.Collection));
                        }
                        else if (_threadSymbols.Contains(symbol) && !OperationFacts.IsWrite(operation))
                        {
                            AddThread(operation);
                        }
                    }

                    while (scopesAdded < _extraScopes.Count)
                    {
                        all.AddRange(OperationFacts.Descendants(_extraScopes[scopesAdded++]));
                    }

                    if (known == _threadSymbols.Count + _containerSymbols.Count + _holderSymbols.Count && scopesAdded == _extraScopes.Count && pass > 0)
                    {
                        break;
                    }
                }

                ThreadExpressions.Sort((a, b) => a.Syntax.SpanStart.CompareTo(b.Syntax.SpanStart));
            }

            /// <summary>The function, or for threads kept in a field every method and accessor of the type (in this file).</summary>
            private IEnumerable<IOperation> Scopes(IOperation root)
            {
                if (_handle.Collection is not IFieldSymbol field || _handle.Site.SemanticModel is not { } model)
                {
                    yield return root;
                    yield break;
                }

                var tree = _handle.Site.Syntax.SyntaxTree;
                foreach (var reference in field.ContainingType.DeclaringSyntaxReferences)
                {
                    if (reference.SyntaxTree != tree || reference.GetSyntax() is not TypeDeclarationSyntax type)
                    {
                        continue;
                    }

                    foreach (var member in type.Members)
                    {
                        switch (member)
                        {
                            case BaseMethodDeclarationSyntax method when model.GetOperation(method) is { } body:
                                yield return body;
                                break;
                            case BasePropertyDeclarationSyntax { AccessorList: { } accessors }:
                                foreach (var accessor in accessors.Accessors)
                                {
                                    if (model.GetOperation(accessor) is { } accessorBody)
                                    {
                                        yield return accessorBody;
                                    }
                                }

                                break;
                        }
                    }
                }
            }

            private static ISymbol? Referenced(IOperation operation) => operation switch
            {
                ILocalReferenceOperation local => local.Local,
                IParameterReferenceOperation parameter => parameter.Parameter,
                IFieldReferenceOperation { Instance: null or IInstanceReferenceOperation } field => field.Field,
                _ => null,
            };

            private void AddThread(IOperation expression)
            {
                if (_seenThreads.Add(expression))
                {
                    ThreadExpressions.Add(expression);
                }
            }

            private void Block() => Usage.FixBlocker ??= CollectionBlocker;

            /// <summary>Follows one use of a thread container: to the threads and containers it yields, or blocks the rewrite.</summary>
            private void Container(IOperation expression, bool isCollection)
            {
                if (!_seenContainers.Add(expression))
                {
                    return;
                }

                var outer = expression;
                while (outer.Parent is IConversionOperation)
                {
                    outer = outer.Parent;
                }

                switch (outer.Parent)
                {
                    case IArrayElementReferenceOperation element when element.ArrayReference == outer:
                        Derived(element, legacy: isCollection);
                        break;
                    case IPropertyReferenceOperation property when property.Instance == outer:
                        if (!property.Property.IsIndexer && (property.Property.Name == "Length" || property.Property.Name == "Count"))
                        {
                            break;
                        }

                        Derived(property, legacy: isCollection && property.Property.IsIndexer);
                        break;
                    case IInvocationOperation invocation when invocation.Instance == outer:
                        if (ThreadHandle.IsStoreMethod(invocation.TargetMethod.Name))
                        {
                            // threads.Add(...) / queue.Enqueue(...): the creation loop's bookkeeping, seen from the thread's side.
                            break;
                        }

                        Invocation(invocation, null);
                        break;
                    case IArgumentOperation { Parent: IInvocationOperation invocation } argument:
                        Invocation(invocation, argument);
                        break;
                    case IForEachLoopOperation forEach when forEach.Collection == outer:
                        ForEachOver(forEach, isCollection);
                        break;
                    case ISimpleAssignmentOperation assignment when assignment.Target == outer:
                        // _workers = new Thread[n]: a field (re)created before the fan-out.
                        if (!(expression is IFieldReferenceOperation))
                        {
                            Block();
                        }

                        break;
                    case IVariableInitializerOperation { Parent: IVariableDeclaratorOperation alias }:
                        if (OperationFacts.HoldsThreads(alias.Symbol.Type, _types))
                        {
                            _containerSymbols.Add(alias.Symbol);
                        }

                        Block();
                        break;
                    case ISimpleAssignmentOperation assignment when assignment.Value == outer && ThreadHandle.Storage(assignment.Target) is ILocalSymbol alias:
                        _containerSymbols.Add(alias);
                        Block();
                        break;
                    default:
                        Block();
                        break;
                }
            }

            /// <summary>
            /// <c>foreach (var t in threads)</c>: the loop variable is followed as a holder, a thread or a nested container;
            /// a loop over anything but the thread collection itself blocks.
            /// </summary>
            private void ForEachOver(IForEachLoopOperation forEach, bool isCollection)
            {
                foreach (var local in forEach.Locals)
                {
                    if (IsHolder(local.Type))
                    {
                        _holderSymbols.Add(local);
                    }
                    else if (OperationFacts.IsThread(local.Type, _types) || (isCollection && local.Type.TypeKind == TypeKind.Error))
                    {
                        _threadSymbols.Add(local);
                    }
                    else if (OperationFacts.HoldsThreads(local.Type, _types))
                    {
                        _containerSymbols.Add(local);
                        Block();
                    }
                }

                if (!isCollection)
                {
                    Block();
                }
            }

            /// <summary>An object that holds one thread in <see cref="ThreadHandle.Member"/>.</summary>
            private bool IsHolder(ITypeSymbol? type)
                => _handle.Member is { } member && type is not null && SymbolEqualityComparer.Default.Equals(type, member.ContainingType);

            private void Holder(IOperation expression)
            {
                var outer = expression;
                while (outer.Parent is IConversionOperation)
                {
                    outer = outer.Parent;
                }

                if (outer.Parent is IMemberReferenceOperation reference && reference.Instance == outer
                    && SymbolEqualityComparer.Default.Equals(reference.Member, _handle.Member))
                {
                    AddThread(reference);
                }
            }

            private void Derived(IOperation value, bool legacy)
            {
                if (IsHolder(value.Type))
                {
                    Holder(value);
                    return;
                }

                if (OperationFacts.IsThread(value.Type, _types) || (legacy && value.Type?.TypeKind == TypeKind.Error))
                {
                    AddThread(value);
                    if (!legacy)
                    {
                        Block();
                    }
                }
                else if (OperationFacts.HoldsThreads(value.Type, _types))
                {
                    Block();
                    Container(value, isCollection: false);
                }
                else if (legacy)
                {
                    Block();
                }
            }

            private void Invocation(IInvocationOperation invocation, IArgumentOperation? argument)
            {
                if (!IsForEachJoin(invocation))
                {
                    Block();
                }

                if (OperationFacts.IsThread(invocation.Type, _types))
                {
                    // queue.Dequeue(), threads.First(), stack.Pop()
                    AddThread(invocation);
                }
                else if (OperationFacts.HoldsThreads(invocation.Type, _types))
                {
                    // dict.Keys.ToArray(), threads.Where(...), list.ToList()
                    Container(invocation, isCollection: false);
                }

                foreach (var other in invocation.Arguments)
                {
                    if (OperationFacts.UnwrapDelegate(other.Value) is IAnonymousFunctionOperation function)
                    {
                        // threads.ForEach(t => t.Join()); Array.ForEach(threads, t => t.Join());
                        foreach (var parameter in function.Symbol.Parameters)
                        {
                            if (IsHolder(parameter.Type))
                            {
                                _holderSymbols.Add(parameter);
                            }
                            else if (OperationFacts.IsThread(parameter.Type, _types))
                            {
                                _threadSymbols.Add(parameter);
                            }
                            else if (OperationFacts.HoldsThreads(parameter.Type, _types))
                            {
                                _containerSymbols.Add(parameter);
                            }
                        }
                    }
                }

                // JoinAll(threads): a helper of the compilation that joins what it is given.
                if (argument?.Parameter is { } target
                    && _extraScopes.Count < MaxExtraScopes
                    && OperationFacts.HoldsThreads(target.Type, _types)
                    && _containerSymbols.Add(target.OriginalDefinition)
                    && invocation.SemanticModel is { } model)
                {
                    var body = WorkCostModel.For(KnownTypes.For(model.Compilation)).GetBody(invocation.TargetMethod.OriginalDefinition, System.Threading.CancellationToken.None);
                    if (body is not null)
                    {
                        _extraScopes.Add(body);
                    }
                }
            }
        }

        /// <summary>Classifies one direct use of a thread: its creation or storing, a Thread call or property, or anything else, which blocks.</summary>
        private void Classify(IOperation expression, ThreadHandle handle, KnownTypes types)
        {
            var parent = expression.Parent;
            if (parent is ISimpleAssignmentOperation creationAssignment && creationAssignment.Target == expression)
            {
                // threads[t] = new Thread(...): the creation itself (other assignments were ruled out by the handle).
                if (OperationFacts.StripConversions(creationAssignment.Value) != handle.Site)
                {
                    FixBlocker ??= "the thread collection's elements are reassigned";
                }

                return;
            }

            if (parent is IArgumentOperation { Parent: IInvocationOperation add }
                && handle.Loop is not null
                && ThreadHandle.IsStoreMethod(add.TargetMethod.Name)
                && ThreadHandle.Storage(add.Instance) is not null)
            {
                // threads.Add(t); queue.Enqueue(t); workers.Add(t, state);
                if (add.TargetMethod.Name != "Add" || add.Arguments.Length != 1)
                {
                    FixBlocker ??= "the threads are kept in a collection the rewrite does not know";
                }

                NoteStatement(add, handle, start: false, join: false);
                return;
            }

            if (handle.Loop is not null
                && (parent is ISimpleAssignmentOperation { Target: IArrayElementReferenceOperation or IPropertyReferenceOperation { Property: { IsIndexer: true } } } stored && stored.Value == expression
                    || parent is IArgumentOperation { Parent: IPropertyReferenceOperation { Property: { IsIndexer: true }, Parent: ISimpleAssignmentOperation } }))
            {
                // threads[i] = t; / workers[t] = state;
                FixBlocker ??= "the threads are stored into the collection after their creation";
                NoteStatement(parent is ISimpleAssignmentOperation direct ? direct : parent.Parent!.Parent!, handle, start: false, join: false);
                return;
            }

            if (parent is IInvocationOperation invocation && invocation.Instance == expression && KnownTypes.Is(invocation.TargetMethod.ContainingType, types.Thread))
            {
                ThreadCall(invocation, handle);
                return;
            }

            if (parent is IPropertyReferenceOperation property && property.Instance == expression)
            {
                ThreadProperty(property);
                return;
            }

            FixBlocker ??= "the threads are used for more than starting and joining";
        }

        /// <summary>A Thread method called on one of the threads: a start (and its argument), a join, an apartment setting, or anything else, which blocks.</summary>
        private void ThreadCall(IInvocationOperation invocation, ThreadHandle handle)
        {
            switch (invocation.TargetMethod.Name)
            {
                case "Start":
                case "UnsafeStart":
                    Starts.Add(invocation);
                    if (invocation.TargetMethod.Name == "UnsafeStart")
                    {
                        FixBlocker ??= "the threads are started with UnsafeStart";
                    }

                    if (invocation.Arguments.Length == 1)
                    {
                        if (handle.Loop is not null && IsInside(invocation, handle.Loop))
                        {
                            StartArgumentInLoop = invocation.Arguments[0].Value;
                        }
                        else
                        {
                            HasStartArgumentOutsideLoop = true;
                        }
                    }

                    NoteStatement(invocation, handle, start: true, join: false);
                    return;
                case "Join":
                    Joins.Add(invocation);
                    if (invocation.Arguments.Length != 0)
                    {
                        FixBlocker ??= "a thread is joined with a timeout";
                    }

                    NoteStatement(invocation, handle, start: false, join: true);
                    return;
                case "SetApartmentState":
                case "TrySetApartmentState":
                    NotACpuWorker = true;
                    return;
                default:
                    FixBlocker ??= "the code calls Thread." + invocation.TargetMethod.Name + " on the threads";
                    return;
            }
        }

        /// <summary>A Thread property read or set on one of the threads: setting IsBackground/ApartmentState marks a non-CPU worker; other uses block.</summary>
        private void ThreadProperty(IPropertyReferenceOperation property)
        {
            var isWrite = property.Parent is ISimpleAssignmentOperation assignment && assignment.Target == property;
            if (property.Property.Name == "IsBackground" || property.Property.Name == "ApartmentState")
            {
                // A background thread does not keep the process alive: a service / message-loop thread, not a CPU fan-out.
                NotACpuWorker = NotACpuWorker || isWrite;
                return;
            }

            FixBlocker ??= "the threads' " + property.Property.Name + " is " + (isWrite ? "set" : "read");
        }

        private void NoteStatement(IOperation invocation, ThreadHandle handle, bool start, bool join)
        {
            if (invocation.Parent is not IExpressionStatementOperation statement)
            {
                FixBlocker ??= "a start or join is part of a larger expression";
                return;
            }

            if (handle.Loop is not null && IsInside(statement, handle.Loop))
            {
                if (statement.Parent == handle.Loop.Body)
                {
                    LoopBookkeeping.Add(statement);
                }
                else
                {
                    FixBlocker ??= "the threads are started inside a nested statement";
                }

                return;
            }

            // A loop whose only statement is this start/join: `foreach (var t in threads) t.Join();`.
            IOperation outer = statement;
            if (statement.Parent is IBlockOperation { Operations: { Length: 1 } } single && single.Parent is ILoopOperation singleLoop && singleLoop.Body == single)
            {
                outer = singleLoop;
            }
            else if (statement.Parent is ILoopOperation directLoop && directLoop.Body == statement)
            {
                outer = directLoop;
            }
            else if (ForEachJoinStatement(statement) is { } forEachJoin)
            {
                outer = forEachJoin;
            }

            if (!OutsideStatements.Contains(outer))
            {
                OutsideStatements.Add(outer);
            }
        }

        /// <summary>
        /// <c>threads.ForEach(t =&gt; t.Join());</c> / <c>Array.ForEach(threads, t =&gt; t.Join());</c>: the statement that
        /// calls ForEach with the lambda <paramref name="joinStatement"/> is the body of.
        /// </summary>
        private static IOperation? ForEachJoinStatement(IOperation joinStatement)
        {
            if (joinStatement.Parent is not IBlockOperation { Parent: IAnonymousFunctionOperation lambda })
            {
                return null;
            }

            IOperation current = lambda;
            while (current.Parent is IDelegateCreationOperation or IConversionOperation)
            {
                current = current.Parent;
            }

            return current.Parent is IArgumentOperation { Parent: IInvocationOperation forEach } && IsForEachJoin(forEach)
                ? forEach.Parent
                : null;
        }

        /// <summary>
        /// <c>threads.ForEach(t =&gt; t.Join())</c> / <c>Array.ForEach(threads, t =&gt; t.Join())</c>, and the same with
        /// <c>t.Start()</c>: a join or start loop the rewrite removes.
        /// </summary>
        private static bool IsForEachJoin(IInvocationOperation invocation)
        {
            if (invocation.TargetMethod.Name != "ForEach" || invocation.Parent is not IExpressionStatementOperation)
            {
                return false;
            }

            foreach (var argument in invocation.Arguments)
            {
                if (OperationFacts.UnwrapDelegate(argument.Value) is IAnonymousFunctionOperation { Symbol.Parameters.Length: 1 } lambda)
                {
                    var work = lambda.Body.Operations.Where(o => o is not IReturnOperation { ReturnedValue: null, IsImplicit: true }).ToList();
                    return work.Count == 1
                           && work[0] is IExpressionStatementOperation { Operation: IInvocationOperation { TargetMethod.Name: "Join" or "Start", Arguments.Length: 0, Instance: { } joined } }
                           && OperationFacts.StripConversions(joined) is IParameterReferenceOperation parameter
                           && SymbolEqualityComparer.Default.Equals(parameter.Parameter, lambda.Symbol.Parameters[0]);
                }
            }

            return false;
        }

        private static bool IsInside(IOperation operation, IOperation ancestor)
        {
            for (var current = operation; current is not null; current = current.Parent)
            {
                if (current == ancestor)
                {
                    return true;
                }
            }

            return false;
        }
    }
}
