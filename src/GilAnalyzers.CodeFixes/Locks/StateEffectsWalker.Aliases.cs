using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace GilAnalyzers.CodeFixes.Locks;

/// <summary>
/// Where the object in a thread-own local came from, when it is not a new one: the canonical grouping idiom
/// <c>if (!byHost.TryGetValue(host, out var counts)) byHost[host] = counts = new int[8]; counts[severity]++;</c>, a row of a
/// jagged array (<c>var row = _grid[i]; row[j] = v;</c>), a field's object in a local (<c>var buffer = _buffer;</c>), the values
/// of a dictionary in a <c>foreach</c>. A mutation through such a local changes an object that the container it came from
/// (or was stored into) holds; it is recorded as a mutation of that container — which conflicts with every read of the
/// container — instead of as "cannot tell". A local whose objects come from anything else, or that is handed on in a way
/// the pass does not follow, has no sources and stays unknown.
/// </summary>
internal sealed partial class StateEffectsWalker
{
    private readonly Dictionary<SyntaxNode, Dictionary<ILocalSymbol, List<IOperation>?>> _aliasSources =
        new Dictionary<SyntaxNode, Dictionary<ILocalSymbol, List<IOperation>?>>();

    /// <summary>Instance methods of framework collections that hand out an element (or the one they just added).</summary>
    private static readonly HashSet<string> ElementGetters = new HashSet<string>(System.StringComparer.Ordinal)
    {
        "GetOrAdd", "GetValueOrDefault", "Peek", "Dequeue", "Pop", "Find", "FindLast", "ElementAt", "ElementAtOrDefault",
        "First", "FirstOrDefault", "Last", "LastOrDefault", "Single", "SingleOrDefault", "get_Item",
    };

    /// <summary>Framework calls that return an element through an <c>out</c> parameter.</summary>
    private static readonly HashSet<string> OutElementGetters = new HashSet<string>(System.StringComparer.Ordinal)
    {
        "TryGetValue", "TryPeek", "TryDequeue", "TryPop", "TryTake", "TryRemove",
    };

    /// <summary>Framework collection calls that store their by-value arguments in the collection.</summary>
    private static readonly HashSet<string> StoringCalls = new HashSet<string>(System.StringComparer.Ordinal)
    {
        "Add", "AddFirst", "AddLast", "Insert", "Push", "Enqueue", "TryAdd", "AddOrUpdate", "GetOrAdd", "TryUpdate", "Set", "SetValue",
        "AddRange", "InsertRange",
    };

    /// <summary>
    /// The containers whose objects <paramref name="local"/> may hold (each a field, parameter, static member, <c>this</c> or a
    /// local container that only holds objects of its own), null when the local may hold anything else.
    /// </summary>
    private IReadOnlyList<IOperation>? AliasSources(ILocalSymbol local, ThreadScope scope)
    {
        if (!_aliasSources.TryGetValue(scope.Function, out var map))
        {
            map = ComputeAliasSources(scope);
            _aliasSources[scope.Function] = map;
        }

        return map.TryGetValue(local, out var sources) && sources is { Count: > 0 } ? sources : null;
    }

    private Dictionary<ILocalSymbol, List<IOperation>?> ComputeAliasSources(ThreadScope scope)
    {
        var result = new Dictionary<ILocalSymbol, List<IOperation>?>(SymbolEqualityComparer.Default);
        if (!_compilation.ContainsSyntaxTree(scope.Function.SyntaxTree)
            || _compilation.GetSemanticModel(scope.Function.SyntaxTree).GetOperation(scope.Function, _cancellationToken) is not { } root)
        {
            return result;
        }

        var pass = new AliasPass();
        var pending = new Stack<IOperation>();
        pending.Push(root);
        while (pending.Count > 0)
        {
            var operation = pending.Pop();
            if (operation != root && operation is IAnonymousFunctionOperation or ILocalFunctionOperation)
            {
                // A nested function runs with its own locals, maybe later or on another thread: a local of this function it
                // captures is not followed.
                foreach (var captured in operation.Descendants().OfType<ILocalReferenceOperation>())
                {
                    pass.Spoil(captured.Local);
                }

                continue;
            }

            pass.Observe(operation);
            foreach (var child in operation.ChildOperations)
            {
                pending.Push(child);
            }
        }

        foreach (var local in pass.Locals)
        {
            var sources = pass.Resolve(local, new HashSet<ILocalSymbol>(SymbolEqualityComparer.Default));
            if (sources is not null && sources.All(source => IsAcceptedBase(source, pass, scope)))
            {
                result[local] = sources;
            }
            else
            {
                result[local] = null;
            }
        }

        return result;
    }

