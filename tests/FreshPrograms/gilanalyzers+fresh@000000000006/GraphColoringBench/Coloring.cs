namespace GraphColoringBench;

public sealed class Graph
{
    public string Id { get; }
    public int[][] Adjacency { get; }
    public int VertexCount => Adjacency.Length;

    public Graph(string id, int[][] adjacency) { Id = id; Adjacency = adjacency; }

    public static Graph Random(string id, int n, double p, int seed)
    {
        var rng = new Random(seed);
        var lists = Enumerable.Range(0, n).Select(_ => new List<int>()).ToArray();
        for (int i = 0; i < n; i++)
            for (int j = i + 1; j < n; j++)
                if (rng.NextDouble() < p) { lists[i].Add(j); lists[j].Add(i); }
        return new Graph(id, lists.Select(l => l.ToArray()).ToArray());
    }
}

public interface IColoringStrategy
{
    string Name { get; }
    int[] Color(Graph graph);
}

public abstract class ColoringStrategyBase : IColoringStrategy
{
    public abstract string Name { get; }
    public abstract int[] Color(Graph graph);

    protected static int SmallestFreeColor(Graph g, int v, int[] colors, bool[] used)
    {
        Array.Clear(used);
        foreach (int u in g.Adjacency[v])
            if (colors[u] >= 0 && colors[u] < used.Length) used[colors[u]] = true;
        int c = 0;
        while (used[c]) c++;
        return c;
    }
}

public sealed class LargestFirstGreedy : ColoringStrategyBase
{
    public override string Name => "largest-first";

    public override int[] Color(Graph graph)
    {
        var colors = Enumerable.Repeat(-1, graph.VertexCount).ToArray();
        var used = new bool[graph.VertexCount + 1];
        foreach (int v in Enumerable.Range(0, graph.VertexCount).OrderByDescending(v => graph.Adjacency[v].Length).ThenBy(v => v))
            colors[v] = SmallestFreeColor(graph, v, colors, used);
        return colors;
    }
}

public sealed class DSatur : ColoringStrategyBase
{
    public override string Name => "dsatur";

    public override int[] Color(Graph graph)
    {
        int n = graph.VertexCount;
        var colors = Enumerable.Repeat(-1, n).ToArray();
        var neighbourColors = Enumerable.Range(0, n).Select(_ => new HashSet<int>()).ToArray();
        var used = new bool[n + 1];
        for (int step = 0; step < n; step++)
        {
            int pick = -1;
            for (int v = 0; v < n; v++)
            {
                if (colors[v] >= 0) continue;
                if (pick < 0 || neighbourColors[v].Count > neighbourColors[pick].Count ||
                    (neighbourColors[v].Count == neighbourColors[pick].Count && graph.Adjacency[v].Length > graph.Adjacency[pick].Length))
                    pick = v;
            }
            int c = SmallestFreeColor(graph, pick, colors, used);
            colors[pick] = c;
            foreach (int u in graph.Adjacency[pick]) neighbourColors[u].Add(c);
        }
        return colors;
    }
}
