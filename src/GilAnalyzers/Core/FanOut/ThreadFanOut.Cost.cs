using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace GilAnalyzers.Core;

/// <summary>
/// What a thread runs and what it costs: the delegate's body, the CPU cost of its work (following a body that only calls
/// one method), and the verdict on threads that run until stopped or mostly wait on I/O.
/// </summary>
internal static partial class ThreadFanOut
{
    /// <summary>How many helper calls deep <see cref="ThreadCost"/> follows a body that only calls one method.</summary>
    private const int TrampolineDepth = 2;

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
    /// Below this many iterations in all (every trip count a constant), a thread's work costs less than the thread: tens of
    /// microseconds to create, start and join one, against nanoseconds per simple iteration.
    /// </summary>
    public const long MinThreadIterations = 10_000;

    /// <summary>
    /// What a raw thread's body spends its time on. Waiting anywhere in it — a blocking wait, a sleep, a spin loop, also
    /// a few source calls deep — makes it a coordination thread (I/O-bound verdict). Otherwise a little I/O up front or
    /// around the work (check a file, read a config, print progress once per outer iteration) does not decide: when the
    /// CPU-bound part runs at a deeper loop level than every I/O call, the time goes to the CPU.
    /// </summary>
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
                    var calleeBody = OperationFacts.RunsItsOwnBody(callee)
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

        /// <summary>Walking a queue worker (<see cref="QueueWorkerCost"/>): hand-off waits are no I/O, and a loop is no work by itself.</summary>
        public bool QueueWorker;

        public KnownTypes? Types;

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

