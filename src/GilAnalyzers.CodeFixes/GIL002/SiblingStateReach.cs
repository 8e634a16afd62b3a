using System.Collections.Generic;
using System.Linq;
using System.Threading;
using GilAnalyzers.CodeFixes.Locks;
using GilAnalyzers.Core;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace GilAnalyzers.CodeFixes;

/// <summary>
/// Can an object handed to a Synchronized method be state that the type's other Synchronized methods read or write?
/// A class that marks several methods Synchronized (a compute method beside <c>Add</c>, <c>Record</c>, <c>MarkDone</c>)
/// is common; the compute method usually takes its input as an object (an array, a record of the item) that the other
/// methods never touch. Whatever those methods touch lives in objects of known types: the object a field or property
/// they use holds, and the object that field belongs to. An argument can only be (or lead to) one of those objects when
/// a type reachable from the parameter's type — through its fields, array elements and collection type arguments — can
/// hold it. When no reachable type can, the hidden lock never made the method's use of its arguments exclusive of the
/// other methods, and taking it off that use changes nothing they see.
/// </summary>
/// <remarks>
/// Conservative on what it cannot see: a type parameter, <c>object</c>, <c>dynamic</c>, an interface, a delegate, or a
/// class of another assembly that is not a known collection or immutable value (a stream may wrap an array the other
/// code writes) reaches anything; another Synchronized method whose effects are unknown, or that works on objects
/// handed to it, touches anything.
/// </remarks>
internal static class SiblingStateReach
{
    private const int MaxTypes = 200;

    /// <summary>
    /// Why the first object parameter of <paramref name="symbol"/> may reach state that the type's other Synchronized
    /// methods and its <c>lock (this)</c> / <c>lock (typeof(T))</c> regions touch ("parameter 'job' may be an object …"),
    /// or null when no parameter can.
    /// </summary>
    public static string? Blocker(IMethodSymbol symbol, SemanticModel model, CancellationToken cancellationToken)
    {
        var handedIn = symbol.Parameters.Where(p => p.RefKind != RefKind.None || !IsPlainValue(p.Type)).ToList();
        if (handedIn.Count == 0)
        {
            return null;
        }

        if (handedIn.FirstOrDefault(p => p.RefKind != RefKind.None) is { } byRef)
        {
            return "parameter '" + byRef.Name + "' is passed by reference: it may be a variable the type's other synchronized code writes";
        }

        var walker = new StateEffectsWalker(model.Compilation, cancellationToken);
        var (written, read, why) = TouchedBySiblings(symbol, model, walker, cancellationToken);
        if (why is not null)
        {
            return why;
        }

        // What the others only read matters when the method may write it through its arguments.
        var writes = WrittenByMethod(symbol, model, walker, cancellationToken);
        var touched = written.Concat(read).ToList();

        foreach (var parameter in handedIn)
        {
            if (Reach(parameter.Type) is not { } reachable)
            {
                return "parameter '" + parameter.Name + "' is of a type that may hold any object ('" + parameter.Type.ToDisplayString() + "')";
            }

            foreach (var type in reachable)
            {
                var others = writes is null || writes.Any(w => MayBeSame(type, w, model.Compilation)) ? touched : written;
                if (others.FirstOrDefault(t => MayBeSame(type, t, model.Compilation)) is { } shared)
                {
                    return "parameter '" + parameter.Name + "' may be an object the type's other synchronized code uses (a '"
                        + shared.ToDisplayString() + "' is reachable from it)";
                }
            }
        }

        return null;
    }

    /// <summary>
    /// The types of the objects the method itself writes (as for the others: a written symbol's type and its container,
    /// and a parameter it assigns or changes); null when its effects are unknown.
    /// </summary>
    private static List<ITypeSymbol>? WrittenByMethod(IMethodSymbol symbol, SemanticModel model, StateEffectsWalker walker, CancellationToken cancellationToken)
    {
        var types = new List<ITypeSymbol>();
        foreach (var reference in symbol.DeclaringSyntaxReferences)
        {
            var syntax = reference.GetSyntax(cancellationToken);
            var syntaxModel = syntax.SyntaxTree == model.SyntaxTree ? model : model.Compilation.GetSemanticModel(syntax.SyntaxTree);
            SyntaxNode? body = syntax is BaseMethodDeclarationSyntax m ? (SyntaxNode?)m.Body ?? m.ExpressionBody : null;
            if (body is null || syntaxModel.GetOperation(syntax, cancellationToken) is not { } operation)
            {
                return null;
            }

            var effects = walker.Analyze(operation, walker.ScopeOf(body));
            if (effects.Unknown)
            {
                return null;
            }

            foreach (var used in effects.SharedWrites.Concat(effects.LocalWrites.OfType<IParameterSymbol>()))
            {
                if (!AddTypesOf(used, types))
                {
                    return null;
                }
            }
        }

        return types;
    }

