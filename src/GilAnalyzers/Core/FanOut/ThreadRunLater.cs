using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace GilAnalyzers.Core;

/// <summary>
/// The rewrite of a raw-thread fan-out that no <c>Parallel.For</c> plan keeps because the code around the threads does more
/// than make them (the creation loop also fills a list or sets up per-thread objects, the threads are made by nested loops,
/// the whole fan-out sits in an outer loop): every statement of the calling code stays where it is; the array or list of
/// threads becomes one of <c>ThreadStart</c>s, each <c>new Thread(work)</c> becomes <c>new ThreadStart(work)</c>, the starts go,
/// and where the threads were first joined, <c>Parallel.ForEach(list, work =&gt; work())</c> runs all the work.
/// </summary>
/// <remarks>
/// Why it keeps behaviour: a started thread may get no core at all before its starter reaches the join, so running every
/// thread's work after the starting code is one of the schedules the original already allows — as long as that code
/// neither waits for the threads, nor leaves before the join, nor changes what a thread's lambda reads. Parallel.ForEach
/// then returns when all the work is done, as the joins did; the work is checked not to wait for its siblings (the pool
/// need not run every item at once) and not to depend on its own thread.
/// </remarks>
internal sealed class ThreadRunLaterPlan
{
    public ThreadRunLaterPlan(
        IObjectCreationOperation creation,
        SyntaxNode work,
        ILocalSymbol collection,
        IOperation collectionDeclaration,
        IOperation? threadDeclaration,
        ImmutableArray<IOperation> removed,
        IOperation runAt,
        bool replaceRunAt,
        INamedTypeSymbol launched,
        string delegateType,
        IOperation? startArgument = null,
        bool copyArgument = false)
    {
        StartArgument = startArgument;
        CopyArgument = copyArgument;
        Launched = launched;
        DelegateType = delegateType;
        Creation = creation;
        Work = work;
        Collection = collection;
        CollectionDeclaration = collectionDeclaration;
        ThreadDeclaration = threadDeclaration;
        Removed = removed;
        RunAt = runAt;
        ReplaceRunAt = replaceRunAt;
    }

    /// <summary>The <c>new Thread(work)</c> that becomes <c>new ThreadStart(work)</c>.</summary>
    public IObjectCreationOperation Creation { get; }

    /// <summary>The work as written: the lambda or method group (taken out of a <c>new ThreadStart(...)</c>).</summary>
    public SyntaxNode Work { get; }

    /// <summary>The local array or list of threads; it becomes an array or list of <c>ThreadStart</c>.</summary>
    public ILocalSymbol Collection { get; }

    /// <summary>The collection's declaration statement (its <c>Thread</c> type names become <c>ThreadStart</c>).</summary>
    public IOperation CollectionDeclaration { get; }

    /// <summary><c>var t = new Thread(...)</c> when the thread goes through a local first (an explicit <c>Thread</c> type becomes <c>ThreadStart</c>).</summary>
    public IOperation? ThreadDeclaration { get; }

    /// <summary>Start and join statements (or loops that only start or only join) that go away.</summary>
    public ImmutableArray<IOperation> Removed { get; }

    /// <summary>The statement where the threads are first joined: the Parallel.ForEach replaces it or goes right before it.</summary>
    public IOperation RunAt { get; }

    /// <summary>
    /// A thread made from a method that takes its argument (<c>new Thread(Work)</c>, <c>t.Start(arg)</c>): the argument,
    /// evaluated where the thread was made (nothing but keeping the thread runs between there and the start); the work
    /// becomes <c>() =&gt; Work(arg)</c>.
    /// </summary>
    public IOperation? StartArgument { get; }

    /// <summary>Whether <see cref="StartArgument"/> goes into a local of its own first (it is not a value nothing changes).</summary>
    public bool CopyArgument { get; }

    /// <summary>What was launched: <c>Thread</c>, or <c>Task</c> (a cold task made by <c>new Task(work)</c>).</summary>
    public INamedTypeSymbol Launched { get; }

    /// <summary>The delegate type that replaces <see cref="Launched"/>: <c>System.Threading.ThreadStart</c> or <c>System.Action</c>.</summary>
    public string DelegateType { get; }

    /// <summary>True when <see cref="RunAt"/> only joins (it is replaced); false when it also merges results (the run goes before it).</summary>
    public bool ReplaceRunAt { get; }
}

/// <summary>Plans <see cref="ThreadRunLaterPlan"/>: see there for the shape and why it keeps behaviour.</summary>
internal static partial class ThreadRunLater
{
    /// <summary>What a use of the thread collection (or of the thread local) does.</summary>
    private enum UseKind
    {
        Store,
        Start,
        Join,
        Harmless,
    }

