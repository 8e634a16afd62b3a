using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace GilAnalyzers.Core;

/// <summary>
/// The joins of <see cref="PoolFanOut"/> beyond one <c>WaitAll</c> call in the fanning method: tasks waited one by one in
/// a loop (<c>foreach (var t in tasks) t.Wait();</c>), and a join object or task list kept in a field of the class and
/// waited in another of its methods (<c>Start()</c> queues, <c>Wait()</c> joins).
/// </summary>
internal static partial class PoolFanOut
{
    /// <summary>At most this many members of a class are looked through for a join in another method.</summary>
    private const int SiblingMemberLimit = 60;

    /// <summary>How the tasks stored in <paramref name="collection"/> are joined.</summary>
    internal readonly struct TaskJoin
    {
        public TaskJoin(IOperation join, string name, bool inOtherMethod)
        {
            Join = join;
            Name = name;
            InOtherMethod = inOtherMethod;
        }

        /// <summary>The <c>Task.WaitAll</c>/<c>WhenAll</c> invocation, or the loop that waits for each task.</summary>
        public IOperation Join { get; }

        /// <summary>For messages: "Task.WaitAll", "Task.Wait per task".</summary>
        public string Name { get; }

        public bool InOtherMethod { get; }
    }

    /// <summary>The join of the tasks in <paramref name="collection"/>: in <paramref name="root"/>, else (a field) in another method of its class.</summary>
    internal static TaskJoin? FindTaskJoin(ISymbol collection, IOperation root, KnownTypes types, WorkCostModel costModel)
    {
        var join = TaskJoinIn(collection, root, types);
        if (join is not null)
        {
            return new TaskJoin(join.Value.Join, join.Value.Name, false);
        }

        if (collection is IFieldSymbol field)
        {
            foreach (var body in SiblingBodies(field, root, costModel))
            {
                join = TaskJoinIn(collection, body, types);
                if (join is not null)
                {
                    return new TaskJoin(join.Value.Join, join.Value.Name, true);
                }
            }
        }

        return null;
    }

    private static (IOperation Join, string Name)? TaskJoinIn(ISymbol collection, IOperation root, KnownTypes types)
    {
        (IOperation, string)? found = null;
        foreach (var operation in OperationFacts.Descendants(root, enterFunctions: false))
        {
            switch (operation)
            {
                case IInvocationOperation invocation
                    when (invocation.TargetMethod.Name == "WaitAll" || invocation.TargetMethod.Name == "WhenAll")
                         && KnownTypes.Is(invocation.TargetMethod.ContainingType, types.Task)
                         && invocation.Arguments.Length >= 1
                         && References(invocation.Arguments[0].Value, collection):
                    // The last one in the method, as before: WhenAll(...).Wait() and a later WaitAll both join.
                    found = (invocation, "Task." + invocation.TargetMethod.Name);
                    break;
                case ILoopOperation loop when found is null && WaitsForEachElement(loop, collection, types, "Wait", types.Task, types.TaskOfT):
                    found = (loop, "Task.Wait per task");
                    break;
            }
        }

        return found;
    }

    /// <summary>
    /// <c>foreach (var t in tasks) t.Wait();</c> / <c>for (...) tasks[i].Wait();</c> (also reading <c>t.Result</c>): a loop
    /// over <paramref name="collection"/> that waits on each element and does not start any (a loop that starts and waits
    /// each in turn runs them one after another).
    /// </summary>
    private static bool WaitsForEachElement(ILoopOperation loop, ISymbol collection, KnownTypes types, string waitName, INamedTypeSymbol? type, INamedTypeSymbol? genericType = null)
    {
        if (!IsLoopOver(loop, collection, out var element))
        {
            return false;
        }

        var waits = false;
        foreach (var operation in OperationFacts.Descendants(loop.Body, enterFunctions: false))
        {
            if (operation is not IInvocationOperation { Instance: { } instance } invocation)
            {
                if (operation is IPropertyReferenceOperation { Property.Name: "Result", Instance: { } resultOf } && IsElement(resultOf, element, collection))
                {
                    waits = true;
                }

                continue;
            }

            if (!KnownTypes.Is(invocation.TargetMethod.ContainingType, type) && !KnownTypes.Is(invocation.TargetMethod.ContainingType, genericType)
                && !OperationFacts.DerivesFrom(invocation.TargetMethod.ContainingType, type))
            {
                continue;
            }

            if (invocation.TargetMethod.Name == "Start" && IsElement(instance, element, collection))
            {
                return false;
            }

            if (invocation.TargetMethod.Name == waitName && invocation.Arguments.Length == 0 && IsElement(instance, element, collection))
            {
                waits = true;
            }
        }

        return waits;
    }

