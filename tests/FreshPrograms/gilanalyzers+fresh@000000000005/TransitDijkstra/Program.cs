namespace TransitDijkstra;

readonly record struct Link(int To, int Minutes);

sealed class TransitNetwork
{
    public List<Link>[] Adjacency { get; }
    public int StopCount => Adjacency.Length;
    private string[]? _stopCodes;
    private readonly object _codesLock = new();

    public TransitNetwork(int stops, int seed)
    {
        var rng = new Random(seed);
        Adjacency = Enumerable.Range(0, stops).Select(_ => new List<Link>()).ToArray();
        for (int s = 0; s < stops; s++)
        {
            if (s + 1 < stops) AddBoth(s, s + 1, 2 + rng.Next(4));
            for (int k = 0; k < 2; k++) AddBoth(s, rng.Next(stops), 5 + rng.Next(25));
        }
    }

    void AddBoth(int a, int b, int minutes) { Adjacency[a].Add(new Link(b, minutes)); Adjacency[b].Add(new Link(a, minutes)); }

    public string StopCode(int stop)
    {
        lock (_codesLock)
        {
            _stopCodes ??= Enumerable.Range(0, StopCount).Select(i => $"S{i:D5}").ToArray();
        }
        return _stopCodes[stop];
    }
}

static class Dijkstra
{
    public static int[] Run(TransitNetwork net, int source)
    {
        var dist = new int[net.StopCount];
        Array.Fill(dist, int.MaxValue);
        var queue = new PriorityQueue<int, int>();
        dist[source] = 0;
        queue.Enqueue(source, 0);
        while (queue.TryDequeue(out int stop, out int d))
        {
            if (d > dist[stop]) continue;
            foreach (var link in net.Adjacency[stop])
            {
                int nd = d + link.Minutes;
                if (nd < dist[link.To]) { dist[link.To] = nd; queue.Enqueue(link.To, nd); }
            }
        }
        return dist;
    }
}

sealed class AccessibilityEngine
{
    private readonly TransitNetwork _net;
    private readonly int[] _dist;
    private readonly PriorityQueue<int, int> _queue = new();
    private readonly object _scratchLock = new();

    public AccessibilityEngine(TransitNetwork net) { _net = net; _dist = new int[net.StopCount]; }

    public int ReachableWithin(int source, int budgetMinutes)
    {
        lock (_scratchLock)
        {
            Array.Fill(_dist, int.MaxValue);
            _queue.Clear();
            _dist[source] = 0;
            _queue.Enqueue(source, 0);
            int reached = 0;
            while (_queue.TryDequeue(out int stop, out int d))
            {
                if (d > _dist[stop]) continue;
                reached++;
                foreach (var link in _net.Adjacency[stop])
                {
                    int nd = d + link.Minutes;
                    if (nd <= budgetMinutes && nd < _dist[link.To]) { _dist[link.To] = nd; _queue.Enqueue(link.To, nd); }
                }
            }
            return reached;
        }
    }
}

class Program
{
    static void Main()
    {
        var network = new TransitNetwork(stops: 20_000, seed: 21);
        int[] hubs = Enumerable.Range(0, 64).Select(i => i * 311 % network.StopCount).ToArray();

        var eccentricity = new int[hubs.Length];
        int chunkCount = 4, chunkSize = (hubs.Length + chunkCount - 1) / chunkCount;
        var tasks = new Task[chunkCount];
        for (int c = 0; c < chunkCount; c++)
        {
            int first = c * chunkSize, last = Math.Min(hubs.Length, first + chunkSize);
            tasks[c] = new Task(() =>
            {
                for (int h = first; h < last; h++)
                    eccentricity[h] = Dijkstra.Run(network, hubs[h]).Max();
            });
            tasks[c].Start();
        }
        Task.WaitAll(tasks);

        var engine = new AccessibilityEngine(network);
        var origins = Enumerable.Range(0, 400).Select(i => i * 47 % network.StopCount).ToList();
        var reachable = new int[origins.Count];
        Parallel.ForEach(origins, (origin, _, index) =>
        {
            reachable[index] = engine.ReachableWithin(origin, budgetMinutes: 45);
        });

        int worst = Array.IndexOf(eccentricity, eccentricity.Max());
        Console.WriteLine($"network diameter from hubs: {eccentricity.Max()} min (hub {network.StopCode(hubs[worst])})");
        Console.WriteLine($"mean stops within 45 min: {reachable.Average():F1}");
        int best = Array.IndexOf(reachable, reachable.Max());
        Console.WriteLine($"best-connected origin: {network.StopCode(origins[best])} reaches {reachable[best]} stops");
    }
}