    /// <summary>What is launched and how it is waited for: threads joined, or cold tasks waited for.</summary>
    private sealed class Launch
    {
        public Launch(INamedTypeSymbol type, string start, string join, string delegateParameter, string delegateType)
        {
            Type = type;
            Start = start;
            Join = join;
            DelegateParameter = delegateParameter;
            DelegateType = delegateType;
        }

        public INamedTypeSymbol Type { get; }

        public string Start { get; }

        public string Join { get; }

        /// <summary>The constructor's delegate parameter type that takes no argument: ThreadStart / Action.</summary>
        public string DelegateParameter { get; }

        public string DelegateType { get; }

        public bool IsTask => Type.Name == "Task";

        public static Launch? For(IObjectCreationOperation creation, KnownTypes types)
        {
            if (types.Thread is { } thread && OperationFacts.IsThread(creation.Type, types))
            {
                return new Launch(thread, "Start", "Join", "ThreadStart", "System.Threading.ThreadStart");
            }

            return types.Task is { } task && KnownTypes.Is(creation.Type, task)
                ? new Launch(task, "Start", "Wait", "Action", "System.Action")
                : null;
        }

        public bool Is(ITypeSymbol? type) => KnownTypes.Is(type, Type);
    }

    /// <summary>
    /// Plans the rewrite for the threads (or cold tasks) made by <paramref name="creation"/>; null when it keeps behaviour,
    /// else why not.
    /// </summary>
    public static string? Plan(IObjectCreationOperation creation, IOperation root, KnownTypes types, WorkCostModel costModel, out ThreadRunLaterPlan? plan)
    {
        plan = null;
        if (Launch.For(creation, types) is not { } launch)
        {
            return "the work is not launched by new Thread(...) or new Task(...)";
        }

        var blocker = Plan(creation, launch, root, types, costModel, out plan);
        return blocker is not null && launch.IsTask ? InTaskWords(blocker) : blocker;
    }

    /// <summary>A reason written for threads, said of tasks: "the threads are joined" → "the tasks are waited for".</summary>
    private static string InTaskWords(string reason)
        => reason.Replace("calling thread", "calling\u0001").Replace("own thread", "own\u0001")
            .Replace("threads", "tasks").Replace("thread", "task")
            .Replace("starting and joining", "starting and waiting for").Replace("started or joined", "started or waited for")
            .Replace("made, started or joined", "made, started or waited for").Replace("are joined", "are waited for")
            .Replace("first join", "first wait").Replace("before the join", "before the wait").Replace("no join waits for", "no wait covers")
            .Replace("\u0001", " thread");

    private static string? Plan(IObjectCreationOperation creation, Launch launch, IOperation root, KnownTypes types, WorkCostModel costModel, out ThreadRunLaterPlan? plan)
    {
        plan = null;

        if (WorkOf(creation, launch, types, out var work, out var workSyntax, out var takesArgument) is { } workBlocker)
        {
            return workBlocker;
        }

        if (Keeper(creation, root, takesArgument ? 1 : 0, out var threadLocal, out var collection, out var threadDeclaration) is { } keeperBlocker)
        {
            return keeperBlocker;
        }

        if (CollectionDeclaration(collection!, root, launch) is not { } declaration || declaration.Parent is not IBlockOperation block)
        {
            return "the thread collection is not a local array or list created empty in a statement of its own";
        }

        var uses = new List<(UseKind Kind, IOperation Unit)>();
        if (CollectionUses(collection!, threadLocal, creation, root, launch, takesArgument ? 1 : 0, uses) is { } useBlocker)
        {
            return useBlocker;
        }

        if (Placement(creation, declaration, block, uses, out var runAt, out var replaceRunAt, out var firstCreation, out var lastStart) is { } placeBlocker)
        {
            return placeBlocker;
        }

        if (RegionBlocker(block, firstCreation, lastStart, runAt, work!, collection!, threadLocal, root, types, costModel) is { } regionBlocker)
        {
            return regionBlocker;
        }

        IOperation? argument = null;
        var copy = false;
        if (takesArgument && StartArgument(creation, (IMethodReferenceOperation)work!, collection!, threadLocal, uses, root, out argument, out copy) is { } argumentBlocker)
        {
            return argumentBlocker;
        }

        var removed = uses.Where(u => u.Kind is UseKind.Start or UseKind.Join && !(replaceRunAt && u.Unit == runAt))
            .Select(u => u.Unit).Distinct().ToImmutableArray();
        plan = new ThreadRunLaterPlan(creation, workSyntax!, collection!, declaration, threadDeclaration, removed, runAt, replaceRunAt, launch.Type, launch.DelegateType, argument, copy);
        return null;
    }

