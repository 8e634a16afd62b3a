using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;

namespace GilAnalyzers.CodeFixes.Locks;

/// <summary>
/// Objects a parallel body reaches only through one captured local, made just before the parallel statement
/// (<c>var blurred = new GrayImage(w, h); Parallel.For(…, y => { … blurred[x, y] = v; … });</c>): what the body does through
/// that local's members is recorded as a read or write of the local itself, as an element store into an array local is.
/// So writing the output image no longer looks like a write to every image (<c>frame[sx, sy]</c> reads the same indexer
/// of another object), and the reads of the input can move in front of the lock.
/// </summary>
/// <remarks>
/// Sound because nothing else can hold the object: the local is initialised with <c>new</c> of a class of this
/// compilation and never assigned again; up to the end of the statement that runs the body (before it, beside the body in
/// that statement, and inside the body) it is only locked on or the receiver of value-type fields and of members that take
/// value-type (or string) arguments and return a value type or nothing, and whose code touches only the instance's own
/// state — its fields, get-only
/// auto-properties and the arrays or collections the type makes for itself in its constructors (<see cref="IsConfinedSummary"/>).
/// Its constructor writes only the new instance (one that hands <c>this</c> to a static registry would let other code reach
/// it). Records (a <c>with</c> copy shares the arrays) and types that call <c>MemberwiseClone</c> are not candidates.
/// </remarks>
internal sealed partial class StateEffectsWalker
{
    private readonly Dictionary<SyntaxNode, Dictionary<ILocalSymbol, bool>> _confinedLocals = new Dictionary<SyntaxNode, Dictionary<ILocalSymbol, bool>>();
    private readonly Dictionary<ISymbol, bool> _ownedMembers = new Dictionary<ISymbol, bool>(SymbolEqualityComparer.Default);

    /// <summary>Owned array fields already judged by <see cref="HoldsOnlyOwnElements"/> (each reads the type's assignments once).</summary>
    private readonly Dictionary<IFieldSymbol, bool> _ownElementArrays = new Dictionary<IFieldSymbol, bool>(SymbolEqualityComparer.Default);

    /// <summary>The captured local <paramref name="instance"/> reads when the object it holds is confined to it (see the type's remarks); null otherwise.</summary>
    private ILocalSymbol? ConfinedReceiver(IOperation? instance, ThreadScope scope)
    {
        if (instance is null || Unwrap(instance) is not ILocalReferenceOperation { Local: var local }
            || local.RefKind != RefKind.None || scope.IsOwn(local) || scope.Function is not AnonymousFunctionExpressionSyntax lambda
            || local.Type is not INamedTypeSymbol { TypeKind: TypeKind.Class, IsRecord: false } type || !type.Locations.Any(l => l.IsInSource))
        {
            return null;
        }

        if (!_confinedLocals.TryGetValue(lambda, out var known))
        {
            known = new Dictionary<ILocalSymbol, bool>(SymbolEqualityComparer.Default);
            _confinedLocals[lambda] = known;
        }

        if (!known.TryGetValue(local, out var confined))
        {
            confined = IsConfinedLocal(local, type, lambda);
            known[local] = confined;
        }

        return confined ? local : null;
    }

