using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;
using System.Threading;
using System.Threading.Tasks;

namespace ClassicCipherBreaker;

public sealed record Intercept(int Id, string TrueKey, string Cipher);

public sealed class VigenereBreaker(float[] trigrams, double[] letters)
{
    private readonly object _sync = new();
    private readonly int[] _counts = new int[26];
    private readonly char[] _plain = new char[8192];

    public string Break(string cipher)
    {
        lock (_sync)
        {
            int keyLength = 16;
            for (int len = 1; len <= 16; len++)
            {
                double ioc = 0.0;
                for (int col = 0; col < len; col++)
                {
                    Array.Clear(_counts);
                    int n = 0;
                    for (int i = col; i < cipher.Length; i += len, n++) _counts[cipher[i] - 'A']++;
                    ioc += _counts.Sum(c => c * (c - 1.0)) / (n * (n - 1.0)) / len;
                }
                if (ioc > 0.055) { keyLength = len; break; }
            }
            var key = new int[keyLength];
            for (int pos = 0; pos < keyLength; pos++)
            {
                double bestChi = double.MaxValue;
                for (int shift = 0; shift < 26; shift++)
                {
                    Array.Clear(_counts);
                    int n = 0;
                    for (int i = pos; i < cipher.Length; i += keyLength, n++) _counts[(cipher[i] - 'A' - shift + 26) % 26]++;
                    double chi = 0.0;
                    for (int c = 0; c < 26; c++) chi += Math.Pow(_counts[c] - n * letters[c], 2) / (n * letters[c] + 1e-9);
                    if (chi < bestChi) { bestChi = chi; key[pos] = shift; }
                }
            }
            for (int pass = 0; pass < 2; pass++)
            for (int pos = 0; pos < keyLength; pos++)
            {
                double best = double.NegativeInfinity;
                int bestShift = key[pos];
                for (int shift = 0; shift < 26; shift++)
                {
                    key[pos] = shift;
                    for (int i = 0; i < cipher.Length; i++) _plain[i] = (char)('A' + (cipher[i] - 'A' - key[i % keyLength] + 26) % 26);
                    double score = English.Score(_plain, cipher.Length, trigrams);
                    if (score > best) { best = score; bestShift = shift; }
                }
                key[pos] = bestShift;
            }
            return new string(key.Select(k => (char)('A' + k)).ToArray());
        }
    }
}

public static class Program
{
    private static readonly object BestGate = new();

    private static void RunRestart(int restart, int perMessage, string[] ciphers, float[] tri, double[] bestScore, string[] bestPlain)
    {
        int message = restart / perMessage;
        string cipher = ciphers[message];
        var rng = new Random(4242 + restart);
        char[] key = "ABCDEFGHIJKLMNOPQRSTUVWXYZ".OrderBy(_ => rng.Next()).ToArray();
        var plain = new char[cipher.Length];
        void Decrypt() { for (int i = 0; i < cipher.Length; i++) plain[i] = key[cipher[i] - 'A']; }
        Decrypt();
        double score = English.Score(plain, plain.Length, tri);
        for (int iter = 0; iter < 2500; iter++)
        {
            int a = rng.Next(26), b = rng.Next(26);
            (key[a], key[b]) = (key[b], key[a]);
            Decrypt();
            double candidate = English.Score(plain, plain.Length, tri);
            if (candidate > score) score = candidate;
            else (key[a], key[b]) = (key[b], key[a]);
        }
        Decrypt();
        string text = new string(plain);
        if (score > bestScore[message])
        {
            lock (BestGate)
            {
                if (score > bestScore[message]) { bestScore[message] = score; bestPlain[message] = text; }
            }
        }
    }

    public static void Main()
    {
        string training = English.Generate(400_000, 1);
        float[] tri = English.Trigrams(training);
        double[] letters = Enumerable.Range(0, 26).Select(c => training.Count(ch => ch - 'A' == c) / (double)training.Length).ToArray();
        var rng = new Random(77);
        var intercepts = new List<Intercept>();
        for (int id = 0; id < 24; id++)
        {
            string plain = English.Generate(3000, 100 + id);
            var key = new string(Enumerable.Range(0, 3 + id % 10).Select(_ => (char)('A' + rng.Next(26))).ToArray());
            var cipher = new string(plain.Select((ch, i) => (char)('A' + (ch - 'A' + key[i % key.Length] - 'A') % 26)).ToArray());
            intercepts.Add(new Intercept(id, key, cipher));
        }

        var breaker = new VigenereBreaker(tri, letters);
        var recovered = new string[intercepts.Count];
        int done = 0;
        object progressGate = new();
        Parallel.ForEach(intercepts, msg =>
        {
            recovered[msg.Id] = breaker.Break(msg.Cipher);
            lock (progressGate)
            {
                done++;
                Console.Error.WriteLine($"[{done}/{intercepts.Count}] intercept {msg.Id} done");
            }
        });
        int exact = intercepts.Count(m => recovered[m.Id] == m.TrueKey);
        Console.WriteLine($"Vigenere: {exact}/{intercepts.Count} keys recovered exactly");
        foreach (var m in intercepts.Where(m => m.Id % 6 == 0)) Console.WriteLine($"  #{m.Id,2} key {m.TrueKey,-12} -> {recovered[m.Id]}");

        const int messages = 4, perMessage = 12;
        string[] truth = Enumerable.Range(0, messages).Select(m => English.Generate(1000, 900 + m)).ToArray();
        string[] ciphers = truth.Select((p, m) =>
        {
            char[] perm = "ABCDEFGHIJKLMNOPQRSTUVWXYZ".OrderBy(_ => rng.Next()).ToArray();
            return new string(p.Select(ch => perm[ch - 'A']).ToArray());
        }).ToArray();
        var bestScore = Enumerable.Repeat(double.NegativeInfinity, messages).ToArray();
        var bestPlain = new string[messages];

        var workers = new Thread[4];
        for (int w = 0; w < workers.Length; w++)
        {
            int first = w * messages * perMessage / workers.Length, last = (w + 1) * messages * perMessage / workers.Length;
            workers[w] = new Thread(() =>
            {
                for (int r = first; r < last; r++) RunRestart(r, perMessage, ciphers, tri, bestScore, bestPlain);
            });
        }
        foreach (Thread t in workers) t.Start();
        foreach (Thread t in workers) t.Join();

        for (int m = 0; m < messages; m++)
        {
            int right = truth[m].Zip(bestPlain[m]).Count(p => p.First == p.Second);
            Console.WriteLine(string.Format(CultureInfo.InvariantCulture, "Substitution #{0}: {1:P1} letters right, score {2:F1}: {3}...",
                m, right / (double)truth[m].Length, bestScore[m], bestPlain[m].Substring(0, 40)));
        }
    }
}