    /// <summary>
    /// <c>new Thread(Work)</c> then <c>t.Start(arg)</c>: the one start must follow the statement that makes the thread in
    /// the same block with nothing but keeping the thread in between, so <c>arg</c> can as well be evaluated where the
    /// thread is made; the method group's receiver must be one nothing changes (it is read when the work runs).
    /// </summary>
    private static string? StartArgument(IObjectCreationOperation creation, IMethodReferenceOperation work, ILocalSymbol collection, ILocalSymbol? threadLocal, List<(UseKind Kind, IOperation Unit)> uses, IOperation root, out IOperation? argument, out bool copy)
    {
        argument = null;
        copy = false;
        var starts = uses.Where(u => u.Kind == UseKind.Start).Select(u => u.Unit).Distinct().ToList();
        if (starts.Count != 1 || starts[0] is not IExpressionStatementOperation { Operation: IInvocationOperation start, Parent: IBlockOperation block })
        {
            return "the thread is not started once, by a statement of its own, with its argument";
        }

        var made = OperationFacts.StatementIn(creation, block);
        var from = made is null ? -1 : block.Operations.IndexOf(made);
        var to = block.Operations.IndexOf(start.Parent!);
        if (from < 0 || from >= to
            || block.Operations.Skip(from + 1).Take(to - from - 1).Any(s => !uses.Any(u => u.Kind == UseKind.Store && u.Unit == s)))
        {
            return "other code runs between making the thread and starting it with its argument";
        }

        argument = start.Arguments[0].Value;
        if (OperationFacts.References(argument, collection) || (threadLocal is not null && OperationFacts.References(argument, threadLocal)))
        {
            return "the argument passed to Start reads the threads";
        }

        if (work.Instance is not (null or IInstanceReferenceOperation) && !IsUnchanged(OperationFacts.StripConversions(work.Instance), root))
        {
            return "the object whose method the thread runs may change before the work runs";
        }

        // A constant, or a local nothing writes after its declaration, is read as it is; anything else is kept in a copy.
        var value = OperationFacts.StripConversions(argument);
        copy = !(value.ConstantValue.HasValue || IsUnchanged(value, root));
        return null;
    }

    /// <summary>A local or parameter that nothing in <paramref name="root"/> writes after its declaration.</summary>
    private static bool IsUnchanged(IOperation value, IOperation root)
        => OperationFacts.ReferencedSymbol(value) is (ILocalSymbol or IParameterSymbol { RefKind: RefKind.None }) and var symbol
           && !OperationFacts.Descendants(root).Any(o => OperationFacts.IsWrite(o) && SymbolEqualityComparer.Default.Equals(OperationFacts.ReferencedSymbol(o), symbol));

    /// <summary>The thread's work: a lambda or method group given as a ThreadStart, run on no particular thread.</summary>
    private static string? WorkOf(IObjectCreationOperation creation, Launch launch, KnownTypes types, out IOperation? work, out SyntaxNode? syntax, out bool takesArgument)
    {
        work = null;
        syntax = null;
        takesArgument = false;
        if (creation.Arguments.Length != 1 || creation.Initializer is not null)
        {
            return launch.IsTask ? "the task has a state, a cancellation token or options" : "the thread is configured (a stack size or an initializer)";
        }

        takesArgument = !launch.IsTask && creation.Constructor?.Parameters.Length == 1 && creation.Constructor.Parameters[0].Type.Name == "ParameterizedThreadStart";
        if (!takesArgument && (creation.Constructor?.Parameters[0].Type is not INamedTypeSymbol parameterType || parameterType.Name != launch.DelegateParameter))
        {
            return launch.IsTask ? "the task's work returns a value or takes a state" : "the thread is started with an argument (ParameterizedThreadStart)";
        }

        var argument = creation.Arguments[0].Value;
        var value = OperationFacts.StripConversions(argument);
        syntax = argument.Syntax;
        if (value is IDelegateCreationOperation wrapped)
        {
            value = OperationFacts.StripConversions(wrapped.Target);
            if (wrapped.Syntax is Microsoft.CodeAnalysis.CSharp.Syntax.BaseObjectCreationExpressionSyntax { ArgumentList.Arguments.Count: 1 } explicitCreation)
            {
                // new Thread(new ThreadStart(Work)): the new delegate wraps Work itself.
                syntax = explicitCreation.ArgumentList.Arguments[0].Expression;
            }
        }

        if (value is not (IAnonymousFunctionOperation or IMethodReferenceOperation) || value is IAnonymousFunctionOperation { Symbol.IsAsync: true })
        {
            return "the thread's work is not a lambda or a method group";
        }

        if (takesArgument && value is not IMethodReferenceOperation)
        {
            return "the thread's lambda takes the argument passed to Start";
        }

        work = value;
        var body = ThreadFanOut.DelegateBody(value);
        if (OperationFacts.ThreadAffinity(body, types) is { } affinity)
        {
            return "the thread's work depends on its own thread (" + affinity + ")";
        }

        return null;
    }

