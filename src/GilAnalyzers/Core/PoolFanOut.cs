using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace GilAnalyzers.Core
{
    /// <summary>
    /// Finds hand-rolled thread-pool fan-outs in one function: a loop queuing CPU-bound work items with
    /// <c>ThreadPool.(Unsafe)QueueUserWorkItem</c> joined by a <c>CountdownEvent</c>, a <c>ManualResetEvent(Slim)[]</c>
    /// + <c>WaitHandle.WaitAll</c>, or an <c>Interlocked</c> counter + event; or a loop of
    /// <c>Task.Factory.StartNew(..., LongRunning)</c> / <c>new Task(...).Start()</c> chunks joined by
    /// <c>Task.WaitAll</c> / <c>Task.WhenAll</c>. Plans the rewrite to <c>Parallel.For</c> when it keeps behaviour.
    /// </summary>
    internal static class PoolFanOut
    {
        public static ImmutableArray<FanOut> Find(IOperation functionRoot, KnownTypes types, WorkCostModel costModel)
        {
            var results = ImmutableArray.CreateBuilder<FanOut>();
            foreach (var operation in FanOutFacts.Descendants(functionRoot, enterFunctions: false))
            {
                FanOut? fanOut = operation switch
                {
                    IInvocationOperation invocation when IsQueueUserWorkItem(invocation, types) => AnalyzeQueued(invocation, functionRoot, types, costModel),
                    IInvocationOperation invocation when IsLongRunningStartNew(invocation, types) => AnalyzeTasks(invocation, invocation.Arguments[0].Value, functionRoot, types, costModel, "Task.Factory.StartNew(LongRunning)"),
                    IObjectCreationOperation creation when KnownTypes.Is(creation.Type, types.Task) && creation.Arguments.Length >= 1 => AnalyzeTasks(creation, creation.Arguments[0].Value, functionRoot, types, costModel, "new Task(...).Start()"),
                    _ => null,
                };
                if (fanOut is not null)
                {
                    results.Add(fanOut);
                }
            }

            return results.ToImmutable();
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
            var loop = FanOutFacts.EnclosingLoop(queue, root);
            var @delegate = FanOutFacts.UnwrapDelegate(queue.Arguments[0].Value);
            if (loop is null || @delegate is null)
            {
                return null;
            }

            var lambdaBody = ThreadFanOut.DelegateBody(@delegate);
            if (lambdaBody is null)
            {
                return null;
            }

            // How the caller learns that the items are done.
            var join = FindQueuedJoin(lambdaBody, root, types);
            if (join is null)
            {
                return null;
            }

            var cost = ItemCost(@delegate, lambdaBody, join.Value.SignalStatements, costModel, types);
            if (!cost.IsCpuBound)
            {
                return null;
            }

            var count = FanOutFacts.IsZeroBasedCountingLoop(loop, out _, out var bound) ? ThreadFanOut.Describe(bound) : "several";
            string? blocker;
            FanOutPlan? plan = null;
            if (join.Value.Countdown is null)
            {
                blocker = "only the CountdownEvent join is rewritten automatically";
            }
            else
            {
                blocker = PlanQueued(queue, loop, @delegate, join.Value.Countdown, join.Value.SignalStatements, root, types, out plan);
            }

            return new FanOut(FanOutShape.Loop, queue, count, cost, "ThreadPool." + queue.TargetMethod.Name + " + " + join.Value.Mechanism, plan, blocker);
        }

        /// <summary>The cost of a work item without its completion signalling.</summary>
        private static WorkCost ItemCost(IOperation @delegate, IOperation body, ImmutableArray<IOperation> signals, WorkCostModel costModel, KnownTypes types)
        {
            // The signal itself (Set / Signal) is not a blocking wait; look at what else the item does.
            foreach (var operation in FanOutFacts.Descendants(body))
            {
                if (signals.Contains(operation))
                {
                    continue;
                }

                if (operation is IInvocationOperation invocation && !signals.Any(s => IsWithin(invocation, s)))
                {
                    var blocking = FanOutFacts.BlockingCall(invocation, types);
                    if (blocking is not null && !IsSignal(invocation, types))
                    {
                        return new WorkCost(WorkKind.IoBound, blocking);
                    }
                }
            }

            return costModel.Analyze(body is IAnonymousFunctionOperation ? body : body);
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

        private static bool IsSignal(IInvocationOperation invocation, KnownTypes types)
            => invocation.TargetMethod.Name == "Set" || invocation.TargetMethod.Name == "Signal"
               || KnownTypes.Is(invocation.TargetMethod.ContainingType, types.Interlocked);

        private readonly struct QueuedJoin
        {
            public QueuedJoin(string mechanism, ILocalSymbol? countdown, ImmutableArray<IOperation> signalStatements)
            {
                Mechanism = mechanism;
                Countdown = countdown;
                SignalStatements = signalStatements;
            }

            public string Mechanism { get; }

            public ILocalSymbol? Countdown { get; }

            public ImmutableArray<IOperation> SignalStatements { get; }
        }

        private static QueuedJoin? FindQueuedJoin(IOperation lambdaBody, IOperation root, KnownTypes types)
        {
            var signals = new List<IInvocationOperation>();
            var decrements = false;
            foreach (var operation in FanOutFacts.Descendants(lambdaBody))
            {
                if (operation is not IInvocationOperation invocation)
                {
                    continue;
                }

                var type = invocation.TargetMethod.ContainingType;
                if ((KnownTypes.Is(type, types.CountdownEvent) && invocation.TargetMethod.Name == "Signal")
                    || ((FanOutFacts.DerivesFrom(type, types.WaitHandle) || KnownTypes.Is(type, types.ManualResetEventSlim)) && invocation.TargetMethod.Name == "Set"))
                {
                    signals.Add(invocation);
                }

                if (KnownTypes.Is(type, types.Interlocked) && (invocation.TargetMethod.Name == "Decrement" || invocation.TargetMethod.Name == "Increment"))
                {
                    decrements = true;
                }
            }

            if (signals.Count == 0)
            {
                return null;
            }

            var signalStatements = signals.Select(s => (IOperation)(s.Parent is IExpressionStatementOperation st ? st : s)).ToImmutableArray();
            var waits = FanOutFacts.Descendants(root, enterFunctions: false).OfType<IInvocationOperation>().ToList();
            foreach (var signal in signals)
            {
                var target = signal.Instance is null ? null : FanOutFacts.StripConversions(signal.Instance);
                if (KnownTypes.Is(signal.TargetMethod.ContainingType, types.CountdownEvent))
                {
                    var symbol = target is null ? null : FanOutFacts.ReferencedSymbol(target);
                    if (symbol is not null && waits.Any(w => w.TargetMethod.Name == "Wait" && w.Instance is { } i && SymbolEqualityComparer.Default.Equals(FanOutFacts.ReferencedSymbol(FanOutFacts.StripConversions(i)), symbol)))
                    {
                        return new QueuedJoin("CountdownEvent", symbol as ILocalSymbol, signalStatements);
                    }
                }
                else if (target is IArrayElementReferenceOperation element)
                {
                    var array = FanOutFacts.ReferencedSymbol(FanOutFacts.StripConversions(element.ArrayReference));
                    if (array is not null && waits.Any(w => KnownTypes.Is(w.TargetMethod.ContainingType, types.WaitHandle) && w.TargetMethod.Name == "WaitAll"
                                                            && w.Arguments.Length >= 1 && SymbolEqualityComparer.Default.Equals(FanOutFacts.ReferencedSymbol(FanOutFacts.StripConversions(w.Arguments[0].Value)), array)))
                    {
                        return new QueuedJoin("ManualResetEvent[] + WaitHandle.WaitAll", null, signalStatements);
                    }
                }
                else if (decrements && target is not null)
                {
                    var symbol = FanOutFacts.ReferencedSymbol(target);
                    if (symbol is not null && waits.Any(w => (w.TargetMethod.Name == "WaitOne" || w.TargetMethod.Name == "Wait") && w.Instance is { } i
                                                             && SymbolEqualityComparer.Default.Equals(FanOutFacts.ReferencedSymbol(FanOutFacts.StripConversions(i)), symbol)))
                    {
                        return new QueuedJoin("Interlocked counter + event", null, signalStatements);
                    }
                }
            }

            return null;
        }

        private static string? PlanQueued(IInvocationOperation queue, ILoopOperation loop, IOperation @delegate, ILocalSymbol countdown, ImmutableArray<IOperation> signals, IOperation root, KnownTypes types, out FanOutPlan? plan)
        {
            plan = null;
            if (!FanOutFacts.IsZeroBasedCountingLoop(loop, out var index, out var bound))
            {
                return "the items are not queued by a 'for (int i = 0; i < n; i++)' loop";
            }

            if (!FanOutFacts.IsStableValue(bound, root))
            {
                return "the item count can change while the items run";
            }

            if (signals.Length != 1 || @delegate is not IAnonymousFunctionOperation function)
            {
                return "the work item signals completion more than once";
            }

            var signal = signals[0];
            var statements = function.Body.Operations.Where(s => !(s is IReturnOperation { IsImplicit: true, ReturnedValue: null })).ToList();
            ImmutableArray<IOperation> work;
            if (statements.Count > 0 && statements[statements.Count - 1] == signal)
            {
                work = statements.Take(statements.Count - 1).ToImmutableArray();
            }
            else if (statements.Count == 1
                     && statements[0] is ITryOperation { Catches: { Length: 0 }, Finally: { Operations: { Length: 1 } } finallyBlock } tryOperation
                     && finallyBlock.Operations[0] == signal)
            {
                work = tryOperation.Body.Operations;
            }
            else
            {
                return "the completion signal is not the work item's last statement";
            }

            if (work.Any(s => FanOutFacts.Descendants(s).Any(o => o is IReturnOperation)))
            {
                return "the work item returns early";
            }

            if (FanOutFacts.References(function, index))
            {
                return "the work item reads the loop variable '" + index.Name + "', which changes while it runs";
            }

            var affinity = FanOutFacts.ThreadAffinity(function.Body, types);
            if (affinity is not null)
            {
                return "the work item depends on its thread (" + affinity + ")";
            }

            IParameterSymbol? parameter = function.Symbol.Parameters.Length == 1 ? function.Symbol.Parameters[0] : null;
            IOperation? argument = queue.Arguments.Length >= 2 ? queue.Arguments[1].Value : null;
            if (argument is not null && !FanOutFacts.IsStableValue(argument, root, index))
            {
                return "the state passed to the work item cannot be evaluated later with the same value";
            }

            if (queue.Parent is not IExpressionStatementOperation queueStatement || loop.Body is not IBlockOperation loopBody || queueStatement.Parent != loopBody
                || loopBody.Operations[loopBody.Operations.Length - 1] != queueStatement)
            {
                return "the loop does more than queue the work item";
            }

            var pre = loopBody.Operations.Take(loopBody.Operations.Length - 1).ToImmutableArray();
            if (pre.Any(s => !ThreadFanOut.IsPureDeclaration(s, types)))
            {
                return "the loop does more than declare per-item values before queuing";
            }

            if (loop.Parent is not IBlockOperation block)
            {
                return "the loop is not a plain statement";
            }

            // The countdown: declared in this block, or a using whose block holds the loop; waited right after the loop.
            var removed = new List<IOperation>();
            IUsingOperation? usingOperation = null;
            var uses = FanOutFacts.Descendants(root).OfType<ILocalReferenceOperation>().Where(r => SymbolEqualityComparer.Default.Equals(r.Local, countdown)).ToList();
            IOperation? declaration = null;
            foreach (var operation in FanOutFacts.Descendants(root, enterFunctions: false))
            {
                if (operation is IVariableDeclaratorOperation declarator && SymbolEqualityComparer.Default.Equals(declarator.Symbol, countdown))
                {
                    declaration = declarator.Parent?.Parent;
                    var initial = (declarator.Initializer ?? (declarator.Parent as IVariableDeclarationOperation)?.Initializer)?.Value;
                    if (initial is not IObjectCreationOperation { Arguments: { Length: 1 } } creation || !SameCount(creation.Arguments[0].Value, bound))
                    {
                        return "the CountdownEvent's initial count is not the loop's item count";
                    }
                }
            }

            if (declaration?.Parent is IUsingOperation usingStatement && usingStatement.Body == block)
            {
                usingOperation = usingStatement;
            }
            else if (declaration is not null && declaration.Parent == block)
            {
                removed.Add(declaration);
            }
            else if (declaration?.Parent is IUsingDeclarationOperation usingDeclaration && usingDeclaration.Parent == block)
            {
                removed.Add(usingDeclaration);
            }
            else
            {
                return "the CountdownEvent is not a local of the block that queues the items";
            }

            foreach (var use in uses)
            {
                if (use.Parent is IInvocationOperation { TargetMethod: { Name: "Signal" } } signalCall && signals.Contains(signalCall.Parent!))
                {
                    continue;
                }

                if (use.Parent is IInvocationOperation { TargetMethod: { Name: "Wait" or "Dispose" }, Arguments: { Length: 0 } } waitCall
                    && waitCall.Parent is IExpressionStatementOperation waitStatement && waitStatement.Parent == block)
                {
                    removed.Add(waitStatement);
                    continue;
                }

                return "the CountdownEvent is used for more than signalling and waiting";
            }

            var loopPosition = block.Operations.IndexOf(loop);
            var after = removed.Where(s => s.Parent == block && block.Operations.IndexOf(s) > loopPosition).Select(s => block.Operations.IndexOf(s)).ToList();
            if (after.Count == 0 || block.Operations.IndexOf(removed.First(s => s is IExpressionStatementOperation)) != loopPosition + 1)
            {
                return "other code runs while the work items run";
            }

            var body = new FanOutBody(work, null, parameter, argument, @delegate);
            plan = new FanOutPlan(loop, removed.ToImmutableArray(), index, bound, pre, ImmutableArray.Create(body), null, usingOperation);
            return null;
        }

        private static bool SameCount(IOperation a, IOperation b)
        {
            a = FanOutFacts.StripConversions(a);
            b = FanOutFacts.StripConversions(b);
            if (a.ConstantValue.HasValue && b.ConstantValue.HasValue)
            {
                return Equals(a.ConstantValue.Value, b.ConstantValue.Value);
            }

            if (a.Syntax.IsEquivalentTo(b.Syntax) && a is not IInvocationOperation)
            {
                // The same side-effect-free expression (n, data.Length) read twice, before anything runs.
                return true;
            }

            var sa = FanOutFacts.ReferencedSymbol(a);
            return sa is not null && SymbolEqualityComparer.Default.Equals(sa, FanOutFacts.ReferencedSymbol(b))
                   && (a is not IFieldReferenceOperation fa || fa.Instance is null or IInstanceReferenceOperation);
        }

        private static FanOut? AnalyzeTasks(IOperation launch, IOperation delegateArgument, IOperation root, KnownTypes types, WorkCostModel costModel, string mechanism)
        {
            var loop = FanOutFacts.EnclosingLoop(launch, root);
            var @delegate = FanOutFacts.UnwrapDelegate(delegateArgument);
            if (loop is null || @delegate is null)
            {
                return null;
            }

            // Where the task goes: tasks[i] = ..., tasks.Add(...).
            var parent = launch.Parent;
            while (parent is IConversionOperation)
            {
                parent = parent.Parent;
            }

            ILocalSymbol? collection = parent switch
            {
                ISimpleAssignmentOperation { Target: IArrayElementReferenceOperation { ArrayReference: ILocalReferenceOperation array } } => array.Local,
                IArgumentOperation { Parent: IInvocationOperation { TargetMethod: { Name: "Add" }, Instance: ILocalReferenceOperation list } } => list.Local,
                _ => null,
            };
            if (collection is null)
            {
                return null;
            }

            IInvocationOperation? join = null;
            foreach (var operation in FanOutFacts.Descendants(root, enterFunctions: false))
            {
                if (operation is IInvocationOperation invocation
                    && KnownTypes.Is(invocation.TargetMethod.ContainingType, types.Task)
                    && (invocation.TargetMethod.Name == "WaitAll" || invocation.TargetMethod.Name == "WhenAll")
                    && invocation.Arguments.Length >= 1
                    && FanOutFacts.Descendants(invocation.Arguments[0].Value).OfType<ILocalReferenceOperation>().Any(r => SymbolEqualityComparer.Default.Equals(r.Local, collection)))
                {
                    join = invocation;
                }
            }

            if (join is null)
            {
                return null;
            }

            if (launch is IObjectCreationOperation
                && !FanOutFacts.Descendants(root, enterFunctions: false).OfType<IInvocationOperation>().Any(i => i.TargetMethod.Name == "Start" && KnownTypes.Is(i.TargetMethod.ContainingType, types.Task)))
            {
                return null;
            }

            var body = ThreadFanOut.DelegateBody(@delegate);
            var cost = ThreadFanOut.DelegateCost(@delegate, costModel, types);
            if (!cost.IsCpuBound || body is null)
            {
                return null;
            }

            var count = FanOutFacts.IsZeroBasedCountingLoop(loop, out _, out var bound) ? ThreadFanOut.Describe(bound) : "several";
            FanOutPlan? plan = null;
            var blocker = launch is IInvocationOperation startNew && join.TargetMethod.Name == "WaitAll"
                ? PlanTasks(startNew, loop, @delegate, collection, join, root, types, out plan)
                : join.TargetMethod.Name == "WhenAll"
                    ? "the tasks are awaited; Parallel.For would block the caller"
                    : "only Task.Factory.StartNew chunks are rewritten automatically";
            return new FanOut(FanOutShape.Loop, launch, count, cost, mechanism + " + Task." + join.TargetMethod.Name, plan, blocker);
        }

        private static string? PlanTasks(IInvocationOperation startNew, ILoopOperation loop, IOperation @delegate, ILocalSymbol collection, IInvocationOperation join, IOperation root, KnownTypes types, out FanOutPlan? plan)
        {
            plan = null;
            if (!FanOutFacts.IsZeroBasedCountingLoop(loop, out var index, out var bound) || !FanOutFacts.IsStableValue(bound, root))
            {
                return "the tasks are not started by a 'for (int i = 0; i < n; i++)' loop";
            }

            if (FanOutFacts.References(@delegate, index))
            {
                return "the task reads the loop variable '" + index.Name + "', which changes while it runs";
            }

            var affinity = FanOutFacts.ThreadAffinity(ThreadFanOut.DelegateBody(@delegate), types);
            if (affinity is not null)
            {
                return "the task depends on its thread (" + affinity + ")";
            }

            IOperation? argument = null;
            if (startNew.Arguments.Length >= 2 && startNew.TargetMethod.Parameters[1].Name == "state")
            {
                argument = startNew.Arguments[1].Value;
                if (!FanOutFacts.IsStableValue(argument, root, index))
                {
                    return "the state passed to the task cannot be evaluated later with the same value";
                }
            }

            if (startNew.Arguments.Any(a => a.Parameter?.Name == "cancellationToken" && !(a.Value is IDefaultValueOperation || a.Value is IPropertyReferenceOperation { Property: { Name: "None" } })))
            {
                return "the tasks take a cancellation token";
            }

            var body = ThreadFanOut.BodyOf(@delegate, argument);
            if (body is null)
            {
                return "the task returns a value";
            }

            var statement = FanOutFacts.StatementIn(startNew, loop.Body as IBlockOperation ?? (IBlockOperation)loop.Body.Parent!);
            if (loop.Body is not IBlockOperation loopBody || statement is null || loopBody.Operations[loopBody.Operations.Length - 1] != statement)
            {
                return "the loop does more than start the task";
            }

            var pre = loopBody.Operations.Take(loopBody.Operations.Length - 1).ToImmutableArray();
            if (pre.Any(s => !ThreadFanOut.IsPureDeclaration(s, types)))
            {
                return "the loop does more than declare per-task values before starting it";
            }

            if (loop.Parent is not IBlockOperation block)
            {
                return "the loop is not a plain statement";
            }

            var removed = new List<IOperation>();
            if (join.Parent is not IExpressionStatementOperation joinStatement || joinStatement.Parent != block
                || block.Operations.IndexOf(joinStatement) != block.Operations.IndexOf(loop) + 1)
            {
                return "other code runs while the tasks run";
            }

            removed.Add(joinStatement);
            foreach (var reference in FanOutFacts.Descendants(root).OfType<ILocalReferenceOperation>().Where(r => SymbolEqualityComparer.Default.Equals(r.Local, collection)))
            {
                if (FanOutFacts.StatementIn(reference, loopBody) == statement || FanOutFacts.StatementIn(reference, block) == joinStatement)
                {
                    continue;
                }

                return "the tasks are used after the join";
            }

            var declaration = FanOutFacts.Descendants(root, enterFunctions: false).OfType<IVariableDeclaratorOperation>()
                .FirstOrDefault(d => SymbolEqualityComparer.Default.Equals(d.Symbol, collection))?.Parent?.Parent;
            if (declaration is null || declaration.Parent != block
                || FanOutFacts.Descendants(declaration).Any(o => o is IInvocationOperation))
            {
                return "the task collection is not a local created in the same block";
            }

            removed.Add(declaration);
            plan = new FanOutPlan(loop, removed.ToImmutableArray(), index, bound, pre, ImmutableArray.Create(body), null, null);
            return null;
        }
    }
}
