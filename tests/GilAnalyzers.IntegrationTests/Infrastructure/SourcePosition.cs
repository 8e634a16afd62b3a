namespace GilAnalyzers.IntegrationTests.Infrastructure;

/// <summary>1-based line and column, as the compiler prints them.</summary>
public readonly record struct SourcePosition(int Line, int Column)
{
    /// <summary>The position of the first occurrence of <paramref name="marker"/> in <paramref name="text"/>.</summary>
    public static SourcePosition Of(string text, string marker)
    {
        var index = text.IndexOf(marker, StringComparison.Ordinal);
        if (index < 0 || text.IndexOf(marker, index + 1, StringComparison.Ordinal) >= 0)
        {
            throw new ArgumentException($"'{marker}' must occur exactly once in the source.", nameof(marker));
        }

        var line = 1 + text.AsSpan(0, index).Count('\n');
        var column = index - text.LastIndexOf('\n', Math.Max(0, index - 1));
        return new SourcePosition(line, column);
    }
}
