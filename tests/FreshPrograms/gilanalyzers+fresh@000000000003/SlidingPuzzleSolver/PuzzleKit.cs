namespace SlidingPuzzleSolver;

// PuzzleKit 2.x (in-house, 2011). Keeps a process-wide heuristic cache and a static search
// stack; documented as "not re-entrant".
internal static class PuzzleKit
{
    private static readonly Dictionary<long, int> s_heuristicCache = new();
    private static readonly byte[] s_path = new byte[64];
    private static int s_nodes;

    public static int CacheSize => s_heuristicCache.Count;

    public static int[] Neighbours(int blank)
    {
        var list = new List<int>(4);
        if (blank % 3 > 0) list.Add(blank - 1);
        if (blank % 3 < 2) list.Add(blank + 1);
        if (blank >= 3) list.Add(blank - 3);
        if (blank < 6) list.Add(blank + 3);
        return list.ToArray();
    }

    public static int Solve(byte[] start)
    {
        var board = (byte[])start.Clone();
        int blank = Array.IndexOf(board, (byte)0);
        int bound = Heuristic(board);
        s_nodes = 0;
        while (true)
        {
            int t = Search(board, blank, -1, 0, bound);
            if (t < 0) return -t - 1;
            bound = t;
        }
    }

    private static int Search(byte[] board, int blank, int prev, int g, int bound)
    {
        s_nodes++;
        int f = g + Heuristic(board);
        if (f > bound) return f;
        if (IsGoal(board)) return -(g + 1);
        int min = int.MaxValue;
        foreach (int n in Neighbours(blank))
        {
            if (n == prev) continue;
            (board[blank], board[n]) = (board[n], board[blank]);
            s_path[g] = (byte)n;
            int t = Search(board, n, blank, g + 1, bound);
            (board[blank], board[n]) = (board[n], board[blank]);
            if (t < 0) return t;
            min = Math.Min(min, t);
        }
        return min;
    }

    private static int Heuristic(byte[] board)
    {
        long key = 0;
        foreach (byte b in board) key = key * 9 + b;
        if (s_heuristicCache.TryGetValue(key, out int h)) return h;
        h = 0;
        for (int i = 0; i < 9; i++)
        {
            if (board[i] == 0) continue;
            int goal = board[i] - 1;
            h += Math.Abs(i / 3 - goal / 3) + Math.Abs(i % 3 - goal % 3);
        }
        s_heuristicCache[key] = h;
        return h;
    }

    private static bool IsGoal(byte[] board)
    {
        for (int i = 0; i < 8; i++) if (board[i] != i + 1) return false;
        return true;
    }
}

internal static class KitFacade
{
    private static readonly object KitLock = new();

    public static int OptimalLength(byte[] puzzle)
    {
        lock (KitLock)
        {
            return PuzzleKit.Solve(puzzle);
        }
    }
}
