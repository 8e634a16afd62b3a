using System.Diagnostics;

namespace MazeBenchmark;

/// <summary>
/// Generates mazes with a recursive backtracker and measures BFS shortest-path lengths, for tuning the
/// level generator's difficulty curve.
/// </summary>
public static class Program
{
    public static void Main(string[] args)
    {
        int mazeCount = args.Length > 0 ? int.Parse(args[0]) : 16;
        const int Size = 301;
        var mazes = new bool[mazeCount][,];

        // The recursive carver goes ~Size*Size/4 frames deep, which overflows the default 1 MB stack.
        var generator = new Thread(() =>
        {
            for (int m = 0; m < mazeCount; m++) mazes[m] = Generate(Size, seed: m);
        }, maxStackSize: 256 * 1024 * 1024);
        generator.Start();
        generator.Join();

        var sw = Stopwatch.StartNew();
        var lengths = new int[mazeCount];
        var evens = new Thread(() => { for (int m = 0; m < mazeCount; m += 2) lengths[m] = ShortestPath(mazes[m]); });
        var odds = new Thread(() => { for (int m = 1; m < mazeCount; m += 2) lengths[m] = ShortestPath(mazes[m]); });
        evens.Start();
        odds.Start();
        evens.Join();
        odds.Join();

        Console.WriteLine($"{mazeCount} mazes {Size}x{Size}: mean path {lengths.Average():F0}, longest {lengths.Max()}, {sw.ElapsedMilliseconds} ms");
    }

    // true = open cell
    private static bool[,] Generate(int size, int seed)
    {
        var open = new bool[size, size];
        var rng = new Random(seed);
        Carve(1, 1);
        return open;

        void Carve(int x, int y)
        {
            open[x, y] = true;
            (int dx, int dy)[] dirs = [(2, 0), (-2, 0), (0, 2), (0, -2)];
            rng.Shuffle(dirs);
            foreach (var (dx, dy) in dirs)
            {
                int nx = x + dx, ny = y + dy;
                if (nx <= 0 || ny <= 0 || nx >= size - 1 || ny >= size - 1 || open[nx, ny]) continue;
                open[x + dx / 2, y + dy / 2] = true;
                Carve(nx, ny);
            }
        }
    }

    private static int ShortestPath(bool[,] open)
    {
        int size = open.GetLength(0);
        var dist = new int[size, size];
        for (int i = 0; i < size; i++) for (int j = 0; j < size; j++) dist[i, j] = -1;
        var queue = new Queue<(int X, int Y)>();
        queue.Enqueue((1, 1));
        dist[1, 1] = 0;
        while (queue.Count > 0)
        {
            var (x, y) = queue.Dequeue();
            foreach (var (nx, ny) in new[] { (x + 1, y), (x - 1, y), (x, y + 1), (x, y - 1) })
            {
                if (!open[nx, ny] || dist[nx, ny] >= 0) continue;
                dist[nx, ny] = dist[x, y] + 1;
                queue.Enqueue((nx, ny));
            }
        }
        return dist[size - 2, size - 2];
    }
}
