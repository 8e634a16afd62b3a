using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace GilAnalyzers.Core;

/// <summary>
/// The synchronous prefix of an async method: what runs on the caller's thread before the first await that can
/// actually yield. An async method that computes before it yields completes that computation inside the call,
/// so "starting" several of them and awaiting them together runs the computations one after another.
/// </summary>
internal static class AsyncPrefix
{
    /// <summary>
    /// The cost of <paramref name="method"/>'s synchronous prefix when it is CPU-bound, or null (not an async method
    /// of this syntax tree, not CPU-bound, or the body cannot be seen).
    /// </summary>
    public static WorkCost? CpuBoundPrefix(IMethodSymbol method, SemanticModel model, WorkCostModel costModel, KnownTypes types)
        => CpuBoundPrefix(method, costModel, types, 0);

    private static WorkCost? CpuBoundPrefix(IMethodSymbol method, WorkCostModel costModel, KnownTypes types, int depth)
    {
        method = method.OriginalDefinition;
        if (method.ReturnsVoid || depth > 2 || !ReturnsTask(method, types))
        {
            return null;
        }

        if (method.IsAbstract || method.ContainingType?.TypeKind == TypeKind.Interface)
        {
            // abstract Task<double> ScoreAsync(): what its overrides in this compilation do. All must compute first.
            return OverridesPrefix(method, costModel, types, depth);
        }

        var body = costModel.GetBody(method, System.Threading.CancellationToken.None);
        if (body is null)
        {
            return null;
        }

        if (!method.IsAsync)
        {
            // Task<double> Score() { ...compute...; return Task.FromResult(x); } (an override or a plain method): the whole
            // body runs in the call, so "starting" several and awaiting them together computes them one after another.
            return ReturnsOnlyCompletedTasks(body, types) && costModel.Analyze(body) is { IsCpuBound: true } whole ? whole : null;
        }

        return body is IBlockOperation block
            ? Analyze(block, costModel, types, depth, method)
            : AnalyzeStatement(body, costModel, types, depth);
    }

    /// <summary>Whether a method of the user's returns a Task or ValueTask (generic or not).</summary>
    public static bool ReturnsTask(IMethodSymbol method, KnownTypes types)
    {
        var type = method.ReturnType.OriginalDefinition;
        return type.Name is "Task" or "ValueTask"
               && (KnownTypes.Is(type, types.Task) || KnownTypes.Is(type, types.TaskOfT) || KnownTypes.Is(type, types.ValueTask) || KnownTypes.Is(type, types.ValueTaskOfT));
    }

    /// <summary>Every return of a non-async method hands back an already completed task (<c>Task.FromResult</c>, <c>Task.CompletedTask</c>).</summary>
    private static bool ReturnsOnlyCompletedTasks(IOperation body, KnownTypes types)
    {
        var returns = 0;
        foreach (var operation in OperationFacts.Descendants(body, enterFunctions: false))
        {
            if (operation is IReturnOperation returned)
            {
                if (returned.ReturnedValue is null || !IsCompletedAwaitable(returned.ReturnedValue, types))
                {
                    return false;
                }

                returns++;
            }
        }

        return returns > 0;
    }

    /// <summary>How many overrides of one abstract method are looked at.</summary>
    private const int OverrideLimit = 8;

    private static WorkCost? OverridesPrefix(IMethodSymbol method, WorkCostModel costModel, KnownTypes types, int depth)
    {
        var overrides = Overrides.Of(method, types.Compilation);
        if (overrides.Count == 0 || overrides.Count > OverrideLimit)
        {
            return null;
        }

        WorkCost? first = null;
        foreach (var candidate in overrides)
        {
            var prefix = CpuBoundPrefix(candidate, costModel, types, depth + 1);
            if (prefix is null)
            {
                return null;
            }

            first ??= prefix;
        }

        return first;
    }

    /// <summary>Walks the top-level statements until one contains an await that can yield.</summary>
    public static WorkCost? Analyze(IBlockOperation block, WorkCostModel costModel, KnownTypes types)
        => Analyze(block, costModel, types, 0, null);

