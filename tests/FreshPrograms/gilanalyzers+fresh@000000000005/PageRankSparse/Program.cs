namespace PageRankSparse;

sealed class SparseGraph
{
    public readonly int NodeCount;
    public readonly int[] RowStart;   // in-links of node v are Sources[RowStart[v]..RowStart[v + 1]]
    public readonly int[] Sources;
    public readonly int[] OutDegree;

    public SparseGraph(int nodes, List<(int From, int To)> edges)
    {
        NodeCount = nodes;
        RowStart = new int[nodes + 1];
        OutDegree = new int[nodes];
        foreach (var (from, to) in edges) { RowStart[to + 1]++; OutDegree[from]++; }
        for (int v = 0; v < nodes; v++) RowStart[v + 1] += RowStart[v];
        Sources = new int[edges.Count];
        var fill = (int[])RowStart.Clone();
        foreach (var (from, to) in edges) Sources[fill[to]++] = from;
    }

    public ReadOnlySpan<int> InLinks(int v) => Sources.AsSpan(RowStart[v], RowStart[v + 1] - RowStart[v]);

    public static SparseGraph Random(int nodes, int avgOut, int seed)
    {
        var rng = new Random(seed);
        var edges = new List<(int, int)>();
        for (int v = 0; v < nodes; v++)
        {
            int outs = 1 + rng.Next(avgOut * 2);
            for (int k = 0; k < outs; k++)
                edges.Add((v, rng.NextDouble() < 0.3 ? rng.Next(nodes / 50) : rng.Next(nodes)));
        }
        return new SparseGraph(nodes, edges);
    }
}

sealed class PersonalizedScorer
{
    readonly SparseGraph _graph;
    readonly double[] _current, _next;
    readonly object _sync = new();

    public PersonalizedScorer(SparseGraph graph)
    {
        _graph = graph;
        _current = new double[graph.NodeCount];
        _next = new double[graph.NodeCount];
    }

    public int[] TopK(int seed, int k, double damping)
    {
        lock (_sync)
        {
            Array.Clear(_current);
            _current[seed] = 1.0;
            for (int iter = 0; iter < 25; iter++)
            {
                for (int v = 0; v < _graph.NodeCount; v++)
                {
                    double sum = 0;
                    foreach (int u in _graph.InLinks(v)) sum += _current[u] / _graph.OutDegree[u];
                    _next[v] = damping * sum + (v == seed ? 1 - damping : 0);
                }
                Array.Copy(_next, _current, _next.Length);
            }
            return Enumerable.Range(0, _graph.NodeCount).Where(v => v != seed).OrderByDescending(v => _current[v]).Take(k).ToArray();
        }
    }
}

class Program
{
    const double Damping = 0.85;

    static void Main()
    {
        var graph = SparseGraph.Random(40_000, 6, seed: 11);
        int n = graph.NodeCount;
        var rank = Enumerable.Repeat(1.0 / n, n).ToArray();
        var next = new double[n];
        int workers = Environment.ProcessorCount;
        int iterations = 0;
        double residual;

        do
        {
            var partial = new double[workers];
            var threads = new Thread[workers];
            for (int t = 0; t < workers; t++)
            {
                int slot = t;
                threads[t] = new Thread(() =>
                {
                    for (int v = slot; v < n; v += workers)
                    {
                        double sum = 0;
                        foreach (int u in graph.InLinks(v)) sum += rank[u] / graph.OutDegree[u];
                        next[v] = (1 - Damping) / n + Damping * sum;
                        partial[slot] += Math.Abs(next[v] - rank[v]);
                    }
                });
                threads[t].Start();
            }
            foreach (var th in threads) th.Join();
            residual = partial.Sum();
            (rank, next) = (next, rank);
            iterations++;
        } while (residual > 1e-10 && iterations < 60);

        var inDegreeHistogram = new long[64];
        Parallel.For(0, n, () => new long[64], (v, _, local) =>
        {
            local[Math.Min(graph.InLinks(v).Length, 63)]++;
            return local;
        }, local =>
        {
            lock (inDegreeHistogram)
            {
                for (int b = 0; b < local.Length; b++) inDegreeHistogram[b] += local[b];
            }
        });

        var scorer = new PersonalizedScorer(graph);
        int[] seeds = Enumerable.Range(0, 20).Select(i => i * 977 % n).ToArray();
        var related = new int[seeds.Length][];
        Parallel.For(0, seeds.Length, i => related[i] = scorer.TopK(seeds[i], 5, Damping));

        Console.WriteLine($"converged after {iterations} iterations, residual {residual:E2}");
        var top = Enumerable.Range(0, n).OrderByDescending(v => rank[v]).Take(5);
        Console.WriteLine("top nodes: " + string.Join(", ", top.Select(v => $"{v} ({rank[v] * n:F2})")));
        Console.WriteLine("max in-degree bucket: " + Array.FindLastIndex(inDegreeHistogram, c => c > 0));
        for (int i = 0; i < 3; i++) Console.WriteLine($"related to {seeds[i]}: {string.Join(" ", related[i])}");
    }
}
