using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;

namespace SailRoutePlanner;

public readonly record struct GeoPoint(double Lat, double Lon)
{
    public double DistanceNm(GeoPoint o)
    {
        double dLat = o.Lat - Lat, dLon = (o.Lon - Lon) * Math.Cos((Lat + o.Lat) * Math.PI / 360);
        return 60 * Math.Sqrt(dLat * dLat + dLon * dLon);
    }

    public double BearingTo(GeoPoint o) =>
        (Math.Atan2((o.Lon - Lon) * Math.Cos(Lat * Math.PI / 180), o.Lat - Lat) * 180 / Math.PI + 360) % 360;

    public GeoPoint Move(double bearingDeg, double nm)
    {
        double b = bearingDeg * Math.PI / 180;
        return new GeoPoint(Lat + nm * Math.Cos(b) / 60, Lon + nm * Math.Sin(b) / (60 * Math.Cos(Lat * Math.PI / 180)));
    }
}

public sealed record Route(double DepartureHour, double Hours, GeoPoint[] Track);

public sealed record RouteSummary(double DepartureHour, double Hours, double SailedNm, double MaxWindKn, int Gybes);

public sealed class IsochroneRouter(PolarTable polar, WindField wind, GeoPoint start, GeoPoint finish)
{
    private sealed record Node(GeoPoint Position, Node? Parent);

    private const int Sectors = 90;
    private const double StepHours = 0.5;
    private readonly Mutex _mutex = new();
    private readonly Node?[] _best = new Node?[Sectors];
    private readonly List<Node> _front = new();
    private readonly double[] _reach = new double[Sectors];
    private readonly double _course = start.BearingTo(finish);

    public Route Plan(double departureHour)
    {
        _mutex.WaitOne();
        try
        {
            _front.Clear();
            _front.Add(new Node(start, null));
            for (int step = 1; step <= 400; step++)
            {
                double hour = departureHour + step * StepHours;
                Array.Clear(_best);
                Array.Clear(_reach);
                foreach (var node in _front)
                {
                    var (from, knots) = wind.At(node.Position, hour);
                    for (int heading = 0; heading < 360; heading += 10)
                    {
                        var next = new Node(node.Position.Move(heading, polar.Speed(heading - from, knots) * StepHours), node);
                        if (next.Position.DistanceNm(finish) < 10)
                        {
                            var track = new List<GeoPoint>();
                            for (Node? n = next; n != null; n = n.Parent) track.Add(n.Position);
                            track.Reverse();
                            return new Route(departureHour, step * StepHours, track.ToArray());
                        }
                        int sector = (int)((start.BearingTo(next.Position) + 360 - _course + 90) % 360 / 2.0);
                        if (sector >= Sectors) continue;
                        double reach = next.Position.DistanceNm(start);
                        if (reach > _reach[sector]) { _reach[sector] = reach; _best[sector] = next; }
                    }
                }
                _front.Clear();
                _front.AddRange(_best.OfType<Node>());
            }
            return new Route(departureHour, double.PositiveInfinity, new[] { start });
        }
        finally
        {
            _mutex.ReleaseMutex();
        }
    }
}

public static class Program
{
    private static RouteSummary Summarise(Route route, WindField wind)
    {
        double sailed = 0, maxWind = 0;
        int gybes = 0;
        for (int i = 1; i < route.Track.Length; i++)
        {
            sailed += route.Track[i - 1].DistanceNm(route.Track[i]);
            maxWind = Math.Max(maxWind, wind.At(route.Track[i], route.DepartureHour + i * 0.5).Knots);
            if (i > 1 && Math.Abs(route.Track[i - 2].BearingTo(route.Track[i - 1]) - route.Track[i - 1].BearingTo(route.Track[i])) > 40) gybes++;
        }
        return new RouteSummary(route.DepartureHour, route.Hours, sailed, maxWind, gybes);
    }

    public static void Main()
    {
        var lisbon = new GeoPoint(38.69, -9.42);
        var funchal = new GeoPoint(32.64, -16.91);
        var wind = new WindField();
        var router = new IsochroneRouter(new PolarTable(), wind, lisbon, funchal);
        string logPath = Path.Combine(Path.GetTempPath(), $"departures-{Environment.ProcessId}.log");

        RouteSummary? fastest = null;
        var summaries = new List<RouteSummary>();
        using (var log = new StreamWriter(logPath))
        {
            Parallel.ForEach(Enumerable.Range(0, 12).Select(k => k * 8.0), departure =>
            {
                var route = router.Plan(departure);
                var summary = Summarise(route, wind);
                lock (summaries)
                {
                    summaries.Add(summary);
                    if (fastest is null || summary.Hours < fastest.Hours) fastest = summary;
                }
                lock (log) log.WriteLine($"T+{departure:F0}h\t{summary.Hours:F1}h\t{summary.SailedNm:F0}nm\t{summary.MaxWindKn:F0}kn");
            });
        }

        foreach (var s in summaries.OrderBy(s => s.DepartureHour).Where((_, i) => i % 3 == 0))
            Console.WriteLine($"depart T+{s.DepartureHour,3:F0} h: {s.Hours:F1} h, {s.SailedNm:F0} nm sailed, " +
                              $"max wind {s.MaxWindKn:F0} kn, {s.Gybes} course changes");
        Console.WriteLine($"fastest: leave at T+{fastest!.DepartureHour:F0} h, arrive after {fastest.Hours:F1} h " +
                          $"({File.ReadAllLines(logPath).Length} departures logged)");
        File.Delete(logPath);
    }
}
