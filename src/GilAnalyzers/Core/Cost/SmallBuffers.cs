using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;

namespace GilAnalyzers.Core;

/// <summary>
/// Data of a small size fixed in the code: a buffer created with a constant length of at most
/// <see cref="MaxBytes"/> elements (<c>stackalloc byte[24]</c>, <c>new byte[32]</c>), a digest (what a hash call returns),
/// or a local that only ever holds such data or slices of itself. Hashing it takes microseconds, like hashing a key
/// (see <c>WorkCostModel.HashesAString</c>): a nonce, a digest hashed again, an address mixed with an id.
/// </summary>
internal static class SmallBuffers
{
    /// <summary>The largest constant length that counts as small: a key, a digest, a nonce, a header.</summary>
    public const int MaxBytes = 256;

    /// <summary>Whether <paramref name="value"/>, an argument of a call in a body, is small data as above.</summary>
    public static bool IsSmall(IOperation value)
    {
        var syntax = OperationFacts.StripConversions(value).Syntax as ExpressionSyntax;
        if (syntax is null)
        {
            return false;
        }

        if (IsSmallCreationOrDigest(syntax))
        {
            return true;
        }

        return OperationFacts.StripConversions(value) is ILocalReferenceOperation { Local: { } local }
               && OnlyHoldsSmallData(local, OperationFacts.TreeRoot(value).Syntax);
    }

    /// <summary>The local's initialiser and every assignment to it in <paramref name="scope"/> give small data or a slice of it.</summary>
    private static bool OnlyHoldsSmallData(ILocalSymbol local, SyntaxNode scope)
    {
        if (local.DeclaringSyntaxReferences.Length != 1
            || local.DeclaringSyntaxReferences[0].GetSyntax() is not VariableDeclaratorSyntax { Initializer.Value: { } initial }
            || !IsSmallCreationOrDigest(initial))
        {
            return false;
        }

        var name = local.Name;
        foreach (var node in scope.DescendantNodes())
        {
            switch (node)
            {
                case AssignmentExpressionSyntax { Left: IdentifierNameSyntax target } assignment when target.Identifier.ValueText == name:
                    if (!assignment.IsKind(SyntaxKind.SimpleAssignmentExpression)
                        || !(IsSmallCreationOrDigest(assignment.Right) || IsSliceOf(assignment.Right, name)))
                    {
                        return false;
                    }

                    break;
                case ArgumentSyntax { RefKindKeyword.RawKind: (int)SyntaxKind.RefKeyword or (int)SyntaxKind.OutKeyword, Expression: IdentifierNameSyntax passed }
                    when passed.Identifier.ValueText == name:
                    return false;
            }
        }

        return true;
    }

    /// <summary><c>buffer.Slice(…)</c>, <c>buffer.AsSpan(…)</c>, <c>buffer[..n]</c>: no larger than the buffer.</summary>
    private static bool IsSliceOf(ExpressionSyntax value, string name)
        => value switch
        {
            InvocationExpressionSyntax { Expression: MemberAccessExpressionSyntax { Expression: IdentifierNameSyntax receiver, Name.Identifier.ValueText: "Slice" or "AsSpan" or "AsMemory" } }
                => receiver.Identifier.ValueText == name,
            ElementAccessExpressionSyntax { Expression: IdentifierNameSyntax receiver, ArgumentList.Arguments: { Count: 1 } arguments }
                => receiver.Identifier.ValueText == name && arguments[0].Expression is RangeExpressionSyntax,
            _ => false,
        };

    private static bool IsSmallCreationOrDigest(ExpressionSyntax value)
    {
        switch (value)
        {
            case StackAllocArrayCreationExpressionSyntax { Type: ArrayTypeSyntax stackType }:
                return IsSmallLength(stackType);
            case ArrayCreationExpressionSyntax { Initializer: null, Type: { } arrayType }:
                return IsSmallLength(arrayType);
            case InvocationExpressionSyntax { Expression: MemberAccessExpressionSyntax { Name.Identifier.ValueText: "ComputeHash" or "HashData" or "GetHashAndReset" } }:
                // A digest: 16 to 64 bytes whatever was hashed.
                return true;
            default:
                return false;
        }
    }

    private static bool IsSmallLength(ArrayTypeSyntax type)
        => type.RankSpecifiers.Count == 1 && type.RankSpecifiers[0].Sizes.Count == 1
           && type.RankSpecifiers[0].Sizes[0] is LiteralExpressionSyntax { Token.Value: int length }
           && length is > 0 and <= MaxBytes;
}
