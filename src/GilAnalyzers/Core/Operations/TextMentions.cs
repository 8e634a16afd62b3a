using System.Collections.Concurrent;
using System.Collections.Generic;
using Microsoft.CodeAnalysis;

namespace GilAnalyzers.Core;

/// <summary>
/// Where a syntax tree's text contains one word, found once per tree by an ordinal search of the text the compiler
/// already holds: a filter that costs no syntax, binding or operation work, run before binding another method's body
/// (comments and longer names match too; the operation walk that follows decides).
/// </summary>
internal sealed class TextMentions
{
    private readonly string _word;
    private readonly ConcurrentDictionary<SyntaxTree, int[]> _positions = new ConcurrentDictionary<SyntaxTree, int[]>();

    public TextMentions(string word)
    {
        _word = word;
    }

    /// <summary>Whether the word occurs inside the text of <paramref name="reference"/> (a declaration's syntax).</summary>
    public bool In(SyntaxReference reference) => In(reference.SyntaxTree, reference.Span);

    public bool In(SyntaxTree tree, Microsoft.CodeAnalysis.Text.TextSpan span)
    {
        var positions = _positions.GetOrAdd(tree, Find);
        if (positions.Length == 0)
        {
            return false;
        }

        var index = System.Array.BinarySearch(positions, span.Start);
        if (index < 0)
        {
            index = ~index;
        }

        return index < positions.Length && positions[index] < span.End;
    }

    private int[] Find(SyntaxTree tree)
    {
        var text = tree.GetText().ToString();
        List<int>? found = null;
        for (var at = text.IndexOf(_word, System.StringComparison.Ordinal); at >= 0; at = text.IndexOf(_word, at + _word.Length, System.StringComparison.Ordinal))
        {
            (found ??= new List<int>()).Add(at);
        }

        return found is null ? System.Array.Empty<int>() : found.ToArray();
    }
}