    /// <summary>
    /// A container whose objects a mutation may be charged to: anything outside the function (its symbol conflicts with every
    /// read of it), or a local container that is this function's own and holds only new objects or its own elements.
    /// </summary>
    private bool IsAcceptedBase(IOperation source, AliasPass pass, ThreadScope scope)
    {
        if (source is not ILocalReferenceOperation container)
        {
            return true;
        }

        return scope.IsOwn(container.Local) && IsFresh(container.Local, scope) && !pass.Polluted.Contains(container.Local)
               && pass.StoredInto(container.Local).All(stored =>
                   pass.Resolve(stored, new HashSet<ILocalSymbol>(SymbolEqualityComparer.Default)) is { } storedSources
                   && storedSources.All(s => s is ILocalReferenceOperation own && SymbolEqualityComparer.Default.Equals(own.Local, container.Local)));
    }

    /// <summary>One walk over a function's operations: what each local is given, where locals are stored, which local containers take other objects.</summary>
    private sealed class AliasPass
    {
        // Per local: the values stored into it (a null value: a store the pass cannot follow; IsContainer: the value is the
        // container the object came from, not an expression to classify).
        private readonly Dictionary<ILocalSymbol, List<(IOperation? Value, bool IsContainer)>> _values =
            new Dictionary<ILocalSymbol, List<(IOperation? Value, bool IsContainer)>>(SymbolEqualityComparer.Default);

        // Per local: the containers it was stored into (its object is then also theirs).
        private readonly Dictionary<ILocalSymbol, List<IOperation>> _escapes = new Dictionary<ILocalSymbol, List<IOperation>>(SymbolEqualityComparer.Default);

        // Per local container: the locals stored into it.
        private readonly Dictionary<ILocalSymbol, List<ILocalSymbol>> _storedInto = new Dictionary<ILocalSymbol, List<ILocalSymbol>>(SymbolEqualityComparer.Default);

        private readonly Dictionary<ILocalSymbol, List<IOperation>?> _resolved = new Dictionary<ILocalSymbol, List<IOperation>?>(SymbolEqualityComparer.Default);

        public HashSet<ILocalSymbol> Locals { get; } = new HashSet<ILocalSymbol>(SymbolEqualityComparer.Default);

        /// <summary>Local containers given an object the pass cannot trace to a new one or to a local of their own.</summary>
        public HashSet<ILocalSymbol> Polluted { get; } = new HashSet<ILocalSymbol>(SymbolEqualityComparer.Default);

        public IEnumerable<ILocalSymbol> StoredInto(ILocalSymbol container)
            => _storedInto.TryGetValue(container, out var locals) ? locals : Enumerable.Empty<ILocalSymbol>();

        public void Observe(IOperation operation)
        {
            switch (operation)
            {
                case IVariableDeclaratorOperation declarator when declarator.Symbol.RefKind == RefKind.None:
                    if ((declarator.Initializer?.Value ?? declarator.GetVariableInitializer()?.Value) is { } initial)
                    {
                        AddValue(declarator.Symbol, initial);
                    }

                    break;
                case ISimpleAssignmentOperation { Target: ILocalReferenceOperation target } assignment:
                    AddValue(target.Local, assignment.Value);
                    break;
                case ISimpleAssignmentOperation { Target: { } target } store:
                    // counts[k] = value, _last = value: the value's object is now the target's too.
                    if (Unwrap(store.Value) is ISimpleAssignmentOperation { Target: ILocalReferenceOperation chained })
                    {
                        // byHost[host] = counts = new int[8]: the local's new object goes into the container.
                        Escape(chained.Local, target);
                    }

                    if (target is IPropertyReferenceOperation or IArrayElementReferenceOperation
                        && Base(target) is ILocalReferenceOperation storedInto && !IsNewOrPlain(store.Value) && StoredLocal(store.Value) is null)
                    {
                        Polluted.Add(storedInto.Local);
                    }

                    break;
                case ICompoundAssignmentOperation { Target: ILocalReferenceOperation target }:
                    AddValue(target.Local, null);
                    break;
                case ICoalesceAssignmentOperation { Target: ILocalReferenceOperation target }:
                    AddValue(target.Local, null);
                    break;
                case IDeconstructionAssignmentOperation deconstruction:
                    foreach (var local in deconstruction.Target.DescendantsAndSelf().OfType<ILocalReferenceOperation>())
                    {
                        AddValue(local.Local, null);
                    }

                    break;
                case IArgumentOperation { Parameter.RefKind: RefKind.Out or RefKind.Ref } argument when OutLocal(argument.Value) is { } outLocal:
                    if (argument.Parameter!.RefKind == RefKind.Out && argument.Parent is IInvocationOperation { TargetMethod: { } method } call
                        && OutElementGetters.Contains(method.Name) && !IsInSource(method) && call.Instance is { } instance && Base(instance) is { } container)
                    {
                        AddValue(outLocal, container, isBase: true);
                    }
                    else
                    {
                        AddValue(outLocal, null);
                    }

                    break;
                case IForEachLoopOperation forEach:
                    var collection = Base(forEach.Collection);
                    foreach (var local in forEach.Locals)
                    {
                        AddValue(local, collection, isBase: collection is not null);
                    }

                    break;
                case IInvocationOperation { TargetMethod: { } storing, Instance: { } storeInstance } invocation
                    when StoringCalls.Contains(storing.Name) && !IsInSource(storing) && Base(storeInstance) is ILocalReferenceOperation storeContainer:
                    foreach (var argument in invocation.Arguments)
                    {
                        if (argument.Value.Type is { IsReferenceType: true, SpecialType: not SpecialType.System_String }
                            && !IsNewOrPlain(argument.Value) && StoredLocal(argument.Value) is null)
                        {
                            Polluted.Add(storeContainer.Local);
                        }
                    }

                    break;
                case ILocalReferenceOperation read when read.Local.RefKind == RefKind.None:
                    ObserveUse(read);
                    break;
            }
        }

