#nullable disable
using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using System.Threading;
using System.Threading.Tasks;

namespace TextJustifier
{
    // Port of an old typesetter's Liang hyphenation module. Work buffers and the learned-word table are static,
    // as in the original; callers take SyncRoot around a whole paragraph.
    static class LegacyHyphenator
    {
        public static readonly object SyncRoot = new object();
        static readonly Dictionary<string, int[]> s_patterns = new Dictionary<string, int[]>();
        static readonly Dictionary<string, string> s_learned = new Dictionary<string, string>();
        static int[] s_points = new int[64];
        static char[] s_word = new char[64];
        public static int Lookups;

        static LegacyHyphenator()
        {
            foreach (string p in new[] { "1ba", "1be", "1bi", "1bo", "1da", "1de", "1di", "1do", "1ka", "1ke", "1la", "1le", "1li",
                                         "1ma", "1me", "1mi", "1na", "1ne", "1ni", "1ra", "1re", "1ri", "1ro", "1ta", "1te", "1ti",
                                         "2n1t", "2r1t", "2s1t", "a1o", "e1a", "i1o", "o1i", "4ng", "1tion", "2bl", "1pro", "1sto" })
            {
                string letters = new string(p.Where(char.IsLetter).ToArray());
                var pts = new int[letters.Length + 1];
                int k = 0;
                foreach (char c in p) { if (char.IsDigit(c)) pts[k] = c - '0'; else k++; }
                s_patterns[letters] = pts;
            }
        }

        public static string Hyphenate(string word)
        {
            Lookups++;
            if (s_learned.TryGetValue(word, out string known)) return known;
            string w = "." + word + ".";
            if (s_word.Length < w.Length) { s_word = new char[w.Length * 2]; s_points = new int[w.Length * 2 + 1]; }
            w.CopyTo(0, s_word, 0, w.Length);
            Array.Clear(s_points, 0, w.Length + 1);
            for (int i = 0; i < w.Length; i++)
                for (int len = 1; i + len <= w.Length && len <= 5; len++)
                {
                    if (!s_patterns.TryGetValue(new string(s_word, i, len), out int[] pts)) continue;
                    for (int j = 0; j < pts.Length; j++) s_points[i + j] = Math.Max(s_points[i + j], pts[j]);
                }
            var sb = new StringBuilder();
            for (int i = 0; i < word.Length; i++)
            {
                if (i >= 2 && i <= word.Length - 2 && s_points[i + 1] % 2 == 1) sb.Append('-');
                sb.Append(word[i]);
            }
            string result = sb.ToString();
            s_learned[word] = result;
            return result;
        }
    }

    class Paragraph
    {
        public int Id;
        public string[] Words;
        public string[] Hyphenated;
        public List<string> Lines;
        public double Demerits;
    }

    static class Program
    {
        const int LineWidth = 62;

        static void Main()
        {
            var rng = new Random(7);
            string[] syllables = { "ba", "re", "tion", "con", "di", "ter", "mo", "na", "li", "ble", "ing", "ka", "pro", "ment", "sto", "de" };
            var paragraphs = new List<Paragraph>();
            for (int p = 0; p < 320; p++)
            {
                var words = Enumerable.Range(0, 80 + rng.Next(120))
                    .Select(_ => string.Concat(Enumerable.Range(0, 1 + rng.Next(4)).Select(_ => syllables[rng.Next(syllables.Length)])))
                    .ToArray();
                paragraphs.Add(new Paragraph { Id = p, Words = words });
            }

            Parallel.ForEach(paragraphs, para =>
            {
                lock (LegacyHyphenator.SyncRoot)
                {
                    para.Hyphenated = new string[para.Words.Length];
                    for (int i = 0; i < para.Words.Length; i++) para.Hyphenated[i] = LegacyHyphenator.Hyphenate(para.Words[i]);
                }
            });

            const int chunks = 16;
            var doneEvents = new ManualResetEvent[chunks];
            for (int c = 0; c < chunks; c++)
            {
                doneEvents[c] = new ManualResetEvent(false);
                ThreadPool.QueueUserWorkItem(state =>
                {
                    int chunk = (int)state;
                    for (int i = chunk; i < paragraphs.Count; i += chunks) LineBreaker.Justify(paragraphs[i], LineWidth);
                    doneEvents[chunk].Set();
                }, c);
            }
            WaitHandle.WaitAll(doneEvents);

            string outPath = Path.Combine(Path.GetTempPath(), "justified.txt");
            using (var writer = new StreamWriter(outPath))
            {
                Parallel.ForEach(paragraphs, para =>
                {
                    string block = string.Join("\n", para.Lines);
                    lock (writer)
                    {
                        writer.WriteLine($"[{para.Id}]");
                        writer.WriteLine(block);
                    }
                });
            }

            Console.WriteLine($"{LegacyHyphenator.Lookups} hyphenation lookups");
            Console.WriteLine($"{paragraphs.Sum(p => p.Lines.Count)} lines, total demerits {paragraphs.Sum(p => p.Demerits):E3}");
            foreach (string line in paragraphs[0].Lines.Take(4)) Console.WriteLine("| " + line.PadRight(LineWidth) + " |");
        }
    }
}
