using System.Collections.Generic;
using System.Linq;
using System.Threading;
using GilAnalyzers.CodeFixes.Refusals;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;

namespace GilAnalyzers.CodeFixes;

/// <summary>
/// The methods of the compilation that locked code reaches (for <see cref="ThreadStaticPlan"/>): their bodies, which of
/// them the lock calls directly (the entries), which static fields of the candidate state each reaches, directly or
/// through its callees, and whether any of those fields is assigned or used by reference there.
/// </summary>
internal sealed class ThreadStaticCallGraph
{
    private readonly HashSet<IFieldSymbol> _state;
    private readonly Dictionary<IMethodSymbol, IBlockOperation> _bodies = new(SymbolEqualityComparer.Default);
    private readonly Dictionary<IMethodSymbol, HashSet<IMethodSymbol>> _callees = new(SymbolEqualityComparer.Default);
    private readonly Dictionary<IMethodSymbol, HashSet<IFieldSymbol>> _reaches = new(SymbolEqualityComparer.Default);
    private readonly HashSet<IFieldSymbol> _assignedOrByRef = new(SymbolEqualityComparer.Default);
    private readonly HashSet<IFieldSymbol> _givenSharedObjects = new(SymbolEqualityComparer.Default);
    private readonly List<IMethodSymbol> _entries = new();

    private ThreadStaticCallGraph(Compilation compilation, IEnumerable<IFieldSymbol> state)
    {
        Compilation = compilation;
        _state = new HashSet<IFieldSymbol>(state, SymbolEqualityComparer.Default);
    }

    public Compilation Compilation { get; }

    /// <summary>The methods the locked code calls itself, in the order first called.</summary>
    public IReadOnlyList<IMethodSymbol> Entries => _entries;

    public IBlockOperation BodyOf(IMethodSymbol method) => _bodies[method];

    /// <summary>Every method reached from the lock.</summary>
    public IEnumerable<IMethodSymbol> Methods => _bodies.Keys;

    /// <summary>The project's methods <paramref name="method"/> calls or refers to.</summary>
    public IReadOnlyCollection<IMethodSymbol> Callees(IMethodSymbol method) => _callees[method];

    /// <summary>The candidate fields <paramref name="method"/> uses, itself or through the methods it calls.</summary>
    public IReadOnlyCollection<IFieldSymbol> Reaches(IMethodSymbol method)
        => _reaches.TryGetValue(method, out var fields) ? fields : (IReadOnlyCollection<IFieldSymbol>)System.Array.Empty<IFieldSymbol>();

    public bool IsAssignedOrByRef(IFieldSymbol field) => _assignedOrByRef.Contains(field);

    /// <summary>
    /// The field (of a mutable reference type) may be given an object it did not make: assigned something other than a
    /// new object, passed by reference or deconstructed into. Its per-thread copies could then point at one shared object.
    /// </summary>
    public bool MayHoldSharedObject(IFieldSymbol field) => _givenSharedObjects.Contains(field);

    public static ThreadStaticCallGraph? Build(Compilation compilation, IReadOnlyList<IOperation> locked, IEnumerable<IFieldSymbol> state, Refusal why, CancellationToken cancellationToken)
    {
        var graph = new ThreadStaticCallGraph(compilation, state);
        var queue = new Queue<IMethodSymbol>();
        foreach (var operation in locked)
        {
            if (graph.CalleesOf(operation, why) is not { } callees)
            {
                return null;
            }

            foreach (var callee in callees.Where(c => !graph._entries.Contains(c, SymbolEqualityComparer.Default)))
            {
                graph._entries.Add(callee);
                queue.Enqueue(callee);
            }
        }

        while (queue.Count > 0)
        {
            var method = queue.Dequeue();
            if (graph._bodies.ContainsKey(method))
            {
                continue;
            }

            if (graph._bodies.Count >= 200)
            {
                return why.Refuse<ThreadStaticCallGraph>(NoFixReasons.ThreadStaticRegion, "the locked code reaches too many methods to check");
            }

            if (graph.Add(method, why, cancellationToken) is not { } callees)
            {
                return null;
            }

            foreach (var callee in callees)
            {
                queue.Enqueue(callee);
            }
        }

        graph.Propagate();
        return graph.WhyOffThread() is { } offThread
            ? why.Refuse<ThreadStaticCallGraph>(NoFixReasons.ThreadStaticStateShared, offThread)
            : graph;
    }

