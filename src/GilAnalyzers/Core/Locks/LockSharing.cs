using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace GilAnalyzers.Core;

/// <summary>How widely a lock object is shared between the threads that take it.</summary>
internal enum LockScope
{
    /// <summary>The analysis cannot tell (e.g. the lock comes from a call).</summary>
    Unknown,

    /// <summary>Each worker or item has its own lock object (created inside, or selected by the item).</summary>
    PerItem,

    /// <summary>One object taken by every worker: a field, <c>this</c>, a captured local.</summary>
    Shared,

    /// <summary>Shared by the whole process: a static field, <c>typeof(...)</c>, a string literal.</summary>
    ProcessGlobal,
}

internal readonly struct LockIdentity
{
    public LockIdentity(LockScope scope, string name)
    {
        Scope = scope;
        Name = name;
    }

    public LockScope Scope { get; }

    /// <summary>The lock as written in source, for messages.</summary>
    public string Name { get; }

    public bool IsShared => Scope == LockScope.Shared || Scope == LockScope.ProcessGlobal;
}

/// <summary>Answers "is this lock shared?" for the expression a thread locks on.</summary>
internal static class LockSharing
{
    /// <param name="lockedValue">The operation naming the lock object.</param>
    /// <param name="perWorkerRegion">Code that runs once per item or worker (a parallel body); symbols declared in it are per item. May be null.</param>
    public static LockIdentity Classify(IOperation lockedValue, IOperation? perWorkerRegion)
    {
        var value = OperationFacts.StripConversions(lockedValue);
        var name = value.Syntax.ToString();
        var region = perWorkerRegion?.Syntax;
        return new LockIdentity(ClassifyScope(value, region), name);
    }

    /// <summary>The identity of a lock region's lock; a named Mutex is process-global (machine-wide, in fact).</summary>
    public static LockIdentity Classify(LockRegion region, IOperation? perWorkerRegion)
    {
        var identity = Classify(region.LockedValue, perWorkerRegion);
        return region.IsSystemWide ? new LockIdentity(LockScope.ProcessGlobal, identity.Name) : identity;
    }

    private static LockScope ClassifyScope(IOperation value, SyntaxNode? region)
    {
        switch (value)
        {
            case ITypeOfOperation:
                return LockScope.ProcessGlobal;
            case ILiteralOperation { ConstantValue: { HasValue: true, Value: string } }:
                return LockScope.ProcessGlobal;
            case IInstanceReferenceOperation:
                return LockScope.Shared;
            case IObjectCreationOperation:
                return LockScope.PerItem;
            case ILocalReferenceOperation local:
                return IsDeclaredIn(local.Local, region) ? LockScope.PerItem : LockScope.Shared;
            case IParameterReferenceOperation parameter:
                return IsDeclaredIn(parameter.Parameter, region) ? LockScope.PerItem : LockScope.Shared;
            case IFieldReferenceOperation field:
                if (field.Field.IsStatic)
                {
                    return LockScope.ProcessGlobal;
                }

                return field.Instance is null ? LockScope.Unknown : ScopeOfInstance(field.Instance, region);
            case IPropertyReferenceOperation property:
                if (property.Property.IsStatic)
                {
                    return LockScope.ProcessGlobal;
                }

                if (property.Instance is null)
                {
                    return LockScope.Unknown;
                }

                if (!property.Arguments.IsEmpty)
                {
                    // An indexer: stripes held in a list, lock (stripes[k]).
                    var indices = System.Collections.Immutable.ImmutableArray.CreateBuilder<IOperation>(property.Arguments.Length);
                    foreach (var argument in property.Arguments)
                    {
                        indices.Add(argument.Value);
                    }

                    return ClassifyStripe(property.Instance, indices.MoveToImmutable(), region);
                }

                return ScopeOfInstance(property.Instance, region);
            case IArrayElementReferenceOperation element:
                return ClassifyStripe(element.ArrayReference, element.Indices, region);
            default:
                return LockScope.Unknown;
        }
    }

