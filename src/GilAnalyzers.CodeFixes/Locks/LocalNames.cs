using System.Collections.Generic;
using Microsoft.CodeAnalysis.CSharp;

namespace GilAnalyzers.CodeFixes.Locks;

/// <summary>Names for the locals the rewrites introduce: from a field's name, and free in the scope they go into.</summary>
internal static class LocalNames
{
    /// <summary><c>_sums</c>, <c>s_sums</c>, <c>m_sums</c> → <c>sums</c>; <paramref name="fallback"/> when nothing is left.</summary>
    public static string FromField(string name, string fallback)
    {
        var trimmed = name.TrimStart('_');
        if (trimmed.StartsWith("s_", System.StringComparison.Ordinal) || trimmed.StartsWith("m_", System.StringComparison.Ordinal))
        {
            trimmed = trimmed.Substring(2);
        }

        return trimmed.Length == 0 ? fallback : char.ToLowerInvariant(trimmed[0]) + trimmed.Substring(1);
    }

    /// <summary>
    /// <paramref name="baseName"/>, or with 2, 3… appended, the first that is neither in <paramref name="used"/>, nor
    /// <paramref name="taken"/> (a name already in scope where the local goes), nor a keyword; added to <paramref name="used"/>.
    /// </summary>
    public static string Fresh(string baseName, HashSet<string> used, System.Func<string, bool>? taken = null)
    {
        var name = baseName;
        for (var i = 2; used.Contains(name) || taken?.Invoke(name) == true || SyntaxFacts.GetKeywordKind(name) != SyntaxKind.None; i++)
        {
            name = baseName + i.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        used.Add(name);
        return name;
    }
}
