using System.Collections.Generic;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace GilAnalyzers.CodeFixes.Locks;

/// <summary>
/// The other places that take the same lock as a region: what they write under it is what code moved out of
/// the region must not read. The search covers where the lock object can be named: the function for a local,
/// the type for a private field or <c>this</c>, the whole compilation otherwise.
/// </summary>
internal static class SameLockRegions
{
    public static List<GuardedRegion> Find(SemanticModel model, GuardedRegion region, CancellationToken cancellationToken)
    {
        var result = new List<GuardedRegion>();
        var lockSymbol = model.GetSymbolInfo(region.LockExpression, cancellationToken).Symbol;
        var isThisLock = region.LockExpression is ThisExpressionSyntax;
        var containingType = model.GetEnclosingSymbol(region.First.SpanStart, cancellationToken)?.ContainingType;

        IEnumerable<SyntaxNode> searchRoots;
        if (lockSymbol is ILocalSymbol || lockSymbol is IParameterSymbol)
        {
            searchRoots = lockSymbol.ContainingSymbol.DeclaringSyntaxReferences.Select(r => r.GetSyntax(cancellationToken));
        }
        else if ((lockSymbol is not null && lockSymbol.DeclaredAccessibility == Accessibility.Private && lockSymbol.ContainingType is not null)
                 || (isThisLock && containingType is not null))
        {
            var type = lockSymbol?.ContainingType ?? containingType!;
            searchRoots = type.DeclaringSyntaxReferences.Select(r => r.GetSyntax(cancellationToken));
        }
        else
        {
            searchRoots = model.Compilation.SyntaxTrees.Select(t => t.GetRoot(cancellationToken));
        }

        foreach (var root in searchRoots)
        {
            var rootModel = root.SyntaxTree == model.SyntaxTree ? model : model.Compilation.GetSemanticModel(root.SyntaxTree);
            foreach (var other in GuardedRegion.FindAll(root, rootModel, cancellationToken))
            {
                if (other.First == region.First)
                {
                    continue;
                }

                if (SameLock(region, lockSymbol, other, rootModel, cancellationToken))
                {
                    result.Add(other);
                }
            }
        }

        // [MethodImpl(Synchronized)] methods lock `this` (instance) or `typeof(T)` (static) around their whole body.
        var lockedType = isThisLock ? containingType
            : region.LockExpression is TypeOfExpressionSyntax typeOf ? model.GetTypeInfo(typeOf.Type, cancellationToken).Type as INamedTypeSymbol
            : null;
        if (lockedType is not null)
        {
            foreach (var method in lockedType.GetMembers().OfType<IMethodSymbol>())
            {
                if (method.IsStatic == isThisLock || (method.MethodImplementationFlags & System.Reflection.MethodImplAttributes.Synchronized) == 0
                    && !HasSynchronizedAttribute(method))
                {
                    continue;
                }

                foreach (var reference in method.DeclaringSyntaxReferences)
                {
                    if (reference.GetSyntax(cancellationToken) is BaseMethodDeclarationSyntax { Body: { } body }
                        && GuardedRegion.ForMethodBody(body, region.LockExpression) is { } synchronized)
                    {
                        result.Add(synchronized);
                    }
                }
            }
        }

        return result;
    }

    /// <summary>
    /// Why <see cref="Find"/> cannot list every place that takes the region's lock, or null when it can: a lock object
    /// passed in as a parameter (its callers may lock it under other names), one picked from an array or list of
    /// stripes (the other stripes' indices are not comparable), or one returned by a call.
    /// </summary>
    public static string? WhyIncomplete(SemanticModel model, GuardedRegion region, CancellationToken cancellationToken)
    {
        if (region.IsWholeBody)
        {
            return null;
        }

        var expression = region.LockExpression;
        while (expression is ParenthesizedExpressionSyntax parenthesized)
        {
            expression = parenthesized.Expression;
        }

        switch (expression)
        {
            case ThisExpressionSyntax:
            case TypeOfExpressionSyntax:
            case LiteralExpressionSyntax:
                return null;
            case ElementAccessExpressionSyntax:
                return "lock picked from stripes";
        }

        return model.GetSymbolInfo(expression, cancellationToken).Symbol switch
        {
            IParameterSymbol => "lock object passed in",
            ILocalSymbol or IFieldSymbol or IPropertySymbol => null,
            _ => "lock object not named by a variable",
        };
    }

    private static bool HasSynchronizedAttribute(IMethodSymbol method)
        => method.GetAttributes().Any(a => a.AttributeClass?.ToDisplayString() == "System.Runtime.CompilerServices.MethodImplAttribute"
            && a.ConstructorArguments.Length == 1
            && a.ConstructorArguments[0].Value is int flags && (flags & 0x20) != 0);

    private static bool SameLock(GuardedRegion region, ISymbol? lockSymbol, GuardedRegion other, SemanticModel otherModel, CancellationToken cancellationToken)
    {
        if (lockSymbol is not null && !(region.LockExpression is ThisExpressionSyntax))
        {
            var otherSymbol = otherModel.GetSymbolInfo(other.LockExpression, cancellationToken).Symbol;
            return SymbolEqualityComparer.Default.Equals(lockSymbol, otherSymbol);
        }

        // typeof(T), string literals, `this`: the same text names the same object (conservatively).
        return SyntaxFactory.AreEquivalent(region.LockExpression, other.LockExpression);
    }
}