    /// <summary>Records <paramref name="method"/>'s body, callees and direct uses of the state; its callees, or null when it cannot be followed.</summary>
    private HashSet<IMethodSymbol>? Add(IMethodSymbol method, Refusal why, CancellationToken cancellationToken)
    {
        if (BodyOperation(method, cancellationToken) is not { } body)
        {
            return why.Refuse<HashSet<IMethodSymbol>>(NoFixReasons.ThreadStaticRegion, $"no body of '{method.Name}' to check");
        }

        var callees = CalleesOf(body, why);
        if (callees is null)
        {
            return null;
        }

        _bodies[method] = body;
        _callees[method] = callees;
        var direct = new HashSet<IFieldSymbol>(SymbolEqualityComparer.Default);
        foreach (var reference in body.DescendantsAndSelf().OfType<IFieldReferenceOperation>())
        {
            if (!_state.Contains(reference.Field.OriginalDefinition))
            {
                continue;
            }

            if (IsInNestedFunction(reference, body))
            {
                return why.Refuse<HashSet<IMethodSymbol>>(NoFixReasons.ThreadStaticStateShared,
                    $"'{reference.Field.Name}' is used in a lambda or local function of '{method.Name}', which could run on another thread");
            }

            direct.Add(reference.Field.OriginalDefinition);
            if (IsAssignedOrByRef(reference))
            {
                _assignedOrByRef.Add(reference.Field.OriginalDefinition);
                if (!IsGivenFreshValue(reference))
                {
                    _givenSharedObjects.Add(reference.Field.OriginalDefinition);
                }
            }
        }

        _reaches[method] = direct;
        return callees;
    }

    /// <summary>Fields reached through callees, to a fixed point (recursion included).</summary>
    private void Propagate()
    {
        for (var changed = true; changed;)
        {
            changed = false;
            foreach (var pair in _callees)
            {
                var reached = _reaches[pair.Key];
                foreach (var callee in pair.Value)
                {
                    if (_reaches.TryGetValue(callee, out var more) && more.Any(f => reached.Add(f)))
                    {
                        changed = true;
                    }
                }
            }
        }
    }

    /// <summary>An async method or an iterator that reaches the state could continue on another thread in the middle of its work.</summary>
    private string? WhyOffThread()
    {
        foreach (var pair in _bodies)
        {
            var iterator = pair.Value.DescendantsAndSelf().OfType<IReturnOperation>().Any(r => r.Kind != OperationKind.Return);
            if ((pair.Key.IsAsync || iterator) && Reaches(pair.Key).Count > 0)
            {
                return $"'{pair.Key.Name}' is async or an iterator and uses the static state, so its work may move to another thread";
            }
        }

        return null;
    }

    /// <summary>
    /// Whether <paramref name="operation"/> uses <paramref name="field"/>: names it, or calls a method of the project that
    /// reaches it.
    /// </summary>
    public bool Touches(IOperation operation, IFieldSymbol field)
    {
        foreach (var descendant in operation.DescendantsAndSelf())
        {
            if (descendant is IFieldReferenceOperation reference && SymbolEqualityComparer.Default.Equals(reference.Field.OriginalDefinition, field))
            {
                return true;
            }

            foreach (var method in MethodsUsedBy(descendant))
            {
                if (_reaches.TryGetValue(method, out var fields) && fields.Contains(field))
                {
                    return true;
                }
            }
        }

        return false;
    }

