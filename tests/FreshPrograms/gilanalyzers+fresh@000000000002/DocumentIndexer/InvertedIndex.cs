using System;
using System.Collections.Generic;
using System.Text;

namespace DocumentIndexer
{
    internal sealed class InvertedIndex
    {
        private readonly Dictionary<string, SortedSet<int>> _postings = new Dictionary<string, SortedSet<int>>(StringComparer.Ordinal);

        public int TermCount => _postings.Count;

        public void Add(string term, int documentId)
        {
            if (!_postings.TryGetValue(term, out var list))
            {
                list = new SortedSet<int>();
                _postings.Add(term, list);
            }
            list.Add(documentId);
        }

        public void MergeFrom(InvertedIndex other)
        {
            foreach (var pair in other._postings)
            {
                foreach (int id in pair.Value) Add(pair.Key, id);
            }
        }

        public IReadOnlyCollection<int> Lookup(string word) =>
            _postings.TryGetValue(Stemmer.Stem(word), out var set) ? set : (IReadOnlyCollection<int>)Array.Empty<int>();
    }

    internal static class Tokenizer
    {
        public static IEnumerable<string> Tokenize(string text)
        {
            var current = new StringBuilder();
            foreach (char c in text)
            {
                if (char.IsLetterOrDigit(c))
                {
                    current.Append(char.ToLowerInvariant(c));
                }
                else if (current.Length > 0)
                {
                    yield return current.ToString();
                    current.Clear();
                }
            }
            if (current.Length > 0) yield return current.ToString();
        }
    }

    internal static class Stemmer
    {
        private static readonly string[] Suffixes = { "ings", "ing", "ers", "er", "es", "s", "ly", "ed" };

        public static string Stem(string word)
        {
            foreach (string suffix in Suffixes)
            {
                if (word.Length > suffix.Length + 2 && word.EndsWith(suffix, StringComparison.Ordinal))
                {
                    return word.Substring(0, word.Length - suffix.Length);
                }
            }
            return word;
        }
    }
}
