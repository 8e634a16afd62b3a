using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;

namespace GilAnalyzers.Core;

/// <summary>
/// The rewrite of a loop of threads (or of threads held by per-thread objects) to <c>Parallel.For</c> /
/// <c>Parallel.ForEach</c>: the range, the statements that go, where the loop goes, and what blocks it.
/// </summary>
internal static partial class ThreadFanOut
{
    private static string? PlanLoop(ThreadHandle handle, ThreadUsage usage, ILocalSymbol? index, IOperation? bound, bool callerRunsFirst, IOperation root, KnownTypes types, out FanOutPlan? plan)
    {
        plan = null;
        var loop = handle.Loop!;
        if (LoopRange(handle, index, bound, root, types, out var partition, out var source) is { } rangeBlocker)
        {
            return rangeBlocker;
        }

        index = partition;

        if (loop.Parent is not IBlockOperation block)
        {
            return "the creation loop is not a plain statement block";
        }

        // The loop body: per-iteration declarations, the creation, then only starts / list adds. A body without braces is
        // its one statement (`for (…) threads[i] = new Thread(Work);`).
        var loopStatements = loop.Body is IBlockOperation loopBody ? loopBody.Operations : ImmutableArray.Create(loop.Body);
        var pre = ImmutableArray.CreateBuilder<IOperation>();
        var creationStatement = loop.Body is IBlockOperation bodyBlock ? OperationFacts.StatementIn(handle.Site, bodyBlock)
            : loop.Body is IExpressionStatementOperation ? loop.Body
            : null;
        if (creationStatement is null)
        {
            return "the thread is created inside a nested statement";
        }

        if (PerThreadStatements(loopStatements, creationStatement, handle, usage, types, pre) is { } perThreadBlocker)
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

        if (BindHelperWork(handle, @delegate, ref body) is { } helperBlocker)
        {
            return helperBlocker;
        }

        // Start/join statements and the collection declaration go away; nothing else may run between them.
        var removed = new List<IOperation>();
        var mergeLoops = new List<IOperation>();
        var keptField = handle.Collection is IFieldSymbol;
        if (StatementsToRemove(handle, usage, block, loop, body, pre, index!, callerRunsFirst, keptField, types, removed, mergeLoops, out var callerRunsOneMore) is { } removeBlocker)
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
            var fieldRange = bound is null || body.MadeByHelper || callerRunsOneMore ? null : RangeSplit.Plan(index, bound, pre.ToImmutable(), body, root, types);
            plan = new FanOutPlan(anchor, removed.ToImmutableArray(), index, bound, pre.ToImmutable(), ImmutableArray.Create(body), fieldRange, null, source, callerRunsOneMore);
            return null;
        }

        if (RemovedCollectionBlocker(usage, collection, source, pre, @delegate, argument, root, ref bound) is { } collectionBlocker)
        {
            return collectionBlocker;
        }