    /// <summary>
    /// A loop that can visit the elements of <paramref name="collection"/>: <c>foreach (var t in collection)</c>
    /// (<paramref name="element"/> is its variable) or a <c>for</c> loop (null: elements are <c>collection[...]</c>).
    /// </summary>
    private static bool IsLoopOver(ILoopOperation loop, ISymbol collection, out ILocalSymbol? element)
    {
        element = null;
        if (loop is IForEachLoopOperation forEach)
        {
            if (!SymbolEqualityComparer.Default.Equals(OperationFacts.ReferencedSymbol(OperationFacts.StripConversions(forEach.Collection)), collection)
                || forEach.Locals.Length == 0)
            {
                return false;
            }

            element = forEach.Locals[0];
            return true;
        }

        return loop is IForLoopOperation;
    }

    /// <summary>The loop's element: the foreach variable, or <c>collection[...]</c>.</summary>
    private static bool IsElement(IOperation expression, ILocalSymbol? element, ISymbol collection)
    {
        expression = OperationFacts.StripConversions(expression);
        if (element is not null)
        {
            return expression is ILocalReferenceOperation local && SymbolEqualityComparer.Default.Equals(local.Local, element);
        }

        return expression switch
        {
            IArrayElementReferenceOperation array => SymbolEqualityComparer.Default.Equals(OperationFacts.ReferencedSymbol(OperationFacts.StripConversions(array.ArrayReference)), collection),
            IPropertyReferenceOperation { Property.IsIndexer: true, Instance: { } list } => SymbolEqualityComparer.Default.Equals(OperationFacts.ReferencedSymbol(OperationFacts.StripConversions(list)), collection),
            _ => false,
        };
    }

    /// <summary>
    /// <c>foreach (var t in tasks) t.Start();</c> in a method of the class that keeps the tasks in the field
    /// <paramref name="field"/>: the loop that fans out tasks created elsewhere (<c>tasks.Add(new Task(...))</c> in an
    /// <c>AddTask</c> method).
    /// </summary>
    internal static ILoopOperation? StartLoopOverField(IFieldSymbol field, IOperation root, KnownTypes types, WorkCostModel costModel)
    {
        foreach (var body in SiblingBodies(field, root, costModel))
        {
            foreach (var operation in OperationFacts.Descendants(body, enterFunctions: false))
            {
                if (operation is ILoopOperation loop && StartsEachElement(loop, field, types))
                {
                    return loop;
                }
            }
        }

        return null;
    }

    private static bool StartsEachElement(ILoopOperation loop, ISymbol collection, KnownTypes types)
    {
        if (!IsLoopOver(loop, collection, out var element))
        {
            return false;
        }

        var starts = false;
        foreach (var operation in OperationFacts.Descendants(loop.Body, enterFunctions: false))
        {
            if (operation is IInvocationOperation { Instance: { } instance } invocation
                && (KnownTypes.Is(invocation.TargetMethod.ContainingType, types.Task) || KnownTypes.Is(invocation.TargetMethod.ContainingType, types.TaskOfT))
                && IsElement(instance, element, collection))
            {
                if (invocation.TargetMethod.Name == "Wait")
                {
                    // Start then Wait on each element in turn: sequential.
                    return false;
                }

                starts |= invocation.TargetMethod.Name == "Start";
            }
        }

        return starts;
    }

    /// <summary>
    /// Invocations in the other methods of <paramref name="field"/>'s class that name the field: where a join object kept
    /// in a field is waited when the method that fans out does not wait itself.
    /// </summary>
    internal static List<IInvocationOperation> SiblingInvocations(IFieldSymbol field, IOperation root, WorkCostModel costModel)
    {
        var result = new List<IInvocationOperation>();
        foreach (var body in SiblingBodies(field, root, costModel))
        {
            foreach (var operation in OperationFacts.Descendants(body, enterFunctions: false))
            {
                if (operation is IInvocationOperation invocation)
                {
                    result.Add(invocation);
                }
            }
        }

        return result;
    }

