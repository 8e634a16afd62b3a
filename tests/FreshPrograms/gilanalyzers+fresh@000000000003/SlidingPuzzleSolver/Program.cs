namespace SlidingPuzzleSolver;

// Generates the daily puzzle pack for a mobile game: scrambled 8-puzzles whose optimal
// solution length sets the difficulty tier. Solving uses the studio's old PuzzleKit library.
internal static class Program
{
    private static void Main()
    {
        var puzzles = PuzzleFactory.Scramble(count: 48, moves: 60, seed: 1234);
        var results = new int[puzzles.Count];
        var gate = new StartGate();

        const int WorkerCount = 4;
        var workers = new Thread[WorkerCount];
        for (int w = 0; w < WorkerCount; w++)
        {
            workers[w] = new Thread(SolveSlice);
            workers[w].Start(new SliceState(w, WorkerCount, puzzles, results, gate));
        }
        gate.Open();
        for (int w = 0; w < WorkerCount; w++)
        {
            workers[w].Join();
        }

        var tiers = results.GroupBy(Tier).OrderBy(g => g.Key).Select(g => $"{g.Key}: {g.Count()}");
        Console.WriteLine($"puzzles: {puzzles.Count}");
        Console.WriteLine($"moves total: {results.Sum()}, longest: {results.Max()}");
        Console.WriteLine("tiers: " + string.Join(", ", tiers));
        Console.WriteLine($"kit cache entries: {PuzzleKit.CacheSize}");
    }

    private static string Tier(int moves) => moves switch
    {
        < 12 => "easy",
        < 18 => "medium",
        < 22 => "hard",
        _ => "expert",
    };

    private static void SolveSlice(object? state)
    {
        var s = (SliceState)state!;
        s.Gate.WaitUntilOpen();
        for (int i = s.Index; i < s.Puzzles.Count; i += s.Stride)
        {
            s.Results[i] = KitFacade.OptimalLength(s.Puzzles[i]);
        }
    }
}

internal sealed record SliceState(int Index, int Stride, List<byte[]> Puzzles, int[] Results, StartGate Gate);

// Lets all workers begin at the same moment (the studio measured fairness between workers).
internal sealed class StartGate
{
    private readonly object _sync = new();
    private bool _open;

    public void Open()
    {
        lock (_sync)
        {
            _open = true;
            Monitor.PulseAll(_sync);
        }
    }

    public void WaitUntilOpen()
    {
        lock (_sync)
        {
            while (!_open)
            {
                Monitor.Wait(_sync);
            }
        }
    }
}

internal static class PuzzleFactory
{
    public static List<byte[]> Scramble(int count, int moves, int seed)
    {
        var rng = new Random(seed);
        var list = new List<byte[]>();
        for (int p = 0; p < count; p++)
        {
            byte[] board = [1, 2, 3, 4, 5, 6, 7, 8, 0];
            int blank = 8, prev = -1;
            for (int m = 0; m < moves; m++)
            {
                var options = PuzzleKit.Neighbours(blank).Where(n => n != prev).ToArray();
                int next = options[rng.Next(options.Length)];
                (board[blank], board[next]) = (board[next], board[blank]);
                prev = blank;
                blank = next;
            }
            list.Add(board);
        }
        return list;
    }
}
