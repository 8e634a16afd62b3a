using System.Collections.Generic;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace GilAnalyzers.CodeFixes.Locks;

/// <summary>
/// Whether a private instance field only ever holds objects its class makes for the instance — the test behind
/// <c>StateEffectsWalker.IsOwnedField</c>. The field is judged with the other private instance fields of its type in the
/// same class (its group), because buffers are often swapped: <c>(_f, _next) = (_next, _f);</c> after each step keeps
/// both fields holding the two arrays the constructor made. Every value any field of the group is given must be a new
/// object (<c>new double[n]</c>, <c>new()</c>, a collection expression) or another field of the group on the same
/// instance; no field of the group may be assigned on another instance (<c>other._f = …</c>), passed by <c>ref</c> or
/// <c>out</c>, or taken by <c>ref</c>; the initializers must be new objects too.
/// </summary>
internal static class OwnedFieldGroup
{
    public static bool Holds(INamedTypeSymbol type, IFieldSymbol field, Compilation compilation, CancellationToken cancellationToken)
    {
        var group = type.GetMembers().OfType<IFieldSymbol>()
            .Where(f => !f.IsStatic && !f.IsConst && f.DeclaredAccessibility == Accessibility.Private && f.DeclaringSyntaxReferences.Length == 1
                        && SymbolEqualityComparer.Default.Equals(f.Type, field.Type))
            .ToList();
        if (!group.Contains(field, SymbolEqualityComparer.Default))
        {
            return false;
        }

        var names = new HashSet<string>(group.Select(f => f.Name));
        foreach (var member in group)
        {
            if (member.DeclaringSyntaxReferences[0].GetSyntax(cancellationToken) is not VariableDeclaratorSyntax declarator
                || (declarator.Initializer?.Value is { } initializer && !IsNewObject(initializer)))
            {
                return false;
            }
        }

        foreach (var reference in type.DeclaringSyntaxReferences)
        {
            var declaration = reference.GetSyntax(cancellationToken);
            if (!compilation.ContainsSyntaxTree(declaration.SyntaxTree))
            {
                return false;
            }

            var model = compilation.GetSemanticModel(declaration.SyntaxTree);
            foreach (var node in declaration.DescendantNodes())
            {
                cancellationToken.ThrowIfCancellationRequested();
                switch (node)
                {
                    case ArgumentSyntax { RefKindKeyword.RawKind: (int)SyntaxKind.RefKeyword or (int)SyntaxKind.OutKeyword } argument
                        when InGroup(argument.Expression, names, group, model, cancellationToken, out _):
                    case RefExpressionSyntax taken when InGroup(taken.Expression, names, group, model, cancellationToken, out _):
                        return false;
                    case AssignmentExpressionSyntax { Left: TupleExpressionSyntax targets } tuple:
                        for (var i = 0; i < targets.Arguments.Count; i++)
                        {
                            if (!InGroup(targets.Arguments[i].Expression, names, group, model, cancellationToken, out var onThis))
                            {
                                continue;
                            }

                            if (!onThis || !tuple.IsKind(SyntaxKind.SimpleAssignmentExpression)
                                || tuple.Right is not TupleExpressionSyntax values || values.Arguments.Count != targets.Arguments.Count
                                || !IsGroupValue(values.Arguments[i].Expression, names, group, model, cancellationToken))
                            {
                                return false;
                            }
                        }

                        break;
                    case AssignmentExpressionSyntax assignment when InGroup(assignment.Left, names, group, model, cancellationToken, out var isThis):
                        if (!isThis || !assignment.IsKind(SyntaxKind.SimpleAssignmentExpression)
                            || !IsGroupValue(assignment.Right, names, group, model, cancellationToken))
                        {
                            return false;
                        }

                        break;
                }
            }
        }

        return true;
    }

    /// <summary>A new object, or a field of the group read on this instance.</summary>
    private static bool IsGroupValue(ExpressionSyntax value, HashSet<string> names, List<IFieldSymbol> group, SemanticModel model, CancellationToken cancellationToken)
        => IsNewObject(value) || (InGroup(value, names, group, model, cancellationToken, out var onThis) && onThis);

    /// <summary>Whether <paramref name="expression"/> names a field of the group, and whether on this instance (plainly or through <c>this.</c>).</summary>
    private static bool InGroup(ExpressionSyntax expression, HashSet<string> names, List<IFieldSymbol> group, SemanticModel model, CancellationToken cancellationToken, out bool onThis)
    {
        onThis = false;
        while (expression is ParenthesizedExpressionSyntax parenthesized)
        {
            expression = parenthesized.Expression;
        }

        var name = expression switch
        {
            IdentifierNameSyntax identifier => identifier.Identifier.ValueText,
            MemberAccessExpressionSyntax member => member.Name.Identifier.ValueText,
            _ => null,
        };
        if (name is null || !names.Contains(name)
            || model.GetSymbolInfo(expression, cancellationToken).Symbol is not IFieldSymbol symbol
            || !group.Contains(symbol.OriginalDefinition, SymbolEqualityComparer.Default))
        {
            return false;
        }

        onThis = expression is IdentifierNameSyntax || expression is MemberAccessExpressionSyntax { Expression: ThisExpressionSyntax };
        return true;
    }

    /// <summary>A value that is a new object: <c>new T(…)</c>, <c>new()</c>, an array creation or initialiser, a collection expression.</summary>
    internal static bool IsNewObject(ExpressionSyntax value)
        => value is BaseObjectCreationExpressionSyntax or ArrayCreationExpressionSyntax or ImplicitArrayCreationExpressionSyntax or CollectionExpressionSyntax
           || value.IsKind(SyntaxKind.ArrayInitializerExpression);
}
