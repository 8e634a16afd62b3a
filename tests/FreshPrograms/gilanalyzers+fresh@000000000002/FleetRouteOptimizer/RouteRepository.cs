using System.Text;

namespace FleetRouteOptimizer;

public sealed class RouteRepository(string directory)
{
    private readonly Dictionary<string, string> _savedPaths = new();
    private readonly object _indexLock = new();

    public int SavedCount
    {
        get { lock (_indexLock) return _savedPaths.Count; }
    }

    public async Task SaveAsync(RoutePlan plan)
    {
        string path = Path.Combine(directory, plan.DepotId + ".route");
        var text = new StringBuilder().AppendLine($"# {plan.DepotId} {plan.LengthKm:F3}").AppendJoin(',', plan.Order).ToString();
        await File.WriteAllTextAsync(path, text);

        lock (_indexLock)
        {
            _savedPaths[plan.DepotId] = path;
        }
    }
}

public sealed record Stop(double Lat, double Lon);

public sealed record Depot(string Id, IReadOnlyList<Stop> Stops);

public static class DepotFiles
{
    public static IReadOnlyList<string> WriteSample(string dir, int depots, int stopsPerDepot)
    {
        var rng = new Random(31);
        var paths = new List<string>();
        for (int d = 0; d < depots; d++)
        {
            double lat0 = 50 + rng.NextDouble() * 3, lon0 = 4 + rng.NextDouble() * 5;
            var lines = Enumerable.Range(0, stopsPerDepot)
                .Select(_ => FormattableString.Invariant($"{lat0 + rng.NextDouble() * 0.6:F6};{lon0 + rng.NextDouble() * 0.9:F6}"));
            string path = Path.Combine(dir, $"depot-{d:D2}.csv");
            File.WriteAllLines(path, lines);
            paths.Add(path);
        }
        return paths;
    }

    public static async Task<Depot> LoadAsync(string path)
    {
        string[] lines = await File.ReadAllLinesAsync(path);
        var stops = lines.Select(l => l.Split(';'))
            .Select(p => new Stop(double.Parse(p[0], System.Globalization.CultureInfo.InvariantCulture), double.Parse(p[1], System.Globalization.CultureInfo.InvariantCulture)))
            .ToList();
        return new Depot(Path.GetFileNameWithoutExtension(path), stops);
    }
}