    private static WorkCost? AnalyzeStatement(IOperation statement, WorkCostModel costModel, KnownTypes types, int depth)
    {
        AwaitsIn(statement, types, out var yields);
        if (yields)
        {
            return BeforeAwait(statement, costModel, types, depth);
        }

        var cost = costModel.Analyze(statement);
        return cost.IsCpuBound ? cost : null;
    }

    /// <summary>
    /// <c>if (big) { var l = SelfAsync(left); var r = SelfAsync(right); return await Combine(l, r); }</c>: a branch that
    /// splits the input, calls the method itself (not through Task.Run) and always leaves. The recursion bottoms out in the
    /// code after the branch, which every recursive call reaches before anything yields.
    /// </summary>
    private static bool IsRecursiveSplit(IOperation statement, IMethodSymbol? self)
    {
        if (self is null || statement is not IConditionalOperation { WhenFalse: null, WhenTrue: IBlockOperation { Operations: { Length: > 0 } branch } } conditional
            || branch[branch.Length - 1] is not (IReturnOperation or IThrowOperation))
        {
            return false;
        }

        foreach (var operation in OperationFacts.Descendants(conditional.WhenTrue, enterFunctions: false))
        {
            if (operation is IInvocationOperation call && SymbolEqualityComparer.Default.Equals(call.TargetMethod.OriginalDefinition, self))
            {
                return true;
            }
        }

        return false;
    }

    private static WorkCost? Analyze(IBlockOperation block, WorkCostModel costModel, KnownTypes types, int depth, IMethodSymbol? self)
    {
        // The statements before the first await that yields are costed together, so that where their time goes decides:
        // naming a cache file from a hash of the URL next to Directory.CreateDirectory and File.Exists is I/O-bound, a
        // loop nest next to one file check is not (see WorkCostModel's shallow-I/O rule).
        var prefix = new System.Collections.Generic.List<IOperation>();
        foreach (var statement in block.Operations)
        {
            var awaits = AwaitsIn(statement, types, out var yields);
            if (yields && IsRecursiveSplit(statement, self))
            {
                continue;
            }

            if (yields)
            {
                // What runs before the first await that yields, when that await is not inside a loop of the statement:
                // the awaited call's arguments and, for an async method of this compilation, its own synchronous prefix
                // (`await EncodeAsync(Compress(x))`). Work elsewhere in the statement is not counted: quiet beats guessing.
                return PrefixCost(prefix, costModel) ?? BeforeAwait(statement, costModel, types, depth);
            }

            if (awaits)
            {
                // Only awaits of completed tasks: they do not yield and cost nothing.
                continue;
            }

            if (StartsTask(statement, types))
            {
                // var pending = Task.Run(() => Work(x)): the work runs on the pool, not in the prefix.
                continue;
            }

            prefix.Add(statement);
        }

        return PrefixCost(prefix, costModel);
    }

    private static WorkCost? PrefixCost(System.Collections.Generic.List<IOperation> statements, WorkCostModel costModel)
        => statements.Count > 0 && costModel.Analyze(statements) is { IsCpuBound: true } cost ? cost : null;

    /// <summary>Whether the statement hands a delegate to <c>Task.Run</c>, <c>Task.Factory.StartNew</c> or a continuation.</summary>
    private static bool StartsTask(IOperation statement, KnownTypes types)
    {
        foreach (var operation in OperationFacts.Descendants(statement, enterFunctions: false))
        {
            if (operation is IInvocationOperation { TargetMethod: { Name: "Run" or "StartNew" or "ContinueWith" } invoked } invocation
                && (KnownTypes.Is(invoked.ContainingType, types.Task) || KnownTypes.Is(invoked.ContainingType, types.TaskFactory)
                    || KnownTypes.Is(invoked.ContainingType?.OriginalDefinition, types.TaskOfT))
                && invocation.Arguments.Any(a => OperationFacts.UnwrapDelegate(a.Value) is not null))
            {
                return true;
            }
        }

        return false;
    }

