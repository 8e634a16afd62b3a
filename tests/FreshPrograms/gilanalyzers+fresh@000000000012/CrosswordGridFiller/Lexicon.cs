using System;
using System.Collections.Generic;
using System.Linq;

namespace CrosswordGridFiller;

/// <summary>Generated practice lexicon with per-position letter bitsets for pattern lookups.</summary>
public sealed class Lexicon
{
    private readonly Dictionary<int, string[]> _words = new();
    private readonly Dictionary<int, ulong[][]> _masks = new();

    public Lexicon(int seed, int perLength)
    {
        const string Letters = "EEEEAAATTOOINNSSRRHLDCUMPBGYFKW";
        var rng = new Random(seed);
        for (int len = 3; len <= 7; len++)
        {
            var set = new HashSet<string>();
            while (set.Count < perLength)
                set.Add(new string(Enumerable.Range(0, len).Select(_ => Letters[rng.Next(Letters.Length)]).ToArray()));
            var words = set.ToArray();
            var masks = new ulong[len * 26][];
            for (int m = 0; m < masks.Length; m++) masks[m] = new ulong[(words.Length + 63) / 64];
            for (int w = 0; w < words.Length; w++)
                for (int p = 0; p < len; p++)
                    masks[p * 26 + (words[w][p] - 'A')][w >> 6] |= 1UL << (w & 63);
            _words[len] = words;
            _masks[len] = masks;
        }
    }

    public string Word(int length, int index) => _words[length][index];

    public ulong[] Candidates(int length, Func<int, char> letterAt)
    {
        int count = _words[length].Length;
        var result = Enumerable.Repeat(ulong.MaxValue, (count + 63) / 64).ToArray();
        if (count % 64 != 0) result[^1] = (1UL << (count % 64)) - 1;
        for (int p = 0; p < length; p++)
        {
            char c = letterAt(p);
            if (c == '.') continue;
            var mask = _masks[length][p * 26 + (c - 'A')];
            for (int i = 0; i < result.Length; i++) result[i] &= mask[i];
        }
        return result;
    }
}