    /// <summary>
    /// Every method of the project whose code the candidate fields are used in, or that reaches them: the entries may be
    /// called from anywhere (they reset the state first); the others only as calls from the methods the lock reaches.
    /// Null when a use lies elsewhere (the reason goes to <paramref name="why"/>).
    /// </summary>
    public bool UsesStayOnTheCallPath(Refusal why, CancellationToken cancellationToken)
    {
        var inner = _bodies.Keys.Where(m => Reaches(m).Count > 0 && !_entries.Contains(m, SymbolEqualityComparer.Default)).ToList();
        if (inner.FirstOrDefault(m => m.MethodKind != MethodKind.Ordinary) is { } special)
        {
            return Fail(why, $"the static state is reached through '{special.Name}', a property, constructor or operator that other code could call");
        }

        var names = new HashSet<string>(_state.Select(f => f.Name).Concat(inner.Select(m => m.Name)), System.StringComparer.Ordinal);
        var innerSet = new HashSet<IMethodSymbol>(inner, SymbolEqualityComparer.Default);
        foreach (var tree in Compilation.SyntaxTrees)
        {
            SemanticModel? model = null;
            foreach (var name in tree.GetRoot(cancellationToken).DescendantNodes().OfType<IdentifierNameSyntax>())
            {
                if (!names.Contains(name.Identifier.ValueText))
                {
                    continue;
                }

                model ??= Compilation.GetSemanticModel(tree);
                var symbol = model.GetSymbolInfo(name, cancellationToken).Symbol?.OriginalDefinition;
                if (symbol is IFieldSymbol field && _state.Contains(field) && !IsOwnInitializer(name, field)
                    && !IsInReachedMethod(model, name, cancellationToken))
                {
                    return Fail(why, $"'{field.Name}' is used outside the code the lock calls (in '{model.GetEnclosingSymbol(name.SpanStart, cancellationToken)?.Name}')");
                }

                if (symbol is IMethodSymbol method && innerSet.Contains(method)
                    && (!IsCallee(name) || !IsInReachedMethod(model, name, cancellationToken)))
                {
                    return Fail(why, $"'{method.Name}' uses the static state without resetting it and is called (or made a delegate) outside the code the lock calls");
                }
            }
        }

        return true;

        static bool Fail(Refusal why, string reason)
        {
            why.Add(NoFixReasons.ThreadStaticStateShared, reason);
            return false;
        }
    }

    private bool IsInReachedMethod(SemanticModel model, SyntaxNode node, CancellationToken cancellationToken)
    {
        var symbol = model.GetEnclosingSymbol(node.SpanStart, cancellationToken);
        while (symbol is IMethodSymbol { MethodKind: MethodKind.AnonymousFunction or MethodKind.LocalFunction })
        {
            symbol = symbol.ContainingSymbol;
        }

        return symbol is IMethodSymbol method && _bodies.ContainsKey(method.OriginalDefinition);
    }

    private static bool IsOwnInitializer(SyntaxNode name, IFieldSymbol field)
        => name.Ancestors().OfType<VariableDeclaratorSyntax>().FirstOrDefault() is { } declarator
           && field.DeclaringSyntaxReferences.Any(r => r.SyntaxTree == declarator.SyntaxTree && r.Span == declarator.Span);

    /// <summary><c>M(…)</c> or <c>X.M(…)</c>: the name is what is called, not a method group made a delegate.</summary>
    private static bool IsCallee(IdentifierNameSyntax name)
        => name.Parent is InvocationExpressionSyntax invocation && invocation.Expression == name
           || name.Parent is MemberAccessExpressionSyntax access && access.Name == name
              && access.Parent is InvocationExpressionSyntax call && call.Expression == access;