    private static WorkCost? BeforeAwait(IOperation statement, WorkCostModel costModel, KnownTypes types, int depth)
    {
        foreach (var operation in OperationFacts.Descendants(statement, enterFunctions: false))
        {
            if (operation is not IAwaitOperation awaitOperation)
            {
                continue;
            }

            if (IsCompletedAwaitable(awaitOperation.Operation, types))
            {
                // An earlier await in the same statement that does not yield: give up rather than order the operands.
                return null;
            }

            for (var parent = awaitOperation.Parent; parent is not null && parent != statement; parent = parent.Parent)
            {
                if (parent is ILoopOperation || parent is IConditionalOperation || parent is IAnonymousFunctionOperation)
                {
                    return null;
                }
            }

            if (OperationFacts.StripConfigureAwait(awaitOperation.Operation) is not IInvocationOperation call)
            {
                return null;
            }

            if (OperationFacts.Descendants(call, enterFunctions: false).Any(o => o is IAwaitOperation))
            {
                return null;
            }

            foreach (var argument in call.Arguments)
            {
                if (OperationFacts.Descendants(argument.Value).Any(o => o is IAnonymousFunctionOperation || o is IMethodReferenceOperation))
                {
                    // Task.Run(() => Work(x)): the delegate runs later, elsewhere; building it costs nothing.
                    continue;
                }

                var argumentCost = costModel.Analyze(argument.Value);
                if (argumentCost.IsCpuBound)
                {
                    return argumentCost;
                }
            }

            return call.TargetMethod.OriginalDefinition.DeclaringSyntaxReferences.Length > 0
                ? CpuBoundPrefix(call.TargetMethod, costModel, types, depth + 1)
                : null;
        }

        return null;
    }

    private static bool AwaitsIn(IOperation statement, KnownTypes types, out bool yields)
    {
        var awaits = false;
        yields = false;
        foreach (var operation in OperationFacts.Descendants(statement, enterFunctions: false))
        {
            if (operation is IAwaitOperation awaitOperation)
            {
                awaits = true;
                if (!IsCompletedAwaitable(awaitOperation.Operation, types))
                {
                    yields = true;
                    return true;
                }
            }
            else if (operation is IUsingOperation { IsAsynchronous: true } || operation is IForEachLoopOperation { IsAsynchronous: true })
            {
                yields = true;
                return true;
            }
        }

        return awaits;
    }

    /// <summary><c>Task.CompletedTask</c>, <c>Task.FromResult(x)</c>, <c>default(ValueTask)</c>, <c>new ValueTask&lt;T&gt;(x)</c>.</summary>
    private static bool IsCompletedAwaitable(IOperation awaited, KnownTypes types)
    {
        awaited = OperationFacts.StripConfigureAwait(awaited);
        switch (awaited)
        {
            case IPropertyReferenceOperation { Property: { Name: "CompletedTask" } } property:
                return KnownTypes.Is(property.Property.ContainingType, types.Task) || KnownTypes.Is(property.Property.ContainingType, types.ValueTask);
            case IInvocationOperation { TargetMethod: { Name: "FromResult" } } invocation:
                return KnownTypes.Is(invocation.TargetMethod.ContainingType, types.Task) || KnownTypes.Is(invocation.TargetMethod.ContainingType, types.ValueTask);
            case IDefaultValueOperation value:
                return KnownTypes.Is(value.Type, types.ValueTask) || KnownTypes.Is(value.Type, types.ValueTaskOfT);
            case IObjectCreationOperation creation:
                return (KnownTypes.Is(creation.Type, types.ValueTask) || KnownTypes.Is(creation.Type, types.ValueTaskOfT))
                       && creation.Arguments.Length == 1
                       && !KnownTypes.Is(creation.Arguments[0].Value.Type, types.Task)
                       && !KnownTypes.Is(creation.Arguments[0].Value.Type, types.TaskOfT);
            default:
                return false;
        }
    }
}

/// <summary>
/// The overrides and implementations, declared in this compilation, of abstract and interface methods: built once per
/// compilation, on first use (only when a fan-in awaits an abstract Task-returning method).
/// </summary>
internal static class Overrides
{
    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<Compilation, Index> Indexes = new System.Runtime.CompilerServices.ConditionalWeakTable<Compilation, Index>();