        if (split.QueueWorker && operation is not (IBlockOperation or ILoopOperation or IConditionalOperation or ITryOperation or IUsingOperation or ILockOperation or ISwitchOperation or ISwitchCaseOperation or ILabeledOperation)
            && WaitsOnlyForItems(operation, split.Types!, costModel))
        {
            SplitHandOffStatement(operation, depth, trampolines, costModel, ref split);
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
                SplitStatementCost(operation, depth, trampolines, costModel, ref split);
                return;
        }
    }

    /// <summary>
    /// One I/O-bound statement of a thread body that is no structure to walk into: its CPU-bound calls beside the I/O count
    /// at its level, and where its only I/O is inside one source call (or one of two alternative ones), that callee decides.
    /// </summary>
    private static void SplitStatementCost(IOperation operation, int depth, int trampolines, WorkCostModel costModel, ref CostSplit split)
    {
        // The CPU-bound calls beside the I/O in the statement (`Pack(Read(block))`, `compress ? Pack(b) : Unpack(b)`).
        AddNestedCpu(operation, depth, costModel, ref split);

        // A statement whose only I/O is inside one source call (`var c = tracer.Calculate(x, y);`): where the time
        // goes is decided inside that callee, at this statement's loop level.
        if (trampolines < TrampolineDepth && SoleIoCallee(operation, costModel) is { } calleeOfIo)
        {
            SplitCost(calleeOfIo, depth, trampolines + 1, costModel, ref split);
            return;
        }

        // var packed = compress ? Pack(block) : Unpack(block): the statement runs one of two source methods, and
        // each is weighed inside, at this statement's loop level, as the one method of a plain call is.
        if (trampolines < TrampolineDepth && AlternativeIoCallees(operation, costModel) is { } alternatives)
        {
            SplitCost(alternatives.WhenTrue, depth, trampolines + 1, costModel, ref split);
            SplitCost(alternatives.WhenFalse, depth, trampolines + 1, costModel, ref split);
            return;
        }

        split.AddIo(depth);
    }

    /// <summary>
    /// The CPU-bound calls inside one I/O-bound statement, at the statement's level: <c>Compress(Read(block))</c> weighs
    /// the compression as <c>var data = Read(block); Compress(data);</c> would, and <c>mode ? Pack(b) : Unpack(b)</c>
    /// counts the packing even when the unpacking is what reads. A call that is I/O-bound only because an
    /// argument reads (the read is counted as I/O) is costed by what its own body does (the few source implementations
    /// of an interface call).
    /// </summary>
    private static void AddNestedCpu(IOperation statement, int depth, WorkCostModel costModel, ref CostSplit split)
    {
        foreach (var node in OperationFacts.Descendants(statement, enterFunctions: false))
        {
            if (node is not IInvocationOperation call)
            {
                continue;
            }

            var cost = costModel.Analyze(call);
            if (cost.Kind == WorkKind.CpuBound)
            {
                split.AddCpu(depth + cost.Strength, depth == 0 ? cost.Reason : DeeperReason(cost, depth));
                continue;
            }

            if (cost.Kind != WorkKind.IoBound || !call.Arguments.Any(a => costModel.Analyze(a.Value).Kind == WorkKind.IoBound))
            {
                continue;
            }

            foreach (var callee in SourceCallees(call, costModel))
            {
                var own = costModel.AnalyzeMethod(callee);
                if (own.Kind == WorkKind.CpuBound)
                {
                    split.AddCpu(depth + own.Strength, depth == 0 ? own.Reason : DeeperReason(own, depth));
                }
            }
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

        if (!small && !split.QueueWorker && loop.Body is IBlockOperation loopBlock
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
        var calleeBody = FollowedBody(call, costModel);
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

    /// <summary>
    /// The one source body a call runs: a local function or a method that cannot be overridden, a <c>base.M()</c> call (bound
    /// to the base's body, whatever overrides it), or an interface, abstract or virtual method with exactly one source
    /// implementation in the compilation. Null when the call may run several bodies or none in source.
    /// </summary>
    private static IOperation? FollowedBody(IInvocationOperation call, WorkCostModel costModel)
    {
        var callee = call.TargetMethod;
        if (OperationFacts.RunsItsOwnBody(callee)
            || (!callee.IsAbstract && call.Instance is IInstanceReferenceOperation { Syntax: Microsoft.CodeAnalysis.CSharp.Syntax.BaseExpressionSyntax }))
        {
            return costModel.GetBody(callee.OriginalDefinition, System.Threading.CancellationToken.None);
        }

        var implementations = SourceCallees(call, costModel);
        return implementations.Length == 1
            ? costModel.GetBody(implementations[0], System.Threading.CancellationToken.None)
            : null;
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

            if (sole is not null && !OperationFacts.IsWithin(call, sole) && !OperationFacts.IsWithin(sole, call))
            {
                return null;
            }

            // Keep the innermost I/O call of a nested chain: Process(Read(x)) is decided by Read.
            sole = sole is null || OperationFacts.IsWithin(call, sole) ? call : sole;
        }

        if (sole is null)
        {
            return null;
        }

        var body = FollowedBody(sole, costModel);
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

    /// <summary>
    /// The bodies of the two source methods a conditional expression chooses between (<c>mode ? Pack(b) : Unpack(b)</c>),
    /// when every I/O call of <paramref name="statement"/> is inside one of them and neither call's arguments do I/O.
    /// </summary>
    private static (IOperation WhenTrue, IOperation WhenFalse)? AlternativeIoCallees(IOperation statement, WorkCostModel costModel)
    {
        IConditionalOperation? choice = null;
        foreach (var operation in OperationFacts.Descendants(statement, enterFunctions: false))
        {
            if (operation is IConditionalOperation { WhenFalse: not null } conditional && conditional.Type is not null)
            {
                if (choice is not null)
                {
                    return null;
                }

                choice = conditional;
            }
        }

        if (choice is null
            || SourceCallBody(choice.WhenTrue, costModel) is not { } whenTrue
            || SourceCallBody(choice.WhenFalse!, costModel) is not { } whenFalse)
        {
            return null;
        }

        foreach (var operation in OperationFacts.Descendants(statement, enterFunctions: false))
        {
            if (operation is IInvocationOperation call && costModel.Analyze(call).Kind == WorkKind.IoBound
                && !OperationFacts.IsWithin(call, choice.WhenTrue) && !OperationFacts.IsWithin(call, choice.WhenFalse!))
            {
                return null;
            }
        }

        return (whenTrue, whenFalse);
    }

    /// <summary>The body of a non-virtual source method that <paramref name="value"/> calls with I/O-free arguments.</summary>
    private static IOperation? SourceCallBody(IOperation value, WorkCostModel costModel)
    {
        if (OperationFacts.StripConversions(value) is not IInvocationOperation call)
        {
            return null;
        }

        var callee = call.TargetMethod;
        if (!OperationFacts.RunsItsOwnBody(callee)
            || call.Arguments.Any(a => costModel.Analyze(a.Value).Kind == WorkKind.IoBound))
        {
            return null;
        }

        return costModel.GetBody(callee.OriginalDefinition, System.Threading.CancellationToken.None);
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
}
