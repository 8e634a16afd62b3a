namespace TileMapPathfinder;

public sealed record PathRequest(int AgentId, int Start, int Goal);

public sealed class TileMap(int width, int height, byte[] cost)
{
    public int Width => width;
    public int Height => height;
    public int Size => width * height;
    public byte Cost(int tile) => cost[tile];
}

/// <summary>Managed port of the studio's old C pathfinder: scratch arrays live in statics and are reused between calls.</summary>
public static class LegacyAStar
{
    public static readonly object SyncRoot = new();
    private static int[] _gScore = Array.Empty<int>();
    private static int[] _stamp = Array.Empty<int>();
    private static int _generation;
    private static readonly PriorityQueue<int, int> Open = new();

    public static int FindPath(TileMap map, int start, int goal)
    {
        if (_gScore.Length < map.Size) { _gScore = new int[map.Size]; _stamp = new int[map.Size]; }
        _generation++;
        Open.Clear();
        _gScore[start] = 0;
        _stamp[start] = _generation;
        Open.Enqueue(start, 0);
        while (Open.TryDequeue(out int tile, out _))
        {
            if (tile == goal) return _gScore[goal];
            int x = tile % map.Width, y = tile / map.Width;
            foreach (int next in (ReadOnlySpan<int>)[tile - 1, tile + 1, tile - map.Width, tile + map.Width])
            {
                if (next < 0 || next >= map.Size || (Math.Abs(next % map.Width - x) + Math.Abs(next / map.Width - y)) != 1) continue;
                if (map.Cost(next) == 255) continue;
                int g = _gScore[tile] + map.Cost(next);
                if (_stamp[next] == _generation && g >= _gScore[next]) continue;
                _stamp[next] = _generation;
                _gScore[next] = g;
                int h = Math.Abs(next % map.Width - goal % map.Width) + Math.Abs(next / map.Width - goal / map.Width);
                Open.Enqueue(next, g + h);
            }
        }
        return -1;
    }
}

public sealed class RegionLookup(TileMap map, int regionSize)
{
    private readonly object _cacheGate = new();
    private readonly Dictionary<int, int> _cache = new();

    public int RegionOf(int tile)
    {
        lock (_cacheGate)
        {
            if (_cache.TryGetValue(tile, out int cached)) return cached;
        }
        int region = (tile / map.Width / regionSize) * (map.Width / regionSize + 1) + tile % map.Width / regionSize;
        lock (_cacheGate) _cache[tile] = region;
        return region;
    }
}

public static class Program
{
    public static void Main()
    {
        const int width = 256, height = 256;
        var cost = new byte[width * height];
        Parallel.For(0, height, y =>
        {
            for (int x = 0; x < width; x++)
            {
                double n = Math.Sin(x * 0.07) * Math.Cos(y * 0.05) + Math.Sin((x + y) * 0.013);
                cost[y * width + x] = n > 1.2 ? (byte)255 : (byte)(1 + (int)((n + 2) * 3));
            }
        });
        var map = new TileMap(width, height, cost);

        var rng = new Random(99);
        var requests = Enumerable.Range(0, 400)
            .Select(a => new PathRequest(a, rng.Next(map.Size), rng.Next(map.Size)))
            .Where(r => cost[r.Start] != 255 && cost[r.Goal] != 255)
            .ToList();

        var regions = new RegionLookup(map, regionSize: 32);
        var lengths = new int[requests.Count];
        var crossings = new int[requests.Count];
        Parallel.ForEach(requests, (request, _, i) =>
        {
            int length;
            lock (LegacyAStar.SyncRoot)
            {
                length = LegacyAStar.FindPath(map, request.Start, request.Goal);
            }
            lengths[i] = length;
            crossings[i] = regions.RegionOf(request.Start) == regions.RegionOf(request.Goal) ? 0 : 1;
        });

        Console.WriteLine($"{requests.Count} paths, {lengths.Count(l => l < 0)} unreachable");
        Console.WriteLine($"total cost {lengths.Where(l => l > 0).Sum()}, region crossings {crossings.Sum()}");
        Console.WriteLine($"agent 0 cost {lengths[0]}");
    }
}
