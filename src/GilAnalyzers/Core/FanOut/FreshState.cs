using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;

namespace GilAnalyzers.Core;

/// <summary>
/// State handed to a thread or a pool work item that the fan-out rewrites may make again inside the <c>Parallel.For</c>
/// body: a value that does not change, or a new object of a plain type built from such values (shared by the thread and
/// pool plans).
/// </summary>
internal static class FreshState
{
    /// <summary>
    /// Whether a thread's or work item's state argument can be evaluated inside the rewritten loop's body with the same
    /// effect: a stable value (<see cref="OperationFacts.IsStableValue"/>), or a fresh state object made right in the call —
    /// <c>t.Start(new Range { First = i * size, Count = n })</c>, <c>new Band(from, to)</c>, <c>(from, to)</c> — of a plain
    /// type of this compilation (no base but object, no member initializer but a literal, no static constructor) whose
    /// constructor runs no code but storing its parameters and whose members are set to stable values. Nothing else can
    /// see the object before the thread gets it, so making it a moment later on the worker gives the work the same state.
    /// </summary>
    public static bool IsRemade(IOperation argument, IOperation root, ISymbol? index)
    {
        if (OperationFacts.IsStableValue(argument, root, index))
        {
            return true;
        }

        switch (OperationFacts.StripConversions(argument))
        {
            case IObjectCreationOperation { Type: INamedTypeSymbol type } creation
                when IsPlainStateType(type)
                     && (creation.Constructor is null or { IsImplicitlyDeclared: true } || OnlyStoresItsParameters(creation.Constructor)):
                // new Range { First = i * size }, new MatrixParams(dim, i, j, a, b, result, null), new Job(from, to) with an
                // implicit constructor, a record's, or one that only stores its parameters in fields: a new object holding
                // the argument values, built again per iteration.
                return creation.Arguments.All(a => a.ArgumentKind != ArgumentKind.ParamArray && OperationFacts.IsStableValue(a.Value, root, index))
                       && (creation.Initializer is null
                           || creation.Initializer.Initializers.All(member => member is ISimpleAssignmentOperation set
                                                                              && IsPlainMemberSet(set.Target)
                                                                              && OperationFacts.IsStableValue(set.Value, root, index)));
            case IAnonymousObjectCreationOperation anonymous:
                return anonymous.Initializers.All(member => member is ISimpleAssignmentOperation set && OperationFacts.IsStableValue(set.Value, root, index));
            case ITupleOperation tuple:
                // thread.Start((from, to)): a tuple of values, made again per iteration.
                return tuple.Elements.All(e => OperationFacts.IsStableValue(e, root, index));
            default:
                return false;
        }
    }

    /// <summary>
    /// A constructor that runs no code but storing its parameters: a positional record's (or a type's primary constructor,
    /// whose initialisers <see cref="IsPlainStateType"/> has checked), or one whose body is only <c>this.x = x;</c> /
    /// <c>X = x;</c> statements into instance fields and auto-properties of its type, with no <c>this(…)</c> or
    /// <c>base(…)</c> call.
    /// </summary>
    private static bool OnlyStoresItsParameters(IMethodSymbol constructor)
    {
        if (constructor.DeclaringSyntaxReferences.Length != 1 || constructor.ContainingType is not { } type)
        {
            return false;
        }

        switch (constructor.DeclaringSyntaxReferences[0].GetSyntax())
        {
            case TypeDeclarationSyntax { ParameterList: not null }:
                return true;
            case ConstructorDeclarationSyntax { Initializer: null, ExpressionBody: null, Body: { } body }:
                foreach (var statement in body.Statements)
                {
                    if (statement is not ExpressionStatementSyntax { Expression: AssignmentExpressionSyntax { Left: var left, Right: IdentifierNameSyntax right } assignment }
                        || !assignment.IsKind(SyntaxKind.SimpleAssignmentExpression)
                        || !constructor.Parameters.Any(p => p.RefKind == RefKind.None && p.Name == right.Identifier.ValueText)
                        || StoredMember(left) is not { } name
                        || !type.GetMembers(name).Any(m => m is IFieldSymbol { IsStatic: false } or IPropertySymbol { IsStatic: false, IsIndexer: false } && (m is not IPropertySymbol property || IsAutoProperty(property))))
                    {
                        return false;
                    }
                }

                return true;
            default:
                return false;
        }

        static string? StoredMember(ExpressionSyntax left)
            => left switch
            {
                IdentifierNameSyntax name => name.Identifier.ValueText,
                MemberAccessExpressionSyntax { Expression: ThisExpressionSyntax, Name: IdentifierNameSyntax name } => name.Identifier.ValueText,
                _ => null,
            };
    }

    /// <summary>A class or struct of this compilation whose creation runs no code of its own: see <see cref="IsRemade"/>.</summary>
    private static bool IsPlainStateType(INamedTypeSymbol type)
    {
        if (type.DeclaringSyntaxReferences.Length == 0 || type.TypeKind is not (TypeKind.Class or TypeKind.Struct)
            || (type.TypeKind == TypeKind.Class && type.BaseType?.SpecialType != SpecialType.System_Object)
            || type.StaticConstructors.Any(c => !c.IsImplicitlyDeclared))
        {
            return false;
        }

        foreach (var reference in type.DeclaringSyntaxReferences)
        {
            foreach (var node in reference.GetSyntax().DescendantNodes(n => n == reference.GetSyntax() || n is FieldDeclarationSyntax or PropertyDeclarationSyntax or VariableDeclarationSyntax or VariableDeclaratorSyntax))
            {
                if (node is EqualsValueClauseSyntax { Value: not LiteralExpressionSyntax })
                {
                    return false;
                }
            }
        }

        return true;
    }

    /// <summary>An initializer's target that runs no code when set: an instance field, or an auto-property.</summary>
    private static bool IsPlainMemberSet(IOperation target)
        => target switch
        {
            IFieldReferenceOperation field => !field.Field.IsStatic,
            IPropertyReferenceOperation { Property: { IsStatic: false, IsIndexer: false } property } => IsAutoProperty(property),
            _ => false,
        };

    /// <summary>A property declared in source as <c>{ get; set; }</c> / <c>{ get; }</c>: reading it runs no code.</summary>
    public static bool IsAutoProperty(IPropertySymbol property)
    {
        if (property.DeclaringSyntaxReferences.Length != 1
            || property.DeclaringSyntaxReferences[0].GetSyntax() is not PropertyDeclarationSyntax { AccessorList: { } accessors })
        {
            return false;
        }

        foreach (var accessor in accessors.Accessors)
        {
            if (accessor.Body is not null || accessor.ExpressionBody is not null)
            {
                return false;
            }
        }

        return true;
    }
}
