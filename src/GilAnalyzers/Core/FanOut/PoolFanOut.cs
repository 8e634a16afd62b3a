using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace GilAnalyzers.Core;

/// <summary>
/// Finds hand-rolled thread-pool fan-outs in one function: a loop queuing CPU-bound work items with
/// <c>ThreadPool.(Unsafe)QueueUserWorkItem</c> joined by a <c>CountdownEvent</c>, a <c>ManualResetEvent(Slim)[]</c>
/// + <c>WaitHandle.WaitAll</c>, or an <c>Interlocked</c> counter + event; or a loop of
/// <c>Task.Factory.StartNew(..., LongRunning)</c> / <c>new Task(...).Start()</c> chunks joined by
/// <c>Task.WaitAll</c> / <c>Task.WhenAll</c>. Plans the rewrite to <c>Parallel.For</c> when it keeps behaviour.
/// </summary>
internal static partial class PoolFanOut
{
    public static ImmutableArray<FanOut> Find(IOperation functionRoot, KnownTypes types, WorkCostModel costModel)
    {
        var results = ImmutableArray.CreateBuilder<FanOut>();
        foreach (var operation in OperationFacts.Descendants(functionRoot, enterFunctions: false))
        {
            FanOut? fanOut = operation switch
            {
                IInvocationOperation invocation when IsQueueUserWorkItem(invocation, types) => AnalyzeQueued(invocation, functionRoot, types, costModel),
                IInvocationOperation invocation when IsWrapperCandidate(invocation) && WrapperOf(invocation.TargetMethod, types, costModel) is { } wrapper
                    => AnalyzeWrapped(invocation, wrapper, functionRoot, types, costModel),
                IInvocationOperation invocation when IsUnkeptTaskLaunch(invocation, functionRoot, types) => AnalyzeUnkeptTasks(invocation, functionRoot, types, costModel),
                IInvocationOperation invocation when IsLongRunningStartNew(invocation, types) => AnalyzeTasks(invocation, invocation.Arguments[0].Value, functionRoot, types, costModel, "Task.Factory.StartNew(LongRunning)")
                    ?? (OperationFacts.EnclosingLoop(invocation, functionRoot) is null ? AnalyzePoolTaskSet(invocation, functionRoot, types, costModel) : null),
                IInvocationOperation invocation when IsPoolTaskLaunch(invocation, types) && OperationFacts.EnclosingLoop(invocation, functionRoot) is null
                    => AnalyzePoolTaskSet(invocation, functionRoot, types, costModel),
                IObjectCreationOperation creation when IsTaskType(creation.Type, types) && creation.Arguments.Length >= 1 => AnalyzeTasks(creation, creation.Arguments[0].Value, functionRoot, types, costModel, "new Task(...).Start()"),
                _ => null,
            };
            if (fanOut is not null)
            {
                results.Add(fanOut);
            }
        }

        return results.ToImmutable();
    }

    /// <summary>
    /// Cheap symbol checks before <see cref="WrapperOf"/>: a method of the user's (not abstract, not virtual) with a delegate
    /// parameter — the shape of <c>void Spawn(Action work) =&gt; ThreadPool.QueueUserWorkItem(_ =&gt; { work(); done.Signal(); })</c>.
    /// </summary>
    public static bool IsWrapperCandidate(IInvocationOperation invocation)
    {
        // The operation tree first: an argument whose value is a delegate (a lambda, a method group, a delegate variable).
        // Most invocations of a compilation have none, and the symbol checks below build the callee's parameter list.
        var hasDelegateArgument = false;
        foreach (var argument in invocation.Arguments)
        {
            if (argument.Value.Type is { TypeKind: TypeKind.Delegate })
            {
                hasDelegateArgument = true;
                break;
            }
        }

        return hasDelegateArgument && IsWrapperCandidate(invocation.TargetMethod);
    }

