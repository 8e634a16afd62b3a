using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Runtime.CompilerServices;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace GilAnalyzers.Core;

/// <summary>
/// Async-lock wrappers: a method that takes a lock and hands back a disposable that releases it, used as
/// <c>using (await gate.LockAsync()) { … }</c>, <c>using var _ = await gate.WaitAsync();</c> or <c>using (gate.Lock())</c>.
/// A wrapper is either a method of a source type of the compilation that waits on its own one-slot <c>SemaphoreSlim</c>
/// and returns a disposable whose <c>Dispose</c> releases a semaphore (a release lambda such as
/// <c>Disposable.Create(() => _sem.Release())</c>, a releaser struct or class, or the wrapper itself), or one of the
/// well-known mutual-exclusion async locks (Nito.AsyncEx and NeoSmart's <c>AsyncLock.LockAsync/Lock</c>).
/// </summary>
internal static class AsyncLockWrappers
{
    /// <summary>
    /// The acquiring call among a <c>using</c>'s resources — <c>[await] x.M(…)[.ConfigureAwait(…)]</c>, alone or as the one
    /// declarator's initialiser — when <c>M</c> is a wrapper and <c>x</c> is an instance; else null.
    /// </summary>
    public static IInvocationOperation? FindAcquire(IOperation? resources, KnownTypes types, CancellationToken cancellationToken)
    {
        var value = resources;
        if (value is IVariableDeclarationGroupOperation { Declarations: { Length: 1 } declarations })
        {
            value = declarations[0].Declarators.Length == 1 ? declarations[0].Declarators[0].Initializer?.Value ?? declarations[0].Initializer?.Value : null;
        }

        value = value is null ? null : OperationFacts.StripConversions(value);
        if (value is IAwaitOperation awaited)
        {
            value = OperationFacts.StripConfigureAwait(awaited.Operation);
        }

        return value is IInvocationOperation { Instance: not null } call && IsWrapper(call.TargetMethod, types, cancellationToken) ? call : null;
    }

    /// <summary>Whether <paramref name="method"/> takes a lock that the disposable it returns releases; memoised per compilation.</summary>
    public static bool IsWrapper(IMethodSymbol method, KnownTypes types, CancellationToken cancellationToken)
    {
        method = method.OriginalDefinition;
        if (method.IsStatic || method.Parameters.Length > 2 || method.ReturnsVoid)
        {
            return false;
        }

        if (IsWellKnown(method))
        {
            return true;
        }

        if (method.IsAbstract || method.DeclaringSyntaxReferences.Length != 1
            || !types.Compilation.ContainsSyntaxTree(method.DeclaringSyntaxReferences[0].SyntaxTree))
        {
            return false;
        }

        var known = Cache.GetValue(types.Compilation, _ => new ConcurrentDictionary<IMethodSymbol, bool>(SymbolEqualityComparer.Default));
        if (known.TryGetValue(method, out var verdict))
        {
            return verdict;
        }

        verdict = Analyze(method, types, cancellationToken);
        known.TryAdd(method, verdict);
        return verdict;
    }

    private static readonly ConditionalWeakTable<Compilation, ConcurrentDictionary<IMethodSymbol, bool>> Cache =
        new ConditionalWeakTable<Compilation, ConcurrentDictionary<IMethodSymbol, bool>>();

    /// <summary>Nito.AsyncEx's and NeoSmart's <c>AsyncLock</c>: one holder at a time, by their documented contract.</summary>
    private static bool IsWellKnown(IMethodSymbol method)
        => (method.Name == "LockAsync" || method.Name == "Lock")
           && method.ContainingType is { Name: "AsyncLock", ContainingNamespace: { } ns }
           && ns.ToDisplayString() is "Nito.AsyncEx" or "NeoSmart.AsyncLock";