    /// <summary>
    /// Where the new thread is kept: stored straight into a local array or list (<c>threads[i] = new Thread(…)</c>,
    /// <c>threads.Add(new Thread(…))</c>), or first in a local that is only started and stored.
    /// </summary>
    private static string? Keeper(IObjectCreationOperation creation, IOperation root, int startArguments, out ILocalSymbol? threadLocal, out ILocalSymbol? collection, out IOperation? threadDeclaration)
    {
        threadLocal = null;
        threadDeclaration = null;
        collection = StoredInto(creation);
        if (collection is not null)
        {
            return null;
        }

        var parent = creation.Parent;
        while (parent is IConversionOperation)
        {
            parent = parent.Parent;
        }

        if (parent is not IVariableInitializerOperation { Parent: IVariableDeclaratorOperation declarator })
        {
            return "the thread is not kept in a local array or list";
        }

        threadLocal = declarator.Symbol;
        threadDeclaration = declarator.Parent?.Parent;
        if (declarator.Parent is not IVariableDeclarationOperation { Declarators.Length: 1 } || threadDeclaration is not IVariableDeclarationGroupOperation
            || OperationFacts.IsWrittenAfterDeclaration(threadLocal, root))
        {
            return "the thread's local is declared with others or assigned again";
        }

        foreach (var reference in OperationFacts.Descendants(root).OfType<ILocalReferenceOperation>())
        {
            if (!SymbolEqualityComparer.Default.Equals(reference.Local, threadLocal))
            {
                continue;
            }

            if (IsCall(reference, "Start", startArguments))
            {
                continue;
            }

            var store = StoredInto(reference);
            if (store is null || (collection is not null && !SymbolEqualityComparer.Default.Equals(store, collection)))
            {
                return "the thread '" + threadLocal.Name + "' is used for more than starting it and keeping it in one collection";
            }

            collection = store;
        }

        return collection is null ? "the thread is not kept in a local array or list" : null;
    }

    /// <summary>The local collection <paramref name="value"/> is stored into by a statement of its own, or null.</summary>
    private static ILocalSymbol? StoredInto(IOperation value)
    {
        var parent = value.Parent;
        while (parent is IConversionOperation)
        {
            parent = parent.Parent;
        }

        switch (parent)
        {
            case ISimpleAssignmentOperation { Parent: IExpressionStatementOperation } assignment when assignment.Target is IArrayElementReferenceOperation { ArrayReference: ILocalReferenceOperation array }:
                return array.Local;
            case IArgumentOperation { Parent: IInvocationOperation { TargetMethod.Name: "Add", Arguments.Length: 1, Instance: ILocalReferenceOperation list, Parent: IExpressionStatementOperation } }:
                return list.Local;
            default:
                return null;
        }
    }

    /// <summary>The declaration statement of <c>Thread[] threads = new Thread[n]</c> / <c>List&lt;Thread&gt; threads = new()</c>, or null.</summary>
    private static IOperation? CollectionDeclaration(ILocalSymbol collection, IOperation root, Launch launch)
    {
        var isArray = collection.Type is IArrayTypeSymbol { Rank: 1 } array && launch.Is(array.ElementType);
        var isList = collection.Type is INamedTypeSymbol { Name: "List", TypeArguments.Length: 1 } list
                     && list.ContainingNamespace?.ToDisplayString() == "System.Collections.Generic"
                     && launch.Is(list.TypeArguments[0]);
        if ((!isArray && !isList) || OperationFacts.IsWrittenAfterDeclaration(collection, root))
        {
            return null;
        }

        var declarator = OperationFacts.Descendants(root, enterFunctions: false).OfType<IVariableDeclaratorOperation>()
            .FirstOrDefault(d => SymbolEqualityComparer.Default.Equals(d.Symbol, collection));
        if (declarator?.Parent is not IVariableDeclarationOperation { Declarators.Length: 1 } declaration
            || declaration.Parent is not IVariableDeclarationGroupOperation group
            || group.Declarations.Length != 1)
        {
            return null;
        }

        var value = OperationFacts.StripConversions((declarator.Initializer ?? declaration.Initializer)?.Value ?? declarator);
        var empty = value switch
        {
            IArrayCreationOperation creation => creation.Initializer is null or { ElementValues.Length: 0 },
            IObjectCreationOperation creation => creation.Initializer is null
                                                 && creation.Arguments.All(a => a.Value.Type?.SpecialType == SpecialType.System_Int32),
            _ => false,
        };
        return empty ? group : null;
    }

