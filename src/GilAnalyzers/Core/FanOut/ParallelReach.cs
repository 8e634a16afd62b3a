using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace GilAnalyzers.Core;

/// <summary>
/// The methods of a compilation that parallel code reaches, and on what: the instance shared by every worker (a
/// captured local, a field: <c>Parallel.For(0, n, i =&gt; sim.Step(i))</c>), or parameters every worker passes the same
/// object for; followed up to <see cref="MaxCallDepth"/> calls deep through calls on <c>this</c> or on the shared
/// objects. Written from many operation callbacks (<see cref="Collect"/>), read at compilation end (<see cref="TryGet"/>):
/// the evidence that a lock on the instance, or a <c>[MethodImpl(Synchronized)]</c> method, is taken by many workers at once.
/// </summary>
internal sealed class ParallelReach
{
    /// <summary>How many calls deep from the parallel delegate a method is still found.</summary>
    public const int MaxCallDepth = 3;

    /// <summary>A lock rooted in the instance (<c>this</c>, <c>_sync</c>, <c>_owner.Sync</c>).</summary>
    public const int ThisRoot = -1;

    /// <summary>A process-wide lock (a static field, a type): shared whatever object the method is called on.</summary>
    public const int StaticRoot = -2;

    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<Compilation, ParallelReach> Cache =
        new System.Runtime.CompilerServices.ConditionalWeakTable<Compilation, ParallelReach>();

    /// <summary>Launches collected, or being collected, by any analyzer: each is walked once, and a second asker waits for it.</summary>
    private readonly ConcurrentDictionary<SyntaxNode, System.Lazy<bool>> _launches = new ConcurrentDictionary<SyntaxNode, System.Lazy<bool>>();

    private readonly ConcurrentDictionary<IMethodSymbol, string> _onSharedInstance = new ConcurrentDictionary<IMethodSymbol, string>(SymbolEqualityComparer.Default);
    private readonly ConcurrentDictionary<(IMethodSymbol Method, int Ordinal), string> _withSharedArgument = new ConcurrentDictionary<(IMethodSymbol, int), string>(new MethodOrdinalComparer());

    /// <summary>Every source method parallel code calls, on any object (up to <see cref="MaxCallDepth"/> deep): where a static lock is taken by many workers.</summary>
    private readonly ConcurrentDictionary<IMethodSymbol, string> _reachedAtAll = new ConcurrentDictionary<IMethodSymbol, string>(SymbolEqualityComparer.Default);

    /// <summary>One per compilation, shared by the analyzers that need it (GIL001 in callees, GIL002).</summary>
    public static ParallelReach For(Compilation compilation) => Cache.GetValue(compilation, _ => new ParallelReach());

    public bool IsEmpty => _onSharedInstance.IsEmpty && _withSharedArgument.IsEmpty && _reachedAtAll.IsEmpty;

    /// <summary>
    /// Where parallel code reaches <paramref name="method"/> with <paramref name="root"/> (<see cref="ThisRoot"/> or a parameter
    /// ordinal) shared; for <see cref="StaticRoot"/>, where parallel code calls it at all.
    /// </summary>
    public bool TryGet(IMethodSymbol method, int root, out string description)
    {
        if (TryGetExact(method, root, out description))
        {
            return true;
        }

        // Reached through virtual dispatch: parallel code calls the abstract, virtual or interface method on the shared
        // object (oracle.Invoke(q) on a field typed as the base class); this method is what runs when the object is this type.
        for (var overridden = method.OverriddenMethod; overridden is not null; overridden = overridden.OverriddenMethod)
        {
            if (TryGetExact(overridden.OriginalDefinition, root, out description))
            {
                return true;
            }
        }

        if (method.ContainingType is { } type && method.DeclaredAccessibility == Accessibility.Public && !method.IsStatic)
        {
            foreach (var @interface in type.AllInterfaces)
            {
                foreach (var member in @interface.GetMembers(method.Name))
                {
                    if (member is IMethodSymbol interfaceMethod
                        && SymbolEqualityComparer.Default.Equals(type.FindImplementationForInterfaceMember(interfaceMethod)?.OriginalDefinition, method)
                        && TryGetExact(interfaceMethod.OriginalDefinition, root, out description))
                    {
                        return true;
                    }
                }
            }
        }

        return false;
    }

