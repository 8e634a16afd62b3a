namespace TelemetryAggregator;

public sealed record SeriesSummary(string Name, double P50, double P99, double Max, int CompressedBytes);

public sealed class MetricStore(Dictionary<string, double[]> series)
{
    public IReadOnlyDictionary<string, double[]> Series { get; } = series;

    public static MetricStore Generate(int count, int pointsPerSeries, int seed)
    {
        var rng = new Random(seed);
        var dict = new Dictionary<string, double[]>();
        for (int s = 0; s < count; s++)
        {
            var values = new double[pointsPerSeries];
            double level = 10 + rng.Next(200);
            for (int i = 0; i < values.Length; i++) values[i] = Math.Round(level + 5 * Math.Sin(i / 60.0) + (rng.NextDouble() < 0.01 ? rng.Next(500) : rng.NextDouble() * 3), 1);
            dict[$"host{s % 40:D2}.svc{s / 40}.latency_ms"] = values;
        }
        return new MetricStore(dict);
    }
}

/// <summary>Computes the hourly percentiles and compresses the raw hour for cold storage.</summary>
public sealed class HourlyRollup
{
    public List<SeriesSummary> Summarize(MetricStore store)
    {
        var names = store.Series.Keys.ToArray();
        int workers = Environment.ProcessorCount;
        int per = (names.Length + workers - 1) / workers;
        var partials = new List<SeriesSummary>[workers];

        var tasks = new Task[workers];
        for (int w = 0; w < workers; w++)
        {
            int index = w;
            tasks[w] = Task.Factory.StartNew(() =>
            {
                var list = new List<SeriesSummary>();
                for (int i = index * per; i < Math.Min(names.Length, (index + 1) * per); i++)
                {
                    list.Add(SummarizeSeries(names[i], store.Series[names[i]]));
                }
                partials[index] = list;
            }, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        }
        Task.WaitAll(tasks);

        return partials.SelectMany(p => p).OrderBy(s => s.Name, StringComparer.Ordinal).ToList();
    }

    private static SeriesSummary SummarizeSeries(string name, double[] values)
    {
        var sorted = (double[])values.Clone();
        Array.Sort(sorted);
        double Percentile(double p) => sorted[(int)Math.Round(p * (sorted.Length - 1))];
        int compressed = SeriesCompressor.Compress(values).Length;
        return new SeriesSummary(name, Percentile(0.5), Percentile(0.99), sorted[^1], compressed);
    }
}
