using Microsoft.CodeAnalysis;

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
}