    /// <summary>A field's or property's type and (instance members) its container; a parameter's or local's type. False for other symbols.</summary>
    private static bool AddTypesOf(ISymbol used, List<ITypeSymbol> into)
    {
        void Add(ITypeSymbol? type)
        {
            if (type is not null && !IsPlainValue(type) && !into.Contains(type, SymbolEqualityComparer.Default))
            {
                into.Add(type);
            }
        }

        switch (used)
        {
            case IFieldSymbol field:
                Add(field.Type);
                Add(field.IsStatic ? null : field.ContainingType);
                return true;
            case IPropertySymbol property:
                Add(property.Type);
                Add(property.IsStatic ? null : property.ContainingType);
                return true;
            case IParameterSymbol parameter:
                Add(parameter.Type);
                return true;
            case ILocalSymbol local:
                Add(local.Type);
                return true;
            default:
                return false;
        }
    }

    /// <summary>
    /// The types of the objects the other Synchronized methods of the type (same static-ness) write, and of those they
    /// read: each shared symbol's own type (the object it holds) and, for an instance member, its containing type (the
    /// object it is in).
    /// </summary>
    private static (List<ITypeSymbol> Written, List<ITypeSymbol> Read, string? Why) TouchedBySiblings(IMethodSymbol symbol, SemanticModel model, StateEffectsWalker walker, CancellationToken cancellationToken)
    {
        var types = KnownTypes.For(model.Compilation);
        var written = new List<ITypeSymbol>();
        var read = new List<ITypeSymbol>();

        var why = TouchedUnderExplicitLocks(symbol, model, walker, types, written, read, cancellationToken)
                  ?? TouchedBySynchronizedMethods(symbol, model, walker, types, written, read, cancellationToken);
        return (written, read, why);
    }

    /// <summary>
    /// The lock regions elsewhere in <paramref name="symbol"/>'s type that take its hidden lock explicitly: <c>lock (this)</c>
    /// for an instance method, <c>lock (typeof(T))</c> of the type for a static one (every form the analyzers recognise).
    /// </summary>
    internal static IEnumerable<LockRegion> HiddenLockRegions(IMethodSymbol symbol, SemanticModel model, KnownTypes types, CancellationToken cancellationToken)
    {
        foreach (var reference in symbol.ContainingType.DeclaringSyntaxReferences)
        {
            var typeSyntax = reference.GetSyntax(cancellationToken);
            if (!model.Compilation.ContainsSyntaxTree(typeSyntax.SyntaxTree))
            {
                continue;
            }

            var typeModel = typeSyntax.SyntaxTree == model.SyntaxTree ? model : model.Compilation.GetSemanticModel(typeSyntax.SyntaxTree);
            foreach (var region in LockRegionFinder.FindAll(typeModel, typeSyntax, types, cancellationToken))
            {
                var locked = region.LockedValue.Syntax;
                if (symbol.IsStatic
                        ? locked is TypeOfExpressionSyntax typeOf && SymbolEqualityComparer.Default.Equals(typeModel.GetTypeInfo(typeOf.Type, cancellationToken).Type, symbol.ContainingType)
                        : locked is ThisExpressionSyntax)
                {
                    yield return region;
                }
            }
        }
    }

