using System.Diagnostics;

namespace TelemetryAggregator;

internal static class Program
{
    private static void Main(string[] args)
    {
        int series = args.Length > 0 ? int.Parse(args[0]) : 400;
        var store = MetricStore.Generate(series, pointsPerSeries: 4000, seed: 19);

        using var ingest = new IngestBuffer(flushInterval: TimeSpan.FromMilliseconds(50));
        for (int i = 0; i < 5000; i++) ingest.Add(new MetricPoint("api.latency", i, 20 + i % 37));

        var rollup = new HourlyRollup();
        var sw = Stopwatch.StartNew();
        var summaries = rollup.Summarize(store);
        sw.Stop();

        Thread.Sleep(120);
        Console.WriteLine($"{summaries.Count} series summarised in {sw.ElapsedMilliseconds} ms; {SeriesCompressor.TotalCompressedBytes:N0} compressed bytes; {ingest.Flushed} points flushed");
        foreach (var s in summaries.Take(3)) Console.WriteLine($"  {s.Name}: p50 {s.P50:F1} p99 {s.P99:F1} max {s.Max:F1}");
    }
}

public readonly record struct MetricPoint(string Name, long Timestamp, double Value);

/// <summary>Batches incoming points and flushes them on a timer.</summary>
public sealed class IngestBuffer : IDisposable
{
    private readonly Timer _timer;
    private readonly object _swapLock = new();
    private List<MetricPoint> _current = new();
    private int _flushed;

    public IngestBuffer(TimeSpan flushInterval) => _timer = new Timer(_ => Flush(), null, flushInterval, flushInterval);

    public int Flushed => Volatile.Read(ref _flushed);

    public void Add(MetricPoint point)
    {
        lock (_swapLock) _current.Add(point);
    }

    private void Flush()
    {
        List<MetricPoint> batch;
        lock (_swapLock)
        {
            batch = _current;
            _current = new List<MetricPoint>();
        }
        // forward to the TSDB (omitted); count only
        Interlocked.Add(ref _flushed, batch.Count);
    }

    public void Dispose() => _timer.Dispose();
}
