using System;
using System.Collections.Concurrent;
using System.Linq;
using System.Runtime.CompilerServices;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace GilAnalyzers.Core;

/// <summary>
/// Lock helpers: small methods of the compilation that take a lock and leave it held for their caller, paired with one
/// that releases it — <c>EnterCacheLock(ref taken); try { … } finally { ExitCacheLock(taken); }</c>, <c>AcquireLock(); …
/// ReleaseLock();</c>. The helper's body is at most a few statements with exactly one acquisition (Monitor.Enter/TryEnter,
/// Lock.Enter, a one-slot semaphore's Wait, Mutex.WaitOne, an exclusive reader/writer acquisition), possibly under an
/// <c>if</c>, of a static field or a field of the helper's own type, and no release. A helper that takes an instance field's
/// lock counts only when it is called on <c>this</c>: the lock is then the caller's own.
/// </summary>
internal static class AcquireHelpers
{
    /// <summary>What a helper acquires: its lock (an operation of the helper's body), the lock's kind, its release names.</summary>
    internal sealed class Helper
    {
        public Helper(LockKind innerKind, IOperation lockedValue, string[] releaseNames, bool isSystemWide)
        {
            InnerKind = innerKind;
            LockedValue = lockedValue;
            ReleaseNames = releaseNames;
            IsSystemWide = isSystemWide;
        }

        public LockKind InnerKind { get; }

        public IOperation LockedValue { get; }

        public string[] ReleaseNames { get; }

        public bool IsSystemWide { get; }
    }

    /// <summary>Cheap name filter before any symbol work: helpers are named for what they do (<c>EnterXLock</c>, <c>AcquireLock</c>, <c>TakeLock</c>).</summary>
    public static bool MayBeHelperName(string name)
        => name.Length > 5 && !LockRegionFinder.IsAcquireName(name)
           && (name.IndexOf("Lock", StringComparison.Ordinal) >= 0 || name.StartsWith("Enter", StringComparison.Ordinal) || name.StartsWith("Acquire", StringComparison.Ordinal));

    /// <summary>The helper <paramref name="invocation"/> calls, when it is one and its call is a statement of its own; else null.</summary>
    public static Helper? Find(IInvocationOperation invocation, KnownTypes types, CancellationToken cancellationToken)
    {
        if (invocation.Parent is not IExpressionStatementOperation
            || !MayBeHelperName(invocation.TargetMethod.Name)
            || Analyze(invocation.TargetMethod, types, cancellationToken) is not { } helper)
        {
            return null;
        }

        // An instance field's lock is the lock of the object the helper is called on: only this one's is the caller's.
        var lockRoot = OperationFacts.StripConversions(helper.LockedValue) is IMemberReferenceOperation { Member.IsStatic: false };
        return !lockRoot || invocation.Instance is null or IInstanceReferenceOperation { ReferenceKind: InstanceReferenceKind.ContainingTypeInstance }
            ? helper
            : null;
    }

    /// <summary>
    /// Whether <paramref name="call"/> releases the lock written <paramref name="lockText"/> inside a helper of the
    /// compilation (<c>ExitCacheLock(taken)</c> whose body is <c>if (taken) Monitor.Exit(s_cacheLock);</c>).
    /// </summary>
    public static bool Releases(IInvocationOperation call, string lockText, string[] releaseNames, KnownTypes types, CancellationToken cancellationToken)
    {
        var method = call.TargetMethod.OriginalDefinition;
        if (method.IsVirtual || method.IsAbstract || method.DeclaringSyntaxReferences.Length != 1
            || !types.Compilation.ContainsSyntaxTree(method.DeclaringSyntaxReferences[0].SyntaxTree)
            || WorkCostModel.For(types).GetBody(method, cancellationToken) is not { } body
            || body.Syntax.DescendantNodes().Count() > SmallBodyNodes)
        {
            return false;
        }

        return LockRegionFinder.ContainsRelease(body, lockText, releaseNames);
    }

    /// <summary>Helpers are a handful of statements: a bigger body is work of its own, not a lock helper.</summary>
    private const int SmallBodyNodes = 40;

    private static Helper? Analyze(IMethodSymbol method, KnownTypes types, CancellationToken cancellationToken)
    {
        method = method.OriginalDefinition;
        if (method.IsVirtual || method.IsAbstract || method.IsOverride || method.Parameters.Length > 2
            || method.DeclaringSyntaxReferences.Length != 1
            || !types.Compilation.ContainsSyntaxTree(method.DeclaringSyntaxReferences[0].SyntaxTree))
        {
            return null;
        }

        // The helper's lock is an operation of its body, bound in the cost model's per-tree model that lives as long as
        // the compilation, like this cache.
        var known = Cache.GetValue(types.Compilation, _ => new ConcurrentDictionary<IMethodSymbol, Helper?>(SymbolEqualityComparer.Default));
        if (!known.TryGetValue(method, out var helper))
        {
            helper = Compute(method, types, cancellationToken);
            known.TryAdd(method, helper);
        }

        return helper;
    }

    private static readonly ConditionalWeakTable<Compilation, ConcurrentDictionary<IMethodSymbol, Helper?>> Cache =
        new ConditionalWeakTable<Compilation, ConcurrentDictionary<IMethodSymbol, Helper?>>();

    private static Helper? Compute(IMethodSymbol method, KnownTypes types, CancellationToken cancellationToken)
    {
        if (WorkCostModel.For(types).GetBody(method, cancellationToken) is not { } body
            || body.Syntax.DescendantNodes().Count() > SmallBodyNodes)
        {
            return null;
        }

        Helper? found = null;
        foreach (var operation in body.DescendantsAndSelf())
        {
            if (operation is IAnonymousFunctionOperation or ILocalFunctionOperation)
            {
                return null;
            }

            if (operation is not IInvocationOperation call || !LockRegionFinder.IsAcquireName(call.TargetMethod.Name))
            {
                continue;
            }

            if (found is not null
                || !LockRegionFinder.ClassifyAcquire(call, types, out var kind, out var lockedValue, out var systemWide)
                || !IsOwnOrStaticField(lockedValue, method.ContainingType))
            {
                return null;
            }

            found = new Helper(kind, lockedValue, LockRegionFinder.ReleaseNames(kind, call.TargetMethod.Name), systemWide);
        }

        // A helper that also releases (a lock-and-run that finishes before it returns) leaves nothing held.
        return found is not null && !LockRegionFinder.ContainsRelease(body, LockRegionFinder.Normalize(found.LockedValue), found.ReleaseNames)
            ? found
            : null;
    }

    private static bool IsOwnOrStaticField(IOperation lockedValue, INamedTypeSymbol owner)
        => OperationFacts.StripConversions(lockedValue) switch
        {
            IFieldReferenceOperation { Field.IsStatic: true } => true,
            IFieldReferenceOperation { Instance: IInstanceReferenceOperation } field
                => SymbolEqualityComparer.Default.Equals(field.Field.ContainingType?.OriginalDefinition, owner),
            _ => false,
        };
}