        var range = bound is null || body.MadeByHelper || callerRunsOneMore ? null : RangeSplit.Plan(index, bound, pre.ToImmutable(), body, root, types);
        plan = new FanOutPlan(anchor, removed.ToImmutableArray(), index, bound, pre.ToImmutable(), ImmutableArray.Create(body), range, null, source, callerRunsOneMore);
        return null;
    }

    /// <summary>
    /// Work made by a helper (its delegate is not part of the call): the body with the caller's arguments standing in for
    /// the helper's parameters. Null when the body is ready, else why the rewrite is refused. Such a body gets no range
    /// split (which reads the work as written in its own method).
    /// </summary>
    private static string? BindHelperWork(ThreadHandle handle, IOperation @delegate, ref FanOutBody body)
    {
        if (handle.Site is not IInvocationOperation helperCall || OperationFacts.IsWithin(@delegate, helperCall))
        {
            return null;
        }

        body = body.BoundTo(handle.Bindings);
        return handle.Collection is { } kept && handle.Bindings.Values.Any(a => OperationFacts.References(a, kept))
            ? "the threads' work uses the thread collection, which the rewrite removes"
            : null;
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
        if (usage.Joins.Any(j => OperationFacts.IsWithin(j, loop)))
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
            if (!FreshState.IsRemade(argument, root, index))
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
                || !(OperationFacts.IsStableValue(size.DimensionSizes[0], root) || IsProcessorCount(size.DimensionSizes[0])))
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
    /// <c>Environment.ProcessorCount</c>: read once at process start and kept (a static auto-property on .NET Core, the
    /// machine's processor count on .NET Framework), so the <c>Parallel.For</c> reads the size the array was made with.
    /// </summary>
    private static bool IsProcessorCount(IOperation size)
        => OperationFacts.StripConversions(size) is IPropertyReferenceOperation { Instance: null, Property: { Name: "ProcessorCount", ContainingType: { Name: "Environment", ContainingNamespace: { Name: "System", ContainingNamespace.IsGlobalNamespace: true } } } };

    /// <summary>
    /// The creation loop's body, statement by statement: per-thread declarations (and adjustments) before the creation go
    /// to <paramref name="pre"/>, as do pure declarations after it; starts and list adds are the usage's bookkeeping. Null
    /// when nothing else runs there, else why the rewrite is refused.
    /// </summary>
    private static string? PerThreadStatements(ImmutableArray<IOperation> loopStatements, IOperation creationStatement, ThreadHandle handle, ThreadUsage usage, KnownTypes types, ImmutableArray<IOperation>.Builder pre)
    {
        var seenCreation = false;
        foreach (var statement in loopStatements)
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
    private static string? StatementsToRemove(ThreadHandle handle, ThreadUsage usage, IBlockOperation block, ILoopOperation loop, FanOutBody body, ImmutableArray<IOperation>.Builder pre, ILocalSymbol index, bool callerRunsFirst, bool keptField, KnownTypes types, List<IOperation> removed, List<IOperation> mergeLoops, out bool callerRunsOneMore)
    {
        var @delegate = handle.Delegate!;
        callerRunsOneMore = false;
        if (!callerRunsFirst && block.Operations.IndexOf(loop) is var after and >= 0 && after + 1 < block.Operations.Length
            && IsCallerWorker(block.Operations[after + 1], handle, body, index))
        {
            // for (i = 0; i < threads.Length; i++) (threads[i] = new Thread(worker)).Start(); worker(); join: the calling
            // thread is one more worker of the same work; Parallel.For runs threads.Length + 1 of them, the call goes away.
            removed.Add(block.Operations[after + 1]);
            callerRunsOneMore = true;
        }

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

        // Threads a helper starts start in the creation loop.
        var lastStart = usage.Starts.Count == 0 ? loopPosition : usage.Starts.Max(st => block.Operations.IndexOf(OperationFacts.StatementIn(st, block)!));

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
    /// <c>worker();</c> (or <c>Work();</c>) right after the creation loop: the caller runs the threads' own delegate — the
    /// local that holds it, or the method group — with no arguments, and that work does not read the creation loop's index
    /// (each worker is the same, pulling its items from shared state as the threads do).
    /// </summary>
    private static bool IsCallerWorker(IOperation statement, ThreadHandle handle, FanOutBody body, ILocalSymbol index)
    {
        if (statement is not IExpressionStatementOperation { Operation: IInvocationOperation { Arguments.Length: 0 } call }
            || body.Parameter is not null
            || handle.Site is not IObjectCreationOperation { Arguments.Length: >= 1 } creation
            || OperationFacts.References(body.Delegate, index))
        {
            return false;
        }

        var started = OperationFacts.StripConversions(creation.Arguments[0].Value);
        if (started is IDelegateCreationOperation { Target: var target })
        {
            started = target;
        }

        return started switch
        {
            // new Thread(worker) with ThreadStart worker = delegate { … }; — the caller invokes the same local.
            ILocalReferenceOperation local => call.TargetMethod.MethodKind == MethodKind.DelegateInvoke
                                              && call.Instance is ILocalReferenceOperation invoked
                                              && SymbolEqualityComparer.Default.Equals(invoked.Local, local.Local)
                                              && !OperationFacts.IsWrittenAfterDeclaration(local.Local, handle.Loop!.Parent ?? handle.Loop),
            // new Thread(Work) — the caller calls Work() on the same receiver.
            IMethodReferenceOperation group => SymbolEqualityComparer.Default.Equals(call.TargetMethod, group.Method)
                                               && (call.Instance?.Syntax.ToString() ?? string.Empty) == (group.Instance?.Syntax.ToString() ?? string.Empty),
            _ => false,
        };
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
            if (OperationFacts.IsWithin(start, loop) || OperationFacts.StatementIn(start, block) is not { } statement)
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
            || !OperationFacts.IsWithin(usage.Starts[0], startLoop) || !OperationFacts.IsWithin(usage.Joins[0], joinLoop)
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
        if (argument is not null && !FreshState.IsRemade(argument, root, startVariable.Symbol))
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
}
