using System;
using System.Collections.Generic;
using System.Linq;
using System.Runtime.CompilerServices;
using System.Threading.Tasks;

namespace AnomalyWindowScorer;

public sealed record Series(string Name, double[] Values);
public sealed record Alert(string Series, int Index, double Score);

// One model object is shared by every worker; it keeps its seasonal profile in a field.
public sealed class SeasonalModel
{
    private readonly int _period;
    private readonly double[] _profile;
    private readonly int[] _counts;

    public SeasonalModel(int period)
    {
        _period = period;
        _profile = new double[period];
        _counts = new int[period];
    }

    [MethodImpl(MethodImplOptions.Synchronized)]
    public double[] Deseasonalise(double[] values)
    {
        Array.Clear(_profile);
        Array.Clear(_counts);
        for (int i = 0; i < values.Length; i++) { _profile[i % _period] += values[i]; _counts[i % _period]++; }
        for (int p = 0; p < _period; p++) _profile[p] /= Math.Max(1, _counts[p]);
        var residual = new double[values.Length];
        for (int i = 0; i < values.Length; i++) residual[i] = values[i] - _profile[i % _period];
        var smoothed = new double[values.Length];
        for (int pass = 0; pass < 4; pass++)
        {
            for (int i = 2; i < residual.Length - 2; i++)
                smoothed[i] = 0.1 * residual[i - 2] + 0.2 * residual[i - 1] + 0.4 * residual[i] + 0.2 * residual[i + 1] + 0.1 * residual[i + 2];
            for (int i = 2; i < residual.Length - 2; i++) residual[i] = residual[i] * 0.5 + smoothed[i] * 0.5;
        }
        return residual;
    }
}

public sealed class WindowDetector
{
    private const int Window = 48;
    private readonly object _sync = new();
    private readonly double[] _scratch = new double[Window];
    private readonly Dictionary<string, double> _worst = new();

    public IReadOnlyDictionary<string, double> Worst => _worst;

    public List<Alert> Score(Series series, double[] residual)
    {
        lock (_sync)
        {
            var alerts = new List<Alert>();
            double worst = 0;
            for (int i = Window; i < residual.Length; i++)
            {
                Array.Copy(residual, i - Window, _scratch, 0, Window);
                Array.Sort(_scratch);
                double median = _scratch[Window / 2];
                for (int k = 0; k < Window; k++) _scratch[k] = Math.Abs(_scratch[k] - median);
                Array.Sort(_scratch);
                double mad = _scratch[Window / 2] + 1e-9;
                double z = 0.6745 * (residual[i] - median) / mad;
                if (Math.Abs(z) > 6.0) alerts.Add(new Alert(series.Name, i, z));
                worst = Math.Max(worst, Math.Abs(z));
            }
            _worst[series.Name] = worst;
            return alerts;
        }
    }
}

public sealed class AlertSink
{
    private readonly List<Alert> _alerts = new();

    public void Publish(IEnumerable<Alert> found)
    {
        lock (_alerts)
        {
            _alerts.AddRange(found);
        }
    }

    public IReadOnlyList<Alert> Snapshot() => _alerts.OrderBy(a => a.Series).ThenBy(a => a.Index).ToList();
}

public static class Program
{
    public static void Main()
    {
        var series = Enumerable.Range(0, 64).Select(MakeSeries).ToList();
        var model = new SeasonalModel(period: 24);
        var detector = new WindowDetector();
        var sink = new AlertSink();

        Parallel.ForEach(series, s =>
        {
            double[] residual = model.Deseasonalise(s.Values);
            sink.Publish(detector.Score(s, residual));
        });

        var alerts = sink.Snapshot();
        Console.WriteLine($"series: {series.Count}, alerts: {alerts.Count}");
        foreach (var group in alerts.GroupBy(a => a.Series).Take(6))
            Console.WriteLine($"  {group.Key}: {group.Count()} alerts, first at {group.First().Index}");
        var top = detector.Worst.OrderByDescending(kv => kv.Value).First();
        Console.WriteLine($"worst series: {top.Key} (|z| = {top.Value:F1})");
    }

    private static Series MakeSeries(int id)
    {
        var rng = new Random(1000 + id);
        var values = new double[3000];
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = 50 + 10 * Math.Sin(2 * Math.PI * (i % 24) / 24.0) + rng.NextDouble() * 3;
            if (rng.Next(400) == 0) values[i] += 40 + rng.Next(30);
        }
        return new Series($"host-{id:D2}", values);
    }
}