    private static bool Analyze(IMethodSymbol method, KnownTypes types, CancellationToken cancellationToken)
    {
        var body = WorkCostModel.For(types).GetBody(method, cancellationToken);
        if (body is null)
        {
            return false;
        }

        var owner = method.ContainingType;
        ISymbol? gate = null;
        IOperation? gateReference = null;
        var releasedLater = false;
        var candidates = new List<ITypeSymbol>();
        foreach (var operation in body.DescendantsAndSelf())
        {
            switch (operation)
            {
                case IInvocationOperation { TargetMethod.Name: "Wait" or "WaitAsync", Instance: { } instance } wait
                    when KnownTypes.Is(wait.TargetMethod.ContainingType, types.SemaphoreSlim):
                    if (OwnMember(instance, owner) is not { } waited || (gate is not null && !SymbolEqualityComparer.Default.Equals(gate, waited)))
                    {
                        return false;
                    }

                    gate = waited;
                    gateReference = instance;
                    break;
                case IInvocationOperation { TargetMethod.Name: "Release", Instance: { } instance } release
                    when KnownTypes.Is(release.TargetMethod.ContainingType, types.SemaphoreSlim):
                    switch (Placement(release, body))
                    {
                        case ReleasePlacement.Deferred:
                            releasedLater = true;
                            break;
                        case ReleasePlacement.Direct:
                            // Released before the method returns: the caller's using holds nothing.
                            return false;
                    }

                    break;
                case IObjectCreationOperation { Type: { } created }:
                    candidates.Add(created);
                    break;
                case IFieldReferenceOperation { Field: { } field } when SymbolEqualityComparer.Default.Equals(field.ContainingType?.OriginalDefinition, owner):
                    candidates.Add(field.Type);
                    break;
                case IReturnOperation { ReturnedValue: { } returned } when OperationFacts.StripConversions(returned) is IInstanceReferenceOperation:
                    candidates.Add(owner);
                    break;
            }
        }

        if (gate is null || gateReference is null || !LockRegionFinder.IsSingleSlotGate(gateReference))
        {
            return false;
        }

        if (releasedLater)
        {
            return true;
        }

        foreach (var candidate in candidates)
        {
            if (DisposeReleases(Unwrapped(candidate), types, cancellationToken))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The field or property of the wrapper's own type that <paramref name="instance"/> names (<c>_sem</c>, <c>this._sem</c>).</summary>
    private static ISymbol? OwnMember(IOperation instance, INamedTypeSymbol owner)
        => OperationFacts.StripConversions(instance) switch
        {
            IFieldReferenceOperation { Instance: null or IInstanceReferenceOperation } field
                when SymbolEqualityComparer.Default.Equals(field.Field.ContainingType?.OriginalDefinition, owner) => field.Field,
            IPropertyReferenceOperation { Instance: null or IInstanceReferenceOperation, Arguments.Length: 0 } property
                when SymbolEqualityComparer.Default.Equals(property.Property.ContainingType?.OriginalDefinition, owner) => property.Property,
            _ => null,
        };

    private enum ReleasePlacement
    {
        /// <summary>In the method's own flow: it runs before the caller gets the disposable.</summary>
        Direct,

        /// <summary>In a lambda or local function (the disposable's callback, a continuation).</summary>
        Deferred,

        /// <summary>In a catch clause: the acquisition failed or was cancelled.</summary>
        OnFailure,
    }

    private static ReleasePlacement Placement(IOperation release, IOperation body)
    {
        for (var current = release.Parent; current is not null && current != body; current = current.Parent)
        {
            switch (current)
            {
                case IAnonymousFunctionOperation:
                case ILocalFunctionOperation:
                    return ReleasePlacement.Deferred;
                case ICatchClauseOperation:
                    return ReleasePlacement.OnFailure;
            }
        }

        return ReleasePlacement.Direct;
    }

    /// <summary><c>Task&lt;Releaser&gt;</c> and <c>ValueTask&lt;Releaser&gt;</c> hold a releaser too.</summary>
    private static ITypeSymbol Unwrapped(ITypeSymbol type)
        => type is INamedTypeSymbol { IsGenericType: true, TypeArguments.Length: 1 } generic
           && generic.Name is "Task" or "ValueTask"
            ? generic.TypeArguments[0]
            : type;

    /// <summary>
    /// A source type whose parameterless <c>Dispose</c> releases a <c>SemaphoreSlim</c>, itself or through one call of a
    /// method of the compilation (<c>_owner.Release()</c>).
    /// </summary>
    private static bool DisposeReleases(ITypeSymbol type, KnownTypes types, CancellationToken cancellationToken)
    {
        if (type is not INamedTypeSymbol named || named.DeclaringSyntaxReferences.Length == 0)
        {
            return false;
        }

        foreach (var member in named.OriginalDefinition.GetMembers("Dispose"))
        {
            if (member is IMethodSymbol { Parameters.Length: 0, IsStatic: false } dispose
                && ReleasesSemaphore(dispose, types, depth: 1, cancellationToken))
            {
                return true;
            }
        }

        return false;
    }

    private static bool ReleasesSemaphore(IMethodSymbol method, KnownTypes types, int depth, CancellationToken cancellationToken)
    {
        if (WorkCostModel.For(types).GetBody(method.OriginalDefinition, cancellationToken) is not { } body)
        {
            return false;
        }

        foreach (var operation in body.DescendantsAndSelf())
        {
            if (operation is not IInvocationOperation call)
            {
                continue;
            }

            if (call.TargetMethod.Name == "Release" && KnownTypes.Is(call.TargetMethod.ContainingType, types.SemaphoreSlim))
            {
                return true;
            }

            if (depth > 0 && !call.TargetMethod.IsVirtual && !call.TargetMethod.IsAbstract
                && call.TargetMethod.DeclaringSyntaxReferences.Length == 1
                && types.Compilation.ContainsSyntaxTree(call.TargetMethod.DeclaringSyntaxReferences[0].SyntaxTree)
                && ReleasesSemaphore(call.TargetMethod, types, depth - 1, cancellationToken))
            {
                return true;
            }
        }

        return false;
    }
}
