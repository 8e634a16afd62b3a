using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using Microsoft.CodeAnalysis;

namespace GilAnalyzers.Core;

/// <summary>
/// P/Invoke entry points of C libraries that keep no state between calls and are documented safe to call from several
/// threads at once: zlib's one-shot functions (<c>compress2</c>, <c>uncompress</c>, <c>compressBound</c>, <c>crc32</c>,
/// <c>adler32</c>; the zlib manual: "The library is thread safe" when its allocator is, and these allocate through the
/// C library) and the C math library's functions of numbers (<c>exp</c>, <c>lgamma</c>, <c>erf</c>, …). A call to one of
/// them depends only on its arguments and writes only the output arrays it is handed, so a lock around it guards nothing
/// that threads must take turns on, and a worker process running it computes what the caller would have.
/// <para>
/// <c>lgamma</c> also stores the sign of Γ(x) in the C library's global <c>signgam</c>; its return value does not read
/// that global, and C# code cannot read it without importing the variable itself, so concurrent calls return the
/// same values as serial ones. The C library's stateful functions (<c>rand</c>, <c>srand</c>, <c>random</c>,
/// <c>strtok</c>, <c>setlocale</c>) and zlib's stream functions (<c>deflate</c> on a <c>z_stream</c>) are not here: a
/// call to them reads what an earlier call left.
/// </para>
/// Recognised only when the import names the library (<c>libz.so.1</c>, <c>zlib1.dll</c>, <c>libm.so.6</c>,
/// <c>msvcrt</c>, …), the entry point is one of these, and every parameter is a number (<c>nuint</c> for size_t), a string,
/// a one-dimensional array of numbers or a <c>ref</c>/<c>out</c> number — a pointer (<c>IntPtr</c>, <c>byte*</c>) or handle
/// parameter could reach anything.
/// </summary>
internal static class StatelessNativeFunctions
{
    private static readonly ImmutableArray<int> None = ImmutableArray<int>.Empty;

    private static readonly ImmutableArray<int> FirstArgument = ImmutableArray.Create(0);

    /// <summary>zlib's one-shot functions and the ordinals of the array parameters each writes (the destination buffer).</summary>
    private static readonly Dictionary<string, ImmutableArray<int>> Zlib = new Dictionary<string, ImmutableArray<int>>(StringComparer.Ordinal)
    {
        ["compress"] = FirstArgument,
        ["compress2"] = FirstArgument,
        ["uncompress"] = FirstArgument,
        ["uncompress2"] = FirstArgument,
        ["compressBound"] = None,
        ["crc32"] = None,
        ["crc32_z"] = None,
        ["crc32_combine"] = None,
        ["adler32"] = None,
        ["adler32_z"] = None,
        ["adler32_combine"] = None,
        ["zlibVersion"] = None,
        ["zlibCompileFlags"] = None,
    };

    /// <summary>Functions of numbers in the C math library (the <c>double</c> names; <c>f</c>/<c>l</c> variants too).</summary>
    private static readonly HashSet<string> MathFunctions = new HashSet<string>(StringComparer.Ordinal)
    {
        "sin", "cos", "tan", "asin", "acos", "atan", "atan2", "sinh", "cosh", "tanh", "asinh", "acosh", "atanh",
        "exp", "exp2", "expm1", "log", "log2", "log10", "log1p", "logb", "pow", "sqrt", "cbrt", "hypot", "fabs", "floor",
        "ceil", "round", "trunc", "rint", "nearbyint", "fmod", "remainder", "fmin", "fmax", "fdim", "fma", "copysign",
        "erf", "erfc", "tgamma", "lgamma", "j0", "j1", "jn", "y0", "y1", "yn", "ldexp", "scalbn", "nextafter",
    };

    private static readonly HashSet<string> ZlibLibraries = new HashSet<string>(StringComparer.OrdinalIgnoreCase)
    {
        "z", "libz", "zlib", "zlib1", "zlibwapi", "libzlib",
    };

    private static readonly HashSet<string> MathLibraries = new HashSet<string>(StringComparer.OrdinalIgnoreCase)
    {
        "m", "libm", "c", "libc", "msvcrt", "ucrtbase", "api-ms-win-crt-math-l1-1-0", "libSystem", "libSystem.B",
    };

