namespace RecipeSearchApi;

public sealed record Recipe(int Id, string Title, string Ingredients, string Method);

public sealed class Bm25Index
{
    private const double K1 = 1.2, B = 0.75;
    private readonly List<Dictionary<string, int>> _termFreqs = new();
    private readonly Dictionary<string, int> _docFreq = new();
    private readonly double _avgLength;

    public Bm25Index(IReadOnlyList<Recipe> documents)
    {
        Documents = documents;
        foreach (var doc in documents)
        {
            var tf = new Dictionary<string, int>();
            foreach (var t in Tokenize(doc.Title + " " + doc.Ingredients + " " + doc.Method)) tf[t] = tf.GetValueOrDefault(t) + 1;
            foreach (var t in tf.Keys) _docFreq[t] = _docFreq.GetValueOrDefault(t) + 1;
            _termFreqs.Add(tf);
        }
        _avgLength = _termFreqs.Average(tf => tf.Values.Sum());
    }

    public IReadOnlyList<Recipe> Documents { get; }
    public int DocumentCount => Documents.Count;

    public void AccumulateScores(string term, double[] scores)
    {
        if (!_docFreq.TryGetValue(term, out int df)) return;
        double idf = Math.Log(1 + (DocumentCount - df + 0.5) / (df + 0.5));
        for (int d = 0; d < _termFreqs.Count; d++)
        {
            if (!_termFreqs[d].TryGetValue(term, out int f)) continue;
            int length = _termFreqs[d].Values.Sum();
            scores[d] += idf * f * (K1 + 1) / (f + K1 * (1 - B + B * length / _avgLength));
        }
    }

    public static IEnumerable<string> Tokenize(string text) =>
        text.ToLowerInvariant().Split(new[] { ' ', ',', '.', ';' }, StringSplitOptions.RemoveEmptyEntries);
}

public static class HashingEmbedder
{
    public static float[] Embed(string text, int dimensions)
    {
        var v = new float[dimensions];
        var tokens = Bm25Index.Tokenize(text).ToArray();
        for (int i = 0; i < tokens.Length; i++)
        {
            // unigrams and bigrams, signed feature hashing
            foreach (string feature in i + 1 < tokens.Length ? new[] { tokens[i], tokens[i] + "_" + tokens[i + 1] } : new[] { tokens[i] })
            {
                uint h = 2166136261;
                foreach (char c in feature) h = (h ^ c) * 16777619;
                v[h % dimensions] += (h & 0x80000000) != 0 ? -1f : 1f;
            }
        }
        float norm = MathF.Sqrt(v.Sum(x => x * x));
        for (int i = 0; i < v.Length && norm > 0; i++) v[i] /= norm;
        return v;
    }
}

public static class RecipeCatalog
{
    private static readonly string[] Words = { "garlic", "chicken", "vegan", "curry", "lemon", "cake", "spicy", "noodles", "mushroom", "risotto", "tomato", "soup", "basil", "quick", "butter", "rice", "ginger", "beef", "tofu", "onion" };

    public static List<Recipe> Sample(int count, int seed)
    {
        var rng = new Random(seed);
        string Phrase(int n) => string.Join(' ', Enumerable.Range(0, n).Select(_ => Words[rng.Next(Words.Length)]));
        return Enumerable.Range(0, count).Select(i => new Recipe(i, Phrase(3), Phrase(12), Phrase(60))).ToList();
    }
}
