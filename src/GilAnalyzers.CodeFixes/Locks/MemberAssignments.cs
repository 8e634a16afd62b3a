using System.Collections.Generic;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace GilAnalyzers.CodeFixes.Locks;

/// <summary>Where a type gives one of its own fields or properties a value, read from its declarations' syntax.</summary>
internal static class MemberAssignments
{
    /// <summary>
    /// The assignments in <paramref name="type"/>'s declarations (its constructors, methods, accessors and lambdas) whose
    /// target is the member <paramref name="name"/> written plainly or through <c>this.</c>: <c>_data = new float[n];</c>,
    /// <c>this.Cells = …</c>, and a tuple that has it among its targets (<c>(_data, _n) = (data, n);</c>, returned whole: its
    /// right side is the tuple, never the member's own value). A member of another object with the same name
    /// (<c>other._data = …</c>) is not one of them.
    /// </summary>
    public static IEnumerable<AssignmentExpressionSyntax> To(INamedTypeSymbol type, string name, CancellationToken cancellationToken)
        => Assignments(type, cancellationToken).Where(assignment => Names(assignment.Left, name)
            || (assignment.Left is TupleExpressionSyntax targets && targets.Arguments.Any(argument => Names(argument.Expression, name))));

    /// <summary>
    /// The assignments in <paramref name="type"/>'s declarations whose target is an element of the member
    /// <paramref name="name"/>: <c>_counts[c] = …</c>, <c>this._rows[i] = …</c>.
    /// </summary>
    public static IEnumerable<AssignmentExpressionSyntax> ToElementOf(INamedTypeSymbol type, string name, CancellationToken cancellationToken)
        => Assignments(type, cancellationToken).Where(assignment => assignment.Left is ElementAccessExpressionSyntax element && Names(element.Expression, name));

    private static IEnumerable<AssignmentExpressionSyntax> Assignments(INamedTypeSymbol type, CancellationToken cancellationToken)
        => type.DeclaringSyntaxReferences.SelectMany(reference => reference.GetSyntax(cancellationToken).DescendantNodes().OfType<AssignmentExpressionSyntax>());

    /// <summary>The member <paramref name="name"/> written plainly or through <c>this.</c>.</summary>
    private static bool Names(ExpressionSyntax target, string name)
        => (target is MemberAccessExpressionSyntax { Expression: ThisExpressionSyntax } member ? member.Name : target)
            is IdentifierNameSyntax { Identifier.ValueText: var assigned } && assigned == name;
}
