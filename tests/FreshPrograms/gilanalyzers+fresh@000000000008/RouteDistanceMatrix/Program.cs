using System.Text;

namespace RouteDistanceMatrix;

public sealed record Edge(int To, int Meters);

public sealed class RoadGraph
{
    public List<Edge>[] Adjacency { get; }
    public int NodeCount => Adjacency.Length;

    public RoadGraph(int width, int height, int seed)
    {
        var rng = new Random(seed);
        Adjacency = new List<Edge>[width * height];
        for (int i = 0; i < Adjacency.Length; i++) Adjacency[i] = new List<Edge>(4);
        for (int y = 0; y < height; y++)
            for (int x = 0; x < width; x++)
            {
                int id = y * width + x;
                if (x + 1 < width) Connect(id, id + 1, 80 + rng.Next(0, 240));
                if (y + 1 < height && rng.NextDouble() < 0.85) Connect(id, id + width, 80 + rng.Next(0, 240));
            }
    }

    private void Connect(int a, int b, int meters)
    {
        Adjacency[a].Add(new Edge(b, meters));
        Adjacency[b].Add(new Edge(a, meters));
    }
}

public sealed class DistanceMatrixBuilder(RoadGraph graph, int[] depots)
{
    private readonly object _progressGate = new();
    private int _rowsDone;

    public int[][] Build(int workerCount)
    {
        var matrix = new int[depots.Length][];
        var workers = new Thread[workerCount];
        for (int w = 0; w < workerCount; w++)
        {
            int worker = w;
            workers[w] = new Thread(() =>
            {
                for (int row = worker; row < depots.Length; row += workerCount)
                {
                    int[] all = ShortestPaths(depots[row]);
                    matrix[row] = depots.Select(d => all[d]).ToArray();
                    ReportRow();
                }
            });
            workers[w].Start();
        }
        foreach (var t in workers) t.Join();
        return matrix;
    }

    private void ReportRow()
    {
        lock (_progressGate)
        {
            _rowsDone++;
            if (_rowsDone % 40 == 0) Console.WriteLine($"  {_rowsDone}/{depots.Length} rows");
        }
    }

    private int[] ShortestPaths(int source)
    {
        var dist = new int[graph.NodeCount];
        Array.Fill(dist, int.MaxValue);
        dist[source] = 0;
        var queue = new PriorityQueue<int, int>();
        queue.Enqueue(source, 0);
        while (queue.TryDequeue(out int node, out int d))
        {
            if (d > dist[node]) continue;
            foreach (var e in graph.Adjacency[node])
            {
                int nd = d + e.Meters;
                if (nd < dist[e.To]) { dist[e.To] = nd; queue.Enqueue(e.To, nd); }
            }
        }
        return dist;
    }
}

public static class Program
{
    public static void Main()
    {
        var graph = new RoadGraph(width: 160, height: 120, seed: 4242);
        int[] depots = Enumerable.Range(0, 200).Select(i => (i * 7919) % graph.NodeCount).ToArray();

        var builder = new DistanceMatrixBuilder(graph, depots);
        int[][] matrix = builder.Build(workerCount: Environment.ProcessorCount);

        string csvPath = Path.Combine(Path.GetTempPath(), $"matrix-{Environment.ProcessId}.csv");
        var writer = Task.Factory.StartNew(() =>
        {
            var sb = new StringBuilder();
            foreach (var row in matrix) sb.AppendLine(string.Join(',', row));
            File.WriteAllText(csvPath, sb.ToString());
        }, TaskCreationOptions.LongRunning);

        long total = matrix.Sum(r => r.Where(d => d != int.MaxValue).Sum(d => (long)d));
        int unreachable = matrix.Sum(r => r.Count(d => d == int.MaxValue));
        writer.Wait();
        Console.WriteLine($"{depots.Length}x{depots.Length} matrix, total {total / 1000.0:F1} km, unreachable {unreachable}");
        Console.WriteLine($"d(0,1) = {matrix[0][1]} m, d(10,150) = {matrix[10][150]} m, csv {new FileInfo(csvPath).Length} bytes");
        File.Delete(csvPath);
    }
}
