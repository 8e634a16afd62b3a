using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;

namespace MaxFlowPlanner;

// Pipeline/transport network with a residual graph reused by every max-flow run.
sealed class TransportNetwork
{
    private readonly ReaderWriterLockSlim _rw = new ReaderWriterLockSlim();
    private readonly Dictionary<string, int> _ids = new Dictionary<string, int>(StringComparer.Ordinal);
    private readonly List<(int From, int To, int Capacity)> _edges = new List<(int, int, int)>();
    private List<int>[] _adj = Array.Empty<List<int>>();
    private int[] _residual = Array.Empty<int>();

    public int NodeId(string name)
    {
        _rw.EnterReadLock();
        try { return _ids.TryGetValue(name, out int id) ? id : -1; }
        finally { _rw.ExitReadLock(); }
    }

    public void AddPipe(string from, string to, int capacity)
    {
        _rw.EnterWriteLock();
        try
        {
            int a = Intern(from), b = Intern(to);
            _edges.Add((a, b, capacity));
            _edges.Add((b, a, 0));
            _adj = Enumerable.Range(0, _ids.Count).Select(_ => new List<int>()).ToArray();
            for (int e = 0; e < _edges.Count; e++) _adj[_edges[e].From].Add(e);
        }
        finally { _rw.ExitWriteLock(); }
    }

    private int Intern(string name) => _ids.TryGetValue(name, out int id) ? id : _ids[name] = _ids.Count;

    // Edmonds-Karp with the failed station's pipes closed and the rest scaled by demand.
    public long MaxFlow(int source, int sink, int failedNode, double scale)
    {
        _rw.EnterWriteLock();
        try
        {
            if (_residual.Length != _edges.Count) _residual = new int[_edges.Count];
            for (int e = 0; e < _edges.Count; e++)
                _residual[e] = _edges[e].From == failedNode || _edges[e].To == failedNode ? 0 : (int)(_edges[e].Capacity * scale);
            long flow = 0;
            var parentEdge = new int[_ids.Count];
            var queue = new Queue<int>();
            while (true)
            {
                Array.Fill(parentEdge, -1);
                queue.Clear();
                queue.Enqueue(source);
                while (queue.Count > 0 && parentEdge[sink] < 0)
                {
                    int u = queue.Dequeue();
                    foreach (int e in _adj[u])
                    {
                        int v = _edges[e].To;
                        if (v != source && parentEdge[v] < 0 && _residual[e] > 0) { parentEdge[v] = e; queue.Enqueue(v); }
                    }
                }
                if (parentEdge[sink] < 0) return flow;
                int push = int.MaxValue;
                for (int v = sink; v != source; v = _edges[parentEdge[v]].From) push = Math.Min(push, _residual[parentEdge[v]]);
                for (int v = sink; v != source; v = _edges[parentEdge[v]].From)
                {
                    _residual[parentEdge[v]] -= push;
                    _residual[parentEdge[v] ^ 1] += push;
                }
                flow += push;
            }
        }
        finally { _rw.ExitWriteLock(); }
    }
}

static class Program
{
    static TransportNetwork BuildGrid(int seed, int width, int height)
    {
        var rng = new Random(seed);
        var net = new TransportNetwork();
        for (int x = 0; x < width; x++)
            for (int y = 0; y < height; y++)
            {
                if (x + 1 < width) net.AddPipe($"n{x}_{y}", $"n{x + 1}_{y}", 20 + rng.Next(80));
                if (y + 1 < height) net.AddPipe($"n{x}_{y}", $"n{x}_{y + 1}", 10 + rng.Next(40));
                if (y > 0 && x + 1 < width) net.AddPipe($"n{x}_{y}", $"n{x + 1}_{y - 1}", 5 + rng.Next(30));
            }
        for (int y = 0; y < height; y++) { net.AddPipe("terminal", $"n0_{y}", 1000); net.AddPipe($"n{width - 1}_{y}", "city", 1000); }
        return net;
    }

    static void Main()
    {
        var sw = Stopwatch.StartNew();
        long peakFlow = 0, offPeakFlow = 0;
        var peak = new Thread(() =>
        {
            TransportNetwork net = BuildGrid(1, 24, 12);
            peakFlow = net.MaxFlow(net.NodeId("terminal"), net.NodeId("city"), -1, 1.0);
        });
        var offPeak = new Thread(() =>
        {
            TransportNetwork net = BuildGrid(1, 24, 12);
            offPeakFlow = net.MaxFlow(net.NodeId("terminal"), net.NodeId("city"), -1, 0.6);
        });
        peak.Start();
        offPeak.Start();
        peak.Join();
        offPeak.Join();
        Console.WriteLine($"baseline capacity: peak {peakFlow}, off-peak {offPeakFlow}");

        TransportNetwork network = BuildGrid(1, 24, 12);
        int source = network.NodeId("terminal"), sink = network.NodeId("city");
        var losses = new long[24 * 12];
        Parallel.For(0, losses.Length, station =>
        {
            int failed = network.NodeId($"n{station % 24}_{station / 24}");
            losses[station] = peakFlow - network.MaxFlow(source, sink, failed, 1.0);
        });
        Console.Error.WriteLine($"evaluated {losses.Length} failure scenarios in {sw.ElapsedMilliseconds} ms");

        foreach (int e in Enumerable.Range(0, losses.Length).OrderByDescending(i => losses[i]).ThenBy(i => i).Take(5))
            Console.WriteLine($"station n{e % 24}_{e / 24}: losing it cuts {losses[e]} units");
        Console.WriteLine($"{losses.Count(l => l == 0)} of {losses.Length} station failures are absorbed");
    }
}