    private bool TryGetExact(IMethodSymbol method, int root, out string description)
        => root switch
        {
            ThisRoot => _onSharedInstance.TryGetValue(method, out description!),
            StaticRoot => _reachedAtAll.TryGetValue(method, out description!),
            _ => _withSharedArgument.TryGetValue((method, root), out description!),
        };

    private void Add(IMethodSymbol method, int root, string description)
    {
        if (root == ThisRoot)
        {
            _onSharedInstance.TryAdd(method, description);
        }
        else
        {
            _withSharedArgument.TryAdd((method, root), description);
        }
    }

    private sealed class MethodOrdinalComparer : IEqualityComparer<(IMethodSymbol Method, int Ordinal)>
    {
        public bool Equals((IMethodSymbol Method, int Ordinal) x, (IMethodSymbol Method, int Ordinal) y)
            => x.Ordinal == y.Ordinal && SymbolEqualityComparer.Default.Equals(x.Method, y.Method);

        public int GetHashCode((IMethodSymbol Method, int Ordinal) obj)
            => (SymbolEqualityComparer.Default.GetHashCode(obj.Method) * 31) + obj.Ordinal;
    }

    /// <summary>A method reached from parallel code: whether its instance is shared, and which of its parameters are.</summary>
    private readonly struct Reach
    {
        public Reach(IMethodSymbol method, int depth, bool sharedInstance, ImmutableArray<int> sharedParameters)
        {
            Method = method;
            Depth = depth;
            SharedInstance = sharedInstance;
            SharedParameters = sharedParameters;
        }

        public IMethodSymbol Method { get; }

        public int Depth { get; }

        public bool SharedInstance { get; }

        public ImmutableArray<int> SharedParameters { get; }

        /// <summary>What is shared, for telling apart two reaches of one method.</summary>
        public string Sharing => (SharedInstance ? "this" : "") + ":" + string.Join(",", SharedParameters);
    }

    /// <summary>
    /// From a parallel launch, the methods its hot delegates call on one shared object or with a shared object as an
    /// argument, and (up to <see cref="MaxCallDepth"/>) the methods those call on <c>this</c> or pass the shared
    /// objects on to.
    /// </summary>
    public void Collect(IOperation launch, KnownTypes types, WorkCostModel costModel, System.Threading.CancellationToken cancellationToken)
    {
        var once = _launches.GetOrAdd(
            launch.Syntax,
            _ => new System.Lazy<bool>(
                () =>
                {
                    try
                    {
                        CollectCore(launch, types, costModel, cancellationToken);
                    }
                    catch (System.OperationCanceledException)
                    {
                        // Not done: the next analysis of this compilation walks it again.
                        _launches.TryRemove(launch.Syntax, out System.Lazy<bool>? _);
                        throw;
                    }

                    return true;
                },
                System.Threading.LazyThreadSafetyMode.ExecutionAndPublication));
        _ = once.Value;
    }

