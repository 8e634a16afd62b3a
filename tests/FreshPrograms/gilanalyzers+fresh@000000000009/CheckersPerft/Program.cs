using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Threading;

namespace CheckersPerft;

// 8x8 draughts, men move forward diagonally, kings both ways, captures are compulsory (multi-jumps included).
public sealed class Board
{
    public readonly sbyte[] Cells = new sbyte[64]; // 1 white man, 2 white king, -1 black man, -2 black king

    public static Board Initial()
    {
        var b = new Board();
        for (int sq = 0; sq < 64; sq++)
        {
            int r = sq / 8, c = sq % 8;
            if ((r + c) % 2 == 0) continue;
            if (r < 3) b.Cells[sq] = -1; else if (r > 4) b.Cells[sq] = 1;
        }
        return b;
    }

    public Board Clone() { var b = new Board(); Array.Copy(Cells, b.Cells, 64); return b; }

    public List<Board> Moves(int side)
    {
        var jumps = new List<Board>();
        var steps = new List<Board>();
        for (int sq = 0; sq < 64; sq++)
        {
            sbyte p = Cells[sq];
            if (p == 0 || Math.Sign(p) != side) continue;
            Jumps(this, sq, p, jumps, false);
            if (jumps.Count > 0) continue;
            foreach (var (dr, dc) in Directions(p))
            {
                int r = sq / 8 + dr, c = sq % 8 + dc;
                if (r < 0 || r > 7 || c < 0 || c > 7 || Cells[r * 8 + c] != 0) continue;
                var next = Clone();
                next.Cells[sq] = 0;
                next.Cells[r * 8 + c] = Promote(p, r);
                steps.Add(next);
            }
        }
        return jumps.Count > 0 ? jumps : steps;
    }

    private static void Jumps(Board b, int sq, sbyte p, List<Board> output, bool jumped)
    {
        bool extended = false;
        foreach (var (dr, dc) in Directions(p))
        {
            int r = sq / 8 + dr, c = sq % 8 + dc, r2 = r + dr, c2 = c + dc;
            if (r2 < 0 || r2 > 7 || c2 < 0 || c2 > 7) continue;
            sbyte victim = b.Cells[r * 8 + c];
            if (victim == 0 || Math.Sign(victim) == Math.Sign(p) || b.Cells[r2 * 8 + c2] != 0) continue;
            var next = b.Clone();
            next.Cells[sq] = 0;
            next.Cells[r * 8 + c] = 0;
            next.Cells[r2 * 8 + c2] = Promote(p, r2);
            extended = true;
            Jumps(next, r2 * 8 + c2, next.Cells[r2 * 8 + c2], output, true);
        }
        if (!extended && jumped) output.Add(b);
    }

    private static sbyte Promote(sbyte p, int row) => (p == 1 && row == 0) ? (sbyte)2 : (p == -1 && row == 7) ? (sbyte)-2 : p;

    private static IEnumerable<(int, int)> Directions(sbyte p)
    {
        if (p != -1) { yield return (-1, -1); yield return (-1, 1); }
        if (p != 1) { yield return (1, -1); yield return (1, 1); }
    }
}

public static class PerftStats
{
    private static long _leaves;
    private static int _finishedRoots;

    [MethodImpl(MethodImplOptions.Synchronized)]
    public static void RootFinished(long leaves)
    {
        _leaves += leaves;
        _finishedRoots++;
    }

    public static (long Leaves, int Roots) Totals => (_leaves, _finishedRoots);
}

public static class Program
{
    private const int Depth = 8;
    private static readonly object ProgressGate = new();

    private static long Perft(Board b, int side, int depth)
    {
        if (depth == 0) return 1;
        long n = 0;
        foreach (var child in b.Moves(side)) n += Perft(child, -side, depth - 1);
        return n;
    }

    private sealed class RootJob(Board position) { public readonly Board Position = position; public long Leaves; }

    private static void RunRoot(object? state)
    {
        var job = (RootJob)state!;
        job.Leaves = Perft(job.Position, -1, Depth - 1);
        PerftStats.RootFinished(job.Leaves);
        lock (ProgressGate)
        {
            Console.Error.WriteLine($"  root done on thread {Environment.CurrentManagedThreadId}: {job.Leaves} leaves");
        }
    }

    public static void Main()
    {
        var sw = Stopwatch.StartNew();
        var roots = Board.Initial().Moves(1);
        var jobs = new RootJob[roots.Count];
        var threads = new List<Thread>();
        for (int i = 0; i < roots.Count; i++)
        {
            jobs[i] = new RootJob(roots[i]);
            var t = new Thread(RunRoot);
            threads.Add(t);
            t.Start(jobs[i]);
        }
        foreach (var t in threads) t.Join();

        for (int i = 0; i < jobs.Length; i++) Console.WriteLine($"root {i}: {jobs[i].Leaves}");
        var (leaves, finished) = PerftStats.Totals;
        Console.WriteLine($"perft({Depth}) = {leaves} over {finished} root moves");
        Console.Error.WriteLine($"elapsed {sw.ElapsedMilliseconds} ms");
    }
}
