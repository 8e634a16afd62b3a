using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;

namespace GilAnalyzers.Core;

/// <summary>
/// Image decoding in managed imaging libraries: <c>Image.Load(bytes)</c>, <c>Image.Load&lt;Rgba32&gt;(stream)</c>
/// (ImageSharp), <c>Image.Decode(…)</c>. Decoding reads and converts every pixel of the image handed over: work
/// proportional to the data, like a hash or a compression, never a walk over the state a lock guards. Works on
/// unresolved code too (the package not restored): a static call on a type named <c>Image</c> is all it needs.
/// </summary>
internal static class ImageCodecs
{
    /// <summary>The called name when <paramref name="operation"/> decodes an image handed over, else null.</summary>
    public static string? DecodeCall(IOperation operation)
    {
        if (operation.Syntax is not InvocationExpressionSyntax { Expression: MemberAccessExpressionSyntax access } call
            || access.Name.Identifier.ValueText is not ("Load" or "Decode")
            || call.ArgumentList.Arguments.Count == 0
            || access.Expression is not (IdentifierNameSyntax { Identifier.ValueText: "Image" } or MemberAccessExpressionSyntax { Name.Identifier.ValueText: "Image" }))
        {
            return null;
        }

        switch (operation)
        {
            case IInvocationOperation { TargetMethod: { IsStatic: true, ContainingType: { Name: "Image" } type } }:
                // Resolved: an imaging library's Image (SixLabors.ImageSharp), not a framework type of the same name.
                return IsFrameworkNamespace(type.ContainingNamespace) ? null : access.Name.Identifier.ValueText;
            case IInvalidOperation:
                // The data to decode: not a literal (a path string literal is a file read first; still decoding, but keep
                // to what is handed over in memory or as a stream or name computed at run time).
                foreach (var argument in call.ArgumentList.Arguments)
                {
                    if (argument.Expression is not LiteralExpressionSyntax)
                    {
                        return access.Name.Identifier.ValueText;
                    }
                }

                return null;
            default:
                return null;
        }
    }

    private static bool IsFrameworkNamespace(INamespaceSymbol? ns)
    {
        for (var current = ns; current is { IsGlobalNamespace: false }; current = current.ContainingNamespace)
        {
            if (current.ContainingNamespace is { IsGlobalNamespace: true })
            {
                return current.Name is "System" or "Microsoft" or "Windows";
            }
        }

        return true;
    }
}