    private void CollectCore(IOperation launch, KnownTypes types, WorkCostModel costModel, System.Threading.CancellationToken cancellationToken)
    {
        foreach (var (target, description) in ParallelContextFinder.HotDelegates(launch, types))
        {
            CollectCalled(target, description, costModel, cancellationToken);
            var work = new Queue<Reach>();
            // The object every worker is handed as its state: QueueUserWorkItem(Run, job), new Thread(Run) … t.Start(job).
            var sharedState = SharesState(launch);
            switch (target)
            {
                case IMethodReferenceOperation reference:
                    var sharedInstance = reference.Method.IsStatic || IsSharedReceiver(reference.Instance, null);
                    var stateParameters = sharedState && reference.Method.Parameters.Length == 1 && !reference.Method.Parameters[0].Type.IsValueType
                        ? ImmutableArray.Create(0)
                        : ImmutableArray<int>.Empty;
                    if (sharedInstance || !stateParameters.IsEmpty)
                    {
                        work.Enqueue(new Reach(reference.Method.OriginalDefinition, 1, sharedInstance, stateParameters));
                    }

                    break;
                case IAnonymousFunctionOperation lambda:
                    var stateParameter = sharedState && lambda.Symbol.Parameters.Length == 1 ? lambda.Symbol.Parameters[0] : null;
                    foreach (var reach in SharedCalls(lambda.Body, 1, operand => IsSharedReceiver(operand, lambda) || IsRootedInParameter(operand, stateParameter)))
                    {
                        work.Enqueue(reach);
                    }

                    break;
            }

            var seen = new Dictionary<IMethodSymbol, HashSet<string>>(SymbolEqualityComparer.Default);
            while (work.Count > 0)
            {
                var reach = work.Dequeue();
                if (!seen.TryGetValue(reach.Method, out var sharings))
                {
                    seen[reach.Method] = sharings = new HashSet<string>(System.StringComparer.Ordinal);
                }

                if (!sharings.Add(reach.Sharing))
                {
                    continue;
                }

                if (reach.SharedInstance)
                {
                    Add(reach.Method, ThisRoot, description);
                }

                foreach (var ordinal in reach.SharedParameters)
                {
                    Add(reach.Method, ordinal, description);
                }

                // A static method called from the delegate is reached too (its [MethodImpl(Synchronized)] lock is the type's,
                // shared by every worker), but nothing it calls is on a shared object unless it was handed one.
                if (reach.Depth >= MaxCallDepth
                    || (reach.Method.IsStatic && reach.SharedParameters.IsEmpty)
                    || costModel.GetBody(reach.Method, cancellationToken) is not { } body)
                {
                    continue;
                }

                var caller = reach;
                foreach (var next in SharedCalls(body, reach.Depth + 1, operand => IsRootedInShared(operand, caller)))
                {
                    work.Enqueue(next);
                }
            }
        }
    }

