using System.Collections.Generic;
using System.Linq;
using GilAnalyzers.Core;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace GilAnalyzers.CodeFixes.Locks;

/// <summary>
/// Which members of the object a local holds some code reads and writes, when every use of the local in that code is
/// a member access whose effect on the object is known: so two pieces of code that use one worker-own object (a lexer
/// that one part advances and the other only asks for token text) can be told apart member by member.
/// </summary>
internal sealed partial class StateEffectsWalker
{
    /// <summary>
    /// The fields and auto-properties of <paramref name="local"/>'s object that <paramref name="operations"/> read and
    /// write through it; false when a use of the local is anything else — the local handed on, stored, captured, assigned,
    /// or a member whose result could alias the object's state (an array, a collection, a span, <c>this</c>).
    /// </summary>
    /// <remarks>
    /// A use is one of: a read or write of an instance field or auto-property of the local's own type (a field of a
    /// reference type other than <c>string</c> counts as written too: its object may be changed through it); a call of a
    /// non-virtual method of the compilation whose summary is known, contributing what the method reads and writes through
    /// <c>this</c>, and returning nothing, a string or a struct of numbers and strings; or, where
    /// <paramref name="iteratorsIn"/> allows it, such a method that is an iterator (<c>yield</c>), called as the collection of a
    /// <c>foreach</c> that walks it there and then.
    /// </remarks>
    public bool MemberEffectsThrough(IEnumerable<IOperation> operations, ILocalSymbol local, bool iteratorsIn, out HashSet<ISymbol> reads, out HashSet<ISymbol> writes)
    {
        reads = new HashSet<ISymbol>(SymbolEqualityComparer.Default);
        writes = new HashSet<ISymbol>(SymbolEqualityComparer.Default);
        var type = local.Type as INamedTypeSymbol;
        if (type is null || type.TypeKind != TypeKind.Class || local.IsRef)
        {
            return false;
        }

        foreach (var root in operations)
        {
            foreach (var operation in OperationFacts.Descendants(root))
            {
                if (operation is not ILocalReferenceOperation reference || !SymbolEqualityComparer.Default.Equals(reference.Local, local))
                {
                    continue;
                }

                if (!MemberUse(reference, root, type, iteratorsIn, reads, writes))
                {
                    return false;
                }
            }
        }

        return true;
    }

    private bool MemberUse(ILocalReferenceOperation reference, IOperation root, INamedTypeSymbol type, bool iteratorsIn, HashSet<ISymbol> reads, HashSet<ISymbol> writes)
    {
        if (IsInsideFunction(reference, root))
        {
            return false;
        }

        switch (reference.Parent)
        {
            case IFieldReferenceOperation { Field: { IsStatic: false } field } access when access.Instance == reference && IsOwnMember(field, type):
                AddMemberUse(access, field, field.Type, reads, writes);
                return true;
            case IPropertyReferenceOperation { Property: { IsStatic: false, IsIndexer: false } property } access
                when access.Instance == reference && IsOwnMember(property, type) && IsAutoProperty(property):
                AddMemberUse(access, property, property.Type, reads, writes);
                return true;
            case IPropertyReferenceOperation { Property: { IsStatic: false, IsIndexer: false, GetMethod: { } getter } property } access
                when access.Instance == reference && !IsStoredTo(access):
                // A computed property (public int Line => …): what its getter reads and writes through this.
                return KnownCall(getter, type, false, reads, writes);
            case IInvocationOperation { TargetMethod: var method } call when call.Instance == reference:
                return KnownCall(method, type, iteratorsIn && IsWalkedThere(call), reads, writes);
            default:
                return false;
        }
    }

