using System.Runtime.CompilerServices;

namespace NGramLanguageModel;

public sealed class Tokenizer
{
    private readonly Dictionary<string, string[]> _cache = new(StringComparer.Ordinal);

    public string[] Tokenize(string sentence)
    {
        lock (_cache)
        {
            if (_cache.TryGetValue(sentence, out var cached)) return cached;
        }
        var tokens = sentence.ToLowerInvariant().Split(' ', StringSplitOptions.RemoveEmptyEntries).Prepend("<s>").Prepend("<s>").Append("</s>").ToArray();
        lock (_cache) _cache[sentence] = tokens;
        return tokens;
    }
}

public sealed class TrigramModel
{
    private readonly IReadOnlyDictionary<string, int> _trigrams;
    private readonly IReadOnlyDictionary<string, int> _bigrams;
    private int _sentencesScored;
    private readonly int _vocabulary;

    public TrigramModel(IReadOnlyDictionary<string, int> trigrams, IReadOnlyDictionary<string, int> bigrams, int vocabulary)
    {
        _trigrams = trigrams; _bigrams = bigrams; _vocabulary = vocabulary;
    }

    [MethodImpl(MethodImplOptions.Synchronized)]
    public double Perplexity(string[] tokens)
    {
        _sentencesScored++;
        double bestLogProb = double.NegativeInfinity;
        for (double lambda = 0.02; lambda < 1.0; lambda += 0.02)
        {
            double logProb = 0;
            for (int i = 2; i < tokens.Length; i++)
            {
                string history = tokens[i - 2] + " " + tokens[i - 1];
                double tri = _trigrams.GetValueOrDefault(history + " " + tokens[i]) / (double)Math.Max(1, _bigrams.GetValueOrDefault(history));
                logProb += Math.Log(lambda * tri + (1 - lambda) / _vocabulary);
            }
            bestLogProb = Math.Max(bestLogProb, logProb);
        }
        return Math.Exp(-bestLogProb / (tokens.Length - 2));
    }

    public int SentencesScored => _sentencesScored;
}

public static class Program
{
    private static readonly string[] Subjects = { "the parser", "a compiler", "the old server", "my editor", "this library", "the scheduler" };
    private static readonly string[] Verbs = { "reads", "rejects", "rewrites", "caches", "emits", "validates", "ignores" };
    private static readonly string[] Objects = { "every token", "the header", "a broken file", "the whole tree", "some bytes", "its config" };
    private static readonly string[] Tails = { "quickly", "again", "at startup", "on every build", "without warning", "" };

    public static void Main()
    {
        var rng = new Random(17);
        string Sentence() => $"{Subjects[rng.Next(Subjects.Length)]} {Verbs[rng.Next(Verbs.Length)]} {Objects[rng.Next(Objects.Length)]} {Tails[rng.Next(Tails.Length)]}";
        var training = Enumerable.Range(0, 60_000).Select(_ => Sentence()).ToList();
        var heldOut = Enumerable.Range(0, 20_000).Select(_ => Sentence() + (rng.Next(4) == 0 ? " twice" : "")).ToList();

        var tokenizer = new Tokenizer();
        var trigrams = new Dictionary<string, int>(StringComparer.Ordinal);
        var bigrams = new Dictionary<string, int>(StringComparer.Ordinal);
        Parallel.ForEach(training,
            () => (Tri: new Dictionary<string, int>(StringComparer.Ordinal), Bi: new Dictionary<string, int>(StringComparer.Ordinal)),
            (sentence, _, local) =>
            {
                var t = tokenizer.Tokenize(sentence);
                for (int i = 2; i < t.Length; i++)
                {
                    string bi = t[i - 2] + " " + t[i - 1];
                    local.Bi[bi] = local.Bi.GetValueOrDefault(bi) + 1;
                    local.Tri[bi + " " + t[i]] = local.Tri.GetValueOrDefault(bi + " " + t[i]) + 1;
                }
                return local;
            },
            local =>
            {
                lock (trigrams)
                {
                    foreach (var (k, v) in local.Tri) trigrams[k] = trigrams.GetValueOrDefault(k) + v;
                    foreach (var (k, v) in local.Bi) bigrams[k] = bigrams.GetValueOrDefault(k) + v;
                }
            });

        int vocabulary = trigrams.Keys.SelectMany(k => k.Split(' ')).Distinct().Count() + 1;
        var model = new TrigramModel(trigrams, bigrams, vocabulary);
        double[] perplexities = heldOut.AsParallel().AsOrdered()
            .Select(s => model.Perplexity(tokenizer.Tokenize(s)))
            .ToArray();

        Console.WriteLine($"trigrams {trigrams.Count}, bigrams {bigrams.Count}, vocabulary {vocabulary}");
        Console.WriteLine($"mean held-out perplexity {perplexities.Average():F3} over {model.SentencesScored} sentences");
        int worst = Array.IndexOf(perplexities, perplexities.Max());
        Console.WriteLine($"least likely: \"{heldOut[worst]}\" ({perplexities[worst]:F2})");
    }
}