    /// <summary>Adds what the code under an explicit lock on the hidden lock object elsewhere in the type touches; why not, or null.</summary>
    private static string? TouchedUnderExplicitLocks(IMethodSymbol symbol, SemanticModel model, StateEffectsWalker walker, KnownTypes types,
        List<ITypeSymbol> written, List<ITypeSymbol> read, CancellationToken cancellationToken)
    {
        foreach (var region in HiddenLockRegions(symbol, model, types, cancellationToken))
        {
            var locked = region.LockedValue.Syntax;
            var anchor = region.Anchor.Syntax;
            if (symbol.DeclaringSyntaxReferences.Any(r => r.SyntaxTree == anchor.SyntaxTree && r.Span.Contains(anchor.Span)))
            {
                // The method's own body aside.
                continue;
            }

            var effects = walker.Analyze(region.Body, walker.ScopeOf(anchor));
            if (effects.Unknown)
            {
                return "the code under lock on '" + locked + "': " + effects.UnknownReason;
            }

            foreach (var (used, into) in effects.SharedWrites.Select(w => (w, written)).Concat(effects.SharedReads.Select(r => (r, read))))
            {
                if (used is not (IFieldSymbol or IPropertySymbol) || !AddTypesOf(used, into))
                {
                    return "the code under lock on '" + locked + "' works on '" + used.Name + "', an object handed to it";
                }
            }
        }

        return null;
    }

    /// <summary>Adds what the type's other Synchronized methods (same static-ness) touch; why not, or null.</summary>
    private static string? TouchedBySynchronizedMethods(IMethodSymbol symbol, SemanticModel model, StateEffectsWalker walker, KnownTypes types,
        List<ITypeSymbol> written, List<ITypeSymbol> read, CancellationToken cancellationToken)
        => SiblingEffects(symbol, model, walker, types, (member, effects) =>
        {
            foreach (var (used, into) in effects.SharedWrites.Select(w => (w, written)).Concat(effects.SharedReads.Select(r => (r, read))))
            {
                if (used is not (IFieldSymbol or IPropertySymbol) || !AddTypesOf(used, into))
                {
                    // A parameter or captured local: an object handed to the other method, which may be any.
                    return "Synchronized method '" + member.Name + "' works on '" + used.Name + "', an object handed to it";
                }
            }

            return null;
        }, cancellationToken);

    /// <summary>
    /// Hands the effects of each other Synchronized method of <paramref name="symbol"/>'s type (same static-ness) to
    /// <paramref name="visit"/>; the first reason it gives, or why a sibling cannot be analysed (in another project, no
    /// body, effects unknown), or null.
    /// </summary>
    internal static string? SiblingEffects(IMethodSymbol symbol, SemanticModel model, StateEffectsWalker walker, KnownTypes types,
        System.Func<IMethodSymbol, StateEffects, string?> visit, CancellationToken cancellationToken)
    {
        foreach (var member in symbol.ContainingType.GetMembers().OfType<IMethodSymbol>())
        {
            if (SymbolEqualityComparer.Default.Equals(member, symbol) || member.IsStatic != symbol.IsStatic
                || !SynchronizedMethods.IsSynchronized(member, types))
            {
                continue;
            }

            foreach (var reference in member.DeclaringSyntaxReferences)
            {
                var syntax = reference.GetSyntax(cancellationToken);
                if (!model.Compilation.ContainsSyntaxTree(syntax.SyntaxTree))
                {
                    return "Synchronized method '" + member.Name + "' is in another project";
                }

                var memberModel = syntax.SyntaxTree == model.SyntaxTree ? model : model.Compilation.GetSemanticModel(syntax.SyntaxTree);
                SyntaxNode? body = syntax switch
                {
                    BaseMethodDeclarationSyntax m => (SyntaxNode?)m.Body ?? m.ExpressionBody,
                    AccessorDeclarationSyntax a => (SyntaxNode?)a.Body ?? a.ExpressionBody,
                    _ => null,
                };
                if (body is null || memberModel.GetOperation(syntax, cancellationToken) is not { } operation)
                {
                    return "Synchronized member '" + member.Name + "' has no body to analyse";
                }

                var effects = walker.Analyze(operation, walker.ScopeOf(body));
                if (effects.Unknown)
                {
                    return "Synchronized method '" + member.Name + "': " + effects.UnknownReason;
                }

                if (visit(member, effects) is { } reason)
                {
                    return reason;
                }
            }
        }

        return null;
    }