    /// <summary>
    /// The bodies of the other ordinary methods of <paramref name="field"/>'s class (source only, a bounded number) whose
    /// text names the field.
    /// </summary>
    private static IEnumerable<IOperation> SiblingBodies(IFieldSymbol field, IOperation root, WorkCostModel costModel)
    {
        var type = field.ContainingType;
        if (type is null || field.DeclaringSyntaxReferences.Length == 0)
        {
            yield break;
        }

        var rootSyntax = root.Syntax;
        var seen = 0;
        foreach (var member in type.GetMembers())
        {
            if (member is not IMethodSymbol { MethodKind: MethodKind.Ordinary or MethodKind.Constructor } method || method.DeclaringSyntaxReferences.Length == 0)
            {
                continue;
            }

            if (++seen > SiblingMemberLimit)
            {
                yield break;
            }

            var named = false;
            var own = false;
            foreach (var reference in method.DeclaringSyntaxReferences)
            {
                var syntax = reference.GetSyntax();
                own |= syntax.SyntaxTree == rootSyntax.SyntaxTree && syntax.Span.Contains(rootSyntax.Span);
                foreach (var token in syntax.DescendantTokens())
                {
                    if (token.ValueText == field.Name)
                    {
                        named = true;
                        break;
                    }
                }
            }

            if (!named || own)
            {
                continue;
            }

            var body = costModel.GetBody(method.OriginalDefinition, System.Threading.CancellationToken.None);
            if (body is not null)
            {
                yield return body;
            }
        }
    }

    /// <summary>
    /// The lambda or method group a work argument stands for: written in place, or kept in a delegate field that one
    /// constructor assignment fills (<see cref="DelegateOfField"/>).
    /// </summary>
    private static IOperation? WorkDelegate(IOperation argument, WorkCostModel costModel)
        => OperationFacts.UnwrapDelegate(argument) ?? DelegateOfField(argument, costModel);

    /// <summary>
    /// The lambda or method group a delegate-typed field holds when one constructor of its class assigns it once
    /// (<c>FindPrimes = range =&gt; { ... };</c>), so <c>new Task(FindPrimes, range)</c> can be judged by that body.
    /// </summary>
    internal static IOperation? DelegateOfField(IOperation argument, WorkCostModel costModel)
    {
        if (OperationFacts.StripConversions(argument) is not IFieldReferenceOperation { Field: { Type.TypeKind: TypeKind.Delegate } field }
            || field.ContainingType is null)
        {
            return null;
        }

        IOperation? found = null;
        foreach (var constructor in field.ContainingType.Constructors)
        {
            var body = costModel.GetBody(constructor.OriginalDefinition, System.Threading.CancellationToken.None);
            if (body is null)
            {
                continue;
            }

            foreach (var operation in OperationFacts.Descendants(body, enterFunctions: false))
            {
                if (operation is ISimpleAssignmentOperation assignment
                    && SymbolEqualityComparer.Default.Equals(OperationFacts.ReferencedSymbol(assignment.Target), field))
                {
                    if (found is not null)
                    {
                        return null;
                    }

                    found = OperationFacts.UnwrapDelegate(assignment.Value);
                    if (found is null)
                    {
                        return null;
                    }
                }
            }
        }

        return found;
    }

    /// <summary>The field a join object comes from: <c>done</c>, <c>events[i]</c>, <c>list[i]</c> where those are fields.</summary>
    private static IFieldSymbol? JoinField(IOperation joinObject)
    {
        return OperationFacts.StripConversions(joinObject) switch
        {
            IFieldReferenceOperation field => field.Field,
            IArrayElementReferenceOperation element => OperationFacts.ReferencedSymbol(OperationFacts.StripConversions(element.ArrayReference)) as IFieldSymbol,
            IPropertyReferenceOperation { Property.IsIndexer: true, Instance: { } list } => OperationFacts.ReferencedSymbol(OperationFacts.StripConversions(list)) as IFieldSymbol,
            _ => null,
        };
    }

    /// <summary>
    /// <c>foreach (var e in events) e.WaitOne();</c> over the item events (<c>e.Wait()</c> for <c>ManualResetEventSlim</c>s),
    /// in <paramref name="root"/> or (a field) a sibling method.
    /// </summary>
    private static ILoopOperation? EventWaitLoop(ISymbol collection, IOperation root, KnownTypes types)
    {
        foreach (var operation in OperationFacts.Descendants(root, enterFunctions: false))
        {
            if (operation is ILoopOperation loop
                && (WaitsForEachElement(loop, collection, types, "WaitOne", types.WaitHandle)
                    || WaitsForEachElement(loop, collection, types, "Wait", types.ManualResetEventSlim)))
            {
                return loop;
            }
        }

        return null;
    }