    /// <summary>
    /// A lock picked from a set of stripes, <c>lock (stripes[k])</c>. Picked by the parallel item itself
    /// (<c>locks[i]</c> with <c>i</c> the delegate's parameter) it is the item's own lock. Picked by anything else (a
    /// cluster id, <c>hash % locks.Length</c>, a bucket) among a few stripes (a small constant count, or up to about
    /// twice the processor count), workers keep meeting on the same stripes: shared. Among many stripes, or when the
    /// count is not in sight, the old reading stands: selected by something of the item, per item.
    /// </summary>
    private static LockScope ClassifyStripe(IOperation stripes, System.Collections.Immutable.ImmutableArray<IOperation> indices, SyntaxNode? region)
    {
        var byItem = false;
        var byRegionSymbol = false;
        var constant = true;
        foreach (var index in indices)
        {
            var value = OperationFacts.StripConversions(index);
            if (value is IParameterReferenceOperation parameter && IsDeclaredIn(parameter.Parameter, region))
            {
                byItem = true;
            }

            if (!value.ConstantValue.HasValue)
            {
                constant = false;
            }

            if (ReferencesRegionSymbol(value, region))
            {
                byRegionSymbol = true;
            }
        }

        if (byItem)
        {
            return LockScope.PerItem;
        }

        if (!constant)
        {
            switch (StripeCount(stripes))
            {
                case StripeSize.Few:
                    var scope = ScopeOfInstance(stripes, region);
                    return scope == LockScope.Unknown ? LockScope.Shared : scope;
                case StripeSize.Many:
                    return LockScope.PerItem;
            }
        }

        return byRegionSymbol ? LockScope.PerItem : ScopeOfInstance(stripes, region);
    }

    private enum StripeSize
    {
        Unknown,
        Few,
        Many,
    }

    /// <summary>The most stripes that still count as few when written as a constant.</summary>
    private const int FewStripes = 16;

    /// <summary>How many lock objects an array or list of stripes holds, from how it is created.</summary>
    private static StripeSize StripeCount(IOperation stripes)
    {
        var values = LockRegionFinder.AssignedValues(stripes);
        if (values is null)
        {
            return StripeSize.Unknown;
        }

        var result = StripeSize.Unknown;
        foreach (var value in values)
        {
            var size = SizeOfCreation(value, stripes);
            if (size == StripeSize.Unknown || (result != StripeSize.Unknown && size != result))
            {
                return StripeSize.Unknown;
            }

            result = size;
        }

        return result;
    }

    private static StripeSize SizeOfCreation(Microsoft.CodeAnalysis.CSharp.Syntax.ExpressionSyntax creation, IOperation stripes)
    {
        switch (creation)
        {
            case Microsoft.CodeAnalysis.CSharp.Syntax.ArrayCreationExpressionSyntax array:
                if (array.Initializer is { } arrayInitializer)
                {
                    return Count(arrayInitializer.Expressions.Count);
                }

                return array.Type.RankSpecifiers.Count > 0 && array.Type.RankSpecifiers[0].Sizes.Count == 1
                    ? SizeOf(array.Type.RankSpecifiers[0].Sizes[0], stripes)
                    : StripeSize.Unknown;
            case Microsoft.CodeAnalysis.CSharp.Syntax.InitializerExpressionSyntax bare
                when bare.IsKind(Microsoft.CodeAnalysis.CSharp.SyntaxKind.ArrayInitializerExpression):
                // object[] stripes = { new object(), new object() };
                return Count(bare.Expressions.Count);
            case Microsoft.CodeAnalysis.CSharp.Syntax.ImplicitArrayCreationExpressionSyntax implicitArray:
                return Count(implicitArray.Initializer.Expressions.Count);
            case Microsoft.CodeAnalysis.CSharp.Syntax.BaseObjectCreationExpressionSyntax { Initializer: { } listInitializer }
                when listInitializer.IsKind(Microsoft.CodeAnalysis.CSharp.SyntaxKind.CollectionInitializerExpression):
                return Count(listInitializer.Expressions.Count);
            case Microsoft.CodeAnalysis.CSharp.Syntax.InvocationExpressionSyntax:
                // Enumerable.Range(0, 8).Select(_ => new object()).ToArray()
                foreach (var call in creation.DescendantNodesAndSelf().OfType<Microsoft.CodeAnalysis.CSharp.Syntax.InvocationExpressionSyntax>())
                {
                    if (call.Expression is Microsoft.CodeAnalysis.CSharp.Syntax.MemberAccessExpressionSyntax { Name.Identifier.ValueText: "Range" or "Repeat" }
                        && call.ArgumentList.Arguments.Count == 2)
                    {
                        return SizeOf(call.ArgumentList.Arguments[1].Expression, stripes);
                    }
                }

                return StripeSize.Unknown;
            default:
                if (creation.GetType().Name == "CollectionExpressionSyntax")
                {
                    // [new(), new(), new()] (C# 12), counted without naming the type, which Roslyn 4.8 may lack.
                    return Count(creation.ChildNodes().Count());
                }

                return StripeSize.Unknown;
        }
    }

