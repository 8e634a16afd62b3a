using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace GilAnalyzers.Core;

internal static partial class ThreadFanOut
{
    /// <summary>
    /// A <c>maxStackSize</c> argument that is a constant from 0 (the default) up to 1 MB, the default stack of a
    /// thread-pool thread on the common platforms. Any other value, or one not known when compiling, is deliberate.
    /// </summary>
    internal static bool IsAtMostDefaultStack(IOperation size)
        => OperationFacts.StripConversions(size).ConstantValue is { HasValue: true, Value: int bytes } && bytes >= 0 && bytes <= 1024 * 1024;

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

        /// <summary>Threads made by a helper: the helper's parameters the work reads, and the caller's arguments for them.</summary>
        public ImmutableDictionary<IParameterSymbol, IOperation> Bindings { get; private set; } = ImmutableDictionary<IParameterSymbol, IOperation>.Empty;

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

            if (!TryResolveSiteDelegate(site, root, types, costModel, out var @delegate, out var startedByHelper, out var shapeBlocker, out var bindings))
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

            return new ThreadHandle(site, @delegate, loop, outerLoop, collection, local, declaration, startedByHelper, shapeBlocker) { Member = member, HeldByMember = heldByMember, Bindings = bindings };
        }

        /// <summary>
        /// The delegate a creation site runs (<c>new Thread(delegate)</c> or a helper returning a started or unstarted
        /// thread), whether the helper starts it, and why the shape blocks the rewrite; false when it is no plain worker thread.
        /// </summary>
        private static bool TryResolveSiteDelegate(IOperation site, IOperation root, KnownTypes types, WorkCostModel costModel, out IOperation? @delegate, out bool startedByHelper, out string? shapeBlocker, out ImmutableDictionary<IParameterSymbol, IOperation> bindings)
        {
            bindings = ImmutableDictionary<IParameterSymbol, IOperation>.Empty;
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
                // In a creation loop, a helper that only makes, labels and starts the thread is its work with the call's
                // arguments (see Helper.Bind); explicit threads from helpers keep the rewrite away.
                var bindBlocker = @delegate is null || OperationFacts.EnclosingLoop(site, root) is null
                    ? string.Empty
                    : Helper.Bind(call, @delegate, root, types, costModel, out bindings);
                shapeBlocker = bindBlocker is null
                    ? null
                    : "the threads are made by the helper '" + call.TargetMethod.Name + "'" + (bindBlocker.Length == 0 ? string.Empty : " (" + bindBlocker + ")");
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
                    collection = Storage(element.ArrayReference) ?? HandedIn(element.ArrayReference, loop);
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

        /// <summary>
        /// <c>workers[n] = new Thread(...)</c> in a loop, where <c>workers</c> is an array parameter of an ordinary method: the
        /// array its callers hand in (and join elsewhere, see the usage's scopes).
        /// </summary>
        private static ISymbol? HandedIn(IOperation? array, ILoopOperation? loop)
            => loop is not null
               && (array is null ? null : OperationFacts.StripConversions(array)) is IParameterReferenceOperation { Parameter: { RefKind: RefKind.None, Type: IArrayTypeSymbol, ContainingSymbol: IMethodSymbol { MethodKind: MethodKind.Ordinary } } parameter }
                ? parameter
                : null;

        /// <summary>Why the collection the threads are kept in blocks the rewrite (a field other files reach, a list field, an unusual collection), or null.</summary>
        private static string? CollectionBlocker(ISymbol? collection)
        {
            if (collection is IFieldSymbol field && !IsPrivateToThisFile(field))
            {
                // The uses of a private field are all in this file's part of the type, where the thread usage is followed;
                // any other field can be used where nothing checks it.
                return "the threads are kept in the field '" + field.Name + "', which code in other files can reach";
            }

            if (collection is IParameterSymbol handedIn)
            {
                return "the threads are kept in the array '" + handedIn.Name + "' the caller hands in";
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
            if (creation.Arguments.Length == 2 && ThreadFanOut.IsAtMostDefaultStack(creation.Arguments[1].Value))
            {
                // new Thread(start, 64 * 1024): a stack no larger than the default only saves memory; a pool thread (which
                // Parallel.For runs on) has at least the default stack, so the work fits there too, and dropping the size
                // cannot make a stack overflow more likely. The rewrite drops it with the creation.
            }
            else if (creation.Arguments.Length != 1)
            {
                // new Thread(start, 64 << 20): a stack larger than the default is deliberate (deep recursion).
                return false;
            }

            if (creation.Initializer is { } initializer)
            {
                // new Thread(...) { MaxStackSize… }: configured threads are not plain workers. IsBackground is as set by a
                // statement (t.IsBackground = true): the usage reads it, a background thread that nothing joins is a
                // service thread, one the code joins is a worker waited for like any other.
                foreach (var member in initializer.Initializers)
                {
                    if (member is not ISimpleAssignmentOperation { Target: IPropertyReferenceOperation { Property: { Name: "Name" or "Priority" or "IsBackground" } } })
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
                        // ThreadStart work = delegate { ... }; new Thread(work): the local's lambda (never reassigned) is the work.
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
}
