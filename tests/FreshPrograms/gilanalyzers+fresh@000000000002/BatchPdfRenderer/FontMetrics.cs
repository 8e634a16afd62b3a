namespace BatchPdfRenderer;

/// <summary>Approximate Type 1 glyph widths with a per-character cache.</summary>
public sealed class FontMetrics
{
    private readonly Dictionary<char, double> _widths = new Dictionary<char, double>();
    private readonly double _size;

    public FontMetrics(string name, double size)
    {
        Name = name;
        _size = size;
    }

    public string Name { get; }
    public object SyncRoot { get; } = new object();

    public double MeasureWidth(string text)
    {
        double total = 0;
        foreach (char c in text)
        {
            if (!_widths.TryGetValue(c, out double w))
            {
                w = GlyphWidth(c);
                _widths[c] = w;
            }
            total += w;
        }
        // kerning pass: a few common pairs are tightened
        for (int i = 1; i < text.Length; i++)
        {
            if ((text[i - 1] == 'A' && text[i] == 'V') || (text[i - 1] == 'T' && text[i] == 'o')) total -= 0.08 * _size;
        }
        return total;
    }

    private double GlyphWidth(char c)
    {
        double em = char.IsUpper(c) ? 0.667 : char.IsDigit(c) ? 0.556 : c == ' ' ? 0.278 : 0.5;
        if ("ilj.,;:'".IndexOf(c) >= 0) em = 0.222;
        if ("mwMW".IndexOf(c) >= 0) em = 0.833;
        return em * _size;
    }
}

public sealed class Document
{
    public string Id { get; }
    public List<string> Paragraphs { get; }

    private Document(string id, List<string> paragraphs)
    {
        Id = id;
        Paragraphs = paragraphs;
    }

    public static List<Document> CreateSampleBatch(int count)
    {
        string[] vocabulary = { "balance", "interest", "account", "statement", "period", "transfer", "Total", "fee", "AVAILABLE", "payment", "due", "overdraft", "Tokyo", "branch" };
        Random rng = new Random(7);
        List<Document> docs = new List<Document>();
        for (int d = 0; d < count; d++)
        {
            List<string> paragraphs = new List<string>();
            for (int p = 0; p < 60; p++)
            {
                string[] words = new string[20 + rng.Next(60)];
                for (int w = 0; w < words.Length; w++) words[w] = vocabulary[rng.Next(vocabulary.Length)];
                paragraphs.Add(string.Join(" ", words));
            }
            docs.Add(new Document("STMT-" + d.ToString("D5"), paragraphs));
        }
        return docs;
    }
}