    private static StripeSize Count(int count) => count == 0 ? StripeSize.Unknown : count <= FewStripes ? StripeSize.Few : StripeSize.Many;

    /// <summary>
    /// A stripe count as written: a literal, a constant of the stripes' type, <c>Environment.ProcessorCount</c> (times
    /// 2 at most) — few; a larger literal or multiple of the processor count — many; anything else unknown.
    /// </summary>
    private static StripeSize SizeOf(Microsoft.CodeAnalysis.CSharp.Syntax.ExpressionSyntax size, IOperation stripes)
    {
        switch (size)
        {
            case Microsoft.CodeAnalysis.CSharp.Syntax.ParenthesizedExpressionSyntax parenthesized:
                return SizeOf(parenthesized.Expression, stripes);
            case Microsoft.CodeAnalysis.CSharp.Syntax.LiteralExpressionSyntax { Token.Value: int value }:
                return Count(value);
            case Microsoft.CodeAnalysis.CSharp.Syntax.MemberAccessExpressionSyntax { Name.Identifier.ValueText: "ProcessorCount" }:
                return StripeSize.Few;
            case Microsoft.CodeAnalysis.CSharp.Syntax.BinaryExpressionSyntax binary
                when binary.IsKind(Microsoft.CodeAnalysis.CSharp.SyntaxKind.MultiplyExpression) || binary.IsKind(Microsoft.CodeAnalysis.CSharp.SyntaxKind.LeftShiftExpression):
                var processors = IsProcessorCount(binary.Left) ? binary.Right : IsProcessorCount(binary.Right) ? binary.Left : null;
                if (processors is Microsoft.CodeAnalysis.CSharp.Syntax.LiteralExpressionSyntax { Token.Value: int factor })
                {
                    var times = binary.IsKind(Microsoft.CodeAnalysis.CSharp.SyntaxKind.LeftShiftExpression) ? 1 << factor : factor;
                    return times <= 2 ? StripeSize.Few : StripeSize.Many;
                }

                return StripeSize.Unknown;
            case Microsoft.CodeAnalysis.CSharp.Syntax.IdentifierNameSyntax identifier:
                // const int StripeCount = 8; in the type that holds the stripes
                var owner = OperationFacts.StripConversions(stripes) switch
                {
                    IFieldReferenceOperation field => field.Field.ContainingType,
                    IPropertyReferenceOperation property => property.Property.ContainingType,
                    ILocalReferenceOperation local => local.Local.ContainingType,
                    _ => null,
                };
                if (owner is not null)
                {
                    foreach (var member in owner.GetMembers(identifier.Identifier.ValueText))
                    {
                        if (member is IFieldSymbol { IsConst: true, ConstantValue: int constant })
                        {
                            return Count(constant);
                        }
                    }
                }

                return StripeSize.Unknown;
            default:
                return StripeSize.Unknown;
        }
    }

    private static bool IsProcessorCount(Microsoft.CodeAnalysis.CSharp.Syntax.ExpressionSyntax expression)
        => expression is Microsoft.CodeAnalysis.CSharp.Syntax.MemberAccessExpressionSyntax { Name.Identifier.ValueText: "ProcessorCount" };

    /// <summary>An instance member's lock is as shared as the instance it hangs off.</summary>
    private static LockScope ScopeOfInstance(IOperation instance, SyntaxNode? region)
        => ClassifyScope(OperationFacts.StripConversions(instance), region);

    private static bool ReferencesRegionSymbol(IOperation operation, SyntaxNode? region)
    {
        if (region is null)
        {
            return false;
        }

        foreach (var descendant in operation.DescendantsAndSelf())
        {
            switch (descendant)
            {
                case ILocalReferenceOperation local when IsDeclaredIn(local.Local, region):
                case IParameterReferenceOperation parameter when IsDeclaredIn(parameter.Parameter, region):
                    return true;
            }
        }

        return false;
    }

    private static bool IsDeclaredIn(ISymbol symbol, SyntaxNode? region)
    {
        if (region is null)
        {
            return false;
        }

        foreach (var reference in symbol.DeclaringSyntaxReferences)
        {
            if (reference.SyntaxTree == region.SyntaxTree && region.FullSpan.Contains(reference.Span))
            {
                return true;
            }
        }

        return false;
    }
}
