using System.Runtime.CompilerServices;

namespace SpamClassifierEval;

public sealed class CrossValidator(List<Message> corpus, int folds)
{
    public async Task<FoldResult[]> RunAsync()
    {
        var runs = Enumerable.Range(0, folds).Select(EvaluateFoldAsync).ToArray();
        return await Task.WhenAll(runs);
    }

    private async Task<FoldResult> EvaluateFoldAsync(int fold)
    {
        var model = new NaiveBayesModel();
        var train = corpus.Where((_, i) => i % folds != fold).ToList();
        var test = corpus.Where((_, i) => i % folds == fold).ToList();

        Parallel.ForEach(train, m => model.Train(m));

        int tp = 0, fp = 0, fn = 0, correct = 0;
        foreach (var m in test)
        {
            bool predicted = model.IsSpam(m.Text);
            if (predicted == m.IsSpam) correct++;
            if (predicted && m.IsSpam) tp++;
            if (predicted && !m.IsSpam) fp++;
            if (!predicted && m.IsSpam) fn++;
        }

        await using var sink = new StringWriter();
        await sink.WriteLineAsync($"fold {fold} done");
        return new FoldResult(fold + 1, correct / (double)test.Count, tp / (double)Math.Max(1, tp + fp), tp / (double)Math.Max(1, tp + fn));
    }

    public async Task<(int Distinct, long Total)> VocabularyStatsAsync()
    {
        var halves = new[] { corpus.Take(corpus.Count / 2), corpus.Skip(corpus.Count / 2) };
        var counts = halves.Select(h => CountAsync(h.ToList()));
        var parts = await Task.WhenAll(counts);
        var merged = new HashSet<string>(parts[0].Distinct);
        merged.UnionWith(parts[1].Distinct);
        return (merged.Count, parts[0].Total + parts[1].Total);
    }

    private static async Task<(HashSet<string> Distinct, long Total)> CountAsync(List<Message> messages)
    {
        return await Task.Run(() =>
        {
            var set = new HashSet<string>();
            long total = 0;
            foreach (var m in messages)
            {
                foreach (var t in Tokenizer.Tokens(m.Text)) { set.Add(t); total++; }
            }
            return (set, total);
        });
    }
}

public sealed class NaiveBayesModel
{
    private readonly Dictionary<string, int>[] _counts = [new(), new()];
    private readonly long[] _totals = new long[2];
    private readonly int[] _docs = new int[2];

    [MethodImpl(MethodImplOptions.Synchronized)]
    public void Train(Message message)
    {
        int c = message.IsSpam ? 1 : 0;
        _docs[c]++;
        foreach (string token in Tokenizer.Tokens(message.Text))
        {
            string key = string.Intern(token.Normalize());
            _counts[c][key] = _counts[c].TryGetValue(key, out int n) ? n + 1 : 1;
            _totals[c]++;
        }
    }

    public bool IsSpam(string text)
    {
        int vocab = _counts[0].Count + _counts[1].Count;
        double[] score = new double[2];
        for (int c = 0; c < 2; c++)
        {
            score[c] = Math.Log((_docs[c] + 1.0) / (_docs[0] + _docs[1] + 2.0));
            foreach (string token in Tokenizer.Tokens(text))
            {
                int n = _counts[c].TryGetValue(token, out int v) ? v : 0;
                score[c] += Math.Log((n + 1.0) / (_totals[c] + vocab));
            }
        }
        return score[1] > score[0];
    }
}
