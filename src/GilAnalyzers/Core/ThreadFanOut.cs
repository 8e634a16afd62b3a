using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace GilAnalyzers.Core
{
    /// <summary>
    /// Finds raw-thread fan-outs in one function: two or more <c>Thread</c>s created (in a loop into an array or list,
    /// or as explicit locals), started and joined in the same function, and plans the rewrite to
    /// <c>Parallel.For</c> / <c>Parallel.Invoke</c> when it keeps behaviour.
    /// </summary>
    internal static class ThreadFanOut
    {
        /// <summary>Every CPU-bound raw-thread fan-out whose threads are created directly in <paramref name="functionRoot"/>.</summary>
        public static ImmutableArray<FanOut> Find(IOperation functionRoot, KnownTypes types, WorkCostModel costModel)
        {
            if (types.Thread is null)
            {
                return ImmutableArray<FanOut>.Empty;
            }

            var creations = FanOutFacts.Descendants(functionRoot, enterFunctions: false)
                .OfType<IObjectCreationOperation>()
                .Where(c => KnownTypes.Is(c.Type, types.Thread))
                .OrderBy(c => c.Syntax.SpanStart)
                .ToList();
            if (creations.Count == 0)
            {
                return ImmutableArray<FanOut>.Empty;
            }

            var results = ImmutableArray.CreateBuilder<FanOut>();
            var explicitThreads = new List<ThreadHandle>();
            var seenCollections = new HashSet<ILocalSymbol>(SymbolEqualityComparer.Default);
            foreach (var creation in creations)
            {
                var handle = ThreadHandle.Create(creation, functionRoot, types);
                if (handle is null)
                {
                    continue;
                }

                if (handle.Loop is not null)
                {
                    if (handle.Collection is not null && seenCollections.Add(handle.Collection))
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

        /// <summary>The CPU cost of what a thread / work item runs, or an I/O-bound verdict when it blocks.</summary>
        public static WorkCost DelegateCost(IOperation @delegate, WorkCostModel costModel, KnownTypes types)
        {
            var body = DelegateBody(@delegate);
            var blocking = FanOutFacts.BlockingCall(body ?? @delegate, types);
            if (blocking is not null)
            {
                return new WorkCost(WorkKind.IoBound, blocking);
            }

            return @delegate is IMethodReferenceOperation reference
                ? costModel.AnalyzeMethod(reference.Method)
                : costModel.Analyze(body ?? @delegate);
        }

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

        private static FanOut? AnalyzeLoop(ThreadHandle handle, IOperation root, KnownTypes types, WorkCostModel costModel)
        {
            var usage = ThreadUsage.Collect(handle, root, types);
            if (usage.Starts.Count == 0 || usage.Joins.Count == 0 || usage.NotACpuWorker)
            {
                return null;
            }

            var loop = handle.Loop!;
            string count;
            IOperation? bound = null;
            ILocalSymbol? index = null;
            if (FanOutFacts.IsZeroBasedCountingLoop(loop, out var loopIndex, out var loopBound))
            {
                index = loopIndex;
                bound = loopBound;
                if (loopBound.ConstantValue is { HasValue: true, Value: int n } && n < 2)
                {
                    return null;
                }

                count = Describe(loopBound);
            }
            else
            {
                count = "several";
            }

            var @delegate = handle.Delegate;
            if (@delegate is null)
            {
                return null;
            }

            var cost = DelegateCost(@delegate, costModel, types);
            if (!cost.IsCpuBound)
            {
                return null;
            }

            var blocker = usage.FixBlocker;
            FanOutPlan? plan = null;
            if (blocker is null)
            {
                blocker = PlanLoop(handle, usage, index, bound, root, types, out plan);
            }

            return new FanOut(FanOutShape.Loop, handle.Creation, count, cost, "new Thread", plan, blocker);
        }

        private static string? PlanLoop(ThreadHandle handle, ThreadUsage usage, ILocalSymbol? index, IOperation? bound, IOperation root, KnownTypes types, out FanOutPlan? plan)
        {
            plan = null;
            var loop = handle.Loop!;
            if (index is null || bound is null)
            {
                return "the threads are not created by a 'for (int i = 0; i < n; i++)' loop";
            }

            if (!FanOutFacts.IsStableValue(bound, root))
            {
                return "the thread count can change while the threads run";
            }

            if (loop.Parent is not IBlockOperation block || loop.Body is not IBlockOperation loopBody)
            {
                return "the creation loop is not a plain statement block";
            }

            // The loop body: per-iteration declarations, the creation, then only starts / list adds.
            var pre = ImmutableArray.CreateBuilder<IOperation>();
            var creationStatement = FanOutFacts.StatementIn(handle.Creation, loopBody);
            if (creationStatement is null)
            {
                return "the thread is created inside a nested statement";
            }

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
                    if (!IsPureDeclaration(statement, types))
                    {
                        return "the creation loop does more than declare per-thread values before creating the thread";
                    }

                    pre.Add(statement);
                    continue;
                }

                if (!usage.LoopBookkeeping.Contains(statement))
                {
                    return "the creation loop does other work after creating the thread";
                }
            }

            if (usage.Joins.Any(j => IsWithin(j, loop)))
            {
                // Each thread is joined before the next one starts: the original runs the partitions one at a time.
                return "each thread is joined before the next one starts, so the partitions run one after another";
            }

            var @delegate = handle.Delegate!;
            if (FanOutFacts.References(@delegate, index))
            {
                return "the thread reads the loop variable '" + index.Name + "', which changes while the thread runs";
            }

            var affinity = FanOutFacts.ThreadAffinity(DelegateBody(@delegate), types);
            if (affinity is not null)
            {
                return "the thread body depends on its own thread (" + affinity + ")";
            }

            IOperation? argument = null;
            if (usage.StartArgumentInLoop is not null)
            {
                argument = usage.StartArgumentInLoop;
                if (!FanOutFacts.IsStableValue(argument, root, index))
                {
                    return "the argument passed to Start cannot be evaluated later with the same value";
                }
            }
            else if (usage.HasStartArgumentOutsideLoop)
            {
                return "the threads' arguments are passed by a separate start loop";
            }

            var body = BodyOf(@delegate, argument);
            if (body is null)
            {
                return "the thread delegate's shape is not supported";
            }

            // Start/join statements and the collection declaration go away; nothing else may run between them.
            var removed = new List<IOperation>();
            foreach (var statement in usage.OutsideStatements)
            {
                if (statement.Parent != block)
                {
                    return "the threads are started or joined inside nested statements";
                }

                removed.Add(statement);
            }

            if (usage.CollectionDeclaration is null || usage.CollectionDeclaration.Parent != block || !IsPureCollectionCreation(usage.CollectionDeclaration))
            {
                return "the thread collection is not a local created in the same block";
            }

            removed.Add(usage.CollectionDeclaration);
            var lastRemoved = removed.Max(s => block.Operations.IndexOf(s));
            var loopPosition = block.Operations.IndexOf(loop);
            if (removed.Any(s => block.Operations.IndexOf(s) < loopPosition && s != usage.CollectionDeclaration))
            {
                return "the threads are started before the creation loop";
            }

            for (var i = loopPosition + 1; i <= lastRemoved; i++)
            {
                if (!removed.Contains(block.Operations[i]))
                {
                    return "other code runs while the threads run";
                }
            }

            var range = RangeSplit.Plan(index, bound, pre.ToImmutable(), body, root, types);
            plan = new FanOutPlan(loop, removed.ToImmutableArray(), index, bound, pre.ToImmutable(), ImmutableArray.Create(body), range, null);
            return null;
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
            var workers = new List<(ThreadHandle Handle, ThreadUsage Usage, WorkCost Cost)>();
            foreach (var handle in handles)
            {
                var usage = ThreadUsage.Collect(handle, root, types);
                if (usage.Starts.Count == 0 || usage.Joins.Count == 0 || usage.NotACpuWorker || handle.Delegate is null)
                {
                    continue;
                }

                var cost = DelegateCost(handle.Delegate, costModel, types);
                if (!cost.IsCpuBound)
                {
                    continue;
                }

                workers.Add((handle, usage, cost));
            }

            if (workers.Count < 2)
            {
                return null;
            }

            var blocker = PlanExplicit(workers, root, types, out var plan);
            return new FanOut(FanOutShape.Explicit, workers[0].Handle.Creation, workers.Count.ToString(System.Globalization.CultureInfo.InvariantCulture), workers[0].Cost, "new Thread", plan, blocker);
        }

        private static string? PlanExplicit(List<(ThreadHandle Handle, ThreadUsage Usage, WorkCost Cost)> workers, IOperation root, KnownTypes types, out FanOutPlan? plan)
        {
            plan = null;
            var statements = new List<IOperation>();
            var bodies = ImmutableArray.CreateBuilder<FanOutBody>();
            IBlockOperation? block = null;
            foreach (var (handle, usage, _) in workers)
            {
                if (usage.FixBlocker is not null)
                {
                    return usage.FixBlocker;
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

                var affinity = FanOutFacts.ThreadAffinity(DelegateBody(handle.Delegate!), types);
                if (affinity is not null)
                {
                    return "a thread body depends on its own thread (" + affinity + ")";
                }

                var body = BodyOf(handle.Delegate!, null);
                if (body is null || body.Parameter is not null || (body.MethodGroup is not null && body.MethodGroup.Method.Parameters.Length != 0))
                {
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

            var positions = statements.Select(s => block!.Operations.IndexOf(s)).ToList();
            var first = positions.Min();
            var last = positions.Max();
            for (var i = first; i <= last; i++)
            {
                if (!statements.Contains(block!.Operations[i]))
                {
                    return "other code runs between creating and joining the threads";
                }
            }

            var lastStart = workers.SelectMany(w => w.Usage.Starts).Max(st => block!.Operations.IndexOf(FanOutFacts.StatementIn(st, block!)!));
            var firstJoin = workers.SelectMany(w => w.Usage.Joins).Min(j => block!.Operations.IndexOf(FanOutFacts.StatementIn(j, block!)!));
            if (firstJoin < lastStart)
            {
                return "a thread is joined before another one starts, so the threads run one after another";
            }

            var anchor = block!.Operations[first];
            var removed = statements.Where(s => s != anchor).Distinct().ToImmutableArray();
            plan = new FanOutPlan(anchor, removed, null, null, ImmutableArray<IOperation>.Empty, bodies.ToImmutable(), null, null);
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

            foreach (var operation in FanOutFacts.Descendants(group))
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

        private static bool IsPureCollectionCreation(IOperation declaration)
        {
            foreach (var operation in FanOutFacts.Descendants(declaration))
            {
                if (operation is IInvocationOperation || operation is IAnonymousFunctionOperation)
                {
                    return false;
                }
            }

            return true;
        }

        public static string Describe(IOperation count)
        {
            var value = FanOutFacts.StripConversions(count);
            if (value.ConstantValue.HasValue && value.ConstantValue.Value is not null)
            {
                return System.Convert.ToString(value.ConstantValue.Value, System.Globalization.CultureInfo.InvariantCulture) ?? value.Syntax.ToString();
            }

            return "'" + value.Syntax + "'";
        }

        /// <summary>Where one <c>new Thread(...)</c> goes: an array / list element created in a loop, or an explicit local.</summary>
        private sealed class ThreadHandle
        {
            private ThreadHandle(IObjectCreationOperation creation, IOperation? @delegate, ILoopOperation? loop, ILocalSymbol? collection, ILocalSymbol? local, IOperation? declaration)
            {
                Creation = creation;
                Delegate = @delegate;
                Loop = loop;
                Collection = collection;
                Local = local;
                Declaration = declaration;
            }

            public IObjectCreationOperation Creation { get; }

            public IOperation? Delegate { get; }

            public ILoopOperation? Loop { get; }

            /// <summary>The array or list the loop puts the threads in.</summary>
            public ILocalSymbol? Collection { get; }

            /// <summary>The local the thread is stored in (explicit threads, or the loop's temporary).</summary>
            public ILocalSymbol? Local { get; }

            /// <summary>Explicit shape: the declaration statement of <see cref="Local"/>.</summary>
            public IOperation? Declaration { get; }

            public static ThreadHandle? Create(IObjectCreationOperation creation, IOperation root, KnownTypes types)
            {
                if (creation.Arguments.Length != 1)
                {
                    // new Thread(start, maxStackSize): a custom stack size is deliberate.
                    return null;
                }

                if (creation.Initializer is not null)
                {
                    // new Thread(...) { IsBackground = true, Priority = ... }: configured threads are not plain workers.
                    return null;
                }

                var @delegate = FanOutFacts.UnwrapDelegate(creation.Arguments[0].Value);
                var loop = FanOutFacts.EnclosingLoop(creation, root);
                var parent = creation.Parent;
                while (parent is IConversionOperation)
                {
                    parent = parent.Parent;
                }

                ILocalSymbol? collection = null;
                ILocalSymbol? local = null;
                IOperation? declaration = null;
                switch (parent)
                {
                    case ISimpleAssignmentOperation { Target: IArrayElementReferenceOperation { ArrayReference: ILocalReferenceOperation array } }:
                        collection = array.Local;
                        break;
                    case ISimpleAssignmentOperation { Target: IPropertyReferenceOperation { Instance: ILocalReferenceOperation list, Property: { IsIndexer: true } } }:
                        collection = list.Local;
                        break;
                    case IArgumentOperation { Parent: IInvocationOperation { TargetMethod: { Name: "Add" }, Instance: ILocalReferenceOperation list } }:
                        collection = list.Local;
                        break;
                    case IVariableInitializerOperation { Parent: IVariableDeclaratorOperation declarator }:
                        local = declarator.Symbol;
                        declaration = declarator.Parent?.Parent;
                        break;
                    case ISimpleAssignmentOperation { Target: ILocalReferenceOperation assigned }:
                        local = assigned.Local;
                        break;
                    default:
                        return null;
                }

                if (loop is not null && collection is null && local is not null)
                {
                    // var t = new Thread(...); list.Add(t); inside the loop.
                    foreach (var operation in FanOutFacts.Descendants(loop.Body, enterFunctions: false))
                    {
                        if (operation is IInvocationOperation { TargetMethod: { Name: "Add" }, Instance: ILocalReferenceOperation list } add
                            && add.Arguments.Length == 1
                            && FanOutFacts.StripConversions(add.Arguments[0].Value) is ILocalReferenceOperation added
                            && SymbolEqualityComparer.Default.Equals(added.Local, local))
                        {
                            collection = list.Local;
                        }
                    }

                    if (collection is null)
                    {
                        return null;
                    }
                }

                if (loop is null && local is null)
                {
                    return null;
                }

                if (loop is not null && FanOutFacts.EnclosingLoop(loop, root) is not null)
                {
                    // Nested creation loops: not a simple partitioning.
                    return null;
                }

                return new ThreadHandle(creation, @delegate, loop, collection, local, declaration);
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
                var usage = new ThreadUsage();
                var threadExpressions = new List<IOperation>();
                var foreachLocals = new Dictionary<ILocalSymbol, IForEachLoopOperation>(SymbolEqualityComparer.Default);
                var all = FanOutFacts.Descendants(root).ToList();

                foreach (var operation in all)
                {
                    if (operation is IVariableDeclaratorOperation declarator
                        && (SymbolEqualityComparer.Default.Equals(declarator.Symbol, handle.Collection)))
                    {
                        usage.CollectionDeclaration = declarator.Parent?.Parent;
                        continue;
                    }

                    if (operation is not ILocalReferenceOperation reference)
                    {
                        continue;
                    }

                    if (handle.Collection is not null && SymbolEqualityComparer.Default.Equals(reference.Local, handle.Collection))
                    {
                        var parent = reference.Parent;
                        switch (parent)
                        {
                            case IArrayElementReferenceOperation element when element.ArrayReference == reference:
                                threadExpressions.Add(element);
                                break;
                            case IPropertyReferenceOperation { Property: { IsIndexer: true } } indexer when indexer.Instance == reference:
                                threadExpressions.Add(indexer);
                                break;
                            case IPropertyReferenceOperation { Property: { Name: "Length" or "Count" } }:
                                break;
                            case IInvocationOperation { TargetMethod: { Name: "Add" } } add when add.Instance == reference:
                                break;
                            case IConversionOperation { Parent: IForEachLoopOperation loop } when loop.Collection == parent:
                            case IForEachLoopOperation loop2 when loop2.Collection == reference:
                                var forEach = (IForEachLoopOperation)(parent is IForEachLoopOperation f ? f : parent!.Parent!);
                                foreach (var local in forEach.Locals)
                                {
                                    foreachLocals[local] = forEach;
                                }

                                break;
                            default:
                                usage.FixBlocker ??= "the thread collection '" + handle.Collection.Name + "' is used for more than starting and joining";
                                break;
                        }
                    }
                    else if (handle.Local is not null && SymbolEqualityComparer.Default.Equals(reference.Local, handle.Local))
                    {
                        if (!FanOutFacts.IsWrite(reference))
                        {
                            threadExpressions.Add(reference);
                        }
                    }
                }

                foreach (var operation in all)
                {
                    if (operation is ILocalReferenceOperation reference && foreachLocals.ContainsKey(reference.Local))
                    {
                        threadExpressions.Add(reference);
                    }
                }

                foreach (var expression in threadExpressions)
                {
                    usage.Classify(expression, handle, types);
                }

                return usage;
            }

            private void Classify(IOperation expression, ThreadHandle handle, KnownTypes types)
            {
                var parent = expression.Parent;
                if (parent is ISimpleAssignmentOperation creationAssignment && creationAssignment.Target == expression)
                {
                    // threads[t] = new Thread(...): the creation itself (other assignments were ruled out by the handle).
                    if (FanOutFacts.StripConversions(creationAssignment.Value) != handle.Creation)
                    {
                        FixBlocker ??= "the thread collection's elements are reassigned";
                    }

                    return;
                }

                if (parent is IArgumentOperation { Parent: IInvocationOperation { TargetMethod: { Name: "Add" } } add }
                    && handle.Loop is not null
                    && FanOutFacts.StripConversions(add.Instance!) is ILocalReferenceOperation)
                {
                    NoteStatement(add, handle, start: false, join: false);
                    return;
                }

                if (parent is IInvocationOperation invocation && invocation.Instance == expression && KnownTypes.Is(invocation.TargetMethod.ContainingType, types.Thread))
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

                if (parent is IPropertyReferenceOperation property && property.Instance == expression)
                {
                    var isWrite = property.Parent is ISimpleAssignmentOperation assignment && assignment.Target == property;
                    if (property.Property.Name == "IsBackground" || property.Property.Name == "ApartmentState")
                    {
                        // A background thread does not keep the process alive: a service / message-loop thread, not a CPU fan-out.
                        NotACpuWorker = NotACpuWorker || isWrite;
                        return;
                    }

                    FixBlocker ??= "the threads' " + property.Property.Name + " is " + (isWrite ? "set" : "read");
                    return;
                }

                FixBlocker ??= "the threads are used for more than starting and joining";
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

                if (!OutsideStatements.Contains(outer))
                {
                    OutsideStatements.Add(outer);
                }
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
}