    /// <summary>
    /// Every use of the collection: the one store of the new thread, starts and joins (as statements of a block, or loops
    /// that do nothing else), and harmless reads (<c>Length</c>, <c>Count</c>, a null test). Null when nothing else uses
    /// it, else why the rewrite is refused.
    /// </summary>
    private static string? CollectionUses(ILocalSymbol collection, ILocalSymbol? threadLocal, IObjectCreationOperation creation, IOperation root, Launch launch, int startArguments, List<(UseKind Kind, IOperation Unit)> uses)
    {
        var stores = 0;
        foreach (var reference in OperationFacts.Descendants(root).OfType<ILocalReferenceOperation>())
        {
            if (!SymbolEqualityComparer.Default.Equals(reference.Local, collection))
            {
                continue;
            }

            var use = Classify(reference, threadLocal, creation, launch, startArguments);
            if (use is null)
            {
                return "the thread collection '" + collection.Name + "' is used for more than keeping, starting and joining the threads ('" + FirstLine(Statement(reference).Syntax.ToString()) + "')";
            }

            if (use.Value.Kind == UseKind.Store)
            {
                stores++;
            }

            uses.Add(use.Value);
        }

        if (threadLocal is not null)
        {
            foreach (var reference in OperationFacts.Descendants(root).OfType<ILocalReferenceOperation>())
            {
                if (SymbolEqualityComparer.Default.Equals(reference.Local, threadLocal) && IsCall(reference, "Start", startArguments))
                {
                    if (Unit(reference.Parent!.Parent!) is not { } unit)
                    {
                        return "a thread is started under a condition";
                    }

                    uses.Add((UseKind.Start, unit));
                }
            }
        }

        if (stores != 1)
        {
            return "the thread collection '" + collection.Name + "' is filled in more than one place";
        }

        if (!uses.Any(u => u.Kind == UseKind.Start) || !uses.Any(u => u.Kind == UseKind.Join))
        {
            return "the threads are not both started and joined through '" + collection.Name + "'";
        }

        if (collection.Type is IArrayTypeSymbol && !uses.Any(u => u.Kind == UseKind.Join && JoinsEverySlot(u.Unit, collection, root)))
        {
            // Parallel.ForEach runs every slot of the array; a slot never filled would be null. A join of every slot (which
            // throws on a null slot) shows that the original fills them all.
            return "no join waits for every slot of the array '" + collection.Name + "', which may have slots without a thread";
        }

        return null;
    }

    /// <summary>
    /// Whether a join unit waits for every element of the collection: a foreach over it, <c>ForEach(t =&gt; t.Join())</c>,
    /// <c>Task.WaitAll(tasks)</c>, or <c>for (int i = 0; i &lt; threads.Length; i++)</c> joining <c>threads[i]</c> (the bound
    /// may also be the variable the array was sized with, when nothing changes it).
    /// </summary>
    private static bool JoinsEverySlot(IOperation unit, ILocalSymbol collection, IOperation root)
    {
        if (unit is IForEachLoopOperation or IExpressionStatementOperation { Operation: IInvocationOperation { TargetMethod.Name: "ForEach" or "WaitAll" } })
        {
            return true;
        }

        var join = unit is IForLoopOperation whole ? OnlyStatement(whole.Body) : unit;
        var loop = unit as IForLoopOperation ?? join?.Parent?.Parent as IForLoopOperation;
        return loop is not null
               && join is IExpressionStatementOperation { Operation: IInvocationOperation { Instance: IArrayElementReferenceOperation { Indices.Length: 1 } element } }
               && OperationFacts.IsZeroBasedCountingLoop(loop, out var index, out var bound)
               && OperationFacts.StripConversions(element.Indices[0]) is ILocalReferenceOperation slot
               && SymbolEqualityComparer.Default.Equals(slot.Local, index)
               && IsLengthOf(bound, collection, root)
               && !OperationFacts.IsWrittenAfterDeclaration(index, loop.Body);
    }

    /// <summary><c>threads.Length</c>, or the local or parameter <c>n</c> of <c>new Thread[n]</c> when nothing writes it.</summary>
    private static bool IsLengthOf(IOperation bound, ILocalSymbol collection, IOperation root)
    {
        var value = OperationFacts.StripConversions(bound);
        if (value is IPropertyReferenceOperation { Property.Name: "Length", Instance: ILocalReferenceOperation array })
        {
            return SymbolEqualityComparer.Default.Equals(array.Local, collection);
        }

        if (value is IFieldReferenceOperation field)
        {
            return OperationFacts.InitializerOf(collection, root) is IArrayCreationOperation { DimensionSizes.Length: 1 } sized
                   && OperationFacts.StripConversions(sized.DimensionSizes[0]) is IFieldReferenceOperation size
                   && IsSameFixedField(field, size, root);
        }

        return OperationFacts.ReferencedSymbol(value) is ILocalSymbol or IParameterSymbol
               && OperationFacts.InitializerOf(collection, root) is IArrayCreationOperation { DimensionSizes.Length: 1 } creation
               && SymbolEqualityComparer.Default.Equals(OperationFacts.ReferencedSymbol(OperationFacts.StripConversions(creation.DimensionSizes[0])), OperationFacts.ReferencedSymbol(value))
               && OperationFacts.IsStableValue(value, root);
    }

