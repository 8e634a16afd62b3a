namespace SpamClassifierEval;

// k-fold evaluation of a multinomial naive Bayes spam filter on a synthetic mailbox.
public static class Program
{
    public static async Task Main()
    {
        var corpus = Mailbox.Generate(messages: 3000, seed: 99);
        var evaluator = new CrossValidator(corpus, folds: 5);

        FoldResult[] folds = await evaluator.RunAsync();
        foreach (var f in folds)
        {
            Console.WriteLine($"fold {f.Fold}: accuracy {f.Accuracy:P2}, precision {f.Precision:P2}, recall {f.Recall:P2}");
        }
        Console.WriteLine($"mean accuracy: {folds.Average(f => f.Accuracy):P2}");

        var stats = await evaluator.VocabularyStatsAsync();
        Console.WriteLine($"vocabulary: {stats.Distinct} distinct tokens, {stats.Total} total");
    }
}

public sealed record Message(string Text, bool IsSpam);
public sealed record FoldResult(int Fold, double Accuracy, double Precision, double Recall);

public static class Mailbox
{
    private static readonly string[] Ham = ["meeting", "agenda", "report", "lunch", "project", "review", "deadline", "invoice", "team", "schedule", "draft", "thanks"];
    private static readonly string[] Spam = ["winner", "free", "prize", "click", "offer", "cheap", "urgent", "credit", "bonus", "unsubscribe", "limited", "cash"];
    private static readonly string[] Common = ["the", "you", "your", "today", "please", "now", "new", "we", "hello", "info"];

    public static List<Message> Generate(int messages, int seed)
    {
        var rng = new Random(seed);
        var list = new List<Message>(messages);
        for (int m = 0; m < messages; m++)
        {
            bool spam = rng.NextDouble() < 0.4;
            var words = new List<string>();
            int length = 20 + rng.Next(40);
            for (int w = 0; w < length; w++)
            {
                double r = rng.NextDouble();
                string[] pool = r < 0.45 ? Common : (r < 0.85 ? (spam ? Spam : Ham) : (spam ? Ham : Spam));
                words.Add(pool[rng.Next(pool.Length)]);
            }
            list.Add(new Message(string.Join(' ', words), spam));
        }
        return list;
    }
}

public static class Tokenizer
{
    public static IEnumerable<string> Tokens(string text)
    {
        foreach (var raw in text.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            string t = raw.Trim().ToLowerInvariant();
            if (t.Length > 2) yield return t;
            // character trigrams give the model some robustness to obfuscation
            for (int i = 0; i + 3 <= t.Length; i++) yield return "#" + t.Substring(i, 3);
        }
    }
}
