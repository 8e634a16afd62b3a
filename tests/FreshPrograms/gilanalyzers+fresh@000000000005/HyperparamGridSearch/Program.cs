using System.Globalization;

namespace HyperparamGridSearch;

record Sample(double[] Features, int Label);

record TrialConfig(double LearningRate, double L2, int Epochs);

record TrialResult(TrialConfig Config, double ValidationAccuracy, double LogLoss);

interface ITrialLog
{
    Task AppendAsync(string line);
}

sealed class FileTrialLog : ITrialLog
{
    private readonly string _path;
    private readonly SemaphoreSlim _gate = new(1, 1);

    public FileTrialLog(string path) => _path = path;

    public async Task AppendAsync(string line)
    {
        await _gate.WaitAsync();
        try
        {
            await File.AppendAllTextAsync(_path, line + Environment.NewLine);
        }
        finally
        {
            _gate.Release();
        }
    }
}

static class LogisticRegression
{
    public static double[] Train(IReadOnlyList<Sample> train, TrialConfig cfg)
    {
        int dims = train[0].Features.Length;
        var w = new double[dims + 1];
        for (int epoch = 0; epoch < cfg.Epochs; epoch++)
        {
            foreach (var s in train)
            {
                double err = Predict(w, s.Features) - s.Label;
                for (int j = 0; j < dims; j++) w[j] -= cfg.LearningRate * (err * s.Features[j] + cfg.L2 * w[j]);
                w[dims] -= cfg.LearningRate * err;
            }
        }
        return w;
    }

    public static double Predict(double[] w, double[] x)
    {
        double z = w[^1];
        for (int j = 0; j < x.Length; j++) z += w[j] * x[j];
        return 1.0 / (1.0 + Math.Exp(-z));
    }
}

class Program
{
    static async Task Main()
    {
        string dir = Path.Combine(Path.GetTempPath(), $"gridsearch-{Environment.ProcessId}");
        Directory.CreateDirectory(dir);
        WriteShards(dir, shards: 4, rowsPerShard: 1500, dims: 24);

        var shardPaths = Directory.GetFiles(dir, "shard*.csv").OrderBy(p => p, StringComparer.Ordinal).ToList();
        List<Sample>[] shards = await Task.WhenAll(shardPaths.Select(p => LoadShardAsync(p)));
        var train = shards.Take(3).SelectMany(s => s).ToList();
        var validation = shards[3];

        var grid = (from lr in new[] { 0.003, 0.01, 0.03, 0.1 }
                    from l2 in new[] { 0.0, 1e-4, 1e-3 }
                    from epochs in new[] { 20, 40 }
                    select new TrialConfig(lr, l2, epochs)).ToList();

        ITrialLog log = new FileTrialLog(Path.Combine(dir, "trials.log"));
        TrialResult[] results = await Task.WhenAll(grid.Select(cfg => EvaluateAsync(cfg, train, validation, log)));

        foreach (var r in results.OrderByDescending(r => r.ValidationAccuracy).ThenBy(r => r.LogLoss).Take(5))
            Console.WriteLine($"lr={r.Config.LearningRate,-6} l2={r.Config.L2,-7} epochs={r.Config.Epochs,-3} acc={r.ValidationAccuracy:F4} logloss={r.LogLoss:F4}");
        Console.WriteLine($"log lines: {File.ReadAllLines(Path.Combine(dir, "trials.log")).Length}");
        Directory.Delete(dir, recursive: true);
    }

    static async Task<TrialResult> EvaluateAsync(TrialConfig cfg, List<Sample> train, List<Sample> validation, ITrialLog log)
    {
        double[] w = LogisticRegression.Train(train, cfg);
        int correct = 0;
        double loss = 0;
        foreach (var s in validation)
        {
            double p = Math.Clamp(LogisticRegression.Predict(w, s.Features), 1e-12, 1 - 1e-12);
            if ((p >= 0.5 ? 1 : 0) == s.Label) correct++;
            loss -= s.Label * Math.Log(p) + (1 - s.Label) * Math.Log(1 - p);
        }
        var result = new TrialResult(cfg, (double)correct / validation.Count, loss / validation.Count);
        await log.AppendAsync(FormattableString.Invariant($"{cfg.LearningRate},{cfg.L2},{cfg.Epochs},{result.ValidationAccuracy:F4}"));
        return result;
    }

    static async Task<List<Sample>> LoadShardAsync(string path)
    {
        string[] lines = await File.ReadAllLinesAsync(path);
        return lines.Select(line =>
        {
            var parts = line.Split(',');
            var features = parts.Skip(1).Select(p => double.Parse(p, CultureInfo.InvariantCulture)).ToArray();
            return new Sample(features, int.Parse(parts[0], CultureInfo.InvariantCulture));
        }).ToList();
    }

    static void WriteShards(string dir, int shards, int rowsPerShard, int dims)
    {
        var rng = new Random(42);
        var truth = Enumerable.Range(0, dims).Select(_ => rng.NextDouble() * 2 - 1).ToArray();
        for (int s = 0; s < shards; s++)
        {
            var lines = new List<string>(rowsPerShard);
            for (int r = 0; r < rowsPerShard; r++)
            {
                var x = Enumerable.Range(0, dims).Select(_ => rng.NextDouble() * 2 - 1).ToArray();
                double z = x.Zip(truth, (a, b) => a * b).Sum() + (rng.NextDouble() - 0.5) * 0.8;
                lines.Add((z > 0 ? "1" : "0") + "," + string.Join(",", x.Select(v => v.ToString("R", CultureInfo.InvariantCulture))));
            }
            File.WriteAllLines(Path.Combine(dir, $"shard{s}.csv"), lines);
        }
    }
}
