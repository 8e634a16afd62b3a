namespace GraphColoringBench;

/// <summary>Colours graphs on demand and keeps the colourings, keyed by graph and strategy.</summary>
public sealed class ColoringService
{
    private readonly IColoringStrategy _strategy;
    private readonly Dictionary<string, int[]> _cache = new();
    private readonly ReaderWriterLockSlim _cacheLock = new();

    public ColoringService(IColoringStrategy strategy) => _strategy = strategy;

    public string StrategyName => _strategy.Name;

    public int[] GetColoring(Graph graph)
    {
        _cacheLock.EnterReadLock();
        try
        {
            if (_cache.TryGetValue(graph.Id, out var cached)) return cached;
        }
        finally
        {
            _cacheLock.ExitReadLock();
        }

        _cacheLock.EnterWriteLock();
        try
        {
            if (!_cache.TryGetValue(graph.Id, out var colors))
            {
                colors = _strategy.Color(graph);
                _cache[graph.Id] = colors;
            }
            return colors;
        }
        finally
        {
            _cacheLock.ExitWriteLock();
        }
    }
}

public static class Verifier
{
    public static (long Conflicts, long Edges) Check(IReadOnlyList<Graph> graphs, IReadOnlyList<int[]> colorings)
    {
        long conflicts = 0, edges = 0;
        var sync = new object();
        Parallel.For(0, graphs.Count,
            () => (Conflicts: 0L, Edges: 0L),
            (i, _, local) =>
            {
                Graph g = graphs[i];
                int[] c = colorings[i];
                for (int v = 0; v < g.VertexCount; v++)
                    foreach (int u in g.Adjacency[v])
                        if (u > v) { local.Edges++; if (c[u] == c[v]) local.Conflicts++; }
                return local;
            },
            local =>
            {
                lock (sync)
                {
                    conflicts += local.Conflicts;
                    edges += local.Edges;
                }
            });
        return (conflicts, edges);
    }
}

public static class Program
{
    public static void Main()
    {
        var graphs = new List<Graph>();
        for (int i = 0; i < 24; i++)
            graphs.Add(Graph.Random($"g{i:D2}", n: 250 + 10 * i, p: 0.05 + 0.005 * (i % 5), seed: 900 + i));

        var services = new[] { new ColoringService(new LargestFirstGreedy()), new ColoringService(new DSatur()) };
        foreach (var service in services)
        {
            var colorings = new int[graphs.Count][];
            // Requests arrive for the same graphs more than once (dashboards refresh); the cache absorbs repeats.
            var requests = Enumerable.Range(0, graphs.Count * 2).Select(r => r % graphs.Count).ToArray();
            Parallel.ForEach(requests, g => colorings[g] = service.GetColoring(graphs[g]));

            var (conflicts, edges) = Verifier.Check(graphs, colorings);
            int totalColors = colorings.Sum(c => c.Max() + 1);
            Console.WriteLine($"{service.StrategyName,-14} colours used {totalColors,4} over {graphs.Count} graphs, edges {edges}, conflicts {conflicts}");
            Console.WriteLine($"   first graphs: {string.Join(" ", colorings.Take(8).Select(c => c.Max() + 1))}");
        }
    }
}
