namespace GeoFenceIndexer;

// Projects delivery-zone polygons from WGS84 into the national grid with the vendor's
// legacy projection routines, rasterises them into a coverage index, and answers a batch
// of point-in-fence queries.
internal static class Program
{
    private static void Main()
    {
        var fences = FenceSource.Generate(count: 160, verticesEach: 240, seed: 8);
        var projector = new GridProjector(zone: 31);
        List<ProjectedFence> projected = projector.ProjectAll(fences);

        var index = CoverageIndex.Build(projected, cellMeters: 250);

        var probes = FenceSource.Probes(count: 40_000, seed: 9);
        int inside = probes
            .AsParallel()
            .Select(p => LocalProjection.ToGrid(p, zone: 31))
            .Count(g => index.Covers(g.E, g.N));

        Console.WriteLine($"fences projected: {projected.Count}");
        Console.WriteLine($"index cells:      {index.CellCount}");
        Console.WriteLine($"probes inside:    {inside} / {probes.Length}");
        Console.WriteLine($"largest fence:    {projected.MaxBy(f => f.AreaSqKm)!.Name} ({projected.Max(f => f.AreaSqKm):F2} km2)");
    }
}

public readonly record struct LatLon(double Lat, double Lon);
public readonly record struct GridPoint(double E, double N);
public sealed record Fence(string Name, LatLon[] Ring);
public sealed record ProjectedFence(string Name, GridPoint[] Ring, double AreaSqKm);

public static class FenceSource
{
    public static List<Fence> Generate(int count, int verticesEach, int seed)
    {
        var rng = new Random(seed);
        var list = new List<Fence>();
        for (int f = 0; f < count; f++)
        {
            double lat = 48.0 + rng.NextDouble() * 3;
            double lon = 2.0 + rng.NextDouble() * 4;
            double radius = 0.01 + rng.NextDouble() * 0.05;
            var ring = new LatLon[verticesEach];
            for (int v = 0; v < verticesEach; v++)
            {
                double a = 2 * Math.PI * v / verticesEach;
                double r = radius * (0.8 + 0.2 * Math.Sin(5 * a + f));
                ring[v] = new LatLon(lat + r * Math.Sin(a), lon + r * Math.Cos(a) * 1.5);
            }
            list.Add(new Fence($"zone-{f:D3}", ring));
        }
        return list;
    }

    public static LatLon[] Probes(int count, int seed)
    {
        var rng = new Random(seed);
        return Enumerable.Range(0, count)
            .Select(_ => new LatLon(48.0 + rng.NextDouble() * 3, 2.0 + rng.NextDouble() * 4))
            .ToArray();
    }
}

// Managed transverse-Mercator series, thread-safe, used for the cheap probe lookups.
public static class LocalProjection
{
    public static GridPoint ToGrid(LatLon p, int zone)
    {
        const double K0 = 0.9996, A = 6378137.0;
        double lon0 = (zone - 1) * 6 - 180 + 3;
        double phi = p.Lat * Math.PI / 180, dl = (p.Lon - lon0) * Math.PI / 180;
        double e = A * K0 * Math.Atanh(Math.Cos(phi) * Math.Sin(dl)) + 500_000;
        double n = A * K0 * Math.Atan2(Math.Tan(phi), Math.Cos(dl));
        return new GridPoint(e, n);
    }
}