    /// <summary>A statement's first line, shortened: enough to find it in a refusal's detail.</summary>
    private static string FirstLine(string text)
    {
        var line = text.Split('\n')[0].Trim();
        return line.Length <= 80 ? line : line.Substring(0, 77) + "...";
    }

    private static IOperation Statement(IOperation operation)
    {
        var current = operation;
        while (current.Parent is not null and not IBlockOperation)
        {
            current = current.Parent;
        }

        return current;
    }

    /// <summary>What one reference to the collection does, with the statement (or loop) that goes with it; null when unknown.</summary>
    private static (UseKind Kind, IOperation Unit)? Classify(ILocalReferenceOperation reference, ILocalSymbol? threadLocal, IObjectCreationOperation creation, Launch launch, int startArguments)
    {
        var parent = reference.Parent;
        switch (parent)
        {
            case IPropertyReferenceOperation { Property.Name: "Length" or "Count", Property.IsIndexer: false }:
            case IBinaryOperation { OperatorKind: BinaryOperatorKind.Equals or BinaryOperatorKind.NotEquals } binary
                when (binary.LeftOperand == reference ? binary.RightOperand : binary.LeftOperand).ConstantValue is { HasValue: true, Value: null }:
                return (UseKind.Harmless, reference);
            case IArrayElementReferenceOperation element when element.ArrayReference == reference:
                return ElementUse(element, threadLocal, creation, launch, startArguments);
            case IPropertyReferenceOperation { Property.IsIndexer: true } element when element.Instance == reference:
                return ElementUse(element, threadLocal, creation, launch, startArguments);
            case IInvocationOperation { TargetMethod.Name: "Add" } add when add.Instance == reference:
                var added = OperationFacts.StripConversions(add.Arguments[0].Value);
                return IsTheThread(added, threadLocal, creation) && Unit(add.Parent!) is { } addUnit ? (UseKind.Store, addUnit) : null;
            case IInvocationOperation { TargetMethod.Name: "ForEach", Arguments.Length: 1 } forEach when forEach.Instance == reference:
                return ForEachCall(forEach, launch);
        }

        while (parent is IConversionOperation)
        {
            parent = parent.Parent;
        }

        if (launch.IsTask && parent is IArgumentOperation { Parent: IInvocationOperation { TargetMethod.Name: "WaitAll", Instance: null, Arguments.Length: 1 } waitAll }
            && launch.Is(waitAll.TargetMethod.ContainingType))
        {
            // Task.WaitAll(tasks);
            return Unit(waitAll.Parent!) is { } waitUnit ? (UseKind.Join, waitUnit) : null;
        }

        return parent is IForEachLoopOperation loop && OperationFacts.StripConversions(loop.Collection) is ILocalReferenceOperation ? ForEachLoop(loop, launch) : null;
    }

    private static bool IsTheThread(IOperation value, ILocalSymbol? threadLocal, IObjectCreationOperation creation)
        => value == creation || (value is ILocalReferenceOperation local && SymbolEqualityComparer.Default.Equals(local.Local, threadLocal));

    /// <summary><c>threads[i] = thread;</c> (the store), <c>threads[i].Start();</c> or <c>threads[i].Join();</c>.</summary>
    private static (UseKind Kind, IOperation Unit)? ElementUse(IOperation element, ILocalSymbol? threadLocal, IObjectCreationOperation creation, Launch launch, int startArguments)
    {
        if (element.Parent is ISimpleAssignmentOperation { Parent: IExpressionStatementOperation statement } assignment && assignment.Target == element)
        {
            return IsTheThread(OperationFacts.StripConversions(assignment.Value), threadLocal, creation) && Unit(statement) is { } unit ? (UseKind.Store, unit) : null;
        }

        if (IsCall(element, "Start", startArguments) && Unit(element.Parent!.Parent!) is { } start)
        {
            return (UseKind.Start, start);
        }

        return IsCall(element, launch.Join) && Unit(element.Parent!.Parent!) is { } join ? (UseKind.Join, join) : null;
    }

