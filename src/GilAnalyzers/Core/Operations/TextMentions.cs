using System.Collections.Concurrent;
using System.Collections.Generic;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Text;

namespace GilAnalyzers.Core;

/// <summary>
/// Where a syntax tree's text contains some words, found once per tree by an ordinal search of the text the compiler
/// already holds: a filter that costs no syntax, binding or operation work (before binding another method's body, or
/// walking a member's operations). Comments match too; the operation walk that follows decides.
/// </summary>
internal sealed class TextMentions
{
    private readonly string[] _words;
    private readonly System.Func<SourceText, int, string, bool>? _isOtherName;
    private readonly ConcurrentDictionary<SyntaxTree, int[]> _positions = new ConcurrentDictionary<SyntaxTree, int[]>();

    /// <param name="words">The words looked for.</param>
    /// <param name="isOtherName">Given the text, a match's position and its word: true when the match names something else
    /// (<c>string.Join</c>, <c>ThreadPool</c>) and does not count.</param>
    public TextMentions(string[] words, System.Func<SourceText, int, string, bool>? isOtherName = null)
    {
        _words = words;
        _isOtherName = isOtherName;
    }

    /// <summary>Whether a word occurs inside the text of <paramref name="reference"/> (a declaration's syntax).</summary>
    public bool In(SyntaxReference reference) => In(reference.SyntaxTree, reference.Span);

    /// <summary>Whether a word occurs inside <paramref name="node"/>'s text.</summary>
    public bool In(SyntaxNode node) => In(node.SyntaxTree, node.Span);

    public bool In(SyntaxTree tree, TextSpan span)
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
        // The text is searched in chunks of at most 16K characters, never as one string: a file's text as a string is
        // often large enough for the large object heap, and allocating one per tree made the compiler collect its
        // largest generation — most of this filter's cost in a real compile. Consecutive chunks overlap by the longest
        // word less one, so a mention across a chunk boundary is found (in the chunk where it starts).
        var text = tree.GetText();
        var length = text.Length;
        var longest = 0;
        foreach (var word in _words)
        {
            longest = System.Math.Max(longest, word.Length);
        }

        if (length == 0 || longest == 0)
        {
            return System.Array.Empty<int>();
        }

        List<int>? found = null;
        // Per word, where the next mention may start: mentions of one word do not overlap (as an ordinal search that
        // goes on after each match finds them).
        var next = new int[_words.Length];
        for (var start = 0; start < length; start += ChunkLength)
        {
            var count = System.Math.Min(ChunkLength + longest - 1, length - start);
            var own = System.Math.Min(count, ChunkLength);
            // string.IndexOf with an ordinal comparison: the runtime's vectorised search, not a generic span method
            // (whose instantiation a ReadyToRun image of a netstandard assembly cannot hold, so the compiler would JIT it).
            var chunk = text.ToString(new TextSpan(start, count));
            for (var w = 0; w < _words.Length; w++)
            {
                var word = _words[w];
                var from = System.Math.Max(0, next[w] - start);
                while (from < own)
                {
                    var at = chunk.IndexOf(word, from, System.StringComparison.Ordinal);
                    if (at < 0 || at >= own)
                    {
                        break;
                    }

                    var position = start + at;
                    if (_isOtherName is null || !_isOtherName(text, position, word))
                    {
                        (found ??= new List<int>()).Add(position);
                    }

                    next[w] = position + word.Length;
                    from = at + word.Length;
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

    /// <summary>Characters searched per chunk (a string well below the large object heap's threshold).</summary>
    private const int ChunkLength = 16 * 1024;
}
