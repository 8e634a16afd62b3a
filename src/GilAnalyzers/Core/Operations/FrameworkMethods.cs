using System;
using System.Collections.Immutable;

namespace GilAnalyzers.Core;

/// <summary>Names of framework methods whose meaning the models rely on, kept in one place.</summary>
internal static class FrameworkMethods
{
    /// <summary>
    /// Framework instance methods that only read their receiver (lookups, copies out, comparisons, views): calling one on
    /// shared state neither mutates it (the global-state model) nor counts as a write (the fixes' effects walker).
    /// </summary>
    public static readonly ImmutableHashSet<string> ReadOnlyOnReceiver = ImmutableHashSet.Create(StringComparer.Ordinal,
        "TryGetValue", "ContainsKey", "ContainsValue", "Contains", "IndexOf", "LastIndexOf", "GetValueOrDefault", "ToString",
        "Equals", "GetHashCode", "CompareTo", "CopyTo", "ToArray", "ToList", "GetEnumerator", "Get", "Peek", "TryPeek", "Clone",
        "AsSpan", "AsMemory", "Slice", "GetLength", "GetUpperBound", "GetLowerBound", "Count", "Any", "StartsWith", "EndsWith",
        "Substring", "GetType");
}
