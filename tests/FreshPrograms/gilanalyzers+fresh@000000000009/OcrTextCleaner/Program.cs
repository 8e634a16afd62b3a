using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Runtime.CompilerServices;
using System.Text;
using System.Threading.Tasks;

namespace OcrTextCleaner;

public sealed class Page(int number, List<string> lines)
{
    public int Number { get; } = number;
    public List<string> Lines { get; } = lines;
    public int Corrections { get; set; }
}

public sealed class SpellCorrector(IReadOnlyList<string> lexicon)
{
    private readonly HashSet<string> _known = new(lexicon, StringComparer.Ordinal);
    private int[] _prev = new int[64], _curr = new int[64];

    // Nearest lexicon word by Levenshtein distance (at most 2), scanning the whole lexicon.
    [MethodImpl(MethodImplOptions.Synchronized)]
    public string Correct(string word)
    {
        if (word.Length < 3 || _known.Contains(word)) return word;
        string best = word;
        int bestDistance = 3;
        foreach (var candidate in lexicon)
        {
            if (Math.Abs(candidate.Length - word.Length) >= bestDistance) continue;
            if (_prev.Length <= candidate.Length) { _prev = new int[candidate.Length + 1]; _curr = new int[candidate.Length + 1]; }
            for (int j = 0; j <= candidate.Length; j++) _prev[j] = j;
            for (int i = 1; i <= word.Length; i++)
            {
                _curr[0] = i;
                for (int j = 1; j <= candidate.Length; j++)
                    _curr[j] = Math.Min(Math.Min(_prev[j] + 1, _curr[j - 1] + 1), _prev[j - 1] + (word[i - 1] == candidate[j - 1] ? 0 : 1));
                (_prev, _curr) = (_curr, _prev);
            }
            if (_prev[candidate.Length] < bestDistance) { bestDistance = _prev[candidate.Length]; best = candidate; }
        }
        return best;
    }
}

public sealed class AuditLog
{
    private readonly List<string> _entries = new();

    [MethodImpl(MethodImplOptions.Synchronized)]
    public void Append(string entry) => _entries.Add(entry);

    public int Count => _entries.Count;
}

public static class Program
{
    private static readonly string[] Words = "the of and to in is was for on that with as by at from this which be are or an it not have had but were his they their one all been has more its also than other into after some two first would these time new only".Split(' ');

    public static async Task Main()
    {
        var lexicon = Words.Concat(Enumerable.Range(0, 3000).Select(Pseudo)).ToList();
        var corrector = new SpellCorrector(lexicon);
        var audit = new AuditLog();
        var pages = Enumerable.Range(1, 40).Select(n => MakePage(n, lexicon)).ToList();

        Parallel.ForEach(pages, page =>
        {
            for (int l = 0; l < page.Lines.Count; l++)
            {
                var words = page.Lines[l].Split(' ');
                for (int w = 0; w < words.Length; w++)
                {
                    string fixedWord = corrector.Correct(words[w]);
                    if (fixedWord != words[w]) { page.Corrections++; words[w] = fixedWord; }
                }
                page.Lines[l] = string.Join(' ', words);
            }
            audit.Append($"page {page.Number}: {page.Corrections} corrections");
        });

        string outDir = Path.Combine(Path.GetTempPath(), "ocr-clean");
        Directory.CreateDirectory(outDir);
        await Task.WhenAll(pages.Select(p => ExportAsync(p, outDir)));

        Console.WriteLine($"pages: {pages.Count}, corrections: {pages.Sum(p => p.Corrections)}, audit entries: {audit.Count}");
        Console.WriteLine($"page 1, line 1: {pages[0].Lines[0]}");
    }

    // Re-join hyphenated line breaks, re-flow to 72 columns, add a MinHash signature for the search index, then save.
    private static async Task ExportAsync(Page page, string outDir)
    {
        var text = new StringBuilder();
        foreach (var line in page.Lines)
        {
            if (text.Length > 0 && text[^1] == '-') text.Length--; else if (text.Length > 0) text.Append(' ');
            text.Append(line);
        }
        var flowed = new StringBuilder();
        int column = 0;
        foreach (var word in text.ToString().Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            if (column + word.Length > 72) { flowed.AppendLine(); column = 0; }
            flowed.Append(word).Append(' ');
            column += word.Length + 1;
        }
        string body = flowed.ToString();
        var signature = new uint[128];
        Array.Fill(signature, uint.MaxValue);
        for (int i = 0; i + 5 <= body.Length; i++)
        {
            uint shingle = 2166136261;
            for (int k = 0; k < 5; k++) shingle = (shingle ^ body[i + k]) * 16777619;
            for (int h = 0; h < signature.Length; h++)
                signature[h] = Math.Min(signature[h], (shingle ^ (uint)(h * 0x9E3779B9)) * 0x85EBCA6B + (uint)h);
        }
        body += Environment.NewLine + "#minhash " + string.Join(',', signature.Take(8).Select(x => x.ToString("x8")));
        await File.WriteAllTextAsync(Path.Combine(outDir, $"page{page.Number:D3}.txt"), body);
    }

    private static string Pseudo(int i)
    {
        var sb = new StringBuilder("term");
        for (int v = i * 7919 % 100000 + 1; v > 0; v /= 26) sb.Append((char)('a' + v % 26));
        return sb.ToString();
    }

    private static Page MakePage(int number, List<string> lexicon)
    {
        var rng = new Random(number);
        var lines = new List<string>();
        for (int l = 0; l < 30; l++)
        {
            var words = Enumerable.Range(0, 9).Select(_ => lexicon[rng.Next(rng.Next(3) == 0 ? lexicon.Count : Words.Length)].ToCharArray()).ToList();
            foreach (var w in words) if (rng.Next(8) == 0) w[rng.Next(w.Length)] = "rnlc1"[rng.Next(5)];
            lines.Add(string.Join(' ', words.Select(w => new string(w))));
        }
        return new Page(number, lines);
    }
}