    /// <summary>The project's methods <paramref name="operation"/> and its descendants call; null when one is dispatched at run time.</summary>
    private HashSet<IMethodSymbol>? CalleesOf(IOperation operation, Refusal why)
    {
        var callees = new HashSet<IMethodSymbol>(SymbolEqualityComparer.Default);
        foreach (var descendant in operation.DescendantsAndSelf())
        {
            foreach (var method in MethodsUsedBy(descendant))
            {
                if (method.IsVirtual || method.IsAbstract || method.IsOverride || method.ContainingType.TypeKind == TypeKind.Interface)
                {
                    return why.Refuse<HashSet<IMethodSymbol>>(NoFixReasons.ThreadStaticRegion, $"'{method.Name}' is dispatched at run time, so which body runs is not known");
                }

                callees.Add(method);
            }
        }

        return callees;
    }

    /// <summary>The methods of the project's source one operation calls or refers to (not local functions or lambdas: their code is part of the body).</summary>
    private IEnumerable<IMethodSymbol> MethodsUsedBy(IOperation operation)
    {
        IEnumerable<IMethodSymbol?> methods = operation switch
        {
            IInvocationOperation invocation => new[] { invocation.TargetMethod },
            IObjectCreationOperation creation => new[] { creation.Constructor },
            IPropertyReferenceOperation property => new[] { property.Property.GetMethod, property.Property.SetMethod },
            IMethodReferenceOperation reference => new[] { reference.Method },
            IBinaryOperation binary => new[] { binary.OperatorMethod },
            IUnaryOperation unary => new[] { unary.OperatorMethod },
            IConversionOperation conversion => new[] { conversion.OperatorMethod },
            ICompoundAssignmentOperation compound => new[] { compound.OperatorMethod },
            IIncrementOrDecrementOperation increment => new[] { increment.OperatorMethod },
            _ => System.Array.Empty<IMethodSymbol?>(),
        };
        foreach (var method in methods)
        {
            if (method is not null && method.MethodKind is not (MethodKind.LocalFunction or MethodKind.AnonymousFunction)
                && !method.IsImplicitlyDeclared
                && method.OriginalDefinition.DeclaringSyntaxReferences.Any(r => Compilation.ContainsSyntaxTree(r.SyntaxTree))
                && !TouchesOnlyItsInstance(method.OriginalDefinition))
            {
                yield return method.OriginalDefinition;
            }
        }
    }

    /// <summary>
    /// Code with no body of its own that only stores or loads the instance's own values, so it reaches no static state: an
    /// instance auto-property's accessors (a positional record's properties included), and the primary constructor of a
    /// type that has no instance field or property initialisers and passes nothing to a base constructor
    /// (<c>new YieldResult(vout, knee)</c> for <c>record YieldResult(double Vout, double Knee)</c>).
    /// </summary>
    private static bool TouchesOnlyItsInstance(IMethodSymbol method)
    {
        if (method.IsStatic || method.DeclaringSyntaxReferences.Length != 1)
        {
            return false;
        }

        var syntax = method.DeclaringSyntaxReferences[0].GetSyntax();
        if (method.MethodKind is MethodKind.PropertyGet or MethodKind.PropertySet)
        {
            return syntax is ParameterSyntax
                   || (syntax is AccessorDeclarationSyntax { Body: null, ExpressionBody: null } && syntax.Parent?.Parent is PropertyDeclarationSyntax { ExpressionBody: null });
        }

        if (method.MethodKind != MethodKind.Constructor || syntax is not TypeDeclarationSyntax { ParameterList: not null })
        {
            return false;
        }

        foreach (var part in method.ContainingType.DeclaringSyntaxReferences.Select(r => r.GetSyntax()).OfType<TypeDeclarationSyntax>())
        {
            if (part.BaseList?.Types.Any(t => t is PrimaryConstructorBaseTypeSyntax) == true)
            {
                return false;
            }

            foreach (var member in part.Members)
            {
                var initialised = member switch
                {
                    FieldDeclarationSyntax field => !field.Modifiers.Any(SyntaxKind.StaticKeyword) && !field.Modifiers.Any(SyntaxKind.ConstKeyword)
                                                    && field.Declaration.Variables.Any(v => v.Initializer is not null),
                    PropertyDeclarationSyntax property => !property.Modifiers.Any(SyntaxKind.StaticKeyword) && property.Initializer is not null,
                    EventFieldDeclarationSyntax events => !events.Modifiers.Any(SyntaxKind.StaticKeyword) && events.Declaration.Variables.Any(v => v.Initializer is not null),
                    _ => false,
                };
                if (initialised)
                {
                    return false;
                }
            }
        }

        return true;
    }