    private bool IsConfinedLocal(ILocalSymbol local, INamedTypeSymbol type, AnonymousFunctionExpressionSyntax lambda)
    {
        if (local.DeclaringSyntaxReferences.Length != 1
            || local.DeclaringSyntaxReferences[0].GetSyntax(_cancellationToken) is not VariableDeclaratorSyntax { Initializer.Value: BaseObjectCreationExpressionSyntax } declarator
            || declarator.Parent?.Parent is not LocalDeclarationStatementSyntax { UsingKeyword.RawKind: (int)SyntaxKind.None } declaration
            || declaration.Parent is not BlockSyntax block || !block.Span.Contains(lambda.Span)
            || !_compilation.ContainsSyntaxTree(lambda.SyntaxTree) || CopiesItself(type))
        {
            return false;
        }

        // A constructor that hands 'this' to anything (a static registry) would let other code reach the object.
        var model = _compilation.GetSemanticModel(lambda.SyntaxTree);
        if (model.GetOperation(declarator.Initializer.Value, _cancellationToken) is not IObjectCreationOperation { Constructor: { } constructor }
            || (IsInSource(constructor) && Summarize(constructor.OriginalDefinition, 1) is { } built
                && (built.Unknown || !built.SharedWrites.All(write => built.ThisWrites.Contains(write)))))
        {
            return false;
        }

        // The statement of the declaring block that runs the body (the Parallel.For call, the loop around it).
        var holder = lambda.Ancestors().OfType<StatementSyntax>().FirstOrDefault(s => s.Parent == block);
        if (holder is null || holder.SpanStart < declaration.Span.End)
        {
            return false;
        }

        var owner = declaration.Ancestors().FirstOrDefault(a => a is AnonymousFunctionExpressionSyntax or LocalFunctionStatementSyntax or BaseMethodDeclarationSyntax or AccessorDeclarationSyntax)
                    ?? declaration.SyntaxTree.GetRoot(_cancellationToken);
        foreach (var identifier in owner.DescendantNodes().OfType<IdentifierNameSyntax>())
        {
            if (identifier.Identifier.ValueText != local.Name)
            {
                continue;
            }

            // Up to the end of the statement that runs the body, every use keeps the object to itself (after it, the
            // object may go anywhere: the body has finished with it).
            if (identifier.SpanStart < holder.Span.End && !IsConfinedUse(identifier, model))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary><c>local[i, j]</c>, <c>local.Width</c>, <c>local.Set(x, y, v)</c> where the member keeps to the instance's own state.</summary>
    private bool IsConfinedUse(IdentifierNameSyntax identifier, SemanticModel model)
    {
        switch (identifier.Parent)
        {
            case LockStatementSyntax locked when locked.Expression == identifier:
                // lock (frame): the monitor reads and writes none of the object's state.
                return true;
            case ElementAccessExpressionSyntax element when element.Expression == identifier:
                return model.GetSymbolInfo(element, _cancellationToken).Symbol is IPropertySymbol { IsIndexer: true } indexer && IsConfinedProperty(indexer);
            case MemberAccessExpressionSyntax member when member.Expression == identifier:
                switch (model.GetSymbolInfo(member, _cancellationToken).Symbol)
                {
                    case IPropertySymbol property:
                        return IsConfinedProperty(property);
                    case IFieldSymbol { IsStatic: false, Type.IsValueType: true }:
                        // frame.Checksum += …: a value stored in the object itself.
                        return true;
                    case IMethodSymbol method when member.Parent is InvocationExpressionSyntax:
                        return !method.IsStatic && !method.ReturnsByRef && !method.ReturnsByRefReadonly
                               && (method.ReturnsVoid || method.ReturnType.IsValueType)
                               && method.Parameters.All(IsValueArgument) && IsInSource(method)
                               && IsConfinedSummary(Summarize(method.OriginalDefinition, 1));
                    default:
                        return false;
                }

            default:
                return false;
        }
    }

    private bool IsConfinedProperty(IPropertySymbol property)
    {
        if (property.IsStatic || property.ReturnsByRef || property.ReturnsByRefReadonly || !property.Type.IsValueType
            || !property.Parameters.All(IsValueArgument))
        {
            return false;
        }

        if (IsAutoProperty(property))
        {
            return true;
        }

        return new[] { property.GetMethod, property.SetMethod }
            .All(accessor => accessor is null || (IsInSource(accessor) && IsConfinedSummary(Summarize(accessor.OriginalDefinition, 1))));
    }

    private static bool IsValueArgument(IParameterSymbol parameter)
        => parameter.RefKind == RefKind.None && (parameter.Type.IsValueType || parameter.Type.SpecialType == SpecialType.System_String);

    /// <summary>Code that touches nothing but its own instance's state (and values that cannot change).</summary>
    private static bool IsConfinedSummary(StateEffects summary)
        => !summary.Unknown && summary.ParameterMutations.Count == 0
           && summary.SharedReads.All(read => summary.ThisReads.Contains(read) || StateEffects.IsImmutableAfterConstruction(read))
           && summary.SharedWrites.All(write => summary.ThisWrites.Contains(write));

    /// <summary>A get-only auto-property of a value type or string: set by constructors only, then fixed.</summary>
    private static bool IsFixedAutoProperty(IPropertySymbol property)
        => property.SetMethod is null && !property.IsIndexer && IsAutoProperty(property)
           && (property.Type.TypeKind == TypeKind.Enum || StateEffects.IsValueOrString(property.Type.SpecialType));

    /// <summary>
    /// A get-only instance auto-property that its class only ever sets to an object it makes there
    /// (<c>Pixels = new byte[width * height];</c> in a constructor): the object belongs to the instance alone.
    /// </summary>
    private bool IsOwnedAutoProperty(IPropertySymbol property)
    {
        if (property.IsStatic || property.SetMethod is not null || property.IsIndexer || property.Type.IsValueType || !IsAutoProperty(property)
            || property.ContainingType is not { TypeKind: TypeKind.Class, IsRecord: false } type || CopiesItself(type))
        {
            return false;
        }

        if (!_ownedMembers.TryGetValue(property, out var owned))
        {
            owned = AssignedOnlyNewObjects(type, property.Name, property.DeclaringSyntaxReferences.Select(r => r.GetSyntax(_cancellationToken)).OfType<PropertyDeclarationSyntax>().FirstOrDefault()?.Initializer?.Value);
            _ownedMembers[property] = owned;
        }

        return owned;
    }

    /// <summary>Every assignment of <paramref name="name"/> in <paramref name="type"/>'s code (and its initializer) stores an object made there.</summary>
    private bool AssignedOnlyNewObjects(INamedTypeSymbol type, string name, ExpressionSyntax? initializer)
    {
        if (initializer is not null && !IsNewObject(initializer))
        {
            return false;
        }

        return MemberAssignments.To(type, name, _cancellationToken)
            .All(assignment => assignment.IsKind(SyntaxKind.SimpleAssignmentExpression) && IsNewObject(assignment.Right));
    }

    /// <summary>
    /// Whether the array an owned field holds (see <see cref="IsOwnedField"/>) holds only objects its class makes for it:
    /// every array the field is given lists only new objects (<c>[new(), new()]</c>, <c>new[] { new List&lt;int&gt;() }</c>)
    /// or none (<c>new Dictionary&lt;string, int&gt;[2]</c>), and every element the class stores is a new object.
    /// </summary>
    private bool HoldsOnlyOwnElements(IFieldSymbol field)
    {
        if (!_ownElementArrays.TryGetValue(field, out var holds))
        {
            holds = ComputeHoldsOnlyOwnElements(field);
            _ownElementArrays[field] = holds;
        }

        return holds;
    }

    private bool ComputeHoldsOnlyOwnElements(IFieldSymbol field)
    {
        if (field.Type is not IArrayTypeSymbol { ElementType.IsReferenceType: true } || !IsOwnedField(field)
            || field.ContainingType is not { } type
            || field.DeclaringSyntaxReferences[0].GetSyntax(_cancellationToken) is not VariableDeclaratorSyntax declarator)
        {
            return false;
        }

        var values = MemberAssignments.To(type, field.Name, _cancellationToken).Select(assignment => assignment.Right);
        if (declarator.Initializer?.Value is { } initializer)
        {
            values = values.Append(initializer);
        }

        return values.All(ListsOnlyNewObjects)
               && MemberAssignments.ToElementOf(type, field.Name, _cancellationToken)
                   .All(assignment => assignment.IsKind(SyntaxKind.SimpleAssignmentExpression) && IsNewObject(assignment.Right));
    }

    private static bool ListsOnlyNewObjects(ExpressionSyntax array) => array switch
    {
        ArrayCreationExpressionSyntax creation => creation.Initializer is null || creation.Initializer.Expressions.All(IsNewObject),
        ImplicitArrayCreationExpressionSyntax implicitCreation => implicitCreation.Initializer.Expressions.All(IsNewObject),
        InitializerExpressionSyntax initializer => initializer.Expressions.All(IsNewObject),
        CollectionExpressionSyntax collection => collection.Elements.All(e => e is ExpressionElementSyntax { Expression: var element } && IsNewObject(element)),
        _ => false,
    };

    private static bool IsNewObject(ExpressionSyntax value) => OwnedFieldGroup.IsNewObject(value);

    /// <summary>A type whose code calls <c>MemberwiseClone</c>: its copies share what its fields hold.</summary>
    private bool CopiesItself(INamedTypeSymbol type)
        => type.DeclaringSyntaxReferences.Any(r => r.GetSyntax(_cancellationToken).DescendantTokens().Any(t => t.ValueText == "MemberwiseClone"));
}
