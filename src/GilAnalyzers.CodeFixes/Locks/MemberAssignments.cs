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
    /// <c>this.Cells = …</c>. A member of another object with the same name (<c>other._data = …</c>) is not one of them.
    /// </summary>
    public static IEnumerable<AssignmentExpressionSyntax> To(INamedTypeSymbol type, string name, CancellationToken cancellationToken)
    {
        foreach (var reference in type.DeclaringSyntaxReferences)
        {
            foreach (var assignment in reference.GetSyntax(cancellationToken).DescendantNodes().OfType<AssignmentExpressionSyntax>())
            {
                var target = assignment.Left is MemberAccessExpressionSyntax { Expression: ThisExpressionSyntax } member ? member.Name : assignment.Left;
                if (target is IdentifierNameSyntax { Identifier.ValueText: var assigned } && assigned == name)
                {
                    yield return assignment;
                }
            }
        }
    }
}