    /// <summary>
    /// Whether <paramref name="method"/> is such an entry point; <paramref name="writtenArrays"/> are the ordinals of the
    /// array parameters it writes (every other argument is only read).
    /// </summary>
    public static bool IsStateless(IMethodSymbol method, out ImmutableArray<int> writtenArrays)
    {
        writtenArrays = None;
        if (!method.IsStatic || (!method.IsExtern && !method.IsPartialDefinition) || !TryGetImport(method, out var library, out var entryPoint))
        {
            return false;
        }

        var module = LibraryStem(library);
        ImmutableArray<int> written;
        if (ZlibLibraries.Contains(module) && Zlib.TryGetValue(entryPoint, out var zlibWritten))
        {
            written = zlibWritten;
        }
        else if (MathLibraries.Contains(module) && IsMathFunction(entryPoint))
        {
            written = None;
        }
        else
        {
            return false;
        }

        foreach (var parameter in method.Parameters)
        {
            if (!IsPlainParameter(parameter))
            {
                return false;
            }
        }

        foreach (var ordinal in written)
        {
            if (ordinal >= method.Parameters.Length || method.Parameters[ordinal].Type is not IArrayTypeSymbol)
            {
                return false;
            }
        }

        writtenArrays = written;
        return true;
    }

    private static bool IsMathFunction(string entryPoint)
    {
        if (MathFunctions.Contains(entryPoint))
        {
            return true;
        }

        // sinf, lgammal: the float and long double variants.
        return entryPoint.Length > 2 && entryPoint[entryPoint.Length - 1] is 'f' or 'l'
               && MathFunctions.Contains(entryPoint.Substring(0, entryPoint.Length - 1));
    }

    /// <summary>A number, bool or string by value; a one-dimensional array of numbers by value; a number by ref/out.</summary>
    private static bool IsPlainParameter(IParameterSymbol parameter)
    {
        if (parameter.RefKind != RefKind.None)
        {
            return parameter.RefKind is RefKind.Ref or RefKind.Out && (IsNumber(parameter.Type) || parameter.Type.SpecialType == SpecialType.System_UIntPtr);
        }

        return parameter.Type switch
        {
            IArrayTypeSymbol { Rank: 1, ElementType: var element } => IsNumber(element),
            { SpecialType: SpecialType.System_String or SpecialType.System_Boolean } => true,
            // size_t and uLong are declared nuint/ulong; an IntPtr by value is a pointer the call could write through.
            { SpecialType: SpecialType.System_UIntPtr } => true,
            var type => IsNumber(type),
        };
    }

    private static bool IsNumber(ITypeSymbol type)
        => type.SpecialType is >= SpecialType.System_Char and <= SpecialType.System_Double and not SpecialType.System_Decimal;

    private static readonly string[] LibrarySuffixes = { ".so", ".dll", ".dylib" };

    /// <summary><c>libz.so.1</c> → <c>libz</c>, <c>zlib1.dll</c> → <c>zlib1</c>, <c>/usr/lib/libm.so.6</c> → <c>libm</c>.</summary>
    private static string LibraryStem(string library)
    {
        var name = library;
        var slash = Math.Max(name.LastIndexOf('/'), name.LastIndexOf('\\'));
        if (slash >= 0)
        {
            name = name.Substring(slash + 1);
        }

        foreach (var suffix in LibrarySuffixes)
        {
            var at = name.IndexOf(suffix, StringComparison.OrdinalIgnoreCase);
            if (at > 0)
            {
                return name.Substring(0, at);
            }
        }

        return name;
    }

    /// <summary>The library and entry point of a <c>[DllImport]</c> or <c>[LibraryImport]</c> method.</summary>
    private static bool TryGetImport(IMethodSymbol method, out string library, out string entryPoint)
    {
        if (method.GetDllImportData() is { ModuleName: { } module } data)
        {
            library = module;
            entryPoint = data.EntryPointName ?? method.Name;
            return true;
        }

        foreach (var attribute in method.GetAttributes())
        {
            if (attribute.AttributeClass?.Name != "LibraryImportAttribute" || attribute.ConstructorArguments.Length != 1
                || attribute.ConstructorArguments[0].Value is not string name)
            {
                continue;
            }

            library = name;
            entryPoint = method.Name;
            foreach (var named in attribute.NamedArguments)
            {
                if (named.Key == "EntryPoint" && named.Value.Value is string point)
                {
                    entryPoint = point;
                }
            }

            return true;
        }

        library = entryPoint = string.Empty;
        return false;
    }
}
