using System.Diagnostics;
using System.Text.Json;

namespace RoutePlannerService;

public record RouteRequest(string Id, int From, int To);
public record RouteResult(string Id, double Cost, int Hops);

public interface IRoadGraphProvider
{
    RoadGraph Graph { get; }
}

public sealed class RoadGraph(int width, int height, double[] weights)
{
    public int Width { get; } = width;
    public int Height { get; } = height;
    public int NodeCount => Width * Height;
    public double Weight(int node) => weights[node];
}

public sealed class SyntheticGraphProvider(int width, int height) : IRoadGraphProvider
{
    private readonly object _buildLock = new();
    private RoadGraph? _graph;

    public RoadGraph Graph
    {
        get
        {
            lock (_buildLock)
            {
                if (_graph is null)
                {
                    var rng = new Random(11);
                    var weights = new double[width * height];
                    for (int i = 0; i < weights.Length; i++) weights[i] = 1 + rng.NextDouble() * 9;
                    _graph = new RoadGraph(width, height, weights);
                }
                return _graph;
            }
        }
    }
}

public sealed class RoutePlanner(IRoadGraphProvider provider, string cacheDir)
{
    public async Task<RouteResult> PlanAsync(RouteRequest request)
    {
        var g = provider.Graph;
        var dist = new double[g.NodeCount];
        var prev = new int[g.NodeCount];
        Array.Fill(dist, double.PositiveInfinity);
        Array.Fill(prev, -1);
        var queue = new PriorityQueue<int, double>();
        dist[request.From] = 0;
        queue.Enqueue(request.From, 0);
        while (queue.TryDequeue(out int node, out double d))
        {
            if (d > dist[node]) continue;
            if (node == request.To) break;
            int x = node % g.Width, y = node / g.Width;
            foreach (var (nx, ny) in new[] { (x + 1, y), (x - 1, y), (x, y + 1), (x, y - 1) })
            {
                if (nx < 0 || ny < 0 || nx >= g.Width || ny >= g.Height) continue;
                int next = ny * g.Width + nx;
                double nd = d + g.Weight(next);
                if (nd < dist[next]) { dist[next] = nd; prev[next] = node; queue.Enqueue(next, nd); }
            }
        }
        int hops = 0;
        for (int n = request.To; prev[n] >= 0; n = prev[n]) hops++;
        var result = new RouteResult(request.Id, dist[request.To], hops);
        await File.WriteAllTextAsync(Path.Combine(cacheDir, request.Id + ".json"), JsonSerializer.Serialize(result));
        return result;
    }

    public async Task<RouteResult?> TryLoadCachedAsync(string id)
    {
        var path = Path.Combine(cacheDir, id + ".json");
        if (!File.Exists(path)) return null;
        var json = await File.ReadAllTextAsync(path);
        return JsonSerializer.Deserialize<RouteResult>(json);
    }
}

public static class Program
{
    public static async Task Main()
    {
        var cacheDir = Directory.CreateTempSubdirectory("routes").FullName;
        IRoadGraphProvider provider = new SyntheticGraphProvider(300, 300);
        var planner = new RoutePlanner(provider, cacheDir);
        var rng = new Random(5);
        var requests = Enumerable.Range(0, 16)
            .Select(i => new RouteRequest($"r{i:00}", rng.Next(300 * 300), rng.Next(300 * 300)))
            .ToList();

        var sw = Stopwatch.StartNew();
        var planning = requests.Select(r => planner.PlanAsync(r));
        var routes = await Task.WhenAll(planning);
        Console.WriteLine($"planned {routes.Length} routes in {sw.ElapsedMilliseconds} ms");

        var reloads = requests.Select(r => planner.TryLoadCachedAsync(r.Id)).ToArray();
        var cached = await Task.WhenAll(reloads);
        foreach (var r in cached.Take(4))
            Console.WriteLine($"  {r!.Id}: cost {r.Cost:F1}, {r.Hops} hops");
        Console.WriteLine($"cache hits: {cached.Count(c => c is not null)}/{requests.Count}");
        Directory.Delete(cacheDir, recursive: true);
    }
}