    private const string DrainJoinBlocker = "the caller drains the events one WaitAny at a time; that join is not rewritten automatically";

    /// <summary>
    /// <c>while (outstanding &gt; 0) { WaitHandle.WaitAny(events); outstanding--; }</c>: a loop whose condition reads a
    /// counter that its body counts down once per <c>WaitHandle.WaitAny</c> over the item events — it returns only when
    /// as many items have signalled as were outstanding, a join of all of them taken one at a time.
    /// </summary>
    private static ILoopOperation? EventDrainLoop(ISymbol collection, IOperation root, KnownTypes types)
    {
        foreach (var operation in OperationFacts.Descendants(root, enterFunctions: false))
        {
            if (operation is not IWhileLoopOperation { Condition: { } condition, Body: IBlockOperation body } loop)
            {
                continue;
            }

            var waitsAny = false;
            ISymbol? counted = null;
            foreach (var statement in body.Operations)
            {
                var inner = statement is IExpressionStatementOperation expression ? expression.Operation : statement;
                if (inner is ISimpleAssignmentOperation { Value: { } assigned })
                {
                    inner = assigned;
                }

                if (statement is IVariableDeclarationGroupOperation group
                    && group.Declarations.SelectMany(d => d.Declarators).Select(d => d.Initializer?.Value).SingleOrDefault() is { } initial)
                {
                    inner = initial;
                }

                if (inner is IInvocationOperation { TargetMethod.Name: "WaitAny", Arguments.Length: >= 1 } waitAny
                    && KnownTypes.Is(waitAny.TargetMethod.ContainingType, types.WaitHandle)
                    && OperationFacts.ReferencedSymbol(OperationFacts.StripConversions(waitAny.Arguments[0].Value)) is { } waited
                    && SymbolEqualityComparer.Default.Equals(waited, collection))
                {
                    waitsAny = true;
                }
                else if (inner is IIncrementOrDecrementOperation { Kind: OperationKind.Decrement } down)
                {
                    counted = OperationFacts.ReferencedSymbol(OperationFacts.StripConversions(down.Target));
                }
            }

            if (waitsAny && counted is ILocalSymbol or IFieldSymbol && References(condition, counted))
            {
                return loop;
            }
        }

        return null;
    }

    /// <summary>Tasks made by a LINQ selector: the collection they are stored in, the function that holds the query, and the count.</summary>
    internal sealed class TaskQuery
    {
        public TaskQuery(ISymbol collection, IOperation root, string count)
        {
            Collection = collection;
            Root = root;
            Count = count;
        }

        public ISymbol Collection { get; }

        public IOperation Root { get; }

        public string Count { get; }
    }

    /// <summary>
    /// <c>items.Select(x =&gt; Task.Factory.StartNew(...))</c> (then <c>ToArray()</c>/<c>ToList()</c>) stored into a local or
    /// field, when <paramref name="launch"/> is what the selector returns.
    /// </summary>
    private static TaskQuery? SelectedTasks(IOperation launch, IOperation root, KnownTypes types)
    {
        if (root is not IAnonymousFunctionOperation selector
            || !IsReturnedBy(launch, selector)
            || selector.Parent is not { } wrapper)
        {
            return null;
        }

        IOperation current = wrapper;
        while (current is IDelegateCreationOperation or IConversionOperation)
        {
            current = current.Parent!;
        }

        if (current is not IArgumentOperation { Parent: IInvocationOperation { TargetMethod.Name: "Select" } select }
            || !KnownTypes.Is(select.TargetMethod.ContainingType, types.Enumerable))
        {
            return null;
        }

        current = select;
        while (current.Parent is IArgumentOperation { Parent: IInvocationOperation { TargetMethod.Name: "ToArray" or "ToList" } materialize }
               && KnownTypes.Is(materialize.TargetMethod.ContainingType, types.Enumerable))
        {
            current = materialize;
        }

        while (current.Parent is IConversionOperation)
        {
            current = current.Parent;
        }

        ISymbol? collection = current.Parent switch
        {
            IVariableInitializerOperation { Parent: IVariableDeclaratorOperation declarator } => declarator.Symbol,
            ISimpleAssignmentOperation assignment when assignment.Value == current => OperationFacts.ReferencedSymbol(assignment.Target),
            _ => null,
        };
        if (collection is null)
        {
            return null;
        }

        var source = select.Arguments.Length > 0 ? OperationFacts.StripConversions(select.Arguments[0].Value) : null;
        var count = source is IInvocationOperation { TargetMethod.Name: "Range", Arguments.Length: 2 } range && KnownTypes.Is(range.TargetMethod.ContainingType, types.Enumerable)
                    && range.Arguments[0].Value.ConstantValue is { HasValue: true, Value: 0 }
            ? ThreadFanOut.Describe(range.Arguments[1].Value)
            : "several";
        return new TaskQuery(collection, OperationFacts.FunctionRoot(select), count);
    }

