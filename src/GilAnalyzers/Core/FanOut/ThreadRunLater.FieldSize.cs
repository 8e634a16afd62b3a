using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;

namespace GilAnalyzers.Core;

/// <summary>
/// <c>var threads = new Thread[count]; … for (int i = 0; i &lt; count; i++) threads[i].Join();</c> where <c>count</c> is a
/// field: the join loop covers every slot when the field holds the same value at both reads — a readonly field, or a
/// private field of a type declared in one place that only its constructors write, on the object being made (an instance
/// field) or in the static constructor (a static one), never from a lambda — the fan-out itself not being in a constructor.
/// </summary>
internal static partial class ThreadRunLater
{
    private static bool IsSameFixedField(IFieldReferenceOperation bound, IFieldReferenceOperation size, IOperation root)
    {
        var field = bound.Field;
        if (!SymbolEqualityComparer.Default.Equals(field, size.Field)
            || field.Type.SpecialType != SpecialType.System_Int32
            || !SameReceiver(bound.Instance, size.Instance))
        {
            return false;
        }

        if (field.IsReadOnly || field.IsConst)
        {
            return true;
        }

        if (field.DeclaredAccessibility != Accessibility.Private
            || field.ContainingType is not { DeclaringSyntaxReferences.Length: 1 } type
            || root.SemanticModel is not { } model
            || type.DeclaringSyntaxReferences[0].SyntaxTree != model.SyntaxTree
            || root.Syntax.FirstAncestorOrSelf<ConstructorDeclarationSyntax>() is not null)
        {
            return false;
        }

        foreach (var name in type.DeclaringSyntaxReferences[0].GetSyntax().DescendantNodes().OfType<IdentifierNameSyntax>())
        {
            if (name.Identifier.ValueText != field.Name
                || model.GetOperation(name.Parent is MemberAccessExpressionSyntax access && access.Name == name ? access : name) is not IFieldReferenceOperation reference
                || !SymbolEqualityComparer.Default.Equals(reference.Field, field))
            {
                continue;
            }

            var written = OperationFacts.IsWrite(reference) || reference.Parent is IArgumentOperation { Parameter.RefKind: not RefKind.None };
            if (written
                && (name.FirstAncestorOrSelf<ConstructorDeclarationSyntax>() is not { } constructor
                    || model.GetDeclaredSymbol(constructor) is not { } ctor
                    || !SymbolEqualityComparer.Default.Equals(ctor.ContainingType, type)
                    || ctor.IsStatic != field.IsStatic
                    || (!field.IsStatic && reference.Instance is not IInstanceReferenceOperation { ReferenceKind: InstanceReferenceKind.ContainingTypeInstance })
                    || name.Ancestors().TakeWhile(a => a != constructor).Any(a => a is AnonymousFunctionExpressionSyntax or LocalFunctionStatementSyntax)))
            {
                // Written outside the type's own constructors (a method, a nested type's constructor): it may change.
                return false;
            }
        }

        return true;
    }

    /// <summary>Both static, or both on <c>this</c>.</summary>
    private static bool SameReceiver(IOperation? a, IOperation? b)
        => (a is null && b is null)
           || (a is IInstanceReferenceOperation { ReferenceKind: InstanceReferenceKind.ContainingTypeInstance } && b is IInstanceReferenceOperation { ReferenceKind: InstanceReferenceKind.ContainingTypeInstance });
}