    private static bool IsWrapperCandidate(IMethodSymbol method)
    {
        if (method.IsAbstract || method.IsVirtual || method.IsExtern || method.Parameters.Length == 0 || method.Parameters.Length > 4
            || (method.MethodKind != MethodKind.Ordinary && method.MethodKind != MethodKind.LocalFunction)
            || method.DeclaringSyntaxReferences.Length == 0)
        {
            return false;
        }

        foreach (var parameter in method.Parameters)
        {
            if (parameter.Type.TypeKind == TypeKind.Delegate)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>A small method of the user's that queues the delegate it is given as one thread-pool work item.</summary>
    internal sealed class QueueWrapper
    {
        public QueueWrapper(IMethodSymbol method, IParameterSymbol work, IInvocationOperation queue, IOperation? queuedBody)
        {
            Method = method;
            Work = work;
            Queue = queue;
            QueuedBody = queuedBody;
        }

        public IMethodSymbol Method { get; }

        /// <summary>The delegate parameter whose argument is the work item.</summary>
        public IParameterSymbol Work { get; }

        public IInvocationOperation Queue { get; }

        /// <summary>The lambda body the wrapper queues around the work (where it may signal), or null when it queues the delegate itself.</summary>
        public IOperation? QueuedBody { get; }
    }

    private static readonly QueueWrapper NotAWrapper = new QueueWrapper(null!, null!, null!, null);

    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<Compilation, System.Collections.Concurrent.ConcurrentDictionary<IMethodSymbol, QueueWrapper>> Wrappers =
        new System.Runtime.CompilerServices.ConditionalWeakTable<Compilation, System.Collections.Concurrent.ConcurrentDictionary<IMethodSymbol, QueueWrapper>>();

    /// <summary>At most this many statements in a method that only wraps QueueUserWorkItem.</summary>
    private const int WrapperStatementLimit = 4;

    /// <summary>The wrapper facts of <paramref name="method"/> (memoised per compilation), or null when it does not wrap one work item.</summary>
    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<Compilation, TextMentions> QueueMentions =
        new System.Runtime.CompilerServices.ConditionalWeakTable<Compilation, TextMentions>();

    public static QueueWrapper? WrapperOf(IMethodSymbol method, KnownTypes types, WorkCostModel costModel)
    {
        method = method.OriginalDefinition;
        var cache = Wrappers.GetValue(types.Compilation, _ => new System.Collections.Concurrent.ConcurrentDictionary<IMethodSymbol, QueueWrapper>(SymbolEqualityComparer.Default));
        var wrapper = cache.GetOrAdd(method, m => FindWrapper(m, types, costModel) ?? NotAWrapper);
        return wrapper == NotAWrapper ? null : wrapper;
    }

    private static QueueWrapper? FindWrapper(IMethodSymbol method, KnownTypes types, WorkCostModel costModel)
    {
        // Binding another method's body is the expensive part: only a body that names the pool's queue call is bound.
        var mentions = QueueMentions.GetValue(types.Compilation, _ => new TextMentions(new[] { "QueueUserWorkItem" }));
        var declared = false;
        foreach (var reference in method.DeclaringSyntaxReferences)
        {
            declared |= mentions.In(reference);
        }

        if (!declared)
        {
            return null;
        }

        var body = costModel.GetBody(method, System.Threading.CancellationToken.None);
        if (body is null || (body is IBlockOperation block && block.Operations.Length > WrapperStatementLimit))
        {
            return null;
        }

        IInvocationOperation? queue = null;
        foreach (var operation in OperationFacts.Descendants(body, enterFunctions: false))
        {
            if (operation is ILoopOperation)
            {
                return null;
            }

            if (operation is IInvocationOperation invocation && IsQueueUserWorkItem(invocation, types))
            {
                if (queue is not null)
                {
                    return null;
                }

                queue = invocation;
            }
        }

        if (queue is null)
        {
            return null;
        }

        var queued = OperationFacts.UnwrapDelegate(queue.Arguments[0].Value);
        if (queued is null && OperationFacts.StripConversions(queue.Arguments[0].Value) is IParameterReferenceOperation direct
            && direct.Parameter.Type.TypeKind == TypeKind.Delegate)
        {
            // QueueUserWorkItem(callback): the caller's delegate is the work item itself.
            return new QueueWrapper(method, direct.Parameter, queue, null);
        }

        if (queued is not IAnonymousFunctionOperation lambda)
        {
            return null;
        }

        // _ => { try { work(); } finally { done.Signal(); } }: the lambda invokes exactly one delegate parameter of the wrapper.
        IParameterSymbol? work = null;
        foreach (var operation in OperationFacts.Descendants(lambda.Body, enterFunctions: false))
        {
            if (OperationFacts.InvokedDelegateParameter(operation) is { } parameter
                && SymbolEqualityComparer.Default.Equals(parameter.ContainingSymbol?.OriginalDefinition, method))
            {
                if (work is not null && !SymbolEqualityComparer.Default.Equals(work, parameter))
                {
                    return null;
                }

                work = parameter;
            }
        }

        return work is null ? null : new QueueWrapper(method, work, queue, lambda.Body);
    }

    /// <summary><c>for (…) Spawn(() =&gt; Work(i));</c> then a wait: the wrapper's work items fanned out by hand.</summary>
    private static FanOut? AnalyzeWrapped(IInvocationOperation call, QueueWrapper wrapper, IOperation root, KnownTypes types, WorkCostModel costModel)
    {
        var loop = OperationFacts.EnclosingLoop(call, root);
        if (loop is null)
        {
            return null;
        }

        IOperation? workArgument = null;
        foreach (var argument in call.Arguments)
        {
            if (SymbolEqualityComparer.Default.Equals(argument.Parameter?.OriginalDefinition, wrapper.Work))
            {
                workArgument = argument.Value;
            }
        }

        var @delegate = workArgument is null ? null : OperationFacts.UnwrapDelegate(workArgument);
        IOperation? workBody = null;
        if (@delegate is null || CallbackMethod(@delegate, root, costModel, out workBody) is null || workBody is null)
        {
            return null;
        }

        // The signals: in the wrapper's queued lambda (on a field, or a parameter the caller passes) or in the caller's work.
        var signals = new List<(IInvocationOperation Signal, IOperation Target)>();
        CollectSignals(workBody, call, wrapper, types, signals);
        if (wrapper.QueuedBody is not null)
        {
            CollectSignals(wrapper.QueuedBody, call, wrapper, types, signals);
        }

        var mechanism = WrappedJoin(signals, root, types);
        if (mechanism is null)
        {
            return null;
        }

        var signalStatements = signals.Select(s => (IOperation)(s.Signal.Parent is IExpressionStatementOperation st ? st : s.Signal)).ToImmutableArray();
        var cost = ItemCost(@delegate, workBody, signalStatements, costModel, types);
        if (!cost.IsCpuBound)
        {
            return null;
        }

        var count = DescribeCount(loop);
        return new FanOut(FanOutShape.Loop, call, count, cost, "'" + wrapper.Method.Name + "' (ThreadPool." + wrapper.Queue.TargetMethod.Name + ") + " + mechanism, null,
            "the work items are queued through '" + wrapper.Method.Name + "'");
    }

    private static void CollectSignals(IOperation body, IInvocationOperation call, QueueWrapper wrapper, KnownTypes types, List<(IInvocationOperation, IOperation)> signals)
    {
        foreach (var operation in OperationFacts.Descendants(body))
        {
            if (operation is not IInvocationOperation invocation)
            {
                continue;
            }

            var type = invocation.TargetMethod.ContainingType;
            IOperation? target = null;
            if ((KnownTypes.Is(type, types.CountdownEvent) && invocation.TargetMethod.Name == "Signal")
                || ((OperationFacts.DerivesFrom(type, types.WaitHandle) || KnownTypes.Is(type, types.ManualResetEventSlim)) && invocation.TargetMethod.Name == "Set"))
            {
                target = invocation.Instance;
            }
            else if (IsMonitorPulse(invocation, types) && invocation.Arguments.Length == 1)
            {
                target = invocation.Arguments[0].Value;
            }

            if (target is null)
            {
                continue;
            }

            target = OperationFacts.StripConversions(target);
            if (target is IParameterReferenceOperation parameter
                && SymbolEqualityComparer.Default.Equals(parameter.Parameter.ContainingSymbol?.OriginalDefinition, wrapper.Method))
            {
                // Spawn(work, latch): the caller's argument.
                target = null;
                foreach (var argument in call.Arguments)
                {
                    if (argument.Parameter?.Ordinal == parameter.Parameter.Ordinal)
                    {
                        target = OperationFacts.StripConversions(argument.Value);
                    }
                }
            }

            if (target is not null)
            {
                signals.Add((invocation, target));
            }
        }
    }

    /// <summary>How the caller waits for the signals of wrapped work items, or null when it does not in this function.</summary>
    private static string? WrappedJoin(List<(IInvocationOperation Signal, IOperation Target)> signals, IOperation root, KnownTypes types)
    {
        if (signals.Count == 0)
        {
            return null;
        }

        var waits = OperationFacts.Descendants(root, enterFunctions: false).OfType<IInvocationOperation>().ToList();
        foreach (var (signal, target) in signals)
        {
            var symbol = OperationFacts.ReferencedSymbol(target);
            if (symbol is null)
            {
                continue;
            }

            if (IsMonitorPulse(signal, types))
            {
                if (waits.Any(w => w.TargetMethod.Name == "Wait" && KnownTypes.Is(w.TargetMethod.ContainingType, types.Monitor) && w.Arguments.Length >= 1
                                   && SymbolEqualityComparer.Default.Equals(OperationFacts.ReferencedSymbol(OperationFacts.StripConversions(w.Arguments[0].Value)), symbol)))
                {
                    return "pending counter + Monitor.Wait";
                }

                continue;
            }

            if (waits.Any(w => (w.TargetMethod.Name == "Wait" || w.TargetMethod.Name == "WaitOne") && w.Instance is { } i
                               && SymbolEqualityComparer.Default.Equals(OperationFacts.ReferencedSymbol(OperationFacts.StripConversions(i)), symbol)))
            {
                return KnownTypes.Is(signal.TargetMethod.ContainingType, types.CountdownEvent) ? "CountdownEvent" : "counter + event";
            }

            var collection = EventCollection(target, root);
            if (collection is not null
                && waits.Any(w => KnownTypes.Is(w.TargetMethod.ContainingType, types.WaitHandle) && w.TargetMethod.Name == "WaitAll"
                                  && w.Arguments.Length >= 1 && References(w.Arguments[0].Value, collection)))
            {
                return "ManualResetEvent[] + WaitHandle.WaitAll";
            }
        }

        return null;
    }

    private static bool IsQueueUserWorkItem(IInvocationOperation invocation, KnownTypes types)
        => KnownTypes.Is(invocation.TargetMethod.ContainingType, types.ThreadPool)
           && (invocation.TargetMethod.Name == "QueueUserWorkItem" || invocation.TargetMethod.Name == "UnsafeQueueUserWorkItem")
           && invocation.Arguments.Length >= 1;

    private static bool IsLongRunningStartNew(IInvocationOperation invocation, KnownTypes types)
    {
        if (!KnownTypes.Is(invocation.TargetMethod.ContainingType, types.TaskFactory) || invocation.TargetMethod.Name != "StartNew")
        {
            return false;
        }

        foreach (var argument in invocation.Arguments)
        {
            if (KnownTypes.Is(argument.Value.Type, types.TaskCreationOptions)
                && argument.Value.ConstantValue is { HasValue: true, Value: int flags }
                && (flags & 2) != 0)
            {
                // TaskCreationOptions.LongRunning == 2: a dedicated thread per task.
                return true;
            }
        }

        return false;
    }

    private static FanOut? AnalyzeQueued(IInvocationOperation queue, IOperation root, KnownTypes types, WorkCostModel costModel)
    {
        var loop = OperationFacts.EnclosingLoop(queue, root);
        // QueueUserWorkItem(_callback, state) with _callback = new WaitCallback(Process) in the constructor: Process.
        var @delegate = WorkDelegate(queue.Arguments[0].Value, costModel);
        if (@delegate is null)
        {
            return null;
        }

        if (loop is null)
        {
            // ThreadPool.QueueUserWorkItem(_ => { SortLeft(); left.Set(); }); ...(right)...; WaitHandle.WaitAll(new[] { left, right });
            return AnalyzeQueuedSet(queue, @delegate, root, types, costModel) ?? AnalyzeJoinedSet(queue, root, types, costModel);
        }

        // job.Execute on a local typed as an interface or base class: the method of the object the local holds.
        var callback = CallbackMethod(@delegate, root, costModel, out var lambdaBody);
        if (lambdaBody is null || callback is null)
        {
            return null;
        }

        if (RunsOnlyCallersDelegate(lambdaBody, costModel))
        {
            // ForEach(source, Action<T> body) built on the pool: the items run whatever the caller passes — a parallel-for
            // utility, not one computation split by hand.
            return null;
        }

        // How the caller learns that the items are done.
        var join = FindQueuedJoin(queue, @delegate, callback, lambdaBody, root, types, costModel);
        if (join is null)
        {
            return null;
        }

        var cost = ItemCost(@delegate, lambdaBody, join.Value.SignalStatements.AddRange(StartGates(queue, lambdaBody, root, types, costModel)), costModel, types);
        if (!cost.IsCpuBound)
        {
            return null;
        }

        var count = DescribeCount(loop);
        string? blocker;
        FanOutPlan? plan = null;
        if (join.Value.Blocker is not null)
        {
            blocker = join.Value.Blocker;
        }
        else
        {
            blocker = PlanQueued(queue, loop, @delegate, join.Value, root, types, out plan);
        }

        // The join cannot go: keep it and change only how the items are dispatched, when that keeps behaviour.
        PoolDispatchPlan? dispatch = null;
        if (plan is null && PlanLoopDispatch(queue, loop, root, types, costModel, out dispatch) is { } dispatchBlocker)
        {
            blocker += "; " + dispatchBlocker;
        }

        return new FanOut(FanOutShape.Loop, queue, count, cost, "ThreadPool." + queue.TargetMethod.Name + " + " + join.Value.Mechanism, plan, blocker, dispatch);
    }

    /// <summary>
    /// Whether a work item's computation is the caller's: it invokes a delegate parameter of the method that queues it
    /// (<c>ForEach&lt;T&gt;(IEnumerable&lt;T&gt; source, Action&lt;T&gt; body)</c> calling <c>body(item)</c>), and everything
    /// else it does — taking the next item, catching, counting down — is not CPU-bound by itself. Such a method is a
    /// general-purpose parallel-for helper whose work is whatever its callers pass.
    /// </summary>
    private static bool RunsOnlyCallersDelegate(IOperation body, WorkCostModel costModel)
    {
        var calls = new List<IOperation>();
        foreach (var operation in OperationFacts.Descendants(body, enterFunctions: false))
        {
            if (OperationFacts.InvokedDelegateParameter(operation) is { ContainingSymbol: IMethodSymbol { MethodKind: MethodKind.Ordinary or MethodKind.LocalFunction } })
            {
                calls.Add(operation);
            }
        }

        return calls.Count > 0 && RestIsLight(body, calls, costModel);
    }

    /// <summary>Every part of <paramref name="operation"/> outside the delegate calls is not CPU-bound (a loop around a call is read through).</summary>
    private static bool RestIsLight(IOperation operation, List<IOperation> calls, WorkCostModel costModel)
    {
        if (calls.Contains(operation))
        {
            return true;
        }

        if (!calls.Any(c => OperationFacts.IsWithin(c, operation)))
        {
            return !costModel.Analyze(operation).IsCpuBound;
        }

        foreach (var child in operation.ChildOperations)
        {
            if (!RestIsLight(child, calls, costModel))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// Waits with which a work item first waits for the caller to open a start gate: a <c>WaitOne()</c> / <c>Wait()</c> on an
    /// event that the calling function <c>Set()</c>s only after it has queued the items (the event captured, a field, or
    /// handed over in the item's state), made once, before any CPU-bound statement of the item. The items then start
    /// together (to be timed, say); the wait is not what they spend their time on.
    /// </summary>
    private static IEnumerable<IOperation> StartGates(IInvocationOperation queue, IOperation body, IOperation root, KnownTypes types, WorkCostModel costModel)
    {
        var opened = new HashSet<ISymbol>(SymbolEqualityComparer.Default);
        foreach (var call in OperationFacts.Descendants(root, enterFunctions: false).OfType<IInvocationOperation>())
        {
            if (call.TargetMethod.Name == "Set" && call.Arguments.Length == 0 && call.Instance is { } instance && IsGateEvent(call.TargetMethod.ContainingType, types)
                && call.Syntax.SpanStart > queue.Syntax.SpanStart
                && OperationFacts.ReferencedSymbol(OperationFacts.StripConversions(instance)) is { } symbol)
            {
                opened.Add(symbol);
            }
        }

        if (opened.Count == 0)
        {
            yield break;
        }

        // A gate handed over in the item's state reaches the item as a local it unpacks.
        var handedOver = opened.Count(symbol => queue.Arguments.Skip(1).Any(argument => References(argument.Value, symbol))) == 1;
        foreach (var wait in OperationFacts.Descendants(body).OfType<IInvocationOperation>())
        {
            if (wait.TargetMethod.Name is not ("WaitOne" or "Wait") || wait.Arguments.Length != 0 || wait.Instance is null
                || !IsGateEvent(wait.TargetMethod.ContainingType, types))
            {
                continue;
            }

            var target = OperationFacts.ReferencedSymbol(OperationFacts.StripConversions(wait.Instance));
            if (!(target is not null && opened.Contains(target)) && !(handedOver && target is ILocalSymbol))
            {
                continue;
            }

            if (wait.Parent is IExpressionStatementOperation statement && IsLeading(statement, body, costModel))
            {
                yield return statement;
            }
        }
    }

    private static bool IsGateEvent(INamedTypeSymbol? type, KnownTypes types)
        => OperationFacts.DerivesFrom(type, types.WaitHandle) || KnownTypes.Is(type, types.ManualResetEventSlim);

    /// <summary>Whether <paramref name="statement"/> runs once, before any CPU-bound statement of <paramref name="body"/>.</summary>
    private static bool IsLeading(IOperation statement, IOperation body, WorkCostModel costModel)
    {
        for (var current = statement; current is not null && current != body; current = current.Parent)
        {
            if (current is ILoopOperation || current is IAnonymousFunctionOperation)
            {
                return false;
            }

            if (current.Parent is IBlockOperation block)
            {
                foreach (var before in block.Operations)
                {
                    if (before == current)
                    {
                        break;
                    }

                    if (costModel.Analyze(before).IsCpuBound)
                    {
                        return false;
                    }
                }
            }
        }

        return true;
    }

    /// <summary>The cost of a work item without its completion signalling.</summary>
    private static WorkCost ItemCost(IOperation @delegate, IOperation body, ImmutableArray<IOperation> signals, WorkCostModel costModel, KnownTypes types)
    {
        // The signal itself (Set / Signal) is not a blocking wait; look at what else the item does.
        foreach (var operation in OperationFacts.Descendants(body))
        {
            if (signals.Contains(operation))
            {
                continue;
            }

            if (operation is IInvocationOperation invocation && !signals.Any(s => OperationFacts.IsWithin(invocation, s)))
            {
                var blocking = OperationFacts.BlockingCall(invocation, types);
                if (blocking is not null && !IsSignal(invocation, types))
                {
                    return new WorkCost(WorkKind.IoBound, blocking);
                }
            }
        }

        if (LaunchesWork(body, types))
        {
            // An item that queues or starts more work (a dispatcher) is not itself the computation.
            return new WorkCost(WorkKind.Light, "the work item only hands work on");
        }

        var cost = costModel.Analyze(body);
        if (cost.Kind != WorkKind.IoBound)
        {
            return cost;
        }

        // Some I/O in the item does not decide by itself: a loop that reads a chunk and compresses it spends its time
        // compressing. CPU-bound when the computation runs at a deeper loop level than every local I/O call; any
        // network or database call keeps the item I/O-bound.
        var split = new ItemSplit();
        Split(body, 0, 0, costModel, types, ref split);
        return !split.Remote && split.Cpu >= WorkCost.LoopStrength && split.Cpu > split.Io
            ? new WorkCost(WorkKind.CpuBound, split.CpuReason!, split.Cpu)
            : cost;
    }

    /// <summary>How many source calls deep <see cref="Split"/> follows a work item.</summary>
    private const int SplitCallDepth = 2;

    /// <summary>The deepest CPU-bound work and the deepest I/O call of a work item, in loop levels.</summary>
    private struct ItemSplit
    {
        public int Cpu;
        public string? CpuReason;
        public int Io;
        public bool Remote;

        public void AddCpu(int strength, string reason)
        {
            if (strength > Cpu)
            {
                Cpu = strength;
                CpuReason = reason;
            }
        }
    }

    /// <summary>Walks a work item for its deepest CPU-bound work and deepest I/O, following I/O-bound structure, loops and calls.</summary>
    private static void Split(IOperation operation, int depth, int calls, WorkCostModel costModel, KnownTypes types, ref ItemSplit split)
    {
        var cost = costModel.Analyze(operation);
        if (cost.Kind == WorkKind.CpuBound)
        {
            split.AddCpu(depth + cost.Strength, depth == 0 ? cost.Reason : cost.Reason + " in a loop");
            return;
        }

        if (cost.Kind != WorkKind.IoBound || split.Remote)
        {
            return;
        }

        switch (operation)
        {
            case IBlockOperation:
            case IConditionalOperation:
            case ITryOperation:
            case IUsingOperation:
            case ILockOperation:
            case ISwitchOperation:
            case ISwitchCaseOperation:
            case IVariableDeclarationGroupOperation:
            case IVariableDeclarationOperation:
            case IVariableDeclaratorOperation:
            case IVariableInitializerOperation:
            case IExpressionStatementOperation:
            case IReturnOperation:
            case ISimpleAssignmentOperation:
            case IBinaryOperation:
            case IConversionOperation:
            case IArgumentOperation:
                foreach (var child in operation.ChildOperations)
                {
                    Split(child, depth, calls, costModel, types, ref split);
                }

                return;
            case ILoopOperation loop:
                foreach (var child in loop.ChildOperations)
                {
                    Split(child, depth + 1, calls, costModel, types, ref split);
                }

                return;
            case IInvocationOperation call:
                SplitCall(call, depth, calls, costModel, types, ref split);
                return;
            default:
                split.Io = System.Math.Max(split.Io, depth);
                return;
        }
    }

    /// <summary>
    /// An I/O-bound call in a work item: remote I/O marks the whole item remote; otherwise its receiver and
    /// arguments are split, then the callee's body when it can be followed, else the call counts as I/O here.
    /// </summary>
    private static void SplitCall(IInvocationOperation call, int depth, int calls, WorkCostModel costModel, KnownTypes types, ref ItemSplit split)
    {
        var callee = call.TargetMethod;
        if (IsRemoteIo(callee) || (call.Instance?.Type is { } receiver && IsRemoteIoType(receiver)))
        {
            split.Remote = true;
            return;
        }

        var calleeBody = calls < SplitCallDepth && OperationFacts.RunsItsOwnBody(callee)
            ? costModel.GetBody(callee.OriginalDefinition, System.Threading.CancellationToken.None)
            : null;
        if (call.Instance is not null)
        {
            Split(call.Instance, depth, calls, costModel, types, ref split);
        }

        foreach (var argument in call.Arguments)
        {
            Split(argument, depth, calls, costModel, types, ref split);
        }

        if (calleeBody is not null)
        {
            Split(calleeBody, depth, calls + 1, costModel, types, ref split);
        }
        else
        {
            split.Io = System.Math.Max(split.Io, depth);
        }
    }

    /// <summary>Network, web and database calls: time spent waiting on another machine.</summary>
    private static bool IsRemoteIo(IMethodSymbol method) => method.ContainingType is { } type && IsRemoteIoType(type);

    private static bool IsRemoteIoType(ITypeSymbol type)
    {
        var ns = type.ContainingNamespace?.ToDisplayString() ?? string.Empty;
        return ns.StartsWith("System.Net", System.StringComparison.Ordinal)
               || ns.StartsWith("System.Data", System.StringComparison.Ordinal)
               || ns.StartsWith("Microsoft.Data", System.StringComparison.Ordinal);
    }

    /// <summary>Whether <paramref name="body"/> queues or starts further work itself (not inside a nested lambda).</summary>
    private static bool LaunchesWork(IOperation body, KnownTypes types)
    {
        foreach (var operation in OperationFacts.Descendants(body, enterFunctions: false))
        {
            if (operation is IInvocationOperation invocation
                && (ParallelContextFinder.IsPoolLaunch(invocation.TargetMethod, types)
                    || (invocation.TargetMethod.Name == "Run" && KnownTypes.Is(invocation.TargetMethod.ContainingType, types.Task))))
            {
                return true;
            }
        }

        return false;
    }

    private static bool IsSignal(IInvocationOperation invocation, KnownTypes types)
        => invocation.TargetMethod.Name == "Set" || invocation.TargetMethod.Name == "Signal"
           || KnownTypes.Is(invocation.TargetMethod.ContainingType, types.Interlocked) || IsMonitorPulse(invocation, types);

    private static bool IsMonitorPulse(IInvocationOperation invocation, KnownTypes types)
        => (invocation.TargetMethod.Name == "Pulse" || invocation.TargetMethod.Name == "PulseAll")
           && KnownTypes.Is(invocation.TargetMethod.ContainingType, types.Monitor);

    private readonly struct QueuedJoin
    {
        public QueuedJoin(string mechanism, ILocalSymbol? countdown, ImmutableArray<IOperation> signalStatements, string? blocker = null,
            ISymbol? events = null, ISymbol? doneEvent = null, ISymbol? counter = null, IOperation? wait = null)
        {
            Mechanism = mechanism;
            Countdown = countdown;
            SignalStatements = signalStatements;
            Blocker = blocker;
            Events = events;
            DoneEvent = doneEvent;
            Counter = counter;
            Wait = wait;
        }

        /// <summary>The array or list of per-item events that WaitAll waits on (event-array join).</summary>
        public ISymbol? Events { get; }

        /// <summary>The one event the last item sets (counter + event join).</summary>
        public ISymbol? DoneEvent { get; }

        /// <summary>The pending counter the items decrement (counter + event join).</summary>
        public ISymbol? Counter { get; }

        /// <summary>The wait: WaitAll, WaitOne/Wait, or a loop of WaitOne over the events.</summary>
        public IOperation? Wait { get; }

        /// <summary>Why the join cannot be rewritten even when it is a CountdownEvent (it travels in the work item's state).</summary>
        public string? Blocker { get; }

        public string Mechanism { get; }

        public ILocalSymbol? Countdown { get; }

        public ImmutableArray<IOperation> SignalStatements { get; }
    }

    private const string StateCarriedBlocker = "the join object travels in the work item's state";

    private const string HelperSignalBlocker = "the work item signals in the method it calls, not in its own body";

    /// <summary>Where the work item signals: its own body, or the one method it calls (<c>o =&gt; ((Job)o).Run()</c>).</summary>
    private sealed class SignalSite
    {
        public SignalSite(IOperation @delegate, IMethodSymbol callback, IOperation callbackBody, IOperation signalBody, IInvocationOperation? helperCall, IOperation? receiver, IInvocationOperation queue, IOperation root)
        {
            Delegate = @delegate;
            Callback = callback;
            CallbackBody = callbackBody;
            SignalBody = signalBody;
            HelperCall = helperCall;
            Receiver = receiver;
            Queue = queue;
            Root = root;
        }

        public IOperation Delegate { get; }

        /// <summary>The method the work item runs (the lambda's symbol, or the implementation a method group resolves to).</summary>
        public IMethodSymbol Callback { get; }

        public IOperation CallbackBody { get; }

        public IOperation SignalBody { get; }

        /// <summary>The call from the callback into the method that signals, when the signals are there.</summary>
        public IInvocationOperation? HelperCall { get; }

        /// <summary>What <c>this</c> is in the body that signals (an instance method group's receiver, or the helper call's).</summary>
        public IOperation? Receiver { get; }

        public IInvocationOperation Queue { get; }

        public IOperation Root { get; }
    }

    private static QueuedJoin? FindQueuedJoin(IInvocationOperation queue, IOperation @delegate, IMethodSymbol callback, IOperation lambdaBody, IOperation root, KnownTypes types, WorkCostModel costModel)
    {
        var site = new SignalSite(@delegate, callback, lambdaBody, lambdaBody, null, (@delegate as IMethodReferenceOperation)?.Instance, queue, root);
        var join = FindQueuedJoin(site, types, costModel);
        if (join is null && SingleCall(lambdaBody) is { } helper
            && costModel.GetBody(helper.TargetMethod.OriginalDefinition, System.Threading.CancellationToken.None) is { } helperBody)
        {
            // ThreadPool.QueueUserWorkItem(o => ((Worker)o).Run()): the signal is in Run.
            join = FindQueuedJoin(new SignalSite(@delegate, callback, lambdaBody, helperBody, helper, helper.Instance, queue, root), types, costModel);
        }

        return join;
    }

    /// <summary>
    /// The method a work item runs and its body: the lambda, the method group's method, or — for a method group on a
    /// local typed as an interface or base class (<c>IJob job = new Deflate(..); QueueUserWorkItem(job.Run)</c>) — the
    /// implementation in the class the local is created with. Null when it cannot be seen.
    /// </summary>
    private static IMethodSymbol? CallbackMethod(IOperation @delegate, IOperation root, WorkCostModel costModel, out IOperation? body)
    {
        body = null;
        switch (@delegate)
        {
            case IAnonymousFunctionOperation function:
                body = function.Body;
                return function.Symbol;
            case IMethodReferenceOperation reference:
                var method = reference.Method;
                if ((method.IsAbstract || method.IsVirtual) && reference.Instance is { } instance
                    && CallerValue(instance, root) is IObjectCreationOperation { Type: INamedTypeSymbol created }
                    && ImplementationIn(created, method) is { } implementation)
                {
                    method = implementation;
                }

                body = costModel.GetBody(method.OriginalDefinition, System.Threading.CancellationToken.None);
                return method;
            default:
                return null;
        }
    }

    /// <summary>The method of <paramref name="type"/> that a call to <paramref name="method"/> (interface, abstract or virtual) runs.</summary>
    private static IMethodSymbol? ImplementationIn(INamedTypeSymbol type, IMethodSymbol method)
    {
        if (method.ContainingType?.TypeKind == TypeKind.Interface)
        {
            return type.FindImplementationForInterfaceMember(method) as IMethodSymbol;
        }

        for (var current = type; current is not null; current = current.BaseType)
        {
            foreach (var member in current.GetMembers(method.Name))
            {
                if (member is IMethodSymbol candidate && !candidate.IsAbstract)
                {
                    for (var overridden = candidate; overridden is not null; overridden = overridden.OverriddenMethod)
                    {
                        if (SymbolEqualityComparer.Default.Equals(overridden.OriginalDefinition, method.OriginalDefinition))
                        {
                            return candidate;
                        }
                    }
                }
            }
        }

        return null;
    }

    private static IInvocationOperation? SingleCall(IOperation body)
    {
        if (body is not IBlockOperation block)
        {
            return null;
        }

        IInvocationOperation? call = null;
        foreach (var statement in block.Operations)
        {
            if (statement is IReturnOperation { IsImplicit: true, ReturnedValue: null })
            {
                continue;
            }

            if (call is not null || statement is not IExpressionStatementOperation { Operation: IInvocationOperation invocation })
            {
                return null;
            }

            call = invocation;
        }

        return call;
    }

    /// <summary>
    /// Whether the work item's CPU-bound work is done when <paramref name="signal"/> runs: no CPU-bound statement follows it
    /// in any block between it and <paramref name="body"/> (an item that sets 'started' and then computes is not joined).
    /// </summary>
    private static bool SignalsCompletion(IOperation signal, IOperation body, WorkCostModel costModel)
    {
        for (var current = signal; current is not null && current != body; current = current.Parent)
        {
            if (current.Parent is IBlockOperation block)
            {
                var after = false;
                foreach (var statement in block.Operations)
                {
                    if (after && costModel.Analyze(statement).IsCpuBound)
                    {
                        return false;
                    }

                    after |= statement == current;
                }
            }
        }

        return true;
    }

    private static QueuedJoin? FindQueuedJoin(SignalSite site, KnownTypes types, WorkCostModel costModel)
    {
        var signals = CompletionSignals(site, types, costModel, out var decrements);
        if (signals.Count == 0)
        {
            return PollingJoin(site, types, costModel);
        }

        var signalStatements = signals.Select(s => (IOperation)(s.Parent is IExpressionStatementOperation st ? st : s)).ToImmutableArray();
        var rootWaits = OperationFacts.Descendants(site.Root, enterFunctions: false).OfType<IInvocationOperation>().ToList();
        var counter = InterlockedCounter(site.SignalBody, types);
        foreach (var signal in signals)
        {
            if (JoinOfSignal(signal, site, rootWaits, signalStatements, decrements, counter, types, costModel) is { } join)
            {
                return join;
            }
        }

        return PollingJoin(site, types, costModel);
    }

    private const string PollingJoinBlocker = "the caller polls the pending counter in a sleep loop";

    /// <summary>
    /// A work item that ends by counting itself done (<c>Interlocked.Increment(ref finished)</c>, or <c>finished++</c> /
    /// <c>pending--</c> inside a <c>lock</c>) and a caller that, after queuing, spins until the counter says all are done:
    /// <c>while (Interlocked.Read(ref finished) &lt; n) Thread.Sleep(100);</c> — a loop whose condition reads the counter and
    /// whose body only sleeps, yields or spins. No rewrite (the loop would have to go); the keep-the-join dispatch may apply.
    /// </summary>
    private static QueuedJoin? PollingJoin(SignalSite site, KnownTypes types, WorkCostModel costModel)
    {
        var step = CompletionCount(site.SignalBody, types, costModel, out var counter);
        if (step is null || counter is null || !SignalsCompletion(step, site.SignalBody, costModel))
        {
            return null;
        }

        foreach (var operation in OperationFacts.Descendants(site.Root, enterFunctions: false))
        {
            if (operation is IWhileLoopOperation { Condition: { } condition } loop
                && loop.Syntax.SpanStart > site.Queue.Syntax.SpanStart
                && References(condition, counter)
                && OperationFacts.OnlyWaits(loop.Body, types))
            {
                return new QueuedJoin("pending counter polled in a sleep loop", null, ImmutableArray.Create(step), PollingJoinBlocker, wait: loop);
            }
        }

        return null;
    }

    /// <summary>
    /// The statement with which a work item counts itself done, and the counter: the last <c>Interlocked.Increment</c> /
    /// <c>Decrement</c> on a field or captured local, or the last <c>++</c> / <c>--</c> / <c>+= 1</c> / <c>-= 1</c> of one
    /// inside a <c>lock</c>.
    /// </summary>
    private static IOperation? CompletionCount(IOperation body, KnownTypes types, WorkCostModel costModel, out ISymbol? counter)
    {
        IOperation? step = null;
        counter = null;
        foreach (var operation in OperationFacts.Descendants(body))
        {
            IOperation? target = null;
            switch (operation)
            {
                case IInvocationOperation { TargetMethod.Name: "Increment" or "Decrement", Arguments.Length: 1 } interlocked
                    when KnownTypes.Is(interlocked.TargetMethod.ContainingType, types.Interlocked):
                    target = interlocked.Arguments[0].Value;
                    break;
                case IIncrementOrDecrementOperation change when OperationFacts.IsInsideLock(change, body):
                    target = change.Target;
                    break;
                case ICompoundAssignmentOperation { OperatorKind: BinaryOperatorKind.Add or BinaryOperatorKind.Subtract } compound
                    when OperationFacts.IsInsideLock(compound, body) && compound.Value.ConstantValue is { HasValue: true, Value: 1 }:
                    target = compound.Target;
                    break;
                case IInvocationOperation { Arguments.Length: 0, Instance: { } holder } counting
                    when IsAtomicCountStep(counting.TargetMethod, types, costModel):
                    // pending.DecrementAndGet() on an atomic-integer class of the user's: the object is the counter.
                    target = holder;
                    break;
            }

            var symbol = target is null ? null : OperationFacts.ReferencedSymbol(OperationFacts.StripConversions(target));
            if (symbol is IFieldSymbol or ILocalSymbol && operation.Parent is IExpressionStatementOperation statement)
            {
                step = statement;
                counter = symbol;
            }
        }

        return step;
    }

    /// <summary>
    /// A parameterless method of the user's whose body is only <c>Interlocked.Increment</c> / <c>Decrement</c> of one of
    /// its type's instance fields (returned or as a statement): the step of an atomic-integer wrapper class.
    /// </summary>
    private static bool IsAtomicCountStep(IMethodSymbol method, KnownTypes types, WorkCostModel costModel)
    {
        if (method.IsStatic || method.IsAbstract || method.IsVirtual || method.DeclaringSyntaxReferences.Length != 1
            || costModel.GetBody(method.OriginalDefinition, System.Threading.CancellationToken.None) is not IBlockOperation { Operations.Length: 1 } block)
        {
            return false;
        }

        var only = block.Operations[0] switch
        {
            IReturnOperation { ReturnedValue: { } value } => value,
            IExpressionStatementOperation statement => statement.Operation,
            _ => null,
        };
        return only is IInvocationOperation { TargetMethod.Name: "Increment" or "Decrement", Arguments.Length: 1 } interlocked
               && KnownTypes.Is(interlocked.TargetMethod.ContainingType, types.Interlocked)
               && OperationFacts.StripConversions(interlocked.Arguments[0].Value) is IFieldReferenceOperation { Field.IsStatic: false, Instance: IInstanceReferenceOperation } field
               && SymbolEqualityComparer.Default.Equals(field.Field.ContainingType, method.ContainingType);
    }

    /// <summary>
    /// The calls in the signal body that signal the work item's completion (CountdownEvent.Signal, an event's Set,
    /// Monitor.Pulse), and whether the body also counts with Interlocked.Decrement/Increment.
    /// </summary>
    private static List<IInvocationOperation> CompletionSignals(SignalSite site, KnownTypes types, WorkCostModel costModel, out bool decrements)
    {
        var signals = new List<IInvocationOperation>();
        decrements = false;
        foreach (var operation in OperationFacts.Descendants(site.SignalBody))
        {
            if (operation is not IInvocationOperation invocation)
            {
                continue;
            }

            var type = invocation.TargetMethod.ContainingType;
            if ((KnownTypes.Is(type, types.CountdownEvent) && invocation.TargetMethod.Name == "Signal")
                || ((OperationFacts.DerivesFrom(type, types.WaitHandle) || KnownTypes.Is(type, types.ManualResetEventSlim)) && invocation.TargetMethod.Name == "Set")
                || (IsMonitorPulse(invocation, types) && invocation.Arguments.Length == 1))
            {
                if (SignalsCompletion(invocation, site.SignalBody, costModel))
                {
                    signals.Add(invocation);
                }
            }

            if (KnownTypes.Is(type, types.Interlocked) && (invocation.TargetMethod.Name == "Decrement" || invocation.TargetMethod.Name == "Increment"))
            {
                decrements = true;
            }
        }

        return signals;
    }

    /// <summary>The counter the signal body passes to Interlocked.Decrement/Increment (the last such call wins), or null.</summary>
    private static ISymbol? InterlockedCounter(IOperation signalBody, KnownTypes types)
    {
        ISymbol? counter = null;
        foreach (var operation in OperationFacts.Descendants(signalBody))
        {
            if (operation is IInvocationOperation { TargetMethod.Name: "Decrement" or "Increment", Arguments.Length: 1 } interlocked
                && KnownTypes.Is(interlocked.TargetMethod.ContainingType, types.Interlocked))
            {
                counter = OperationFacts.ReferencedSymbol(OperationFacts.StripConversions(interlocked.Arguments[0].Value));
            }
        }

        return counter;
    }

    /// <summary>
    /// The join one completion signal takes part in, seen through the work item's state and a join field's
    /// sibling methods, or null when the caller waits for it in none of the recognised ways.
    /// </summary>
    private static QueuedJoin? JoinOfSignal(IInvocationOperation signal, SignalSite site, List<IInvocationOperation> rootWaits, ImmutableArray<IOperation> signalStatements, bool decrements, ISymbol? counter, KnownTypes types, WorkCostModel costModel)
    {
        var monitor = IsMonitorPulse(signal, types);
        var targetExpression = monitor ? signal.Arguments[0].Value : signal.Instance;
        var target = targetExpression is null ? null : OperationFacts.StripConversions(targetExpression);
        if (target is null)
        {
            return null;
        }

        // The join object may reach the work item through its state: a tuple, a small class, an array element.
        var fromState = StateValue(target, site, 0);
        var carried = fromState is not null;
        var resolved = fromState ?? target;
        var waits = rootWaits;
        if (JoinField(resolved) is { } joinField)
        {
            // A join object kept in a field may be waited in another method of the class.
            waits = rootWaits.Concat(SiblingInvocations(joinField, site.Root, costModel)).ToList();
        }

        var blocker = SignalBlocker(site, target, carried);
        if (monitor)
        {
            return MonitorJoin(resolved, waits, signalStatements, blocker, types);
        }

        if (KnownTypes.Is(signal.TargetMethod.ContainingType, types.CountdownEvent))
        {
            var symbol = OperationFacts.ReferencedSymbol(resolved);
            return symbol is not null && waits.Any(w => w.TargetMethod.Name == "Wait" && w.Instance is { } i && SymbolEqualityComparer.Default.Equals(OperationFacts.ReferencedSymbol(OperationFacts.StripConversions(i)), symbol))
                ? new QueuedJoin("CountdownEvent", carried ? null : symbol as ILocalSymbol, signalStatements, blocker)
                : null;
        }

        return EventJoin(resolved, waits, signalStatements, blocker, decrements, counter, site.Root, types);
    }

    /// <summary>Why a rewrite must refuse a join whose object travels in the item's state (null when it does not).</summary>
    private static string? SignalBlocker(SignalSite site, IOperation target, bool carried) =>
        !carried ? null
        : site.HelperCall is not null && target is IParameterReferenceOperation { Parameter.ContainingSymbol: IMethodSymbol owner }
          && SymbolEqualityComparer.Default.Equals(owner.OriginalDefinition, site.HelperCall.TargetMethod.OriginalDefinition)
            ? HelperSignalBlocker
            : StateCarriedBlocker;

    /// <summary>
    /// <c>lock (gate) { pending--; Monitor.Pulse(gate); }</c> in the item with <c>while (pending &gt; 0) Monitor.Wait(gate)</c>
    /// in the caller: the join when some wait is a Monitor.Wait on the pulsed gate.
    /// </summary>
    private static QueuedJoin? MonitorJoin(IOperation gateExpression, List<IInvocationOperation> waits, ImmutableArray<IOperation> signalStatements, string? blocker, KnownTypes types)
    {
        var gate = OperationFacts.ReferencedSymbol(gateExpression);
        if (gate is not null && waits.Any(w => w.TargetMethod.Name == "Wait" && KnownTypes.Is(w.TargetMethod.ContainingType, types.Monitor)
                                               && w.Arguments.Length >= 1
                                               && SymbolEqualityComparer.Default.Equals(OperationFacts.ReferencedSymbol(OperationFacts.StripConversions(w.Arguments[0].Value)), gate)))
        {
            return new QueuedJoin("pending counter + Monitor.Wait", null, signalStatements, blocker);
        }

        return null;
    }

    /// <summary>
    /// The joins on set events: an event array waited with WaitHandle.WaitAll or one WaitOne per event, or one done
    /// event set when an Interlocked counter runs out and waited by the caller.
    /// </summary>
    private static QueuedJoin? EventJoin(IOperation eventExpression, List<IInvocationOperation> waits, ImmutableArray<IOperation> signalStatements, string? blocker, bool decrements, ISymbol? counter, IOperation root, KnownTypes types)
    {
        var collection = EventCollection(eventExpression, root);
        var waitAll = collection is null ? null
            : waits.FirstOrDefault(w => KnownTypes.Is(w.TargetMethod.ContainingType, types.WaitHandle) && w.TargetMethod.Name == "WaitAll"
                                        && w.Arguments.Length >= 1 && References(w.Arguments[0].Value, collection));
        if (waitAll is not null)
        {
            return new QueuedJoin("ManualResetEvent[] + WaitHandle.WaitAll", null, signalStatements, blocker, events: collection, wait: waitAll);
        }

        if (collection is not null && EventWaitLoop(collection, root, types) is { } waitLoop)
        {
            // foreach (var e in events) e.WaitOne();
            return new QueuedJoin("ManualResetEvent[] + WaitOne per event", null, signalStatements, blocker, events: collection, wait: waitLoop);
        }

        if (collection is not null && EventDrainLoop(collection, root, types) is { } drainLoop)
        {
            // while (outstanding > 0) { WaitHandle.WaitAny(events); outstanding--; }
            return new QueuedJoin("WaitHandle[] + WaitAny until none is outstanding", null, signalStatements, blocker ?? DrainJoinBlocker, events: collection, wait: drainLoop);
        }

        if (decrements)
        {
            var symbol = OperationFacts.ReferencedSymbol(eventExpression);
            var wait = symbol is null ? null
                : waits.FirstOrDefault(w => (w.TargetMethod.Name == "WaitOne" || w.TargetMethod.Name == "Wait") && w.Instance is { } i
                                            && SymbolEqualityComparer.Default.Equals(OperationFacts.ReferencedSymbol(OperationFacts.StripConversions(i)), symbol));
            if (wait is not null)
            {
                return new QueuedJoin("Interlocked counter + event", null, signalStatements, blocker, doneEvent: symbol, counter: counter, wait: wait);
            }
        }

        return null;
    }

    private static bool References(IOperation expression, ISymbol symbol)
    {
        foreach (var operation in OperationFacts.Descendants(expression, enterFunctions: false))
        {
            if (OperationFacts.IsReferenceTo(operation, symbol))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// The array or list that code under <paramref name="root"/> (not inside lambdas) stores a matching value into:
    /// <c>slots[i] = value</c> or <c>list.Add(value)</c>, the first one in tree order.
    /// </summary>
    private static ISymbol? CollectionStoring(IOperation root, Func<IOperation, bool> isTheValue)
    {
        foreach (var operation in OperationFacts.Descendants(root, enterFunctions: false))
        {
            switch (operation)
            {
                case IInvocationOperation { TargetMethod: { Name: "Add" }, Instance: { } instance, Arguments: { Length: 1 } } add
                    when isTheValue(OperationFacts.StripConversions(add.Arguments[0].Value)):
                    return OperationFacts.ReferencedSymbol(OperationFacts.StripConversions(instance));
                case ISimpleAssignmentOperation { Target: IArrayElementReferenceOperation slot } store
                    when isTheValue(OperationFacts.StripConversions(store.Value)):
                    return OperationFacts.ReferencedSymbol(OperationFacts.StripConversions(slot.ArrayReference));
            }
        }

        return null;
    }

    /// <summary>
    /// The collection an event belongs to: <c>events[i]</c>, <c>list[i]</c>, or a local stored with
    /// <c>events.Add(e)</c> / <c>events[i] = e</c>.
    /// </summary>
    private static ISymbol? EventCollection(IOperation eventExpression, IOperation root)
    {
        switch (OperationFacts.StripConversions(eventExpression))
        {
            case IArrayElementReferenceOperation element:
                return OperationFacts.ReferencedSymbol(OperationFacts.StripConversions(element.ArrayReference));
            case IPropertyReferenceOperation { Property: { IsIndexer: true }, Instance: { } list }:
                return OperationFacts.ReferencedSymbol(OperationFacts.StripConversions(list));
            case ILocalReferenceOperation local:
                if (!OperationFacts.IsWrittenAfterDeclaration(local.Local, root)
                    && OperationFacts.InitializerOf(local.Local, root) is { } elementValue
                    && OperationFacts.StripConversions(elementValue) is IArrayElementReferenceOperation or IPropertyReferenceOperation { Property: { IsIndexer: true } })
                {
                    // var done = events[j]; ... done.Set() in the item.
                    return EventCollection(elementValue, root);
                }

                return CollectionStoring(root, value => value is ILocalReferenceOperation stored && SymbolEqualityComparer.Default.Equals(stored.Local, local.Local));
            case IMemberReferenceOperation { Member: IFieldSymbol or IPropertySymbol } member:
                // job.Done.Set() in the item, with handles[i] = jobs[i].Done (or handles.Add(job.Done)) in the caller: the
                // event is a member of each work item, collected into the array or list that WaitAll waits on.
                return CollectionStoring(root, value => value is IMemberReferenceOperation stored && SymbolEqualityComparer.Default.Equals(stored.Member, member.Member));
            default:
                return null;
        }
    }

    /// <summary>
    /// What <paramref name="expression"/> (inside the work item) stands for in the queuing function when it reads the
    /// item's state: the state argument itself, or one of its members (<c>s.Done</c> of <c>(i, done)</c>,
    /// <c>new Job { Done = done }</c>, <c>Tuple.Create(x, done)</c>), also through a local copy or cast
    /// (<c>var job = (Job)state;</c>). Null when it does not come from the state.
    /// </summary>
    private static IOperation? StateValue(IOperation expression, SignalSite site, int depth)
    {
        if (depth > 5)
        {
            return null;
        }

        expression = OperationFacts.StripConversions(expression);
        switch (expression)
        {
            case IParameterReferenceOperation parameter when parameter.Parameter.Ordinal == 0 && IsCallbackParameter(parameter.Parameter, site.Callback):
                var state = StateArgument(site.Queue);
                return state is null ? null : CallerValue(state, site.Root);
            case IParameterReferenceOperation parameter when site.HelperCall is { } helper
                                                             && parameter.Parameter.ContainingSymbol is IMethodSymbol owner
                                                             && SymbolEqualityComparer.Default.Equals(owner.OriginalDefinition, helper.TargetMethod.OriginalDefinition):
                // Process(job) called from the callback: the argument the callback passes.
                foreach (var argument in helper.Arguments)
                {
                    if (argument.Parameter?.Ordinal == parameter.Parameter.Ordinal)
                    {
                        // Check(n, done) with 'done' captured from the queuing method: the caller's own local or field.
                        return StateValue(argument.Value, site, depth + 1)
                               ?? (OperationFacts.StripConversions(argument.Value) is { } passed
                                   && passed is ILocalReferenceOperation or IFieldReferenceOperation
                                   && OperationFacts.ReferencedSymbol(passed) is { } symbol
                                   && !OperationFacts.IsDeclaredIn(symbol, site.CallbackBody)
                                       ? passed
                                       : null);
                    }
                }

                return null;
            case ILocalReferenceOperation local when DeconstructedFrom(local.Local, site.CallbackBody, out var position) is { } whole:
                // var (rows, done) = ((int[], ManualResetEvent))state; — the element at the local's position.
                var tupleValue = StateValue(whole, site, depth + 1);
                return tupleValue is null ? null : TupleElement(CallerValue(tupleValue, site.Root), position);
            case ILocalReferenceOperation local:
                var initializer = LocalCopy(local.Local, site.CallbackBody) ?? (site.SignalBody != site.CallbackBody ? LocalCopy(local.Local, site.SignalBody) : null)
                                  ?? StraightLineValue(local);
                return initializer is null ? null : StateValue(initializer, site, depth + 1);
            case IArrayElementReferenceOperation { Indices: { Length: 1 } indices } element
                when indices[0].ConstantValue is { HasValue: true, Value: int slot }:
                // ((object[])state)[1]: the element the queuing code put at that position.
                var array = StateValue(element.ArrayReference, site, depth + 1);
                return array is not null && CallerValue(array, site.Root) is IArrayCreationOperation { Initializer: { } items }
                                         && slot >= 0 && slot < items.ElementValues.Length
                    ? OperationFacts.StripConversions(items.ElementValues[slot])
                    : null;
            case IFieldReferenceOperation { Instance: { } instance } field:
                return MemberOfContainer(instance, field.Field, site, depth);
            case IPropertyReferenceOperation { Instance: { } instance, Arguments: { Length: 0 } } property:
                return MemberOfContainer(instance, property.Property, site, depth);
            default:
                return null;
        }
    }

    private static IOperation? MemberOfContainer(IOperation instance, ISymbol member, SignalSite site, int depth)
    {
        IOperation? container;
        if (instance is IInstanceReferenceOperation)
        {
            // this.done in the method that signals: the receiver's member (new Worker(rows, done).Run).
            if (site.Receiver is null || OperationFacts.StripConversions(site.Receiver) is IInstanceReferenceOperation)
            {
                return null;
            }

            container = StateValue(site.Receiver, site, depth + 1) ?? site.Receiver;
        }
        else
        {
            container = StateValue(instance, site, depth + 1);
        }

        if (container is null)
        {
            return null;
        }

        // new Job { Done = new ManualResetEvent(false) }: an object made in place has no name in the caller to match a
        // join by; the caller reaches it through the member (handles[i] = jobs[i].Done), which the member match follows.
        var value = MemberValue(CallerValue(container, site.Root), member) ?? MemberAssignedOn(container, member, site.Root);
        return value is IObjectCreationOperation ? null : value;
    }

    /// <summary>
    /// <c>var data = new NormalsJob(); data.Start = s; data.Done = events[t]; QueueUserWorkItem(Work, data);</c>: the state
    /// object filled member by member after it is made. The value of <paramref name="member"/> is the one assignment the
    /// queuing function (not its lambdas) makes to that member of the local; null when there is none or more than one.
    /// </summary>
    private static IOperation? MemberAssignedOn(IOperation container, ISymbol member, IOperation root)
    {
        // The local itself, or the creation that initialises it (what the state argument resolves to in the caller).
        ILocalSymbol? local = OperationFacts.StripConversions(container) switch
        {
            ILocalReferenceOperation reference => reference.Local,
            IObjectCreationOperation { Parent: IConversionOperation { Parent: IVariableInitializerOperation { Parent: IVariableDeclaratorOperation declarator } } } => declarator.Symbol,
            IObjectCreationOperation { Parent: IVariableInitializerOperation { Parent: IVariableDeclaratorOperation declarator } } => declarator.Symbol,
            _ => null,
        };
        if (local is null)
        {
            return null;
        }

        IOperation? found = null;
        foreach (var operation in OperationFacts.Descendants(root, enterFunctions: false))
        {
            if (operation is ISimpleAssignmentOperation { Target: IMemberReferenceOperation { Instance: { } instance } target } assignment
                && SymbolEqualityComparer.Default.Equals(target.Member.OriginalDefinition, member.OriginalDefinition)
                && OperationFacts.StripConversions(instance) is ILocalReferenceOperation owner
                && SymbolEqualityComparer.Default.Equals(owner.Local, local))
            {
                if (found is not null)
                {
                    return null;
                }

                found = OperationFacts.StripConversions(assignment.Value);
            }
        }

        return found;
    }

    /// <summary>
    /// The value a local reused as a temporary holds where <paramref name="reference"/> reads it: the last write before the
    /// reading statement, when the local is declared in the block that holds that statement and every write to it is a plain
    /// statement of that block (straight-line unpacking of a state array: <c>var data = parts[3]; ... data = parts[2];
    /// var done = (AutoResetEvent)data;</c>). Null when a write sits in a branch, a loop or a lambda, or the local is passed by
    /// reference.
    /// </summary>
    private static IOperation? StraightLineValue(ILocalReferenceOperation reference)
    {
        IOperation statement = reference;
        while (statement.Parent is not null and not IBlockOperation)
        {
            statement = statement.Parent;
        }

        if (statement.Parent is not IBlockOperation block || !block.Locals.Contains(reference.Local, SymbolEqualityComparer.Default))
        {
            return null;
        }

        var position = block.Operations.IndexOf(statement);
        IOperation? value = null;
        foreach (var operation in OperationFacts.Descendants(block))
        {
            IOperation? written = null;
            switch (operation)
            {
                case ISimpleAssignmentOperation { Target: ILocalReferenceOperation target } assignment when SymbolEqualityComparer.Default.Equals(target.Local, reference.Local):
                    written = assignment.Value;
                    break;
                case IVariableDeclaratorOperation declarator when SymbolEqualityComparer.Default.Equals(declarator.Symbol, reference.Local):
                    written = declarator.Initializer?.Value;
                    break;
                case IArgumentOperation { Parameter.RefKind: not RefKind.None } argument when OperationFacts.StripConversions(argument.Value) is ILocalReferenceOperation passed
                                                                                             && SymbolEqualityComparer.Default.Equals(passed.Local, reference.Local):
                    return null;
                case IAnonymousFunctionOperation or ILocalFunctionOperation when OperationFacts.Descendants(operation).OfType<ISimpleAssignmentOperation>()
                    .Any(a => a.Target is ILocalReferenceOperation t && SymbolEqualityComparer.Default.Equals(t.Local, reference.Local)):
                    return null;
                default:
                    continue;
            }

            // The statement of the block that makes the write: it must be the write itself, not a branch or loop around it.
            IOperation owner = operation;
            while (owner.Parent is not null && owner.Parent != block)
            {
                if (owner.Parent is IBlockOperation or ILoopOperation or IConditionalOperation or ITryOperation or ISwitchOperation or IAnonymousFunctionOperation)
                {
                    return null;
                }

                owner = owner.Parent;
            }

            var at = block.Operations.IndexOf(owner);
            if (at < 0)
            {
                return null;
            }

            if (at < position && written is not null)
            {
                value = written;
            }
        }

        return value;
    }

    /// <summary>
    /// The value a deconstruction declaration in <paramref name="body"/> takes <paramref name="local"/> from
    /// (<c>var (rows, done) = ((int[], ManualResetEvent))state;</c> or <c>(var rows, var done) = …</c>), with the local's
    /// position in it; null when the local is not declared that way or is written again.
    /// </summary>
    private static IOperation? DeconstructedFrom(ILocalSymbol local, IOperation body, out int position)
    {
        position = -1;
        IDeconstructionAssignmentOperation? found = null;
        foreach (var operation in OperationFacts.Descendants(body))
        {
            if (operation is not ILocalReferenceOperation reference || !SymbolEqualityComparer.Default.Equals(reference.Local, local))
            {
                continue;
            }

            var element = reference.Parent is IDeclarationExpressionOperation declaration ? declaration : (IOperation)reference;
            var tuple = element.Parent as ITupleOperation;
            var deconstruction = (tuple?.Parent as IDeclarationExpressionOperation)?.Parent as IDeconstructionAssignmentOperation
                                 ?? tuple?.Parent as IDeconstructionAssignmentOperation;
            if (reference.IsDeclaration && tuple is not null && deconstruction is not null && found is null)
            {
                found = deconstruction;
                position = tuple.Elements.IndexOf(element);
            }
            else if (OperationFacts.IsWrite(reference))
            {
                return null;
            }
        }

        return found is null ? null : OperationFacts.StripConversions(found.Value);
    }

    /// <summary>The element at <paramref name="position"/> of a tuple literal, <c>new Tuple&lt;…&gt;(…)</c> or <c>Tuple.Create(…)</c>.</summary>
    private static IOperation? TupleElement(IOperation container, int position)
    {
        if (position < 0)
        {
            return null;
        }

        switch (container)
        {
            case ITupleOperation tuple:
                return position < tuple.Elements.Length ? OperationFacts.StripConversions(tuple.Elements[position]) : null;
            case IInvocationOperation { TargetMethod: { Name: "Create" } } create when create.TargetMethod.ContainingType?.Name is "Tuple" or "ValueTuple":
                return position < create.Arguments.Length ? OperationFacts.StripConversions(create.Arguments[position].Value) : null;
            case IObjectCreationOperation { Initializer: null } creation when creation.Type?.Name is "Tuple" or "ValueTuple":
                return position < creation.Arguments.Length ? OperationFacts.StripConversions(creation.Arguments[position].Value) : null;
            default:
                return null;
        }
    }

    /// <summary>The initialiser of a local declared in <paramref name="body"/> and never reassigned there.</summary>
    private static IOperation? LocalCopy(ILocalSymbol local, IOperation body)
        => OperationFacts.IsWrittenAfterDeclaration(local, body) ? null : OperationFacts.InitializerOf(local, body);

    private static bool IsCallbackParameter(IParameterSymbol parameter, IMethodSymbol callback)
        => parameter.ContainingSymbol is IMethodSymbol owner
           && SymbolEqualityComparer.Default.Equals(owner.OriginalDefinition, callback.OriginalDefinition);

    /// <summary>The <c>state</c> argument of <c>QueueUserWorkItem(callback, state[, preferLocal])</c>.</summary>
    private static IOperation? StateArgument(IInvocationOperation queue)
    {
        foreach (var argument in queue.Arguments)
        {
            if (argument.Parameter?.Ordinal == 1 && argument.ArgumentKind == ArgumentKind.Explicit)
            {
                return OperationFacts.StripConversions(argument.Value);
            }
        }

        return null;
    }

    /// <summary>
    /// A local of the queuing function read in place of its (never reassigned) initialiser; an array element read in
    /// place of what an earlier statement of its block stored there (<c>jobs[i] = new Job(…, done[i]);
    /// QueueUserWorkItem(jobs[i].Run);</c>), or of the one creation every element of a local array is made by (the jobs
    /// made in one loop and queued in the next).
    /// </summary>
    private static IOperation CallerValue(IOperation value, IOperation root)
    {
        value = OperationFacts.StripConversions(value);
        if (value is IArrayElementReferenceOperation element && (StoredBefore(element) ?? OnlyStored(element, root)) is { } stored)
        {
            return stored;
        }

        if (value is ILocalReferenceOperation local && !OperationFacts.IsWrittenAfterDeclaration(local.Local, root)
            && OperationFacts.InitializerOf(local.Local, root) is { } initializer
            && OperationFacts.StripConversions(initializer) is ITupleOperation or IObjectCreationOperation or IAnonymousObjectCreationOperation or IInvocationOperation or IArrayCreationOperation)
        {
            return OperationFacts.StripConversions(initializer);
        }

        return value;
    }

    /// <summary>
    /// The object creation an earlier statement of the same block stored in <paramref name="element"/>'s slot: the array
    /// is a local or field and the index a local or parameter, the same symbols in both places, and no statement between
    /// the store and the read writes either. Null otherwise.
    /// </summary>
    private static IOperation? StoredBefore(IArrayElementReferenceOperation element)
    {
        var array = element.Indices.Length == 1 ? OperationFacts.ReferencedSymbol(OperationFacts.StripConversions(element.ArrayReference)) : null;
        var index = element.Indices.Length == 1 ? OperationFacts.ReferencedSymbol(OperationFacts.StripConversions(element.Indices[0])) : null;
        if (array is not (ILocalSymbol or IFieldSymbol) || index is not (ILocalSymbol or IParameterSymbol))
        {
            return null;
        }

        IOperation statement = element;
        while (statement.Parent is not null and not IBlockOperation)
        {
            statement = statement.Parent;
        }

        if (statement.Parent is not IBlockOperation block)
        {
            return null;
        }

        for (var i = block.Operations.IndexOf(statement) - 1; i >= 0; i--)
        {
            var earlier = block.Operations[i];
            if (earlier is IExpressionStatementOperation { Operation: ISimpleAssignmentOperation { Target: IArrayElementReferenceOperation { Indices.Length: 1 } target } store }
                && SymbolEqualityComparer.Default.Equals(OperationFacts.ReferencedSymbol(OperationFacts.StripConversions(target.ArrayReference)), array)
                && SymbolEqualityComparer.Default.Equals(OperationFacts.ReferencedSymbol(OperationFacts.StripConversions(target.Indices[0])), index))
            {
                return OperationFacts.StripConversions(store.Value) is IObjectCreationOperation creation ? creation : null;
            }

            if (Writes(earlier, array) || Writes(earlier, index))
            {
                return null;
            }
        }

        return null;
    }

    /// <summary>
    /// The one object creation that fills a local array of the function: one statement <c>a[k] = new T(…)</c>, no other
    /// write to an element of it, and the local itself assigned only by its initialiser. Null otherwise.
    /// </summary>
    private static IOperation? OnlyStored(IArrayElementReferenceOperation element, IOperation root)
    {
        if (OperationFacts.StripConversions(element.ArrayReference) is not ILocalReferenceOperation { Local: var array }
            || OperationFacts.IsWrittenAfterDeclaration(array, root))
        {
            return null;
        }

        IOperation? creation = null;
        foreach (var operation in OperationFacts.Descendants(root))
        {
            if (operation is not IArrayElementReferenceOperation stored
                || OperationFacts.StripConversions(stored.ArrayReference) is not ILocalReferenceOperation reference
                || !SymbolEqualityComparer.Default.Equals(reference.Local, array)
                || !OperationFacts.IsWrite(stored))
            {
                continue;
            }

            if (creation is not null
                || stored.Parent is not ISimpleAssignmentOperation { Parent: IExpressionStatementOperation } store
                || store.Target != stored
                || OperationFacts.StripConversions(store.Value) is not IObjectCreationOperation made)
            {
                return null;
            }

            creation = made;
        }

        return creation;
    }

    /// <summary>Whether <paramref name="operation"/> assigns <paramref name="symbol"/> itself (not an element of it), or passes it by reference.</summary>
    private static bool Writes(IOperation operation, ISymbol symbol)
    {
        foreach (var descendant in OperationFacts.Descendants(operation))
        {
            var target = descendant switch
            {
                IAssignmentOperation assignment => assignment.Target,
                IIncrementOrDecrementOperation increment => increment.Target,
                IArgumentOperation { Parameter.RefKind: not RefKind.None } argument => argument.Value,
                _ => null,
            };
            if (target is not null && SymbolEqualityComparer.Default.Equals(OperationFacts.ReferencedSymbol(OperationFacts.StripConversions(target)), symbol))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The value a tuple, object creation or <c>Tuple.Create</c> gives <paramref name="member"/>.</summary>
    private static IOperation? MemberValue(IOperation container, ISymbol member)
    {
        switch (container)
        {
            case ITupleOperation:
            case IInvocationOperation { TargetMethod: { Name: "Create" } } create when create.TargetMethod.ContainingType?.Name is "Tuple" or "ValueTuple":
                return TupleElement(container, TupleIndex(member));
            case IAnonymousObjectCreationOperation anonymous:
                foreach (var initializer in anonymous.Initializers)
                {
                    if (initializer is ISimpleAssignmentOperation { Target: IPropertyReferenceOperation target } assignment && target.Property.Name == member.Name)
                    {
                        return OperationFacts.StripConversions(assignment.Value);
                    }
                }

                return null;
            case IObjectCreationOperation creation:
                if (creation.Initializer is { } objectInitializer)
                {
                    foreach (var initializer in objectInitializer.Initializers)
                    {
                        if (initializer is ISimpleAssignmentOperation assignment
                            && (assignment.Target is IFieldReferenceOperation { Field: var f } && f.Name == member.Name
                                || assignment.Target is IPropertyReferenceOperation { Property: var p } && p.Name == member.Name))
                        {
                            return OperationFacts.StripConversions(assignment.Value);
                        }
                    }
                }

                if (creation.Type?.Name is "Tuple" or "ValueTuple")
                {
                    var tupleIndex = TupleIndex(member);
                    return tupleIndex >= 0 && tupleIndex < creation.Arguments.Length ? OperationFacts.StripConversions(creation.Arguments[tupleIndex].Value) : null;
                }

                // new Job(rows, done): the constructor parameter named like the member (Done / done / _done).
                var name = member.Name.TrimStart('_');
                foreach (var argument in creation.Arguments)
                {
                    if (argument.Parameter is { } parameter && string.Equals(parameter.Name.TrimStart('_'), name, System.StringComparison.OrdinalIgnoreCase))
                    {
                        return OperationFacts.StripConversions(argument.Value);
                    }
                }

                // new Job(rows, finished) whose constructor says _signal = finished: the argument for that parameter.
                var assigned = ConstructorParameterFor(creation, member);
                if (assigned is not null)
                {
                    foreach (var argument in creation.Arguments)
                    {
                        if (SymbolEqualityComparer.Default.Equals(argument.Parameter?.OriginalDefinition, assigned.OriginalDefinition))
                        {
                            return OperationFacts.StripConversions(argument.Value);
                        }
                    }
                }

                return null;
            default:
                return null;
        }
    }

    /// <summary>The constructor parameter that <paramref name="creation"/>'s constructor assigns to <paramref name="member"/> (<c>_done = finished;</c>).</summary>
    private static IParameterSymbol? ConstructorParameterFor(IObjectCreationOperation creation, ISymbol member)
    {
        if (creation.Constructor is not { } constructor || creation.SemanticModel is not { } model)
        {
            return null;
        }

        var body = WorkCostModel.For(KnownTypes.For(model.Compilation)).GetBody(constructor.OriginalDefinition, System.Threading.CancellationToken.None);
        if (body is null)
        {
            return null;
        }

        foreach (var operation in OperationFacts.Descendants(body, enterFunctions: false))
        {
            if (operation is ISimpleAssignmentOperation assignment
                && SymbolEqualityComparer.Default.Equals(OperationFacts.ReferencedSymbol(assignment.Target) ?? (assignment.Target as IPropertyReferenceOperation)?.Property, member.OriginalDefinition)
                && OperationFacts.StripConversions(assignment.Value) is IParameterReferenceOperation parameter)
            {
                return parameter.Parameter;
            }
        }

        return null;
    }

    /// <summary>0-based position of a tuple member (<c>Item2</c>, or a named element of a value tuple), or -1.</summary>
    private static int TupleIndex(ISymbol member)
    {
        var name = member is IFieldSymbol { CorrespondingTupleField: { } item } ? item.Name : member.Name;
        return name.Length > 4 && name.StartsWith("Item", System.StringComparison.Ordinal)
               && int.TryParse(name.Substring(4), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var position)
            ? position - 1
            : -1;
    }

    private static bool SameCount(IOperation a, IOperation b)
    {
        a = OperationFacts.StripConversions(a);
        b = OperationFacts.StripConversions(b);
        if (a.ConstantValue.HasValue && b.ConstantValue.HasValue)
        {
            return Equals(a.ConstantValue.Value, b.ConstantValue.Value);
        }

        if (a.Syntax.IsEquivalentTo(b.Syntax) && a is not IInvocationOperation)
        {
            // The same side-effect-free expression (n, data.Length) read twice, before anything runs.
            return true;
        }

        var sa = OperationFacts.ReferencedSymbol(a);
        return sa is not null && SymbolEqualityComparer.Default.Equals(sa, OperationFacts.ReferencedSymbol(b))
               && (a is not IFieldReferenceOperation fa || fa.Instance is null or IInstanceReferenceOperation);
    }

    internal static bool IsTaskType(ITypeSymbol? type, KnownTypes types) => KnownTypes.Is(type, types.Task) || KnownTypes.Is(type, types.TaskOfT);

    private static FanOut? AnalyzeTasks(IOperation launch, IOperation delegateArgument, IOperation root, KnownTypes types, WorkCostModel costModel, string mechanism)
    {
        var loop = OperationFacts.EnclosingLoop(launch, root);
        var @delegate = WorkDelegate(delegateArgument, costModel);
        if (@delegate is null)
        {
            return null;
        }

        if (loop is null && SelectedTasks(launch, root, types) is { } query)
        {
            // var tasks = Enumerable.Range(0, n).Select(i => Task.Factory.StartNew(..., LongRunning)).ToArray(); Task.WaitAll(tasks);
            return AnalyzeSelectedTasks(launch, @delegate, query, types, costModel, mechanism);
        }

        // Where the task goes: tasks[i] = ..., tasks.Add(...).
        var parent = launch.Parent;
        while (parent is IConversionOperation)
        {
            parent = parent.Parent;
        }

        // Where the task goes: tasks[i] = ..., tasks.Add(...), directly or through a local (var t = ...; tasks.Add(t)),
        // into a local or a field. Only a local filled directly is rewritten.
        var collection = TaskCollection(parent, root);
        if (collection is null)
        {
            // var task = new Task(() => { work; countdown.Signal(); }); task.Start(); ... countdown.Wait();
            return launch is not IObjectCreationOperation creation ? null
                : loop is not null ? AnalyzeSignalledTask(creation, @delegate, loop, parent, root, types, costModel)
                : AnalyzeTaskSet(creation, parent, root, types, costModel);
        }

        if (loop is null)
        {
            // tasks.Add(new Task(...)) in an AddTask method, started by a foreach over the field in another method.
            if (launch is not IObjectCreationOperation || collection is not IFieldSymbol field || StartLoopOverField(field, root, types, costModel) is null)
            {
                return null;
            }
        }

        var join = FindTaskJoin(collection, root, types, costModel);
        if (join is null)
        {
            return null;
        }

        if (launch is IObjectCreationOperation && loop is not null
            && !OperationFacts.Descendants(root, enterFunctions: false).OfType<IInvocationOperation>().Any(i => i.TargetMethod.Name == "Start" && IsTaskType(i.TargetMethod.ContainingType, types))
            && !(collection is IFieldSymbol started && StartLoopOverField(started, root, types, costModel) is not null))
        {
            return null;
        }

        var body = ThreadFanOut.DelegateBody(@delegate);
        var cost = ThreadFanOut.DelegateCost(@delegate, costModel, types);
        if (!cost.IsCpuBound || body is null)
        {
            return null;
        }

        var count = loop is null ? "several" : DescribeCount(loop);
        FanOutPlan? plan = null;
        var joinName = join.Value.Name;
        var blocker = loop is null || join.Value.InOtherMethod
            ? "the tasks are created, started or joined in different methods"
            : collection is not ILocalSymbol localCollection || !IsDirectStore(parent, types)
            ? "the tasks are not stored straight into a local array or list"
            : joinName == "Task.WhenAll"
                ? "the tasks are awaited; Parallel.For would block the caller"
                : PlanTasks(launch, loop, @delegate, localCollection, join.Value.Join, root, types, out plan);
        return new FanOut(FanOutShape.Loop, launch, count, cost, mechanism + " + " + joinName, plan, blocker);
    }

    /// <summary>
    /// Tasks made with <c>new Task(...)</c> in a loop, started there and kept nowhere, whose work items say they are done the
    /// way queued items do (a CountdownEvent they signal, an event per item, a counter and an event) and that the caller
    /// waits for: the same hand-made fan-out as the queued form (<see cref="FindQueuedJoin(SignalSite, KnownTypes, WorkCostModel)"/>).
    /// Reported without a rewrite.
    /// </summary>
    private static FanOut? AnalyzeSignalledTask(IObjectCreationOperation creation, IOperation @delegate, ILoopOperation loop, IOperation? parent, IOperation root, KnownTypes types, WorkCostModel costModel)
    {
        var start = parent switch
        {
            // new Task(...).Start();
            IInvocationOperation { TargetMethod.Name: "Start", Arguments.Length: 0 } direct => direct,
            // var task = new Task(...); task.Start();
            IVariableInitializerOperation { Parent: IVariableDeclaratorOperation declarator } => StartOfLocal(declarator.Symbol, loop.Body, types),
            _ => null,
        };
        if (start is null || @delegate is not IAnonymousFunctionOperation function)
        {
            return null;
        }

        var site = new SignalSite(@delegate, function.Symbol, function.Body, function.Body, null, null, start, root);
        var join = FindQueuedJoin(site, types, costModel);
        if (join is null)
        {
            return null;
        }

        var cost = ItemCost(@delegate, function.Body, join.Value.SignalStatements, costModel, types);
        return cost.IsCpuBound
            ? new FanOut(FanOutShape.Loop, creation, DescribeCount(loop), cost, "new Task + Start + " + join.Value.Mechanism, null,
                "the tasks are joined by what their work items signal, not kept in a collection the rewrite can replace")
            : null;
    }

    /// <summary>The one <c>local.Start()</c> in <paramref name="body"/>.</summary>
    private static IInvocationOperation? StartOfLocal(ILocalSymbol local, IOperation body, KnownTypes types)
    {
        IInvocationOperation? start = null;
        foreach (var operation in OperationFacts.Descendants(body, enterFunctions: false))
        {
            if (operation is IInvocationOperation { TargetMethod.Name: "Start", Arguments.Length: 0, Instance: ILocalReferenceOperation reference } call
                && SymbolEqualityComparer.Default.Equals(reference.Local, local) && IsTaskType(call.TargetMethod.ContainingType, types))
            {
                if (start is not null)
                {
                    return null;
                }

                start = call;
            }
        }

        return start;
    }

    /// <summary>
    /// <c>tasks[i] = launch</c>, <c>tasks.Add(launch)</c> into a local; for <c>new Task(...)</c> also through a loop-local
    /// <c>var t = new Task(...);</c> that is then started and stored.
    /// </summary>
    private static bool IsDirectStore(IOperation? parent, KnownTypes types)
        => parent is ISimpleAssignmentOperation { Target: IArrayElementReferenceOperation { ArrayReference: ILocalReferenceOperation } }
           || parent is IArgumentOperation { Parent: IInvocationOperation { TargetMethod: { Name: "Add" }, Instance: ILocalReferenceOperation } }
           || parent is IVariableInitializerOperation { Parent: IVariableDeclaratorOperation };

    /// <summary>The array or list (local or field) a started task is stored into, directly or through a local.</summary>
    private static ISymbol? TaskCollection(IOperation? parent, IOperation root)
    {
        switch (parent)
        {
            case ISimpleAssignmentOperation { Target: IArrayElementReferenceOperation { ArrayReference: var array } }:
                return OperationFacts.ReferencedSymbol(OperationFacts.StripConversions(array));
            case IArgumentOperation { Parent: IInvocationOperation { TargetMethod: { Name: "Add" }, Instance: { } list } }:
                return OperationFacts.ReferencedSymbol(OperationFacts.StripConversions(list));
            case IVariableInitializerOperation { Parent: IVariableDeclaratorOperation declarator }:
                // var worker = Task.Factory.StartNew(...); workers.Add(worker);
                foreach (var operation in OperationFacts.Descendants(root, enterFunctions: false))
                {
                    if (operation is ILocalReferenceOperation reference && SymbolEqualityComparer.Default.Equals(reference.Local, declarator.Symbol))
                    {
                        var use = reference.Parent;
                        while (use is IConversionOperation)
                        {
                            use = use.Parent;
                        }

                        if (use is ISimpleAssignmentOperation { Target: IArrayElementReferenceOperation target } store
                            && OperationFacts.StripConversions(store.Value) == reference)
                        {
                            return OperationFacts.ReferencedSymbol(OperationFacts.StripConversions(target.ArrayReference));
                        }

                        if (use is IArgumentOperation { Parent: IInvocationOperation { TargetMethod: { Name: "Add" }, Instance: { } instance } })
                        {
                            return OperationFacts.ReferencedSymbol(OperationFacts.StripConversions(instance));
                        }
                    }
                }

                return null;
            default:
                return null;
        }
    }

    /// <summary>How many items a queuing loop makes: its bound (<c>'n'</c>, also for a uint/long index), else "several".</summary>
    private static string DescribeCount(ILoopOperation loop)
        => OperationFacts.IsZeroBasedCountingLoop(loop, out _, out var bound) || OperationFacts.IsWideCountingLoop(loop, out _, out bound)
            ? ThreadFanOut.Describe(bound)
            : "several";

    private static string? PlanTasks(IOperation launch, ILoopOperation loop, IOperation @delegate, ILocalSymbol collection, IOperation join, IOperation root, KnownTypes types, out FanOutPlan? plan)
    {
        plan = null;
        if (TaskItems(loop, @delegate, root, types, out var index, out var bound, out var items) is { } loopBlocker)
        {
            return loopBlocker;
        }

        var affinity = OperationFacts.ThreadAffinity(ThreadFanOut.DelegateBody(@delegate), types);
        if (affinity is not null)
        {
            return "the task depends on its thread (" + affinity + ")";
        }

        if (TaskState(launch, root, index, out var argument) is { } stateBlocker)
        {
            return stateBlocker;
        }

        var body = ThreadFanOut.BodyOf(@delegate, argument);
        if (body is null)
        {
            return "the task returns a value";
        }

        if (TaskLoopParts(launch, loop, collection, types, out var pre, out var startedInLoop) is { } partsBlocker)
        {
            return partsBlocker;
        }

        var removed = new List<IOperation>();
        if (TaskJoinRemoval(loop, join, collection, root, startedInLoop, types, removed) is { } joinBlocker)
        {
            return joinBlocker;
        }

        plan = new FanOutPlan(loop, removed.ToImmutableArray(), index, bound, pre, ImmutableArray.Create(body), null, null, items);
        return null;
    }

    /// <summary>The start loop's index and count, or its items; a counting loop's index must not be read by the task.</summary>
    private static string? TaskItems(ILoopOperation loop, IOperation @delegate, IOperation root, KnownTypes types, out ILocalSymbol index, out IOperation? bound, out IOperation? items)
    {
        index = null!;
        bound = null;
        items = null;
        if (OperationFacts.IsZeroBasedCountingLoop(loop, out var counting, out var limit) || OperationFacts.IsWideCountingLoop(loop, out counting, out limit))
        {
            // A count in a field or auto-property the tasks' work never writes is read once by Parallel.For, as the loop read it.
            if (!ThreadFanOut.BoundKept(limit, root, @delegate, types))
            {
                return "the task count can change while the tasks run";
            }

            // for (int i = 0; i < n; i++), or a uint/long index (Parallel.For's long overload).
            index = counting;
            bound = limit;
            if (OperationFacts.References(@delegate, index))
            {
                return "the task reads the loop variable '" + index.Name + "', which changes while it runs";
            }
        }
        else if (OperationFacts.ForEachItems(loop, root) is { } source)
        {
            index = source.Variable;
            items = source.Items;
        }
        else
        {
            return "the tasks are not started by a 'for (int i = 0; i < n; i++)' or 'foreach (var x in items)' loop";
        }

        return null;
    }

    /// <summary>The state handed to the task (evaluated later by the rewrite: it must keep its value) and no cancellation token.</summary>
    private static string? TaskState(IOperation launch, IOperation root, ILocalSymbol index, out IOperation? argument)
    {
        var arguments = launch switch
        {
            IInvocationOperation invocation => invocation.Arguments,
            IObjectCreationOperation creation => creation.Arguments,
            _ => ImmutableArray<IArgumentOperation>.Empty,
        };
        argument = null;
        foreach (var candidate in arguments)
        {
            if (candidate.Parameter?.Name == "state")
            {
                argument = candidate.Value;
                if (!FreshState.IsRemade(argument, root, index))
                {
                    return "the state passed to the task cannot be evaluated later with the same value";
                }
            }
        }

        if (arguments.Any(a => a.Parameter?.Name == "cancellationToken" && !(a.Value is IDefaultValueOperation || a.Value is IPropertyReferenceOperation { Property: { Name: "None" } })))
        {
            return "the tasks take a cancellation token";
        }

        return null;
    }

    /// <summary>
    /// The loop makes the task in a statement of its own, then only starts and stores it; before it, only per-task
    /// declarations. <paramref name="startedInLoop"/>: whether the loop starts the tasks (else a start loop must follow).
    /// </summary>
    private static string? TaskLoopParts(IOperation launch, ILoopOperation loop, ILocalSymbol collection, KnownTypes types, out ImmutableArray<IOperation> pre, out bool startedInLoop)
    {
        pre = ImmutableArray<IOperation>.Empty;
        startedInLoop = launch is IInvocationOperation;
        if (loop.Body is not IBlockOperation loopBody || OperationFacts.StatementIn(launch, loopBody) is not { } statement)
        {
            return "the loop does more than start the task";
        }

        var store = launch.Parent;
        while (store is IConversionOperation)
        {
            store = store.Parent;
        }

        var plainStore = statement is IExpressionStatementOperation { Operation: var stored } && (stored == store || stored == store?.Parent)
                         || (statement is IVariableDeclarationGroupOperation && store is IVariableInitializerOperation);
        if (!plainStore)
        {
            return "the task is not stored by a statement of its own";
        }

        // After the statement that makes the task, only its start and its store may follow: tasks[i].Start();
        // var t = new Task(...); t.Start(); tasks.Add(t);
        ILocalSymbol? taskLocal = statement is IVariableDeclarationGroupOperation { Declarations: { Length: 1 } group } && group[0].Declarators.Length == 1
            ? group[0].Declarators[0].Symbol
            : null;
        var position = loopBody.Operations.IndexOf(statement);
        for (var k = position + 1; k < loopBody.Operations.Length; k++)
        {
            var after = loopBody.Operations[k];
            if (IsElementStart(after, collection, taskLocal, types))
            {
                startedInLoop = true;
                continue;
            }

            if (taskLocal is not null && StoresLocalInto(after, taskLocal, collection))
            {
                continue;
            }

            return "the loop does more than start the task";
        }

        pre = loopBody.Operations.Take(position).ToImmutableArray();
        if (pre.Any(s => !ThreadFanOut.IsPureDeclaration(s, types)))
        {
            return "the loop does more than declare per-task values before starting it";
        }

        return null;
    }

    /// <summary>
    /// The statements the rewrite removes with the tasks — a separate start loop, the join, the collection's declaration —
    /// when the join follows the loop at once and the tasks are not used after it.
    /// </summary>
    private static string? TaskJoinRemoval(ILoopOperation loop, IOperation join, ILocalSymbol collection, IOperation root, bool startedInLoop, KnownTypes types, List<IOperation> removed)
    {
        if (loop.Parent is not IBlockOperation block)
        {
            return "the loop is not a plain statement";
        }

        var joinStatement = join is ILoopOperation ? join : join.Parent as IExpressionStatementOperation;
        if (joinStatement is null || joinStatement.Parent != block)
        {
            return "other code runs while the tasks run";
        }

        var next = block.Operations.IndexOf(loop) + 1;
        if (!startedInLoop)
        {
            // for (...) tasks[i] = new Task(...); foreach (var t in tasks) t.Start(); Task.WaitAll(tasks);
            if (next >= block.Operations.Length || block.Operations[next] is not ILoopOperation startLoop || !OnlyStartsElements(startLoop, collection, types))
            {
                return "the tasks are not started right after they are made";
            }

            removed.Add(startLoop);
            next++;
        }

        if (block.Operations.IndexOf(joinStatement) != next)
        {
            return "other code runs while the tasks run";
        }

        if (join is ILoopOperation waitLoop && !OnlyWaitsForElements(waitLoop, collection, types))
        {
            return "the loop that waits for the tasks also uses their results";
        }

        if (join is IInvocationOperation { Arguments.Length: > 1 })
        {
            return "the wait has a timeout or a cancellation token";
        }

        removed.Add(joinStatement);
        var declaration = OperationFacts.Descendants(root, enterFunctions: false).OfType<IVariableDeclaratorOperation>()
            .FirstOrDefault(d => SymbolEqualityComparer.Default.Equals(d.Symbol, collection))?.Parent?.Parent;
        if (declaration is null || declaration.Parent != block
            || OperationFacts.Descendants(declaration).Any(o => o is IInvocationOperation))
        {
            return "the task collection is not a local created in the same block";
        }

        foreach (var reference in OperationFacts.Descendants(root).OfType<ILocalReferenceOperation>().Where(r => SymbolEqualityComparer.Default.Equals(r.Local, collection)))
        {
            if (OperationFacts.StatementIn(reference, block) is { } owner && (owner == loop || owner == declaration || removed.Contains(owner)))
            {
                continue;
            }

            return "the tasks are used after the join";
        }

        removed.Add(declaration);
        return null;
    }

    /// <summary><c>tasks[i].Start();</c> or <c>t.Start();</c> for the loop's own task.</summary>
    private static bool IsElementStart(IOperation statement, ILocalSymbol collection, ILocalSymbol? taskLocal, KnownTypes types)
    {
        if (statement is not IExpressionStatementOperation { Operation: IInvocationOperation { TargetMethod.Name: "Start", Arguments.Length: 0, Instance: { } instance } start }
            || !IsTaskType(start.TargetMethod.ContainingType, types))
        {
            return false;
        }

        instance = OperationFacts.StripConversions(instance);
        return (taskLocal is not null && instance is ILocalReferenceOperation local && SymbolEqualityComparer.Default.Equals(local.Local, taskLocal))
               || (instance is IArrayElementReferenceOperation element && SymbolEqualityComparer.Default.Equals(OperationFacts.ReferencedSymbol(OperationFacts.StripConversions(element.ArrayReference)), collection))
               || (instance is IPropertyReferenceOperation { Property.IsIndexer: true, Instance: { } list } && SymbolEqualityComparer.Default.Equals(OperationFacts.ReferencedSymbol(OperationFacts.StripConversions(list)), collection));
    }

    /// <summary><c>tasks.Add(t);</c> or <c>tasks[i] = t;</c>.</summary>
    private static bool StoresLocalInto(IOperation statement, ILocalSymbol local, ILocalSymbol collection)
    {
        if (statement is not IExpressionStatementOperation { Operation: var operation })
        {
            return false;
        }

        static bool IsLocal(IOperation value, ILocalSymbol local) => OperationFacts.StripConversions(value) is ILocalReferenceOperation reference && SymbolEqualityComparer.Default.Equals(reference.Local, local);
        return operation switch
        {
            IInvocationOperation { TargetMethod.Name: "Add", Instance: { } list, Arguments: { Length: 1 } added }
                => SymbolEqualityComparer.Default.Equals(OperationFacts.ReferencedSymbol(OperationFacts.StripConversions(list)), collection) && IsLocal(added[0].Value, local),
            ISimpleAssignmentOperation { Target: IArrayElementReferenceOperation slot, Value: var value }
                => SymbolEqualityComparer.Default.Equals(OperationFacts.ReferencedSymbol(OperationFacts.StripConversions(slot.ArrayReference)), collection) && IsLocal(value, local),
            _ => false,
        };
    }

    /// <summary>A loop over the tasks whose body only starts each one.</summary>
    private static bool OnlyStartsElements(ILoopOperation loop, ILocalSymbol collection, KnownTypes types)
        => StartsEachElement(loop, collection, types) && OnlyCallsOnElements(loop, "Start");

    /// <summary>A loop over the tasks whose body only waits for each one.</summary>
    private static bool OnlyWaitsForElements(ILoopOperation loop, ILocalSymbol collection, KnownTypes types)
        => WaitsForEachElement(loop, collection, types, "Wait", types.Task, types.TaskOfT) && OnlyCallsOnElements(loop, "Wait");

    private static bool OnlyCallsOnElements(ILoopOperation loop, string name)
    {
        if (loop is not IForEachLoopOperation && loop is not IForLoopOperation)
        {
            return false;
        }

        var statements = loop.Body is IBlockOperation block ? block.Operations : ImmutableArray.Create(loop.Body);
        return statements.All(s => s is IExpressionStatementOperation { Operation: IInvocationOperation { Arguments.Length: 0 } call } && call.TargetMethod.Name == name);
    }
}