    private static bool IsReturnedBy(IOperation value, IAnonymousFunctionOperation function)
    {
        var current = value.Parent;
        while (current is IConversionOperation)
        {
            current = current.Parent;
        }

        return current is IReturnOperation returned && returned.Parent?.Parent == function
               && function.Body.Operations.Length <= 2;
    }

    private static FanOut? AnalyzeSelectedTasks(IOperation launch, IOperation @delegate, TaskQuery query, KnownTypes types, WorkCostModel costModel, string mechanism)
    {
        if (launch is IObjectCreationOperation)
        {
            // new Task(...) from a query must also be started; leave those to the loop shapes.
            return null;
        }

        var join = FindTaskJoin(query.Collection, query.Root, types, costModel);
        if (join is null)
        {
            return null;
        }

        var cost = ThreadFanOut.DelegateCost(@delegate, costModel, types);
        if (!cost.IsCpuBound || ThreadFanOut.DelegateBody(@delegate) is null)
        {
            return null;
        }

        return new FanOut(FanOutShape.Loop, launch, query.Count, cost, mechanism + " + " + join.Value.Name, null,
            "the tasks are made by a LINQ query; the rewrite needs a for or foreach loop");
    }

    /// <summary>
    /// A fixed set of work items queued one by one (no loop), each a lambda that ends by setting its own local event, and
    /// joined by <c>WaitHandle.WaitAll</c> over an array written out with exactly those events — a hand-made
    /// <c>Parallel.Invoke</c>. Reported at the first item of the set, when every item is CPU-bound; no rewrite.
    /// </summary>
    private static FanOut? AnalyzeQueuedSet(IInvocationOperation queue, IOperation @delegate, IOperation root, KnownTypes types, WorkCostModel costModel)
    {
        if (@delegate is not IAnonymousFunctionOperation || ItemEvent(queue, types) is not { } ownEvent)
        {
            return null;
        }

        foreach (var operation in OperationFacts.Descendants(root, enterFunctions: false))
        {
            if (operation is not IInvocationOperation { TargetMethod.Name: "WaitAll", Arguments.Length: 1 } waitAll
                || !KnownTypes.Is(waitAll.TargetMethod.ContainingType, types.WaitHandle)
                || OperationFacts.StripConversions(waitAll.Arguments[0].Value) is not IArrayCreationOperation { Initializer: { ElementValues: { Length: >= 2 } elements } })
            {
                continue;
            }

            var events = elements.Select(e => EventSymbol(e)).ToList();
            if (events.Any(e => e is null) || !events.Contains(ownEvent, SymbolEqualityComparer.Default))
            {
                continue;
            }

            // Every event set by exactly one queued CPU-bound item of this function; this queue call is the first of them.
            var items = new List<IInvocationOperation>();
            foreach (var candidate in OperationFacts.Descendants(root, enterFunctions: false))
            {
                if (candidate is IInvocationOperation other && IsQueueUserWorkItem(other, types) && ItemEvent(other, types) is { } set
                    && events.Contains(set, SymbolEqualityComparer.Default))
                {
                    items.Add(other);
                }
            }

            if (items.Count != events.Count || items[0] != queue
                || items.Select(i => ItemEvent(i, types)).Distinct(SymbolEqualityComparer.Default).Count() != events.Count)
            {
                return null;
            }

            WorkCost? first = null;
            foreach (var item in items)
            {
                var function = (IAnonymousFunctionOperation)OperationFacts.UnwrapDelegate(item.Arguments[0].Value)!;
                var signal = function.Body.Operations.Where(o => !(o is IReturnOperation { IsImplicit: true, ReturnedValue: null })).LastOrDefault();
                var cost = ItemCost(function, function.Body, signal is null ? ImmutableArray<IOperation>.Empty : ImmutableArray.Create(signal), costModel, types);
                if (!cost.IsCpuBound)
                {
                    return null;
                }

                first ??= cost;
            }

            var blocker = PlanSetDispatch(items, root, types, out var dispatch);
            return new FanOut(FanOutShape.Explicit, queue, events.Count.ToString(System.Globalization.CultureInfo.InvariantCulture), first!.Value,
                "ThreadPool." + queue.TargetMethod.Name + " (one call per item) + WaitHandle.WaitAll", null,
                "a fixed set of work items whose events stay; " + (blocker ?? "Parallel.Invoke runs them"), dispatch);
        }

        return null;
    }