    /// <summary>
    /// The types of every object reachable from a value of <paramref name="start"/> (itself, its instance fields'
    /// types, array elements, collection type arguments), or null when it may reach anything.
    /// </summary>
    private static List<ITypeSymbol>? Reach(ITypeSymbol start)
    {
        var seen = new List<ITypeSymbol>();
        var pending = new Stack<ITypeSymbol>();
        pending.Push(start);
        while (pending.Count > 0)
        {
            var type = pending.Pop();
            if (IsPlainValue(type) || seen.Contains(type, SymbolEqualityComparer.Default))
            {
                continue;
            }

            if (seen.Count >= MaxTypes)
            {
                return null;
            }

            seen.Add(type);
            switch (type)
            {
                case IArrayTypeSymbol array:
                    pending.Push(array.ElementType);
                    continue;
                case INamedTypeSymbol named when named.TypeKind is TypeKind.Class or TypeKind.Struct && named.SpecialType != SpecialType.System_Object:
                    break;
                default:
                    // Interfaces, delegates, type parameters, object, dynamic, pointers, unresolved types.
                    return null;
            }

            var namedType = (INamedTypeSymbol)type;
            if (namedType.IsValueType && namedType.IsUnmanagedType)
            {
                // Numbers and structs of numbers only: copied, no object inside.
                continue;
            }

            if (namedType.Locations.Any(l => l.IsInSource))
            {
                for (var t = namedType; t is not null && t.SpecialType != SpecialType.System_Object; t = t.BaseType)
                {
                    if (!t.Locations.Any(l => l.IsInSource))
                    {
                        // A source type deriving from a class of another assembly keeps state nobody here can list.
                        return null;
                    }

                    // Fields, and the instance properties too: an auto property's backing field (a record's positional
                    // members) need not be listed among the members, and what a computed property returns is reachable.
                    foreach (var member in t.GetMembers())
                    {
                        if (member is IFieldSymbol { IsStatic: false } field)
                        {
                            pending.Push(field.Type);
                        }
                        else if (member is IPropertySymbol { IsStatic: false } property)
                        {
                            pending.Push(property.Type);
                        }
                    }
                }

                continue;
            }

            if (!IsKnownFrameworkHolder(namedType))
            {
                return null;
            }

            foreach (var argument in namedType.TypeArguments)
            {
                pending.Push(argument);
            }
        }

        return seen;
    }

    /// <summary>
    /// A type of another assembly whose objects hold only what their type arguments say: the collections of
    /// System.Collections.*, nullable, tuples, key-value pairs, and the text and number values of the framework.
    /// </summary>
    private static bool IsKnownFrameworkHolder(INamedTypeSymbol type)
    {
        var ns = type.ContainingNamespace?.ToDisplayString() ?? string.Empty;
        if (ns is "System.Collections.Generic" or "System.Collections.Concurrent" or "System.Collections.Immutable" or "System.Collections.ObjectModel")
        {
            // Their items are the type arguments; a collection made over an existing one (a ReadOnlyCollection wrapping a
            // list) still holds only objects of those types.
            return type.IsGenericType;
        }

        if (ns == "System")
        {
            return type.SpecialType == SpecialType.System_Nullable_T
                || type.Name is "ValueTuple" or "Tuple" or "DateTime" or "DateTimeOffset" or "TimeSpan" or "Guid" or "Half" or "Int128" or "UInt128";
        }

        return ns is "System.Numerics" && type.TypeKind == TypeKind.Struct
            || (ns == "System.Text" && type.Name == "StringBuilder");
    }

    /// <summary>A primitive, enum or string: copied or immutable, never an object another method changes.</summary>
    private static bool IsPlainValue(ITypeSymbol type)
        => type.TypeKind == TypeKind.Enum || StateEffects.IsValueOrString(type.SpecialType)
           || type.SpecialType is SpecialType.System_IntPtr or SpecialType.System_UIntPtr;

    /// <summary>Could an object reachable as <paramref name="reachable"/> be one the other code uses as <paramref name="touched"/>?</summary>
    private static bool MayBeSame(ITypeSymbol reachable, ITypeSymbol touched, Compilation compilation)
    {
        if (SymbolEqualityComparer.Default.Equals(reachable, touched))
        {
            return true;
        }

        if (touched.TypeKind is TypeKind.Interface or TypeKind.TypeParameter or TypeKind.Delegate or TypeKind.Dynamic or TypeKind.Error
            || touched.SpecialType == SpecialType.System_Object)
        {
            // The other code holds something of an open type: any reachable object may be it.
            return true;
        }

        // A subtype or base type of the other: one object can be both.
        return compilation.HasImplicitConversion(reachable, touched) || compilation.HasImplicitConversion(touched, reachable);
    }
}
