using System.Collections.Concurrent;
using System.Collections.Generic;
using Microsoft.CodeAnalysis;

namespace GilAnalyzers.Core;

/// <summary>
/// Where a syntax tree's text contains some words, found once per tree by an ordinal search of the text the compiler
/// already holds: a filter that costs no syntax, binding or operation work (before binding another method's body, or
/// walking a member's operations). Comments match too; the operation walk that follows decides.
/// </summary>
internal sealed class TextMentions
{
    private readonly string[] _words;
    private readonly System.Func<string, int, string, bool>? _isOtherName;
    private readonly ConcurrentDictionary<SyntaxTree, int[]> _positions = new ConcurrentDictionary<SyntaxTree, int[]>();

    /// <param name="words">The words looked for.</param>
    /// <param name="isOtherName">Given the text, a match's position and its word: true when the match names something else
    /// (<c>string.Join</c>, <c>ThreadPool</c>) and does not count.</param>
    public TextMentions(string[] words, System.Func<string, int, string, bool>? isOtherName = null)
    {
        _words = words;
        _isOtherName = isOtherName;
    }

    /// <summary>Whether a word occurs inside the text of <paramref name="reference"/> (a declaration's syntax).</summary>
    public bool In(SyntaxReference reference) => In(reference.SyntaxTree, reference.Span);

    /// <summary>Whether a word occurs inside <paramref name="node"/>'s text.</summary>
    public bool In(SyntaxNode node) => In(node.SyntaxTree, node.Span);

    public bool In(SyntaxTree tree, Microsoft.CodeAnalysis.Text.TextSpan span)
    {
        var positions = _positions.GetOrAdd(tree, Find);
        if (positions.Length == 0)
        {
            return false;
        }

        // The first mention at or after the span's start, then whether it lies inside the span.
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
        foreach (var word in _words)
        {
            for (var at = text.IndexOf(word, System.StringComparison.Ordinal); at >= 0; at = text.IndexOf(word, at + word.Length, System.StringComparison.Ordinal))
            {
                if (_isOtherName is null || !_isOtherName(text, at, word))
                {
                    (found ??= new List<int>()).Add(at);
                }
            }
        }

        if (found is null)
        {
            return System.Array.Empty<int>();
        }

        found.Sort();
        return found.ToArray();
    }
}