    public static System.Collections.Generic.IReadOnlyList<IMethodSymbol> Of(IMethodSymbol method, Compilation compilation)
        => Indexes.GetValue(compilation, c => new Index(c)).Get(method.OriginalDefinition);

    private sealed class Index
    {
        private readonly Compilation _compilation;
        private System.Collections.Generic.Dictionary<IMethodSymbol, System.Collections.Generic.List<IMethodSymbol>>? _map;
        private readonly object _gate = new object();

        public Index(Compilation compilation)
        {
            _compilation = compilation;
        }

        public System.Collections.Generic.IReadOnlyList<IMethodSymbol> Get(IMethodSymbol method)
        {
            lock (_gate)
            {
                _map ??= Build();
            }

            return _map.TryGetValue(method, out var list) ? list : (System.Collections.Generic.IReadOnlyList<IMethodSymbol>)System.Array.Empty<IMethodSymbol>();
        }

        private System.Collections.Generic.Dictionary<IMethodSymbol, System.Collections.Generic.List<IMethodSymbol>> Build()
        {
            var map = new System.Collections.Generic.Dictionary<IMethodSymbol, System.Collections.Generic.List<IMethodSymbol>>(SymbolEqualityComparer.Default);
            var pending = new System.Collections.Generic.Stack<INamespaceOrTypeSymbol>();
            pending.Push(_compilation.Assembly.GlobalNamespace);
            while (pending.Count > 0)
            {
                var current = pending.Pop();
                foreach (var member in current.GetMembers())
                {
                    if (member is INamespaceOrTypeSymbol nested)
                    {
                        pending.Push(nested);
                    }
                }

                if (current is not INamedTypeSymbol { TypeKind: TypeKind.Class or TypeKind.Struct } type || type.IsAbstract && type.TypeKind != TypeKind.Class)
                {
                    continue;
                }

                foreach (var member in type.GetMembers())
                {
                    if (member is not IMethodSymbol { IsAbstract: false, MethodKind: MethodKind.Ordinary } candidate || !candidate.ReturnType.Name.Contains("Task"))
                    {
                        continue;
                    }

                    for (var overridden = candidate.OverriddenMethod; overridden is not null; overridden = overridden.OverriddenMethod)
                    {
                        Add(map, overridden.OriginalDefinition, candidate);
                    }
                }

                foreach (var @interface in type.AllInterfaces)
                {
                    if (!@interface.Locations.Any(l => l.IsInSource))
                    {
                        continue;
                    }

                    foreach (var member in @interface.GetMembers())
                    {
                        if (member is IMethodSymbol { IsAbstract: true } interfaceMethod && interfaceMethod.ReturnType.Name.Contains("Task")
                            && type.FindImplementationForInterfaceMember(interfaceMethod) is IMethodSymbol { IsAbstract: false } implementation
                            && SymbolEqualityComparer.Default.Equals(implementation.ContainingType, type))
                        {
                            Add(map, interfaceMethod.OriginalDefinition, implementation);
                        }
                    }
                }
            }

            // Source order, so that messages quote the first override as written.
            foreach (var list in map.Values)
            {
                list.Sort((a, b) =>
                {
                    var la = a.Locations.FirstOrDefault();
                    var lb = b.Locations.FirstOrDefault();
                    var byFile = string.CompareOrdinal(la?.SourceTree?.FilePath, lb?.SourceTree?.FilePath);
                    return byFile != 0 ? byFile : (la?.SourceSpan.Start ?? 0).CompareTo(lb?.SourceSpan.Start ?? 0);
                });
            }

            return map;
        }

        private static void Add(System.Collections.Generic.Dictionary<IMethodSymbol, System.Collections.Generic.List<IMethodSymbol>> map, IMethodSymbol key, IMethodSymbol value)
        {
            if (!map.TryGetValue(key, out var list))
            {
                list = new System.Collections.Generic.List<IMethodSymbol>();
                map[key] = list;
            }

            list.Add(value);
        }
    }
}