    private IBlockOperation? BodyOperation(IMethodSymbol method, CancellationToken cancellationToken)
    {
        foreach (var reference in (method.PartialImplementationPart ?? method).DeclaringSyntaxReferences)
        {
            var syntax = reference.GetSyntax(cancellationToken);
            var model = Compilation.GetSemanticModel(syntax.SyntaxTree);
            switch (model.GetOperation(syntax, cancellationToken))
            {
                case IMethodBodyBaseOperation body when (body.BlockBody ?? body.ExpressionBody) is { } block:
                    return block;
                case IBlockOperation block:
                    return block;
            }
        }

        return null;
    }

    private static bool IsInNestedFunction(IOperation operation, IOperation body)
    {
        for (var current = operation.Parent; current is not null && current != body; current = current.Parent)
        {
            if (current is IAnonymousFunctionOperation or ILocalFunctionOperation)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The field itself is written (assigned, incremented, deconstructed into) or taken by reference (<c>ref</c>, <c>out</c>, a ref local).</summary>
    private static bool IsAssignedOrByRef(IFieldReferenceOperation reference)
    {
        var parent = reference.Parent;
        if (parent is IAssignmentOperation assignment && assignment.Target == reference
            || parent is IIncrementOrDecrementOperation
            || parent is ITupleOperation && parent.Parent is IDeconstructionAssignmentOperation
            || parent is IAddressOfOperation)
        {
            return true;
        }

        return reference.Syntax.Parent is RefExpressionSyntax
               || reference.Syntax.Parent is ArgumentSyntax argument && !argument.RefKindKeyword.IsKind(SyntaxKind.None) && !argument.RefKindKeyword.IsKind(SyntaxKind.InKeyword);
    }

    /// <summary>
    /// The write gives the field a value no other code holds: a number, a string or another immutable value, or a new
    /// object or array (also through a chain <c>a = b = new T[n]</c>), <c>null</c>, a copy (<c>Clone()</c>, <c>ToArray()</c>, <c>ToList()</c>).
    /// </summary>
    private static bool IsGivenFreshValue(IFieldReferenceOperation reference)
    {
        var type = reference.Field.Type;
        if (type.IsValueType && type.TypeKind != TypeKind.TypeParameter || type.SpecialType == SpecialType.System_String)
        {
            return true;
        }

        return reference.Parent switch
        {
            ISimpleAssignmentOperation { IsRef: false } assignment when assignment.Target == reference => IsFresh(assignment.Value),
            ICoalesceAssignmentOperation coalesce when coalesce.Target == reference => IsFresh(coalesce.Value),
            _ => false,
        };

        static bool IsFresh(IOperation value)
        {
            while (value is IConversionOperation { OperatorMethod: null } conversion)
            {
                value = conversion.Operand;
            }

            return value.ConstantValue.HasValue
                   || value is IDefaultValueOperation or IArrayCreationOperation or IObjectCreationOperation or IAnonymousObjectCreationOperation
                   || value is ISimpleAssignmentOperation { IsRef: false } inner && IsFresh(inner.Value)
                   || value is IInvocationOperation { TargetMethod: { Name: "Clone" or "ToArray" or "ToList", DeclaringSyntaxReferences.Length: 0 } };
        }
    }
}