    /// <summary>Whether <paramref name="instance"/> is the receiver of <c>Start()</c> / <c>Join()</c> (with <paramref name="arguments"/> arguments) that is a statement of its own.</summary>
    private static bool IsCall(IOperation instance, string name, int arguments = 0)
        => instance.Parent is IInvocationOperation { Parent: IExpressionStatementOperation } call
           && call.Arguments.Length == arguments
           && call.Instance == instance
           && call.TargetMethod.Name == name;

    /// <summary><c>threads.ForEach(t =&gt; t.Start());</c> or <c>threads.ForEach(t =&gt; t.Join());</c>.</summary>
    private static (UseKind Kind, IOperation Unit)? ForEachCall(IInvocationOperation forEach, Launch launch)
    {
        if (OperationFacts.UnwrapDelegate(forEach.Arguments[0].Value) is not IAnonymousFunctionOperation { Symbol.Parameters.Length: 1 } function
            || Unit(forEach.Parent!) is not { } unit)
        {
            return null;
        }

        var statements = function.Body.Operations.Where(o => !o.IsImplicit || o is not IReturnOperation).ToList();
        if (statements.Count == 1
            && statements[0] is IExpressionStatementOperation { Operation: IInvocationOperation { Arguments.Length: 0, Instance: IParameterReferenceOperation parameter } call }
            && SymbolEqualityComparer.Default.Equals(parameter.Parameter, function.Symbol.Parameters[0]))
        {
            return Kind(call.TargetMethod.Name, launch) is { } kind ? (kind, unit) : null;
        }

        return null;
    }

    /// <summary>
    /// <c>foreach (var t in threads) t.Start();</c> / <c>… t.Join();</c>, the join possibly inside
    /// <c>try { … } catch (ThreadInterruptedException) { … }</c> (the caller, not the threads, being interrupted).
    /// </summary>
    private static (UseKind Kind, IOperation Unit)? ForEachLoop(IForEachLoopOperation loop, Launch launch)
    {
        if (loop.Locals.Length != 1 || loop.Parent is not IBlockOperation)
        {
            return null;
        }

        var variable = loop.Locals[0];
        var only = OnlyStatement(loop.Body);
        if (only is ITryOperation { Finally: null, Catches.Length: 1 } guarded
            && guarded.Catches[0].ExceptionType is { Name: "ThreadInterruptedException" }
            && guarded.Catches[0].Filter is null)
        {
            only = OnlyStatement(guarded.Body);
            if (!(only is IExpressionStatementOperation { Operation: IInvocationOperation join } && join.TargetMethod.Name == launch.Join))
            {
                return null;
            }
        }

        if (only is IExpressionStatementOperation { Operation: IInvocationOperation { Arguments.Length: 0, Instance: ILocalReferenceOperation receiver } call }
            && SymbolEqualityComparer.Default.Equals(receiver.Local, variable)
            && launch.Is(call.TargetMethod.ContainingType))
        {
            return Kind(call.TargetMethod.Name, launch) is { } kind ? (kind, loop) : null;
        }

        return null;
    }

    private static UseKind? Kind(string method, Launch launch)
        => method == launch.Start ? UseKind.Start : method == launch.Join ? UseKind.Join : null;

    private static IOperation? OnlyStatement(IOperation body)
    {
        var current = body;
        while (current is IBlockOperation block)
        {
            if (block.Operations.Length != 1)
            {
                return null;
            }

            current = block.Operations[0];
        }

        return current;
    }

    /// <summary>
    /// What goes away with a start or join statement: the statement itself when it is one of a block's statements, the
    /// loop around it when it is the loop's only statement; null when it is the branch of an if or the like.
    /// </summary>
    private static IOperation? Unit(IOperation statement)
    {
        if (statement is not IExpressionStatementOperation)
        {
            return null;
        }

        var parent = statement.Parent;
        if (parent is IBlockOperation { Operations.Length: 1 } only && only.Parent is ILoopOperation { Parent: IBlockOperation } wrappingLoop
            && wrappingLoop.Body == only && wrappingLoop is not IWhileLoopOperation)
        {
            return wrappingLoop;
        }

        if (parent is ILoopOperation { Parent: IBlockOperation } loop && loop.Body == statement && loop is not IWhileLoopOperation)
        {
            return loop;
        }

        return parent is IBlockOperation ? statement : null;
    }

