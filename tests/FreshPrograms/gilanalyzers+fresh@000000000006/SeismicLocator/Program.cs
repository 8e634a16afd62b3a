namespace SeismicLocator;

public sealed record Hypocentre(int EventId, double X, double Y, double Depth, double OriginTime, double RmsResidual);

public sealed class GridSearchLocator
{
    private readonly IReadOnlyDictionary<string, Station> _stations;
    public GridSearchLocator(IReadOnlyDictionary<string, Station> stations) => _stations = stations;

    public Hypocentre Locate(SeismicEvent ev)
    {
        Hypocentre best = new(ev.Id, 0, 0, 0, 0, double.MaxValue);
        var predicted = new double[ev.Picks.Count];
        lock (LegacyTravelTime.Sync)
        {
            for (double x = 0; x <= 100; x += 2)
                for (double y = 0; y <= 100; y += 2)
                    for (double z = 1; z <= 40; z += 3)
                    {
                        double meanOffset = 0;
                        for (int p = 0; p < ev.Picks.Count; p++)
                        {
                            Station s = _stations[ev.Picks[p].Station];
                            double dist = Math.Sqrt((s.X - x) * (s.X - x) + (s.Y - y) * (s.Y - y));
                            predicted[p] = LegacyTravelTime.PWave(dist, z);
                            meanOffset += ev.Picks[p].ArrivalSeconds - predicted[p];
                        }
                        double origin = meanOffset / ev.Picks.Count, sse = 0;
                        for (int p = 0; p < ev.Picks.Count; p++)
                        {
                            double r = ev.Picks[p].ArrivalSeconds - origin - predicted[p];
                            sse += r * r;
                        }
                        double rms = Math.Sqrt(sse / ev.Picks.Count);
                        if (rms < best.RmsResidual) best = new Hypocentre(ev.Id, x, y, z, origin, rms);
                    }
        }
        return best;
    }
}

public static class MagnitudeEstimator
{
    /// <summary>Local magnitude from the peak of a Wood-Anderson-like filtered trace, one pool item per event.</summary>
    public static double[] EstimateAll(IReadOnlyList<SeismicEvent> events)
    {
        var magnitudes = new double[events.Count];
        using var remaining = new CountdownEvent(events.Count);
        foreach (var ev in events)
        {
            ThreadPool.QueueUserWorkItem(state =>
            {
                var e = (SeismicEvent)state!;
                double lowPass = 0, highPass = 0, prev = 0, peak = 0;
                for (int pass = 0; pass < 8; pass++)
                    foreach (float sample in e.Trace)
                    {
                        lowPass += 0.2 * (sample - lowPass);
                        highPass = 0.95 * (highPass + lowPass - prev);
                        prev = lowPass;
                        peak = Math.Max(peak, Math.Abs(highPass));
                    }
                magnitudes[events.IndexOf(e)] = Math.Log10(peak * 1000) + 1.11;
                remaining.Signal();
            }, ev);
        }
        remaining.Wait();
        return magnitudes;
    }

    private static int IndexOf(this IReadOnlyList<SeismicEvent> list, SeismicEvent e)
    {
        for (int i = 0; i < list.Count; i++) if (ReferenceEquals(list[i], e)) return i;
        return -1;
    }
}

public static class Program
{
    public static async Task Main()
    {
        string folder = Path.Combine(Path.GetTempPath(), "seismic-stations");
        Directory.CreateDirectory(folder);
        var rng = new Random(12);
        for (int s = 0; s < 9; s++)
            await File.WriteAllTextAsync(Path.Combine(folder, $"ST{s}.txt"), $"ST{s} {rng.Next(0, 100)} {rng.Next(0, 100)}");

        var stationFiles = Directory.GetFiles(folder, "ST*.txt").Order(StringComparer.Ordinal).ToArray();
        string[] lines = await Task.WhenAll(stationFiles.Select(f => File.ReadAllTextAsync(f)));
        var stations = lines.Select(l => l.Split(' ')).ToDictionary(p => p[0], p => new Station(p[0], double.Parse(p[1]), double.Parse(p[2])));

        var events = new List<SeismicEvent>();
        for (int e = 0; e < 16; e++)
        {
            double ex = rng.NextDouble() * 100, ey = rng.NextDouble() * 100, ez = 2 + rng.NextDouble() * 30;
            var picks = stations.Values.Select(s =>
                new Pick(s.Code, 10 + Math.Sqrt((s.X - ex) * (s.X - ex) + (s.Y - ey) * (s.Y - ey) + ez * ez) / 6.0 + (rng.NextDouble() - 0.5) * 0.05)).ToList();
            var trace = new float[40_000];
            for (int i = 0; i < trace.Length; i++) trace[i] = (float)(Math.Exp(-i / 8000.0) * Math.Sin(i * 0.07) * (0.5 + e * 0.1) + (rng.NextDouble() - 0.5) * 0.01);
            events.Add(new SeismicEvent(e, picks, trace));
        }

        var locator = new GridSearchLocator(stations);
        var hypocentres = new Hypocentre[events.Count];
        Parallel.For(0, events.Count, i => hypocentres[i] = locator.Locate(events[i]));
        double[] magnitudes = MagnitudeEstimator.EstimateAll(events);

        for (int i = 0; i < 6; i++)
        {
            var h = hypocentres[i];
            Console.WriteLine($"event {h.EventId,2}: x {h.X,5:F0} y {h.Y,5:F0} depth {h.Depth,4:F0} km  rms {h.RmsResidual:F3} s  ML {magnitudes[i]:F2}");
        }
        Console.WriteLine($"located {hypocentres.Length} events, mean rms {hypocentres.Average(h => h.RmsResidual):F3} s");
    }
}