        /// <summary>Where a read of a local hands its object on: stored into a container, or somewhere the pass does not follow.</summary>
        private void ObserveUse(ILocalReferenceOperation read)
        {
            IOperation current = read;
            var parent = current.Parent;
            while (parent is IConversionOperation or IParenthesizedOperation)
            {
                current = parent;
                parent = parent.Parent;
            }

            switch (parent)
            {
                case ISimpleAssignmentOperation assignment when assignment.Target == current:
                case IDeclarationExpressionOperation:
                case IArgumentOperation { Parameter.RefKind: not RefKind.None }:
                    return;
                case ISimpleAssignmentOperation assignment when assignment.Value == current:
                    // y = local, _field = local, map[k] = local: the object is also the target's.
                    if (assignment.Target is ILocalReferenceOperation)
                    {
                        return;
                    }

                    Escape(read.Local, assignment.Target);
                    return;
                case IArgumentOperation { Parameter.RefKind: RefKind.None } argument when argument.Parent is IInvocationOperation { TargetMethod: { } method, Instance: var instance }:
                    if (StoringCalls.Contains(method.Name) && !IsInSource(method))
                    {
                        if (instance is null)
                        {
                            Spoil(read.Local);
                        }
                        else
                        {
                            Escape(read.Local, instance);
                        }
                    }

                    return;
                case IArgumentOperation:
                case IFieldInitializerOperation:
                case IPropertyInitializerOperation:
                    Spoil(read.Local);
                    return;
                case IInvocationOperation call when call.Instance == current:
                case IPropertyReferenceOperation property when property.Instance == current:
                case IFieldReferenceOperation field when field.Instance == current:
                case IArrayElementReferenceOperation element when element.ArrayReference == current:
                case IForEachLoopOperation:
                case IReturnOperation:
                case IBinaryOperation:
                case IIsPatternOperation:
                case IIsTypeOperation:
                case IExpressionStatementOperation:
                case IInterpolationOperation:
                    return;
                default:
                    Spoil(read.Local);
                    return;
            }
        }

        private void Escape(ILocalSymbol local, IOperation target)
        {
            Locals.Add(local);
            if (Base(target) is not { } container)
            {
                Spoil(local);
                return;
            }

            if (!_escapes.TryGetValue(local, out var list))
            {
                _escapes[local] = list = new List<IOperation>();
            }

            list.Add(container);
            if (container is ILocalReferenceOperation containerLocal)
            {
                if (!_storedInto.TryGetValue(containerLocal.Local, out var stored))
                {
                    _storedInto[containerLocal.Local] = stored = new List<ILocalSymbol>();
                }

                stored.Add(local);
            }
        }

        public void Spoil(ILocalSymbol local) => AddValue(local, null);

        private void AddValue(ILocalSymbol local, IOperation? value, bool isBase = false)
        {
            Locals.Add(local);
            if (!_values.TryGetValue(local, out var list))
            {
                _values[local] = list = new List<(IOperation? Value, bool IsContainer)>();
            }

            list.Add((value, isBase));
        }

        /// <summary>The containers whose objects the local may hold; null when one of its values cannot be traced.</summary>
        public List<IOperation>? Resolve(ILocalSymbol local, HashSet<ILocalSymbol> visiting)
        {
            if (_resolved.TryGetValue(local, out var known))
            {
                return known;
            }

            if (!visiting.Add(local))
            {
                // A cycle (a = b; b = a): adds nothing the other members of the cycle do not.
                return new List<IOperation>();
            }

            var sources = new List<IOperation>();
            var traced = true;
            if (_values.TryGetValue(local, out var values))
            {
                foreach (var (value, isContainer) in values)
                {
                    if (value is null)
                    {
                        traced = false;
                        break;
                    }

                    if (isContainer)
                    {
                        sources.Add(value);
                        continue;
                    }

                    if (!Classify(value, sources, visiting))
                    {
                        traced = false;
                        break;
                    }
                }
            }

            if (traced && _escapes.TryGetValue(local, out var escapes))
            {
                sources.AddRange(escapes);
            }

            var resolved = traced ? sources : null;
            visiting.Remove(local);
            if (visiting.Count == 0)
            {
                _resolved[local] = resolved;
            }

            return resolved;
        }

