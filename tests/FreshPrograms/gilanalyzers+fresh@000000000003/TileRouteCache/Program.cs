namespace TileRouteCache;

// Pre-computes walking routes between points of interest of a city map so the mobile app
// can serve them offline. Routes are grouped by map tile and cached.
public static class Program
{
    public static void Main()
    {
        var graph = StreetGraph.Grid(width: 70, height: 70, seed: 5);
        var planner = new RoutePlanner(graph);
        var cache = new RouteCache(capacity: 400);
        var service = new RouteService(planner, cache);

        var requests = RequestLog.Synthetic(graph, count: 900, seed: 6);
        var results = service.ServeAll(requests);

        Console.WriteLine($"requests:     {requests.Count}");
        Console.WriteLine($"reachable:    {results.Count(r => r.Cost < double.PositiveInfinity)}");
        Console.WriteLine($"total cost:   {results.Where(r => r.Cost < double.PositiveInfinity).Sum(r => r.Cost):F1}");
        Console.WriteLine($"distinct:     {results.Select(r => (r.From, r.To)).Distinct().Count()}");
        Console.WriteLine($"tile indexes: {service.TileIndexCount}");
    }
}

public readonly record struct RouteRequest(int From, int To);
public sealed record Route(int From, int To, double Cost, int Hops);

public static class RequestLog
{
    public static List<RouteRequest> Synthetic(StreetGraph g, int count, int seed)
    {
        var rng = new Random(seed);
        var popular = Enumerable.Range(0, 40).Select(_ => rng.Next(g.NodeCount)).ToArray();
        return Enumerable.Range(0, count)
            .Select(_ => new RouteRequest(popular[rng.Next(popular.Length)], popular[rng.Next(popular.Length)]))
            .ToList();
    }
}

public sealed class StreetGraph
{
    public object SyncRoot { get; } = new();
    public int Width { get; private init; }
    public int NodeCount { get; private init; }
    public List<(int To, double Cost)>[] Edges { get; private init; } = [];

    // reusable search buffers, allocated once for the whole graph
    public double[] Dist { get; private init; } = [];
    public int[] Hops { get; private init; } = [];

    public static StreetGraph Grid(int width, int height, int seed)
    {
        var rng = new Random(seed);
        int n = width * height;
        var edges = new List<(int, double)>[n];
        for (int i = 0; i < n; i++) edges[i] = new();
        for (int y = 0; y < height; y++)
        for (int x = 0; x < width; x++)
        {
            int id = y * width + x;
            if (x + 1 < width && rng.NextDouble() > 0.08) Link(id, id + 1, 1 + rng.NextDouble());
            if (y + 1 < height && rng.NextDouble() > 0.08) Link(id, id + width, 1 + rng.NextDouble());
        }
        return new StreetGraph { Width = width, NodeCount = n, Edges = edges, Dist = new double[n], Hops = new int[n] };

        void Link(int a, int b, double c)
        {
            edges[a].Add((b, c));
            edges[b].Add((a, c));
        }
    }
}