    /// <summary>
    /// A non-virtual method or getter of the local's type, in source, with a known summary: what it reads and writes through
    /// <c>this</c>. Its result must be a plain value, or, when <paramref name="walkedIterator"/>, it is an iterator walked by
    /// the <c>foreach</c> it is the collection of.
    /// </summary>
    private bool KnownCall(IMethodSymbol method, INamedTypeSymbol type, bool walkedIterator, HashSet<ISymbol> reads, HashSet<ISymbol> writes)
    {
        if (method.IsStatic || method.IsVirtual || method.IsAbstract || method.IsOverride || !IsInSource(method) || !IsOwnMember(method, type)
            || (IsIterator(method) ? !walkedIterator : !IsPlainValue(method.ReturnType, 0)))
        {
            return false;
        }

        var summary = Summarize(method.OriginalDefinition, 1);
        if (summary.Unknown)
        {
            return false;
        }

        reads.UnionWith(summary.ThisReads);
        writes.UnionWith(summary.ThisWrites);
        return true;
    }

    private static bool IsStoredTo(IOperation access)
        => access.Parent switch
        {
            IAssignmentOperation assignment => assignment.Target == access,
            IIncrementOrDecrementOperation => true,
            IArgumentOperation { Parameter.RefKind: not RefKind.None } => true,
            _ => false,
        };

    /// <summary>A read, or a write when the access is stored to, changed in place, passed by reference, or holds an object.</summary>
    private static void AddMemberUse(IOperation access, ISymbol member, ITypeSymbol memberType, HashSet<ISymbol> reads, HashSet<ISymbol> writes)
    {
        reads.Add(member);
        if (IsStoredTo(access) || !IsPlainValue(memberType, 0))
        {
            writes.Add(member);
        }
    }

    /// <summary>Declared by the local's type or a base type of it (a member the object itself holds).</summary>
    private static bool IsOwnMember(ISymbol member, INamedTypeSymbol type)
    {
        for (var current = type; current is not null; current = current.BaseType)
        {
            if (SymbolEqualityComparer.Default.Equals(member.ContainingType?.OriginalDefinition, current.OriginalDefinition))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Nothing, a number, an enum, a string, or a struct whose fields are those: a value that cannot alias the object's state.</summary>
    private static bool IsPlainValue(ITypeSymbol type, int depth)
    {
        if (type.SpecialType == SpecialType.System_Void || type.TypeKind == TypeKind.Enum || StateEffects.IsValueOrString(type.SpecialType))
        {
            return true;
        }

        if (depth > 3 || type.TypeKind != TypeKind.Struct || type.IsRefLikeType || type is not INamedTypeSymbol { IsGenericType: false } named
            || !named.Locations.Any(l => l.IsInSource))
        {
            return false;
        }

        return named.GetMembers().OfType<IFieldSymbol>().Where(f => !f.IsStatic && !f.IsConst).All(f => IsPlainValue(f.Type, depth + 1));
    }

    /// <summary>A method of the compilation whose body holds <c>yield</c>.</summary>
    private static bool IsIterator(IMethodSymbol method)
        => method.DeclaringSyntaxReferences.Any(r => r.GetSyntax().DescendantNodes().Any(n => n is Microsoft.CodeAnalysis.CSharp.Syntax.YieldStatementSyntax));

    /// <summary>The call is the collection a <c>foreach</c> walks: the iterator runs in that loop and nowhere else.</summary>
    private static bool IsWalkedThere(IInvocationOperation call)
    {
        IOperation node = call;
        while (node.Parent is IConversionOperation conversion)
        {
            node = conversion;
        }

        return node.Parent is IForEachLoopOperation loop && loop.Collection == node;
    }

    /// <summary>Inside a lambda or local function within <paramref name="root"/>: it could run at another time.</summary>
    private static bool IsInsideFunction(IOperation operation, IOperation root)
    {
        for (var node = operation.Parent; node is not null && node != root.Parent; node = node.Parent)
        {
            if (node is IAnonymousFunctionOperation or ILocalFunctionOperation)
            {
                return true;
            }
        }

        return false;
    }
}
