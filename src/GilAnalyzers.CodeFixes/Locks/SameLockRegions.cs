using GilAnalyzers.Core;
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
    /// <summary>Code that runs under the same lock elsewhere: where it is taken, and the statements that run under it.</summary>
    internal sealed class OtherRegion
    {
        public OtherRegion(SyntaxNode taken, IReadOnlyList<SyntaxNode> statements)
        {
            Taken = taken;
            Statements = statements;
        }

        /// <summary>The lock statement, the acquiring call, or the first statement of a synchronized method.</summary>
        public SyntaxNode Taken { get; }

        public IReadOnlyList<SyntaxNode> Statements { get; }
    }

    /// <summary>
    /// Every other region of the lock, found by the analyzers' own recognisers (<see cref="LockRegionFinder.FindAll"/>), so
    /// every form the analyzers see — guard forms, <c>Monitor.Enter(x, ref taken)</c>, reader/writer write locks, locks
    /// whose statement is not in a block — also counts here, not only the forms the fixes can rewrite.
    /// </summary>
    public static List<OtherRegion> Find(SemanticModel model, GuardedRegion region, CancellationToken cancellationToken)
    {
        var result = new List<OtherRegion>();
        var types = KnownTypes.For(model.Compilation);
        // A striped lock (locks[c]) may be the same object as any other element of the same array: regions on any
        // element of it count, found through the array's variable.
        var stripes = StripesOf(region.LockExpression);
        // A hidden lock kept by a whole-body region is a synthesized `this` / `typeof(T)`, not a node of the model's tree.
        var inTree = region.LockExpression.SyntaxTree == model.SyntaxTree;
        var lockSymbol = inTree ? model.GetSymbolInfo(stripes ?? region.LockExpression, cancellationToken).Symbol : null;
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
            if (!model.Compilation.ContainsSyntaxTree(root.SyntaxTree))
            {
                continue;
            }

            var rootModel = root.SyntaxTree == model.SyntaxTree ? model : model.Compilation.GetSemanticModel(root.SyntaxTree);
            foreach (var other in LockRegionFinder.FindAll(rootModel, root, types, cancellationToken))
            {
                var taken = other.Anchor.Syntax;
                if (IsTheRegionItself(region, taken))
                {
                    continue;
                }

                if (other.LockedValue.Syntax is ExpressionSyntax otherLock
                    && (stripes is null
                        ? SameLock(region, lockSymbol, otherLock, rootModel, cancellationToken)
                        : StripesOf(otherLock) is { } otherStripes && lockSymbol is not null
                          && SymbolEqualityComparer.Default.Equals(lockSymbol, rootModel.GetSymbolInfo(otherStripes, cancellationToken).Symbol)))
                {
                    result.Add(new OtherRegion(taken, other.Body.Select(o => o.Syntax).ToArray()));
                }
            }
        }

        AddSynchronizedMethods(model, region, types, isThisLock, inTree, containingType, result, cancellationToken);
        return result;
    }

    /// <summary>
    /// The bodies of the <c>[MethodImpl(Synchronized)]</c> methods that take the same hidden lock: instance ones lock
    /// <c>this</c>, static ones <c>typeof(T)</c>, around their whole body.
    /// </summary>
    private static void AddSynchronizedMethods(SemanticModel model, GuardedRegion region, KnownTypes types, bool isThisLock, bool inTree,
        INamedTypeSymbol? containingType, List<OtherRegion> result, CancellationToken cancellationToken)
    {
        var lockedType = isThisLock ? containingType
            : region.LockExpression is TypeOfExpressionSyntax typeOf ? (inTree ? model.GetTypeInfo(typeOf.Type, cancellationToken).Type as INamedTypeSymbol : region.KeepsHiddenLock ? containingType : null)
            : null;
        if (lockedType is not null)
        {
            foreach (var method in lockedType.GetMembers().OfType<IMethodSymbol>())
            {
                if (method.IsStatic == isThisLock || !SynchronizedMethods.IsSynchronized(method, types))
                {
                    continue;
                }

                foreach (var reference in method.DeclaringSyntaxReferences)
                {
                    if (reference.GetSyntax(cancellationToken) is BaseMethodDeclarationSyntax { Body: { Statements.Count: > 0 } body })
                    {
                        result.Add(new OtherRegion(body.Statements[0], body.Statements.ToArray()));
                    }
                }
            }
        }
    }

    /// <summary>Whether <paramref name="taken"/> (where another region takes its lock) is where <paramref name="region"/> takes it.</summary>
    private static bool IsTheRegionItself(GuardedRegion region, SyntaxNode taken)
    {
        if (taken.SyntaxTree != region.First.SyntaxTree)
        {
            return false;
        }

        if (taken == region.First || (region.Acquire is not null && region.Acquire.Span.Contains(taken.Span)))
        {
            return true;
        }

        // The acquiring call in `gate.Wait();` or the EnterScope call in `using (gate.EnterScope())`: inside the region's
        // first statement, before its body.
        return region.First is not LockStatementSyntax
               && region.First.Span.Contains(taken.Span)
               && !(region.BodyIsInTree && region.Body.Span.Contains(taken.Span));
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
            case ElementAccessExpressionSyntax element:
                // Stripes of an array named by a field or local: Find lists the regions on every element of it.
                return StripesOf(element) is { } stripes
                       && model.GetSymbolInfo(stripes, cancellationToken).Symbol is ILocalSymbol or IFieldSymbol
                       && model.GetTypeInfo(stripes, cancellationToken).Type is IArrayTypeSymbol
                    ? null
                    : "lock picked from stripes";
        }

        return model.GetSymbolInfo(expression, cancellationToken).Symbol switch
        {
            IParameterSymbol => "lock object passed in",
            ILocalSymbol or IFieldSymbol or IPropertySymbol => null,
            _ => "lock object not named by a variable",
        };
    }

    /// <summary>The array of <c>locks[c]</c> (one index), or null for any other lock expression.</summary>
    private static ExpressionSyntax? StripesOf(ExpressionSyntax lockExpression)
    {
        while (lockExpression is ParenthesizedExpressionSyntax parenthesized)
        {
            lockExpression = parenthesized.Expression;
        }

        return lockExpression is ElementAccessExpressionSyntax { ArgumentList.Arguments.Count: 1 } element ? element.Expression : null;
    }

    private static bool SameLock(GuardedRegion region, ISymbol? lockSymbol, ExpressionSyntax otherLock, SemanticModel otherModel, CancellationToken cancellationToken)
    {
        if (lockSymbol is not null && !(region.LockExpression is ThisExpressionSyntax))
        {
            var otherSymbol = otherModel.GetSymbolInfo(otherLock, cancellationToken).Symbol;
            return SymbolEqualityComparer.Default.Equals(lockSymbol, otherSymbol);
        }

        // typeof(T), string literals, `this`: the same text names the same object (conservatively).
        return SyntaxFactory.AreEquivalent(region.LockExpression, otherLock);
    }
}
