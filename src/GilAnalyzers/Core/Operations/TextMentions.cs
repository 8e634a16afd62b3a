using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Text;
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
    /// <summary>Characters of text searched at a time: the text is read in pieces, never copied whole into one string.</summary>
    private const int ChunkLength = 8192;

    private readonly string[] _words;
    private readonly string _firstCharacters;
    private readonly int _longestWord;
    private readonly Func<SourceText, int, string, bool>? _isOtherName;
    private readonly ConcurrentDictionary<SyntaxTree, int[]> _positions = new ConcurrentDictionary<SyntaxTree, int[]>();

    /// <param name="words">The words looked for.</param>
    /// <param name="isOtherName">Given the text, a match's position and its word: true when the match names something else
    /// (<c>string.Join</c>, <c>ThreadPool</c>) and does not count.</param>
    public TextMentions(string[] words, Func<SourceText, int, string, bool>? isOtherName = null)
    {
        _words = words;
        _isOtherName = isOtherName;
        var first = new StringBuilder();
        foreach (var word in words)
        {
            if (first.ToString().IndexOf(word[0]) < 0)
            {
                first.Append(word[0]);
            }

            _longestWord = Math.Max(_longestWord, word.Length);
        }

        _firstCharacters = first.ToString();
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
        var index = Array.BinarySearch(positions, span.Start);
        if (index < 0)
        {
            index = ~index;
        }

        return index < positions.Length && positions[index] < span.End;
    }

    /// <summary>
    /// The positions of the words, in increasing order. The text is copied piece by piece into one small buffer (a large
    /// file's text is held in chunks: a whole-text string would be a large-object-heap copy per tree), each piece with
    /// enough of the next one that a word starting in it is seen whole; candidates are found by their first character.
    /// </summary>
    private int[] Find(SyntaxTree tree)
    {
        var text = tree.GetText();
        var length = text.Length;
        var buffer = new char[Math.Min(length, ChunkLength + _longestWord - 1)];
        List<int>? found = null;
        for (var start = 0; start < length; start += ChunkLength)
        {
            var count = Math.Min(buffer.Length, length - start);
            text.CopyTo(start, buffer, 0, count);
            var piece = new ReadOnlySpan<char>(buffer, 0, count);
            // Words that start in this piece proper; the overlap belongs to the next piece.
            var end = Math.Min(ChunkLength, count);
            for (var i = 0; i < end; i++)
            {
                var next = piece.Slice(i, end - i).IndexOfAny(_firstCharacters.AsSpan());
                if (next < 0)
                {
                    break;
                }

                i += next;
                foreach (var word in _words)
                {
                    if (piece.Slice(i).StartsWith(word.AsSpan(), StringComparison.Ordinal)
                        && (_isOtherName is null || !_isOtherName(text, start + i, word)))
                    {
                        (found ??= new List<int>()).Add(start + i);
                        break;
                    }
                }
            }
        }

        return found is null ? Array.Empty<int>() : found.ToArray();
    }
}
