using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using System.Threading;
using System.Threading.Tasks;

namespace GenealogyLinker
{
    public sealed class PersonRecord
    {
        public int Id;
        public string Given = "";
        public string Surname = "";
        public int BirthYear;
        public string Parish = "";
        public string Key = "";
    }

    public sealed class RecordMatcher
    {
        private readonly object _sync = new object();
        private bool[] _matchA = new bool[64];
        private bool[] _matchB = new bool[64];

        public List<(int A, int B, double Score)> LinkBlock(List<PersonRecord> block, double threshold)
        {
            var links = new List<(int, int, double)>();
            Monitor.Enter(_sync);
            try
            {
                for (int i = 0; i < block.Count; i++)
                {
                    for (int j = i + 1; j < block.Count; j++)
                    {
                        PersonRecord a = block[i], b = block[j];
                        if (Math.Abs(a.BirthYear - b.BirthYear) > 3) continue;
                        double score = 0.45 * JaroWinkler(a.Given, b.Given) + 0.35 * JaroWinkler(a.Surname, b.Surname)
                                     + 0.2 * JaroWinkler(a.Parish, b.Parish) - 0.03 * Math.Abs(a.BirthYear - b.BirthYear);
                        if (score >= threshold) links.Add((a.Id, b.Id, score));
                    }
                }
            }
            finally
            {
                Monitor.Exit(_sync);
            }
            return links;
        }

        private double JaroWinkler(string s, string t)
        {
            if (s.Length == 0 || t.Length == 0) return 0;
            if (_matchA.Length < s.Length) _matchA = new bool[s.Length * 2];
            if (_matchB.Length < t.Length) _matchB = new bool[t.Length * 2];
            Array.Clear(_matchA, 0, s.Length);
            Array.Clear(_matchB, 0, t.Length);
            int window = Math.Max(0, Math.Max(s.Length, t.Length) / 2 - 1), matches = 0;
            for (int i = 0; i < s.Length; i++)
                for (int j = Math.Max(0, i - window); j < Math.Min(t.Length, i + window + 1); j++)
                    if (!_matchB[j] && s[i] == t[j]) { _matchA[i] = _matchB[j] = true; matches++; break; }
            if (matches == 0) return 0;
            int k = 0, transpositions = 0;
            for (int i = 0; i < s.Length; i++)
            {
                if (!_matchA[i]) continue;
                while (!_matchB[k]) k++;
                if (s[i] != t[k]) transpositions++;
                k++;
            }
            double m = matches;
            double jaro = (m / s.Length + m / t.Length + (m - transpositions / 2.0) / m) / 3.0;
            int prefix = 0;
            while (prefix < Math.Min(4, Math.Min(s.Length, t.Length)) && s[prefix] == t[prefix]) prefix++;
            return jaro + prefix * 0.1 * (1 - jaro);
        }
    }

    public static class Program
    {
        private static readonly string[] Givens = { "johann", "johannes", "maria", "marie", "anna", "anne", "friedrich", "fritz", "elisabeth", "elise", "georg", "george", "katharina", "catharina" };
        private static readonly string[] Surnames = { "schmidt", "schmitt", "schmid", "mueller", "muller", "miller", "becker", "baecker", "wagner", "waggoner", "hoffmann", "hofmann" };
        private static readonly string[] Parishes = { "st. lorenz", "st lorenz", "heilig geist", "hl. geist", "st. jakob", "sankt jakob" };

        public static void Main()
        {
            var rng = new Random(1848);
            var records = new PersonRecord[9_000];
            for (int i = 0; i < records.Length; i++)
            {
                records[i] = new PersonRecord
                {
                    Id = i,
                    Given = " " + Givens[rng.Next(Givens.Length)].ToUpperInvariant() + " ",
                    Surname = Surnames[rng.Next(Surnames.Length)] + (rng.Next(5) == 0 ? "e" : ""),
                    BirthYear = 1780 + rng.Next(90),
                    Parish = Parishes[rng.Next(Parishes.Length)],
                };
            }

            // Normalise in place: each index touches only its own record.
            Parallel.For(0, records.Length, i =>
            {
                var r = records[i];
                r.Given = r.Given.Trim().ToLowerInvariant();
                r.Surname = r.Surname.Replace("ae", "a").Replace("ue", "u");
                r.Key = Soundex(r.Surname) + "/" + (r.BirthYear / 10);
            });

            var blocks = records.GroupBy(r => r.Key).Select(g => g.ToList()).ToList();
            var matcher = new RecordMatcher();
            var allLinks = new List<(int A, int B, double Score)>();
            Parallel.ForEach(blocks, block =>
            {
                var links = matcher.LinkBlock(block, threshold: 0.93);
                lock (allLinks)
                {
                    allLinks.AddRange(links);
                }
            });

            Console.WriteLine($"{records.Length} records in {blocks.Count} blocks (largest {blocks.Max(b => b.Count)})");
            Console.WriteLine($"candidate links: {allLinks.Count}, mean score {allLinks.Average(l => l.Score):F4}");
            Console.WriteLine($"records with at least one link: {allLinks.SelectMany(l => new[] { l.A, l.B }).Distinct().Count()}");
        }

        private static string Soundex(string name)
        {
            const string codes = "01230120022455012623010202";
            var sb = new StringBuilder().Append(char.ToUpperInvariant(name[0]));
            char last = codes[name[0] - 'a'];
            foreach (char c in name.Skip(1))
            {
                if (c < 'a' || c > 'z') continue;
                char code = codes[c - 'a'];
                if (code != '0' && code != last) sb.Append(code);
                last = code;
                if (sb.Length == 4) break;
            }
            return sb.ToString().PadRight(4, '0');
        }
    }
}
