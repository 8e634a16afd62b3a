using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;

namespace GilAnalyzers.Core;

/// <summary>
/// The bodies an interface, abstract or virtual call of this compilation can run: the implementations and overrides
/// written in the compilation's own source (<c>_simplifier.Simplify(mesh)</c> through an <c>ISimplifier</c> the project
/// implements itself). Built lazily, once per compilation, only when the cost model meets such a call; a call whose
/// receiver is a class narrows to that class and the types derived from it. A member with more than
/// <see cref="MaxImplementations"/> bodies is treated as open (plug-in points, visitors): the cost stays unknown.
/// </summary>
internal sealed class SourceImplementations
{
    /// <summary>More bodies than this and the call is an open extension point, not one piece of work.</summary>
    public const int MaxImplementations = 6;

    /// <summary>Source types walked for the index; a compilation beyond this is not indexed (the calls stay unknown).</summary>
    private const int MaxTypes = 20_000;

    private readonly Compilation _compilation;
    private readonly ConcurrentDictionary<IMethodSymbol, ImmutableArray<IMethodSymbol>> _byMember =
        new ConcurrentDictionary<IMethodSymbol, ImmutableArray<IMethodSymbol>>(SymbolEqualityComparer.Default);

    private ImmutableArray<INamedTypeSymbol> _types;

    public SourceImplementations(Compilation compilation)
    {
        _compilation = compilation;
    }

    /// <summary>
    /// True when <paramref name="method"/> dispatches (interface member, abstract, virtual or override) and its type is
    /// declared in this compilation, so its implementations can be in source.
    /// </summary>
    public bool Dispatches(IMethodSymbol method)
        => (method.IsAbstract || method.IsVirtual || method.IsOverride || method.ContainingType?.TypeKind == TypeKind.Interface)
           && method.ContainingType is { } type
           && SymbolEqualityComparer.Default.Equals(type.ContainingAssembly, _compilation.Assembly);

    /// <summary>
    /// The source bodies the call can run (empty when there are none, or more than <see cref="MaxImplementations"/>).
    /// <paramref name="receiverType"/> narrows a call on a class to that class's own and derived implementations.
    /// </summary>
    public ImmutableArray<IMethodSymbol> For(IMethodSymbol method, ITypeSymbol? receiverType, CancellationToken cancellationToken)
    {
        var all = _byMember.GetOrAdd(method.OriginalDefinition, m => Find(m, cancellationToken));
        if (all.IsDefaultOrEmpty || receiverType is not INamedTypeSymbol { TypeKind: TypeKind.Class or TypeKind.Struct } receiver)
        {
            return all.IsDefault ? ImmutableArray<IMethodSymbol>.Empty : all;
        }

        var narrowed = ImmutableArray.CreateBuilder<IMethodSymbol>();
        foreach (var implementation in all)
        {
            if (OperationFacts.DerivesFrom(implementation.ContainingType, receiver.OriginalDefinition)
                || OperationFacts.DerivesFrom(receiver.OriginalDefinition, implementation.ContainingType))
            {
                narrowed.Add(implementation);
            }
        }

        return narrowed.ToImmutable();
    }

    private ImmutableArray<IMethodSymbol> Find(IMethodSymbol member, CancellationToken cancellationToken)
    {
        var found = new List<IMethodSymbol>();
        var declaring = member.ContainingType.OriginalDefinition;
        if (!member.IsAbstract && member.DeclaringSyntaxReferences.Length > 0 && declaring.TypeKind != TypeKind.Interface)
        {
            found.Add(member);
        }

        foreach (var type in SourceTypes(cancellationToken))
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (type.IsAbstract || type.TypeKind is not (TypeKind.Class or TypeKind.Struct)
                || SymbolEqualityComparer.Default.Equals(type, declaring))
            {
                continue;
            }

            var body = declaring.TypeKind == TypeKind.Interface ? Implementation(type, declaring, member) : Override(type, declaring, member);
            if (body is not null && body.DeclaringSyntaxReferences.Length > 0 && !found.Contains(body, SymbolEqualityComparer.Default))
            {
                found.Add(body);
                if (found.Count > MaxImplementations)
                {
                    return ImmutableArray<IMethodSymbol>.Empty;
                }
            }
        }

        return found.ToImmutableArray();
    }

    private static IMethodSymbol? Implementation(INamedTypeSymbol type, INamedTypeSymbol contract, IMethodSymbol member)
    {
        foreach (var implemented in type.AllInterfaces)
        {
            if (!SymbolEqualityComparer.Default.Equals(implemented.OriginalDefinition, contract))
            {
                continue;
            }

            foreach (var candidate in implemented.GetMembers(member.Name))
            {
                if (candidate is IMethodSymbol method && SymbolEqualityComparer.Default.Equals(method.OriginalDefinition, member)
                    && type.FindImplementationForInterfaceMember(method) is IMethodSymbol implementation)
                {
                    return implementation.OriginalDefinition;
                }
            }
        }

        return null;
    }

    /// <summary>The override of <paramref name="member"/> declared in <paramref name="type"/> itself, if any.</summary>
    private static IMethodSymbol? Override(INamedTypeSymbol type, INamedTypeSymbol declaring, IMethodSymbol member)
    {
        if (!OperationFacts.DerivesFrom(type, declaring))
        {
            return null;
        }

        foreach (var candidate in type.GetMembers(member.Name))
        {
            for (var overridden = (candidate as IMethodSymbol)?.OverriddenMethod; overridden is not null; overridden = overridden.OverriddenMethod)
            {
                if (SymbolEqualityComparer.Default.Equals(overridden.OriginalDefinition, member))
                {
                    return ((IMethodSymbol)candidate).OriginalDefinition;
                }
            }
        }

        return null;
    }

    private ImmutableArray<INamedTypeSymbol> SourceTypes(CancellationToken cancellationToken)
    {
        if (_types.IsDefault)
        {
            var types = ImmutableArray.CreateBuilder<INamedTypeSymbol>();
            var pending = new Stack<INamespaceOrTypeSymbol>();
            pending.Push(_compilation.Assembly.GlobalNamespace);
            while (pending.Count > 0 && types.Count <= MaxTypes)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var container = pending.Pop();
                if (container is INamespaceSymbol ns)
                {
                    foreach (var member in ns.GetMembers())
                    {
                        pending.Push(member);
                    }

                    continue;
                }

                var type = (INamedTypeSymbol)container;
                types.Add(type);
                foreach (var nested in type.GetTypeMembers())
                {
                    pending.Push(nested);
                }
            }

            ImmutableInterlocked.InterlockedInitialize(ref _types, types.Count > MaxTypes ? ImmutableArray<INamedTypeSymbol>.Empty : types.ToImmutable());
        }

        return _types;
    }
}
