using System.Text;

namespace LineSimplifier;

public sealed class TileSimplifier
{
    private readonly IProjection _projection;
    public TileSimplifier(IProjection projection) => _projection = projection;

    public List<XY>[] SimplifyAll(IReadOnlyList<Feature> features, double toleranceMeters)
    {
        var output = new List<XY>[features.Count];
        Parallel.ForEach(features, feature =>
        {
            lock (_projection.SyncRoot)
            {
                var projected = new XY[feature.Points.Length];
                for (int i = 0; i < projected.Length; i++) projected[i] = _projection.Forward(feature.Points[i]);
                output[feature.Id] = DouglasPeucker.Simplify(projected, toleranceMeters);
            }
        });
        return output;
    }
}

public static class Program
{
    public static async Task Main()
    {
        var rng = new Random(6);
        var features = new List<Feature>();
        for (int f = 0; f < 120; f++)
        {
            double lon = -3 + rng.NextDouble() * 6, lat = 50 + rng.NextDouble() * 4, heading = rng.NextDouble() * 2 * Math.PI;
            var pts = new LonLat[4000 + rng.Next(4000)];
            for (int i = 0; i < pts.Length; i++)
            {
                heading += (rng.NextDouble() - 0.5) * 0.3;
                lon += Math.Cos(heading) * 0.0004;
                lat += Math.Sin(heading) * 0.0003;
                pts[i] = new LonLat(lon, lat);
            }
            features.Add(new Feature(f, f % 3 == 0 ? "river" : "road", pts));
        }

        var simplifier = new TileSimplifier(new WebMercator());
        List<XY>[] base20m = simplifier.SimplifyAll(features, toleranceMeters: 20);
        Console.WriteLine($"features {features.Count}: {features.Sum(f => f.Points.Length)} -> {base20m.Sum(l => l.Count)} vertices at 20 m");

        string folder = Path.Combine(Path.GetTempPath(), "line-simplifier");
        Directory.CreateDirectory(folder);

        // Per-zoom generalisation from the 20 m base, one file per zoom level.
        int[] zooms = [8, 10, 12, 14];
        var perZoom = zooms.Select(async zoom =>
        {
            double tolerance = 156543.0 / (1 << zoom) * 2;
            var sb = new StringBuilder();
            int vertices = 0;
            foreach (var line in base20m)
            {
                List<XY> simple = DouglasPeucker.Simplify(line, tolerance);
                vertices += simple.Count;
                sb.AppendLine(string.Join(' ', simple.Select(p => $"{p.X:F0},{p.Y:F0}")));
            }
            await File.WriteAllTextAsync(Path.Combine(folder, $"z{zoom}.txt"), sb.ToString());
            return (zoom, vertices);
        });
        var counts = await Task.WhenAll(perZoom);
        foreach (var (zoom, vertices) in counts) Console.WriteLine($"  z{zoom}: {vertices} vertices");

        // Summary export runs on its own thread once the counts are in.
        using var ready = new ManualResetEvent(false);
        string summaryPath = Path.Combine(folder, "summary.txt");
        var exporter = new Thread(() =>
        {
            ready.WaitOne();
            File.WriteAllLines(summaryPath, counts.Select(c => $"z{c.zoom} {c.vertices}"));
        }) { Name = "summary-export" };
        exporter.Start();
        ready.Set();
        exporter.Join();
        Console.WriteLine($"summary: {File.ReadAllLines(summaryPath).Length} lines");
    }
}
