namespace ElevationProfileService;

public sealed record Route(string Id, GeoPoint[] Waypoints);

public sealed record ProfileSummary(string RouteId, double LengthKm, double Gain, double Loss, double MaxGrade);

public sealed class ProfileService
{
    private readonly IElevationSource _dem;
    private readonly IProfileStore _store;
    private readonly object _statsLock = new();
    private double _totalKm;
    private int _routes;

    public ProfileService(IElevationSource dem, IProfileStore store)
    {
        _dem = dem;
        _store = store;
    }

    public async Task<ProfileSummary> BuildProfileAsync(Route route, double stepMeters)
    {
        var samples = new List<double>();
        double lengthKm = 0;
        for (int w = 1; w < route.Waypoints.Length; w++)
        {
            GeoPoint a = route.Waypoints[w - 1], b = route.Waypoints[w];
            double legKm = Haversine(a, b);
            int steps = Math.Max(1, (int)(legKm * 1000 / stepMeters));
            for (int s = 0; s < steps; s++)
            {
                double t = (double)s / steps;
                samples.Add(_dem.ElevationAt(new GeoPoint(a.Lat + (b.Lat - a.Lat) * t, a.Lon + (b.Lon - a.Lon) * t)));
            }
            lengthKm += legKm;
        }

        double[] smooth = Smooth(samples, radius: 7);
        double gain = 0, loss = 0, maxGrade = 0;
        for (int i = 1; i < smooth.Length; i++)
        {
            double dh = smooth[i] - smooth[i - 1];
            if (dh > 0) gain += dh; else loss -= dh;
            maxGrade = Math.Max(maxGrade, Math.Abs(dh) / stepMeters * 100);
        }

        await _store.SaveAsync(route.Id, smooth);

        lock (_statsLock)
        {
            _totalKm += lengthKm;
            _routes++;
        }
        return new ProfileSummary(route.Id, lengthKm, gain, loss, maxGrade);
    }

    public string Stats()
    {
        lock (_statsLock) return $"{_routes} routes, {_totalKm:F1} km";
    }

    private static double[] Smooth(List<double> xs, int radius)
    {
        var result = new double[xs.Count];
        for (int i = 0; i < xs.Count; i++)
        {
            double sum = 0, weight = 0;
            for (int k = -radius; k <= radius; k++)
            {
                int j = i + k;
                if (j < 0 || j >= xs.Count) continue;
                double w = Math.Exp(-(k * k) / (2.0 * radius));
                sum += xs[j] * w;
                weight += w;
            }
            result[i] = sum / weight;
        }
        return result;
    }

    private static double Haversine(GeoPoint a, GeoPoint b)
    {
        const double R = 6371.0;
        double dLat = (b.Lat - a.Lat) * Math.PI / 180, dLon = (b.Lon - a.Lon) * Math.PI / 180;
        double h = Math.Sin(dLat / 2) * Math.Sin(dLat / 2) +
                   Math.Cos(a.Lat * Math.PI / 180) * Math.Cos(b.Lat * Math.PI / 180) * Math.Sin(dLon / 2) * Math.Sin(dLon / 2);
        return 2 * R * Math.Asin(Math.Sqrt(h));
    }
}

public static class Program
{
    public static async Task Main()
    {
        var routes = new List<Route>();
        for (int r = 0; r < 16; r++)
        {
            var rng = new Random(42 + r);
            var pts = new GeoPoint[12];
            double lat = 46.0 + r * 0.05, lon = 7.0 + r * 0.03;
            for (int i = 0; i < pts.Length; i++)
            {
                pts[i] = new GeoPoint(lat, lon);
                lat += (rng.NextDouble() - 0.3) * 0.02;
                lon += (rng.NextDouble() - 0.2) * 0.03;
            }
            routes.Add(new Route($"route{r:D2}", pts));
        }

        var service = new ProfileService(
            new TiledDem(cellDegrees: 0.0005),
            new CsvProfileStore(Path.Combine(Path.GetTempPath(), "elevation-profiles")));

        var summaries = await Task.WhenAll(routes.Select(r => service.BuildProfileAsync(r, stepMeters: 5)));

        foreach (var s in summaries.Take(6))
            Console.WriteLine($"{s.RouteId}: {s.LengthKm,6:F2} km  +{s.Gain,7:F0} m  -{s.Loss,7:F0} m  max grade {s.MaxGrade:F1}%");
        Console.WriteLine(service.Stats());
    }
}
