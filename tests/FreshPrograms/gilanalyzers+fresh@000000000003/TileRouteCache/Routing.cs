using System.Collections.Concurrent;

namespace TileRouteCache;

public sealed class RouteService(RoutePlanner planner, RouteCache cache)
{
    private readonly ConcurrentDictionary<int, Lazy<int[]>> _tileIndex = new();

    public int TileIndexCount => _tileIndex.Count;

    public List<Route> ServeAll(IReadOnlyList<RouteRequest> requests)
    {
        var output = new Route[requests.Count];
        Parallel.ForEach(requests, (req, state, i) =>
        {
            int tile = req.From / 700;
            _ = _tileIndex.GetOrAdd(tile, t => new Lazy<int[]>(() => BuildTileIndex(t))).Value;
            output[i] = Serve(req);
        });
        return output.ToList();
    }

    private Route Serve(RouteRequest req)
    {
        if (cache.TryGet(req, out var cached)) return cached;
        Route route = planner.Plan(req.From, req.To);
        cache.Put(req, route);
        return route;
    }

    private static int[] BuildTileIndex(int tile) => Enumerable.Range(tile * 700, 700).ToArray();
}

public sealed class RoutePlanner(StreetGraph graph)
{
    public Route Plan(int from, int to)
    {
        var (cost, hops) = ShortestPath(from, to);
        return new Route(from, to, cost, hops);
    }

    private (double Cost, int Hops) ShortestPath(int from, int to)
    {
        lock (graph.SyncRoot)
        {
            Array.Fill(graph.Dist, double.PositiveInfinity);
            Array.Fill(graph.Hops, 0);
            var queue = new PriorityQueue<int, double>();
            graph.Dist[from] = 0;
            queue.Enqueue(from, 0);
            while (queue.TryDequeue(out int node, out double d))
            {
                if (d > graph.Dist[node]) continue;
                if (node == to) break;
                foreach (var (next, c) in graph.Edges[node])
                {
                    double nd = d + c;
                    if (nd < graph.Dist[next])
                    {
                        graph.Dist[next] = nd;
                        graph.Hops[next] = graph.Hops[node] + 1;
                        queue.Enqueue(next, nd);
                    }
                }
            }
            return (graph.Dist[to], graph.Hops[to]);
        }
    }
}

// Small LRU cache; routes are planned outside it and only inserted/looked up under its lock.
public sealed class RouteCache(int capacity)
{
    private readonly Dictionary<RouteRequest, LinkedListNode<(RouteRequest Key, Route Value)>> _map = new();
    private readonly LinkedList<(RouteRequest Key, Route Value)> _order = new();
    private readonly object _gate = new();

    public bool TryGet(RouteRequest key, out Route route)
    {
        lock (_gate)
        {
            if (_map.TryGetValue(key, out var node))
            {
                _order.Remove(node);
                _order.AddFirst(node);
                route = node.Value.Value;
                return true;
            }
        }
        route = null!;
        return false;
    }

    public void Put(RouteRequest key, Route route)
    {
        lock (_gate)
        {
            if (_map.ContainsKey(key)) return;
            var node = _order.AddFirst((key, route));
            _map[key] = node;
            if (_map.Count > capacity)
            {
                var last = _order.Last!;
                _order.RemoveLast();
                _map.Remove(last.Value.Key);
            }
        }
    }
}
