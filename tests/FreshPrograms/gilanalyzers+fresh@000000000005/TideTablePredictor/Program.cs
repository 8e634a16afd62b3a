using System.Collections.Concurrent;

namespace TideTablePredictor;

record Constituent(string Name, double SpeedDegPerHour);

record Station(string Id, double MeanLevel, double[] Amplitudes, double[] Phases);

record TideEvent(double Hour, double Height, bool High);

static class Harmonics
{
    public static readonly Constituent[] Constituents =
    {
        new("M2", 28.984104), new("S2", 30.0), new("N2", 28.439730), new("K2", 30.082137), new("K1", 15.041069),
        new("O1", 13.943035), new("P1", 14.958931), new("Q1", 13.398661), new("M4", 57.968208), new("MS4", 58.984104),
        new("M6", 86.952313), new("2N2", 27.895355), new("MU2", 27.968208), new("NU2", 28.512583), new("L2", 29.528479),
        new("T2", 29.958933), new("J1", 15.585443), new("OO1", 16.139102), new("MF", 1.098033), new("MM", 0.544375),
    };

    public static double Height(Station s, double hour)
    {
        double h = s.MeanLevel;
        for (int c = 0; c < Constituents.Length; c++)
            h += s.Amplitudes[c] * Math.Cos((Constituents[c].SpeedDegPerHour * hour - s.Phases[c]) * Math.PI / 180.0);
        return h;
    }
}

sealed class ExtremaFinder
{
    private readonly object _gate = new();
    private readonly double[] _series;
    private readonly double _stepHours;

    public ExtremaFinder(int samples, double stepHours) { _series = new double[samples]; _stepHours = stepHours; }

    public List<TideEvent> HighAndLowWaters(Station station)
    {
        bool taken = false;
        try
        {
            Monitor.Enter(_gate, ref taken);
            for (int i = 0; i < _series.Length; i++) _series[i] = Harmonics.Height(station, i * _stepHours);
            var events = new List<TideEvent>();
            for (int i = 1; i < _series.Length - 1; i++)
            {
                if (_series[i] > _series[i - 1] && _series[i] >= _series[i + 1]) events.Add(new TideEvent(i * _stepHours, _series[i], true));
                else if (_series[i] < _series[i - 1] && _series[i] <= _series[i + 1]) events.Add(new TideEvent(i * _stepHours, _series[i], false));
            }
            return events;
        }
        finally
        {
            if (taken) Monitor.Exit(_gate);
        }
    }
}

class Program
{
    static Station MakeStation(string id, int seed)
    {
        var rng = new Random(seed);
        int n = Harmonics.Constituents.Length;
        return new Station(id, 2.0 + rng.NextDouble(),
            Enumerable.Range(0, n).Select(c => (c == 0 ? 1.2 : 0.4 / (c + 1)) * (0.5 + rng.NextDouble())).ToArray(),
            Enumerable.Range(0, n).Select(_ => rng.NextDouble() * 360).ToArray());
    }

    static void Main()
    {
        var reference = MakeStation("REF-001", 1);
        const double step = 1.0 / 60;
        int samples = 365 * 24 * 60;
        var heights = new double[samples];

        int half = samples / 2;
        var firstHalf = new Thread(() =>
        {
            for (int i = 0; i < half; i++) heights[i] = Harmonics.Height(reference, i * step);
        });
        firstHalf.Start();
        for (int i = half; i < samples; i++) heights[i] = Harmonics.Height(reference, i * step);
        firstHalf.Join();

        var secondary = Enumerable.Range(2, 40).Select(i => MakeStation($"SEC-{i:D3}", i)).ToList();
        var finder = new ExtremaFinder(samples: 31 * 24 * 20, stepHours: 1.0 / 20);
        var extremes = new ConcurrentDictionary<string, List<TideEvent>>();
        Parallel.ForEach(secondary, station => extremes[station.Id] = finder.HighAndLowWaters(station));

        string path = Path.Combine(Path.GetTempPath(), $"tides-{Environment.ProcessId}.txt");
        using var lines = new BlockingCollection<string>(boundedCapacity: 256);
        var producer = new Thread(() =>
        {
            foreach (var station in secondary)
                foreach (var e in extremes[station.Id].Take(60))
                    lines.Add($"{station.Id} {e.Hour,8:F2}h {(e.High ? "HW" : "LW")} {e.Height:F3} m");
            lines.CompleteAdding();
        });
        var consumer = new Thread(() =>
        {
            using var writer = new StreamWriter(path);
            foreach (var line in lines.GetConsumingEnumerable()) writer.WriteLine(line);
        });
        producer.Start();
        consumer.Start();
        producer.Join();
        consumer.Join();

        Console.WriteLine($"reference range over the year: {heights.Min():F3} .. {heights.Max():F3} m");
        var busiest = extremes.OrderByDescending(kv => kv.Value.Count).ThenBy(kv => kv.Key).First();
        Console.WriteLine($"most tide events in a month: {busiest.Key} with {busiest.Value.Count}");
        Console.WriteLine($"table lines written: {File.ReadLines(path).Count()}");
        File.Delete(path);
    }
}