        private bool Classify(IOperation value, List<IOperation> sources, HashSet<ILocalSymbol> visiting)
        {
            value = Unwrap(value);
            switch (value)
            {
                case ISimpleAssignmentOperation chained:
                    return Classify(chained.Value, sources, visiting);
                case IConditionalOperation { WhenFalse: { } whenFalse } conditional:
                    return Classify(conditional.WhenTrue, sources, visiting) && Classify(whenFalse, sources, visiting);
                case ICoalesceOperation coalesce:
                    return Classify(coalesce.Value, sources, visiting) && Classify(coalesce.WhenNull, sources, visiting);
                case ILocalReferenceOperation other when other.Local.RefKind == RefKind.None:
                    if (Resolve(other.Local, visiting) is not { } otherSources)
                    {
                        return false;
                    }

                    sources.AddRange(otherSources);
                    return true;
                case IParameterReferenceOperation or IFieldReferenceOperation or IInstanceReferenceOperation:
                    sources.Add(value);
                    return true;
                case IPropertyReferenceOperation or IArrayElementReferenceOperation or IInvocationOperation:
                    // An element access or an element-returning call: the container it reads (null for any other call).
                    if (Base(value) is not { } container)
                    {
                        return false;
                    }

                    sources.Add(container);
                    return true;
                default:
                    return IsNewOrPlain(value);
            }
        }

        /// <summary>A new object with nothing of anyone else's in it, a constant or null.</summary>
        private static bool IsNewOrPlain(IOperation value)
        {
            value = Unwrap(value);
            switch (value)
            {
                case ILiteralOperation:
                case IDefaultValueOperation:
                    return true;
                case IArrayCreationOperation array:
                    return array.Initializer is null || array.Initializer.ElementValues.All(IsNewOrPlainElement);
                case IObjectCreationOperation creation:
                    return creation.Arguments.All(a => IsNewOrPlainElement(a.Value)) && creation.Initializer is null;
                default:
                    return value.ConstantValue.HasValue;
            }
        }

        private static bool IsNewOrPlainElement(IOperation value)
            => value.Type is null || value.Type.IsValueType || value.Type.SpecialType == SpecialType.System_String || IsNewOrPlain(value);

        /// <summary>The local a stored value is (directly or through a chained assignment), when it is one.</summary>
        private static ILocalSymbol? StoredLocal(IOperation value)
        {
            value = Unwrap(value);
            return value switch
            {
                ILocalReferenceOperation local => local.Local,
                ISimpleAssignmentOperation { Target: ILocalReferenceOperation target } => target.Local,
                _ => null,
            };
        }

        private static ILocalSymbol? OutLocal(IOperation value)
            => Unwrap(value) switch
            {
                ILocalReferenceOperation local => local.Local,
                IDeclarationExpressionOperation { Expression: ILocalReferenceOperation declared } => declared.Local,
                _ => null,
            };

        /// <summary>
        /// The container an element access or element-returning call reads from: <c>map[k]</c>, <c>grid[i][j]</c>, <c>map.Values</c>,
        /// <c>queue.Peek()</c>, <c>items.First()</c> → <c>map</c>, <c>grid</c>, <c>queue</c>, <c>items</c>; a field, parameter, local,
        /// static member or <c>this</c> is its own container. Null for anything else.
        /// </summary>
        public static IOperation? Base(IOperation? operation)
        {
            for (var steps = 0; operation is not null && steps < 16; steps++)
            {
                operation = Unwrap(operation);
                switch (operation)
                {
                    case IPropertyReferenceOperation { Instance: { } instance }:
                        operation = instance;
                        continue;
                    case IArrayElementReferenceOperation element:
                        operation = element.ArrayReference;
                        continue;
                    case IInvocationOperation { TargetMethod: { } method } call when ElementGetters.Contains(method.Name) && !IsInSource(method):
                        operation = call.Instance ?? (call.Arguments.Length > 0 ? call.Arguments[0].Value : null);
                        continue;
                    case ILocalReferenceOperation { Local.RefKind: RefKind.None }:
                    case IParameterReferenceOperation:
                    case IFieldReferenceOperation:
                    case IInstanceReferenceOperation:
                    case IPropertyReferenceOperation { Instance: null }:
                        return operation;
                    default:
                        return null;
                }
            }

            return null;
        }
    }
}
