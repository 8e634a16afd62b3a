using System.Collections.Concurrent;
using System.Linq;
using System.Runtime.CompilerServices;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;

namespace GilAnalyzers.Core;

/// <summary>
/// Fields that hold a compile-time constant in practice though not declared <c>const</c>: <c>static int rows = 16;</c>,
/// <c>private readonly int size = 8;</c> — a numeric field initialised with a number that nothing writes again. Only
/// fields whose writers are all in sight count: private fields, and readonly ones (written only by their type's
/// constructors); the declaring type's source is searched for a write by name (an assignment, <c>++</c>/<c>--</c>, a
/// <c>ref</c>/<c>out</c> argument), and any write — even of a same-named local — makes the field not constant.
/// Memoised per compilation.
/// </summary>
internal static class ConstantFields
{
    private static readonly ConditionalWeakTable<Compilation, ConcurrentDictionary<IFieldSymbol, object?>> Cache =
        new ConditionalWeakTable<Compilation, ConcurrentDictionary<IFieldSymbol, object?>>();

    /// <summary>The constant a field reference reads, or null.</summary>
    public static object? ValueOf(IFieldReferenceOperation reference)
    {
        var field = reference.Field.OriginalDefinition;
        if (field.IsConst || field.DeclaringSyntaxReferences.Length != 1 || reference.SemanticModel is not { } model
            || field.Type.SpecialType is < SpecialType.System_Char or > SpecialType.System_UInt64
            || (field.DeclaredAccessibility != Accessibility.Private && !field.IsReadOnly))
        {
            return null;
        }

        var known = Cache.GetValue(model.Compilation, _ => new ConcurrentDictionary<IFieldSymbol, object?>(SymbolEqualityComparer.Default));
        return known.GetOrAdd(field, Find);
    }

    private static object? Find(IFieldSymbol field)
    {
        // A number written out (16, 1_000, -1): no semantic model needed for the initializer of another tree.
        if (field.DeclaringSyntaxReferences[0].GetSyntax() is not VariableDeclaratorSyntax { Initializer.Value: { } initializer }
            || NumberIn(initializer) is not { } value)
        {
            return null;
        }

        foreach (var reference in field.ContainingType.DeclaringSyntaxReferences)
        {
            foreach (var name in reference.GetSyntax().DescendantNodes().OfType<IdentifierNameSyntax>())
            {
                if (name.Identifier.ValueText == field.Name && IsWritten(name))
                {
                    return null;
                }
            }
        }

        return value;
    }

    private static object? NumberIn(ExpressionSyntax initializer)
        => initializer switch
        {
            LiteralExpressionSyntax literal when literal.IsKind(SyntaxKind.NumericLiteralExpression) => literal.Token.Value,
            PrefixUnaryExpressionSyntax negative when negative.IsKind(SyntaxKind.UnaryMinusExpression)
                && negative.Operand is LiteralExpressionSyntax { Token.Value: int number } => -number,
            _ => null,
        };

    /// <summary>
    /// Whether the name (alone or as the member of <c>this.x</c> / <c>Type.x</c>) is a write target: assigned, incremented or
    /// decremented, or passed by <c>ref</c>/<c>out</c>. Shared with the thread rules' reading of fixed-size array fields.
    /// </summary>
    internal static bool IsWritten(IdentifierNameSyntax name)
    {
        SyntaxNode target = name.Parent is MemberAccessExpressionSyntax access && access.Name == name ? access : name;
        return target.Parent switch
        {
            AssignmentExpressionSyntax assignment => assignment.Left == target,
            PrefixUnaryExpressionSyntax prefix => prefix.IsKind(SyntaxKind.PreIncrementExpression) || prefix.IsKind(SyntaxKind.PreDecrementExpression),
            PostfixUnaryExpressionSyntax => true,
            ArgumentSyntax argument => !argument.RefKindKeyword.IsKind(SyntaxKind.None),
            _ => false,
        };
    }
}