    /// <summary>
    /// Where things are in the block that declares the collection: threads made and started by statements after the
    /// declaration and before the first join (<paramref name="runAt"/>), nothing started after it, every start and join
    /// under loops and blocks only (never under a condition).
    /// </summary>
    private static string? Placement(IObjectCreationOperation creation, IOperation declaration, IBlockOperation block, List<(UseKind Kind, IOperation Unit)> uses, out IOperation runAt, out bool replaceRunAt, out int firstCreation, out int lastStart)
    {
        runAt = null!;
        replaceRunAt = false;
        firstCreation = Position(creation, block);
        lastStart = -1;
        var declared = block.Operations.IndexOf(declaration);
        if (firstCreation <= declared)
        {
            return "the threads are not made after their collection is declared in the same block";
        }

        if (Conditional(creation, block) || uses.Any(u => u.Kind != UseKind.Harmless && Conditional(u.Unit, block)))
        {
            return "the threads are made, started or joined under a condition";
        }

        var firstJoin = int.MaxValue;
        foreach (var (kind, unit) in uses)
        {
            var at = Position(unit, block);
            if (at < 0 && kind != UseKind.Harmless)
            {
                return "the threads are started or joined outside the block that declares them";
            }

            switch (kind)
            {
                case UseKind.Start:
                    lastStart = System.Math.Max(lastStart, at);
                    break;
                case UseKind.Join:
                    firstJoin = System.Math.Min(firstJoin, at);
                    break;
                case UseKind.Store when at < firstCreation:
                    return "the threads are stored before they are made";
            }
        }

        if (lastStart < firstCreation || lastStart >= firstJoin || Position(uses.First(u => u.Kind == UseKind.Store).Unit, block) >= firstJoin)
        {
            return "a thread is started or kept after the first join";
        }

        runAt = block.Operations[firstJoin];
        var run = runAt;
        replaceRunAt = uses.Any(u => u.Kind == UseKind.Join && u.Unit == run);
        return null;
    }

    private static int Position(IOperation operation, IBlockOperation block)
        => OperationFacts.StatementIn(operation, block) is { } statement ? block.Operations.IndexOf(statement) : -1;

    /// <summary>Whether anything between <paramref name="operation"/> and <paramref name="block"/> is not a block or a loop.</summary>
    private static bool Conditional(IOperation operation, IBlockOperation block)
    {
        for (var current = operation.Parent; current is not null && current != block; current = current.Parent)
        {
            if (current is not (IBlockOperation or ILoopOperation or IVariableDeclarationGroupOperation or IVariableDeclarationOperation
                or IVariableDeclaratorOperation or IVariableInitializerOperation or IExpressionStatementOperation or ISimpleAssignmentOperation
                or IArgumentOperation or IInvocationOperation or IConversionOperation))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// The code that runs from the first creation to the first join must let the work wait: it must not wait for the
    /// threads, leave early, hold a lock the work could re-enter, change what the work reads, or (after the last start)
    /// do CPU-bound work of its own that the threads' work used to overlap.
    /// </summary>
    private static string? RegionBlocker(IBlockOperation block, int firstCreation, int lastStart, IOperation runAt, IOperation work, ILocalSymbol collection, ILocalSymbol? threadLocal, IOperation root, KnownTypes types, WorkCostModel costModel)
    {
        var workBody = ThreadFanOut.DelegateBody(work);
        if (OperationFacts.WaitingCall(workBody, types, costModel) is { } workWait)
        {
            return "the thread's work waits (" + workWait + "), possibly for a sibling the pool has not started";
        }

        if (OperationFacts.References(work, collection) || (threadLocal is not null && OperationFacts.References(work, threadLocal)))
        {
            return "the thread's work uses the threads themselves";
        }

        for (var i = firstCreation; i < block.Operations.IndexOf(runAt); i++)
        {
            var statement = block.Operations[i];
            if (PoolFanOut.LeavesEarly(statement) is { } exit)
            {
                return "the code that starts the threads can leave early (" + exit + ") before the join";
            }

            if (OperationFacts.WaitingCall(statement, types, costModel) is { } wait
                && (WaitsBesidesSleep(statement, types, costModel) || ReadsClock(workBody, types, costModel) is not null))
            {
                // A Thread.Sleep between starts only delays the starter; its threads may as well have got no core meanwhile.
                // It is kept unless the work reads the clock (a time-seeded Random would then see other times).
                return "the code that starts the threads waits (" + wait + ")"
                       + (ReadsClock(workBody, types, costModel) is { } clock && !WaitsBesidesSleep(statement, types, costModel) ? " and the work reads the clock (" + clock + ")" : string.Empty);
            }

            if (work is IAnonymousFunctionOperation function && PoolFanOut.ChangedCapture(function, statement) is { } changed)
            {
                return "the thread's work reads '" + changed.Name + "', which the code that starts the threads changes afterwards";
            }

            if (i > lastStart && costModel.Analyze(statement).IsCpuBound)
            {
                return "the calling thread does CPU-bound work while the threads run; running their work after it would serialise the two";
            }
        }

        return PoolFanOut.HeldGate(runAt, root, types) is { } gate ? "the threads are joined while the method holds " + gate : null;
    }
}
