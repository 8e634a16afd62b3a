using System;
using System.Collections.Generic;
using System.Linq;
using System.Numerics;
using System.Threading;
using System.Threading.Tasks;

namespace ConnectFourSolver;

/// <summary>Bitboard position: 7 bits per column, <see cref="Current"/> holds the stones of the side to move.</summary>
public readonly record struct Position(ulong Current, ulong Mask, int Moves)
{
    public const int W = 7, H = 6;
    private const ulong Bottoms = 0b0000001_0000001_0000001_0000001_0000001_0000001_0000001UL;
    private const ulong Board = Bottoms * ((1UL << H) - 1);
    private static readonly int[] Shifts = { H + 1, H, H + 2 };

    public static Position Start => new(0, 0, 0);
    public bool CanPlay(int col) => (Mask & (1UL << (H - 1 + col * (H + 1)))) == 0;
    public Position Play(int col) => new(Current ^ Mask, Mask | (Mask + (1UL << (col * (H + 1)))), Moves + 1);
    public bool IsWinningMove(int col) => (WinningCells(Current, Mask) & (Mask + (1UL << (col * (H + 1)))) & (((1UL << H) - 1) << (col * (H + 1)))) != 0;
    public ulong Key => Current + Mask;
    public int Heuristic()
    {
        ulong me = Current, them = Current ^ Mask;
        int score = 8 * (BitOperations.PopCount(WinningCells(me, Mask)) - BitOperations.PopCount(WinningCells(them, Mask)));
        for (int col = 0; col < W; col++)
        {
            ulong column = ((1UL << H) - 1) << (col * (H + 1));
            score += (4 - Math.Abs(3 - col)) * (BitOperations.PopCount(me & column) - BitOperations.PopCount(them & column));
        }
        return score;
    }

    private static ulong WinningCells(ulong pos, ulong mask)
    {
        ulong r = (pos << 1) & (pos << 2) & (pos << 3);
        foreach (int s in Shifts)
        {
            ulong p = (pos << s) & (pos << 2 * s);
            r |= p & (pos << 3 * s);
            r |= p & (pos >> s);
            p = (pos >> s) & (pos >> 2 * s);
            r |= p & (pos << s);
            r |= p & (pos >> 3 * s);
        }
        return r & (Board ^ mask);
    }
}

/// <summary>Depth-limited negamax with a big transposition table that all callers share.</summary>
public sealed class Solver
{
    private static readonly int[] Order = { 3, 2, 4, 1, 5, 0, 6 };
    private const int TableSize = 1 << 20;
    private readonly object _tableLock = new();
    private readonly ulong[] _keys = new ulong[TableSize];
    private readonly int[] _entries = new int[TableSize];
    public long Nodes;

    public int Evaluate(Position root, int depth)
    {
        Monitor.Enter(_tableLock);
        try
        {
            Array.Clear(_keys);
            return Negamax(root, depth, -10_000, 10_000);
        }
        finally
        {
            Monitor.Exit(_tableLock);
        }
    }

    private int Negamax(Position p, int depth, int alpha, int beta)
    {
        Nodes++;
        for (int c = 0; c < Position.W; c++)
            if (p.CanPlay(c) && p.IsWinningMove(c)) return 1000 - p.Moves;
        if (p.Moves >= Position.W * Position.H) return 0;
        if (depth == 0) return p.Heuristic();

        int slot = (int)(p.Key % TableSize), alpha0 = alpha;
        if (_keys[slot] == p.Key && (_entries[slot] >> 16) >= depth)
        {
            int value = (short)(_entries[slot] & 0xFFFF) >> 2, flag = _entries[slot] & 3;
            if (flag == 0) return value;
            if (flag == 1) alpha = Math.Max(alpha, value); else beta = Math.Min(beta, value);
            if (alpha >= beta) return value;
        }
        int best = -10_000;
        foreach (int c in Order)
        {
            if (!p.CanPlay(c)) continue;
            int v = -Negamax(p.Play(c), depth - 1, -beta, -alpha);
            if (v > best) best = v;
            if (v > alpha) alpha = v;
            if (alpha >= beta) break;
        }
        int bound = best <= alpha0 ? 2 : best >= beta ? 1 : 0;
        _keys[slot] = p.Key;
        _entries[slot] = (depth << 16) | (ushort)(short)((best << 2) | bound);
        return best;
    }
}

public static class Program
{
    private static long Perft(Position p, int depth)
    {
        if (depth == 0) return 1;
        long leaves = 0;
        for (int c = 0; c < Position.W; c++)
        {
            if (!p.CanPlay(c)) continue;
            leaves += p.IsWinningMove(c) ? 1 : Perft(p.Play(c), depth - 1);
        }
        return leaves;
    }

    private static IEnumerable<(Position Board, string Line)> Openings(Position p, string line, int plies) =>
        plies == 0 ? new[] { (p, line) }
                   : Enumerable.Range(0, Position.W).Where(p.CanPlay).SelectMany(c => Openings(p.Play(c), line + (c + 1), plies - 1));

    public static void Main()
    {
        Position[] roots = Openings(Position.Start, "", 2).Select(o => o.Board).ToArray();
        var leaves = new long[roots.Length];
        using (var pending = new CountdownEvent(roots.Length))
        {
            for (int i = 0; i < roots.Length; i++)
            {
                int index = i;
                ThreadPool.QueueUserWorkItem(_ =>
                {
                    leaves[index] = Perft(roots[index], 6);
                    pending.Signal();
                });
            }
            pending.Wait();
        }
        Console.WriteLine($"perft(8) from the empty board: {leaves.Sum():N0} positions");

        var solver = new Solver();
        var scores = new Dictionary<string, int>();
        var book = Openings(Position.Start, "", 3).ToArray();
        Parallel.ForEach(book, opening =>
        {
            int score = -solver.Evaluate(opening.Board, 8);
            lock (scores)
            {
                scores[opening.Line] = score;
            }
        });

        Console.WriteLine($"Evaluated {scores.Count} three-ply openings, {solver.Nodes:N0} nodes");
        foreach (var group in scores.GroupBy(kv => kv.Key[0]).OrderBy(g => g.Key))
        {
            var best = group.OrderByDescending(kv => kv.Value).ThenBy(kv => kv.Key, StringComparer.Ordinal).First();
            var worst = group.OrderBy(kv => kv.Value).ThenBy(kv => kv.Key, StringComparer.Ordinal).First();
            Console.WriteLine($"  first move {group.Key}: mean {group.Average(kv => kv.Value),6:F2}  best {best.Key} ({best.Value,3})  worst {worst.Key} ({worst.Value,3})");
        }
        int decisive = scores.Count(kv => Math.Abs(kv.Value) > 900);
        Console.WriteLine($"Decisive within the horizon: {decisive}; checksum {scores.Sum(kv => (long)kv.Value * kv.Key.Sum(ch => ch - '0'))}");
    }
}
