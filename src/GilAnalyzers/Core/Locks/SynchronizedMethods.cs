using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace GilAnalyzers.Core;

/// <summary>
/// <c>[MethodImpl(MethodImplOptions.Synchronized)]</c>: the runtime locks <c>this</c> (or the type, for a static method)
/// around the whole body. One test, used by GIL002's analyzer and by the fixes that look for every region of a lock.
/// </summary>
internal static class SynchronizedMethods
{
    /// <summary>MethodImplOptions.Synchronized.</summary>
    private const int SynchronizedFlag = 0x20;

    public static bool IsSynchronized(IMethodSymbol method, KnownTypes types)
    {
        if (HasNoAttributeList(method))
        {
            return false;
        }

        if (((int)method.MethodImplementationFlags & SynchronizedFlag) != 0)
        {
            return true;
        }

        foreach (var attribute in method.GetAttributes())
        {
            // The name first: it resolves no type.
            if (attribute.AttributeClass is not { Name: "MethodImplAttribute" } attributeClass
                || !KnownTypes.Is(attributeClass, types.MethodImplAttribute)
                || attribute.ConstructorArguments.Length == 0)
            {
                continue;
            }

            var flags = attribute.ConstructorArguments[0].Value switch
            {
                int i => i,
                short s => s,
                _ => 0,
            };
            if ((flags & SynchronizedFlag) != 0)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// A method of the source whose every declaration is a method, constructor, destructor, operator, local function or
    /// accessor (of a property, indexer or event that is not partial) without an attribute list: nothing can have made it
    /// synchronized — the flag comes only from a <c>MethodImpl</c> attribute on the declaration. Decided from the syntax,
    /// before <see cref="IMethodSymbol.MethodImplementationFlags"/>, which makes the compiler compute the method's
    /// implementation attributes (in this SDK's compiler with its runtime-async check) — GIL002 asks it for every member
    /// body of a compilation. Anything else (metadata, partial parts, a primary constructor, an attribute list anywhere on
    /// the declaration, however the attribute is spelled) takes the full test.
    /// </summary>
    private static bool HasNoAttributeList(IMethodSymbol method)
    {
        var references = method.DeclaringSyntaxReferences;
        if (references.Length == 0 || method.IsPartialDefinition || method.PartialDefinitionPart is not null
            || method.PartialImplementationPart is not null)
        {
            return false;
        }

        foreach (var reference in references)
        {
            var attributeLists = reference.GetSyntax() switch
            {
                BaseMethodDeclarationSyntax declaration => declaration.AttributeLists.Count,
                LocalFunctionStatementSyntax local => local.AttributeLists.Count,
                AccessorDeclarationSyntax accessor when accessor.Parent?.Parent is BasePropertyDeclarationSyntax owner
                                                        && !owner.Modifiers.Any(SyntaxKind.PartialKeyword) => accessor.AttributeLists.Count,
                _ => -1,
            };
            if (attributeLists != 0)
            {
                return false;
            }
        }

        return true;
    }
}