    /// <summary>
    /// A fixed set of two or more work items queued by statements of one block (no loop), each of which the caller
    /// waits for through a join this function recognises for a queued item — a <c>CountdownEvent</c>, a pending counter
    /// with <c>Monitor.Wait</c> or a done event, a polled counter — the same kind of join for all of them:
    /// <c>pending = 2; QueueUserWorkItem(Fill, lowerHalf); QueueUserWorkItem(Fill, upperHalf); lock (gate) while (pending &gt; 0) Monitor.Wait(gate);</c>.
    /// A hand-made <c>Parallel.Invoke</c>, reported at the first item when every item is CPU-bound; no rewrite of the join.
    /// </summary>
    private static FanOut? AnalyzeJoinedSet(IInvocationOperation queue, IOperation root, KnownTypes types, WorkCostModel costModel)
    {
        if (queue.Parent is not IExpressionStatementOperation { Parent: IBlockOperation block })
        {
            return null;
        }

        var items = new List<IInvocationOperation>();
        foreach (var statement in block.Operations)
        {
            if (statement is IExpressionStatementOperation { Operation: IInvocationOperation call } && IsQueueUserWorkItem(call, types))
            {
                items.Add(call);
            }
        }

        if (items.Count < 2 || items[0] != queue)
        {
            return null;
        }

        string? mechanism = null;
        WorkCost? first = null;
        foreach (var item in items)
        {
            if (OperationFacts.UnwrapDelegate(item.Arguments[0].Value) is not { } @delegate
                || CallbackMethod(@delegate, root, costModel, out var body) is not { } callback || body is null
                || RunsOnlyCallersDelegate(body, costModel)
                || FindQueuedJoin(item, @delegate, callback, body, root, types, costModel) is not { } join
                || (mechanism is not null && mechanism != join.Mechanism))
            {
                return null;
            }

            mechanism = join.Mechanism;
            var cost = ItemCost(@delegate, body, join.SignalStatements.AddRange(StartGates(item, body, root, types, costModel)), costModel, types);
            if (!cost.IsCpuBound)
            {
                return null;
            }

            first ??= cost;
        }

        var blocker = PlanSetDispatch(items, root, types, out var dispatch);
        return new FanOut(FanOutShape.Explicit, queue, items.Count.ToString(System.Globalization.CultureInfo.InvariantCulture), first!.Value,
            "ThreadPool." + queue.TargetMethod.Name + " (one call per item) + " + mechanism, null,
            "a fixed set of work items whose join stays; " + (blocker ?? "Parallel.Invoke runs them"), dispatch);
    }

    /// <summary>
    /// The local or field an event expression names (<c>done</c>, <c>s_leftDone</c>, <c>this._done</c>), or null for anything
    /// else (an element, a call).
    /// </summary>
    private static ISymbol? EventSymbol(IOperation expression)
        => OperationFacts.StripConversions(expression) switch
        {
            ILocalReferenceOperation local => local.Local,
            IFieldReferenceOperation { Field.IsStatic: true } field => field.Field,
            IFieldReferenceOperation { Instance: IInstanceReferenceOperation } field => field.Field,
            _ => null,
        };

    /// <summary>The event (a local or a field of the type) a queued lambda sets as its last statement (<c>done.Set();</c>), or null.</summary>
    private static ISymbol? ItemEvent(IInvocationOperation queue, KnownTypes types)
    {
        if (OperationFacts.UnwrapDelegate(queue.Arguments[0].Value) is not IAnonymousFunctionOperation function)
        {
            return null;
        }

        var last = function.Body.Operations.Where(o => !(o is IReturnOperation { IsImplicit: true, ReturnedValue: null })).LastOrDefault();
        return last is IExpressionStatementOperation { Operation: IInvocationOperation { TargetMethod.Name: "Set", Arguments.Length: 0, Instance: { } instance } set }
               && (OperationFacts.DerivesFrom(set.TargetMethod.ContainingType, types.WaitHandle) || KnownTypes.Is(set.TargetMethod.ContainingType, types.ManualResetEventSlim))
            ? EventSymbol(instance)
            : null;
    }
}