    /// <summary>
    /// Every source method (and constructor) the hot delegate calls, and what those call, up to <see cref="MaxCallDepth"/>
    /// deep, on any object: a lock on a static field in any of them is taken by every worker.
    /// </summary>
    private void CollectCalled(IOperation target, string description, WorkCostModel costModel, System.Threading.CancellationToken cancellationToken)
    {
        var work = new Queue<(IMethodSymbol Method, int Depth)>();
        switch (target)
        {
            case IMethodReferenceOperation reference when reference.Method.DeclaringSyntaxReferences.Length > 0:
                work.Enqueue((reference.Method.OriginalDefinition, 1));
                break;
            case IAnonymousFunctionOperation lambda:
                EnqueueCallees(lambda.Body, 1, work);
                break;
        }

        while (work.Count > 0)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var (method, depth) = work.Dequeue();
            if (!_reachedAtAll.TryAdd(method, description) || depth >= MaxCallDepth
                || costModel.GetBody(method, cancellationToken) is not { } body)
            {
                continue;
            }

            EnqueueCallees(body, depth + 1, work);
        }
    }

    private static void EnqueueCallees(IOperation body, int depth, Queue<(IMethodSymbol Method, int Depth)> work)
    {
        foreach (var operation in body.DescendantsAndSelf())
        {
            var callee = operation is IObjectCreationOperation creation ? creation.Constructor : SourceCall(operation)?.Method;
            if (IsSourceCallee(callee))
            {
                work.Enqueue((callee!.OriginalDefinition, depth));
            }
        }
    }

    /// <summary>
    /// The calls in <paramref name="body"/> to source methods whose receiver or some reference-typed argument
    /// <paramref name="isShared"/> says is the same object for every worker.
    /// </summary>
    private static IEnumerable<Reach> SharedCalls(IOperation body, int depth, System.Func<IOperation, bool> isShared)
    {
        foreach (var operation in body.DescendantsAndSelf())
        {
            if (SourceCall(operation) is not { } call)
            {
                continue;
            }

            var (method, instance, arguments) = call;

            // A static method counts as called on what every worker shares: the type.
            var sharedInstance = method.IsStatic ? depth == 1 : instance is not null && isShared(instance);
            var parameters = ImmutableArray.CreateBuilder<int>();
            foreach (var argument in arguments)
            {
                if (argument.Parameter is { RefKind: RefKind.None } parameter && !parameter.Type.IsValueType
                    && argument.ArgumentKind == ArgumentKind.Explicit && isShared(argument.Value))
                {
                    parameters.Add(parameter.Ordinal);
                }
            }

            if (sharedInstance || parameters.Count > 0)
            {
                yield return new Reach(method.OriginalDefinition, depth, sharedInstance, parameters.ToImmutable());
            }
        }
    }

    /// <summary>
    /// The source method an invocation or a property/indexer reference runs, with its receiver and arguments
    /// (<c>table[frame]</c>, <c>model.Weights</c>: the accessor, on the property's receiver, with the indexer's arguments);
    /// null for any other operation, a method without source, or a local function.
    /// </summary>
    private static (IMethodSymbol Method, IOperation? Instance, ImmutableArray<IArgumentOperation> Arguments)? SourceCall(IOperation operation)
    {
        var (method, instance, arguments) = operation switch
        {
            IInvocationOperation invocation => (invocation.TargetMethod, invocation.Instance, invocation.Arguments),
            IPropertyReferenceOperation property => (Accessor(property), property.Instance, property.Arguments),
            _ => (null, null, ImmutableArray<IArgumentOperation>.Empty),
        };
        return IsSourceCallee(method) ? (method!, instance, arguments) : null;
    }

    private static bool IsSourceCallee(IMethodSymbol? method)
        => method is not null && method.DeclaringSyntaxReferences.Length > 0 && method.MethodKind != MethodKind.LocalFunction;

    /// <summary>
    /// The accessor a property or indexer reference runs: the setter when the reference is assigned, else the getter (a
    /// compound assignment runs both; the getter is the one that computes). Null for an auto-property, which runs no code
    /// of the user's.
    /// </summary>
    private static IMethodSymbol? Accessor(IPropertyReferenceOperation property)
    {
        var accessor = property.Parent is ISimpleAssignmentOperation assignment && assignment.Target == property
            ? property.Property.SetMethod
            : property.Property.GetMethod;
        return accessor is null || IsAutoAccessor(accessor) ? null : accessor;
    }

    private static bool IsAutoAccessor(IMethodSymbol accessor)
    {
        foreach (var reference in accessor.DeclaringSyntaxReferences)
        {
            if (reference.GetSyntax() is Microsoft.CodeAnalysis.CSharp.Syntax.AccessorDeclarationSyntax { Body: null, ExpressionBody: null })
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>In a reached method: <c>this</c> (or what hangs off it) when its instance is shared, or a shared parameter.</summary>
    private static bool IsRootedInShared(IOperation operand, Reach caller)
        => IsRootedIn(operand, root => root switch
        {
            IInstanceReferenceOperation => caller.SharedInstance,
            // A primary constructor's parameter read in a member (class Search(Evaluator evaluator)): a field of this.
            IParameterReferenceOperation parameter when OperationFacts.IsPrimaryConstructorParameter(parameter.Parameter) => caller.SharedInstance,
            IParameterReferenceOperation parameter => caller.SharedParameters.Contains(parameter.Parameter.Ordinal)
                                                      && SymbolEqualityComparer.Default.Equals(parameter.Parameter.ContainingSymbol.OriginalDefinition, caller.Method),
            _ => false,
        });

    /// <summary>Whether <paramref name="operand"/> hangs off <paramref name="parameter"/> (directly or through a local copy).</summary>
    private static bool IsRootedInParameter(IOperation operand, IParameterSymbol? parameter)
        => parameter is not null
           && IsRootedIn(operand, root => root is IParameterReferenceOperation reference && SymbolEqualityComparer.Default.Equals(reference.Parameter, parameter));

    /// <summary>
    /// Whether what <paramref name="operand"/> hangs off (<see cref="InstanceChainRoot"/>) satisfies <paramref name="isShared"/>,
    /// following locals that only copy another value (<c>var job = (Job)state; job.Run()</c>) up to <see cref="MaxAliases"/> deep.
    /// </summary>
    private static bool IsRootedIn(IOperation operand, System.Func<IOperation, bool> isShared)
    {
        for (var aliases = 0; ; aliases++)
        {
            var root = InstanceChainRoot(operand);
            if (root is ILocalReferenceOperation local && aliases < MaxAliases && AliasedValue(local) is { } value)
            {
                operand = value;
                continue;
            }

            return isShared(root);
        }
    }

    private const int MaxAliases = 3;

    /// <summary>The initialiser of a local that is never written again in its function (<c>var job = (Job)state;</c>), or null.</summary>
    private static IOperation? AliasedValue(ILocalReferenceOperation reference)
    {
        var root = OperationFacts.FunctionRoot(reference);
        if (OperationFacts.IsWrittenAfterDeclaration(reference.Local, root))
        {
            return null;
        }

        return OperationFacts.InitializerOf(reference.Local, root, enterFunctions: false);
    }

    /// <summary>
    /// Whether the launch hands every worker the same state object: the <c>state</c> argument of
    /// <c>ThreadPool.QueueUserWorkItem</c> / <c>Task.Factory.StartNew</c>, or the argument of <c>Start</c> on the thread
    /// <c>new Thread(Run)</c> creates — declared outside the loop that starts the workers.
    /// </summary>
    private static bool SharesState(IOperation launch)
    {
        switch (launch)
        {
            case IInvocationOperation invocation:
                foreach (var argument in invocation.Arguments)
                {
                    if (argument.ArgumentKind == ArgumentKind.Explicit && argument.Parameter is { Name: "state" })
                    {
                        return IsSameForEveryWorker(argument.Value, invocation);
                    }
                }

                return false;
            case IObjectCreationOperation creation:
                return ThreadStartArgument(creation) is { } start && IsSameForEveryWorker(start.Argument, start.Call);
            default:
                return false;
        }
    }

    private static bool IsSameForEveryWorker(IOperation state, IOperation site)
    {
        state = OperationFacts.StripConversions(state);
        if (state is ILiteralOperation)
        {
            return false;
        }

        var root = OperationFacts.FunctionRoot(site);
        var loop = OperationFacts.EnclosingLoop(site, root);
        var scope = LockSharing.Classify(state, loop).Scope;
        return scope == LockScope.Shared || scope == LockScope.ProcessGlobal;
    }

    /// <summary>The <c>Start(state)</c> call on the thread <paramref name="creation"/> makes, found in the creating function.</summary>
    private static (IInvocationOperation Call, IOperation Argument)? ThreadStartArgument(IObjectCreationOperation creation)
    {
        IOperation node = creation;
        while (node.Parent is IConversionOperation or IParenthesizedOperation)
        {
            node = node.Parent;
        }

        ISymbol? holder = null;
        switch (node.Parent)
        {
            case IInvocationOperation { TargetMethod.Name: "Start", Arguments.Length: 1 } direct when direct.Instance == node:
                return (direct, direct.Arguments[0].Value);
            case IVariableInitializerOperation { Parent: IVariableDeclaratorOperation declarator }:
                holder = declarator.Symbol;
                break;
            case ISimpleAssignmentOperation assignment when assignment.Value == node:
                holder = HolderOf(assignment.Target);
                break;
        }

        if (holder is null)
        {
            return null;
        }

        // The thread may be started later from the list it was added to: threads.Add(t); … foreach (var w in threads) w.Start(job);
        var root = OperationFacts.FunctionRoot(creation);
        var holders = new HashSet<ISymbol>(SymbolEqualityComparer.Default) { holder };
        foreach (var operation in OperationFacts.Descendants(root, enterFunctions: false))
        {
            if (operation is IInvocationOperation { TargetMethod.Name: "Add", Arguments.Length: 1, Instance: { } list } add
                && SymbolEqualityComparer.Default.Equals(OperationFacts.ReferencedSymbol(OperationFacts.StripConversions(add.Arguments[0].Value)), holder)
                && OperationFacts.ReferencedSymbol(OperationFacts.StripConversions(list)) is { } listSymbol)
            {
                holders.Add(listSymbol);
            }
        }

        foreach (var operation in OperationFacts.Descendants(root, enterFunctions: false))
        {
            if (operation is IInvocationOperation { TargetMethod.Name: "Start", Arguments.Length: 1, Instance: { } instance } start
                && HolderOf(instance) is { } startedFrom
                && (holders.Contains(startedFrom) || IsIterationOver(startedFrom, start, holders)))
            {
                return (start, start.Arguments[0].Value);
            }
        }

        return null;
    }

    /// <summary>Whether <paramref name="local"/> is the variable of a foreach around <paramref name="use"/> that walks one of <paramref name="collections"/>.</summary>
    private static bool IsIterationOver(ISymbol local, IOperation use, HashSet<ISymbol> collections)
    {
        for (var current = use.Parent; current is not null; current = current.Parent)
        {
            if (current is IForEachLoopOperation { LoopControlVariable: IVariableDeclaratorOperation declarator } forEach
                && SymbolEqualityComparer.Default.Equals(declarator.Symbol, local))
            {
                return OperationFacts.ReferencedSymbol(OperationFacts.StripConversions(forEach.Collection)) is { } walked && collections.Contains(walked);
            }
        }

        return false;
    }

    /// <summary>The local, field or collection a thread is kept in: <c>t</c>, <c>_worker</c>, <c>threads[i]</c>.</summary>
    private static ISymbol? HolderOf(IOperation value)
    {
        value = OperationFacts.StripConversions(value);
        return value switch
        {
            IArrayElementReferenceOperation element => OperationFacts.ReferencedSymbol(OperationFacts.StripConversions(element.ArrayReference)),
            IPropertyReferenceOperation { Arguments.Length: > 0, Instance: { } list } => OperationFacts.ReferencedSymbol(OperationFacts.StripConversions(list)),
            _ => OperationFacts.ReferencedSymbol(value),
        };
    }

    /// <summary>
    /// What <paramref name="value"/> hangs off through instance fields and parameterless instance properties:
    /// <c>_owner.Sync</c> → <c>this</c>, <c>state.Gate</c> → the parameter <c>state</c> (conversions stripped).
    /// </summary>
    public static IOperation InstanceChainRoot(IOperation value)
    {
        value = OperationFacts.StripConversions(value);
        while (true)
        {
            switch (value)
            {
                case IFieldReferenceOperation { Field.IsStatic: false, Instance: { } instance }:
                    value = OperationFacts.StripConversions(instance);
                    break;
                case IPropertyReferenceOperation { Property.IsStatic: false, Arguments.Length: 0, Instance: { } instance }:
                    value = OperationFacts.StripConversions(instance);
                    break;
                default:
                    return value;
            }
        }
    }

    private static bool IsSharedReceiver(IOperation? receiver, IOperation? region)
    {
        if (receiver is null)
        {
            return false;
        }

        var scope = LockSharing.Classify(receiver, region).Scope;
        return scope == LockScope.Shared || scope == LockScope.ProcessGlobal;
    }
}
