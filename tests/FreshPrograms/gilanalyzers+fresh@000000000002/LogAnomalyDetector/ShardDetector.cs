namespace LogAnomalyDetector;

public sealed record LogShard(int Number, string[] Lines);

public sealed record ShardReport(int Shard, int Lines, int Anomalies);

public sealed class ShardDetector(IsolationForest model, TemplateVocabulary vocabulary, string outputDirectory)
{
    private const double Threshold = 0.62;

    public async Task<ShardReport> ScoreShardAsync(LogShard shard)
    {
        var flagged = new List<string>();
        foreach (string line in shard.Lines)
        {
            double[] features = Features.Extract(line, vocabulary);
            double score = model.Score(features);
            if (score > Threshold)
            {
                flagged.Add($"{score:F3}\t{line}");
            }
        }

        string path = Path.Combine(outputDirectory, $"shard-{shard.Number:D3}.tsv");
        await using (var writer = new StreamWriter(path))
        {
            foreach (string row in flagged)
            {
                await writer.WriteLineAsync(row);
            }
        }
        return new ShardReport(shard.Number, shard.Lines.Length, flagged.Count);
    }
}
