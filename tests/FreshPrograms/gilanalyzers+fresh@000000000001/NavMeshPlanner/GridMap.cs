namespace NavMeshPlanner;

public readonly record struct Cell(int X, int Y);

/// <summary>Walkability grid of a level, with A* search.</summary>
public sealed class GridMap
{
    private readonly bool[,] _blocked;

    public GridMap(int width, int height, int seed)
    {
        Width = width;
        Height = height;
        _blocked = new bool[width, height];
        var rng = new Random(seed);
        for (int x = 0; x < width; x++)
            for (int y = 0; y < height; y++)
                _blocked[x, y] = rng.Next(100) < 22 && !(x < 2 && y < 2);
    }

    public int Width { get; }
    public int Height { get; }

    public bool IsWalkable(Cell c) => c.X >= 0 && c.Y >= 0 && c.X < Width && c.Y < Height && !_blocked[c.X, c.Y];

    public List<Cell>? FindPath(Cell start, Cell goal)
    {
        var open = new PriorityQueue<Cell, int>();
        var cameFrom = new Dictionary<Cell, Cell>();
        var g = new Dictionary<Cell, int> { [start] = 0 };
        open.Enqueue(start, Heuristic(start, goal));
        while (open.TryDequeue(out var current, out _))
        {
            if (current == goal)
            {
                var path = new List<Cell> { current };
                while (cameFrom.TryGetValue(current, out current)) path.Add(current);
                path.Reverse();
                return path;
            }
            foreach (var next in Neighbours(current))
            {
                int cost = g[current] + 1;
                if (g.TryGetValue(next, out int known) && known <= cost) continue;
                g[next] = cost;
                cameFrom[next] = current;
                open.Enqueue(next, cost + Heuristic(next, goal));
            }
        }
        return null;
    }

    private IEnumerable<Cell> Neighbours(Cell c)
    {
        Cell[] around = [new(c.X + 1, c.Y), new(c.X - 1, c.Y), new(c.X, c.Y + 1), new(c.X, c.Y - 1)];
        foreach (var n in around)
            if (IsWalkable(n)) yield return n;
    }

    private static int Heuristic(Cell a, Cell b) => Math.Abs(a.X - b.X) + Math.Abs(a.Y - b.Y);
}
