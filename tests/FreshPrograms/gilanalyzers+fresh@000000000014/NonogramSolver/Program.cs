using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading.Tasks;

namespace NonogramSolver;

public sealed record Puzzle(int Id, int Size, int[][] RowClues, int[][] ColClues, bool[,] Picture);

public sealed class SolveStats
{
    public int Solved, Failed;
    public long Guesses;
}

public static class Program
{
    private static readonly object MemoLock = new();
    private static readonly Dictionary<string, sbyte[]?> Memo = new();

    private static sbyte[]? CachedDeduce(int[] clue, sbyte[] line)
    {
        string key = string.Join(",", clue) + "|" + string.Concat(line.Select(c => c < 0 ? '?' : (char)('0' + c)));
        if (!Memo.TryGetValue(key, out sbyte[]? result)) Memo[key] = result = LineLogic.Deduce(clue, line);
        return result;
    }

    private static bool Search(Puzzle p, sbyte[,] grid, ref long guesses)
    {
        if (Memo.Count > 200_000) Memo.Clear();
        if (!LineLogic.Propagate(p, grid, CachedDeduce)) return false;
        for (int r = 0; r < p.Size; r++)
        for (int c = 0; c < p.Size; c++)
        {
            if (grid[r, c] != -1) continue;
            foreach (sbyte v in new sbyte[] { 1, 0 })
            {
                guesses++;
                var copy = (sbyte[,])grid.Clone();
                copy[r, c] = v;
                if (Search(p, copy, ref guesses)) { Array.Copy(copy, grid, copy.Length); return true; }
            }
            return false;
        }
        return true;
    }

    private static int[] Clue(IEnumerable<bool> cells)
    {
        var runs = new List<int>();
        int run = 0;
        foreach (bool b in cells.Append(false)) { if (b) run++; else if (run > 0) { runs.Add(run); run = 0; } }
        return runs.ToArray();
    }

    private static Puzzle Make(int id, int size)
    {
        var rng = new Random(id * 613 + 9);
        var pic = new bool[size, size];
        for (int r = 0; r < size; r++) for (int c = 0; c < size; c++) pic[r, c] = rng.NextDouble() < 0.58;
        int[][] rows = Enumerable.Range(0, size).Select(r => Clue(Enumerable.Range(0, size).Select(c => pic[r, c]))).ToArray();
        int[][] cols = Enumerable.Range(0, size).Select(c => Clue(Enumerable.Range(0, size).Select(r => pic[r, c]))).ToArray();
        return new Puzzle(id, size, rows, cols, pic);
    }

    private static sbyte[,] Blank(int size)
    {
        var g = new sbyte[size, size];
        for (int r = 0; r < size; r++) for (int c = 0; c < size; c++) g[r, c] = -1;
        return g;
    }

    public static void Main()
    {
        Puzzle[] puzzles = Enumerable.Range(0, 240).Select(i => Make(i, 15 + i % 6)).ToArray();
        var lineSolvable = new bool[puzzles.Length];
        var tasks = new Task[4];
        for (int t = 0; t < tasks.Length; t++)
        {
            int lo = t * puzzles.Length / tasks.Length, hi = (t + 1) * puzzles.Length / tasks.Length;
            tasks[t] = Task.Factory.StartNew(() =>
            {
                for (int i = lo; i < hi; i++)
                {
                    sbyte[,] grid = Blank(puzzles[i].Size);
                    lineSolvable[i] = LineLogic.Propagate(puzzles[i], grid, LineLogic.Deduce) && !grid.Cast<sbyte>().Contains((sbyte)-1);
                }
            }, TaskCreationOptions.LongRunning);
        }
        Task.WaitAll(tasks);
        Console.WriteLine($"Line logic alone solves {lineSolvable.Count(b => b)} of {puzzles.Length} puzzles");

        var stats = new SolveStats();
        var matches = new bool[puzzles.Length];
        var solutions = new sbyte[puzzles.Length][,];
        Parallel.ForEach(puzzles, p =>
        {
            sbyte[,] grid = Blank(p.Size);
            long guesses = 0;
            bool ok;
            lock (MemoLock)
            {
                ok = Search(p, grid, ref guesses);
            }
            solutions[p.Id] = grid;
            matches[p.Id] = ok && Enumerable.Range(0, p.Size * p.Size).All(k => (grid[k / p.Size, k % p.Size] == 1) == p.Picture[k / p.Size, k % p.Size]);
            lock (stats)
            {
                if (ok) stats.Solved++; else stats.Failed++;
                stats.Guesses += guesses;
            }
        });
        Console.WriteLine($"Search solved {stats.Solved}, failed {stats.Failed}, {stats.Guesses} guesses");
        Console.WriteLine($"Solutions equal to the source picture: {matches.Count(m => m)} (others are alternative solutions)");
        foreach (var bySize in puzzles.GroupBy(p => p.Size).OrderBy(g => g.Key))
            Console.WriteLine($"  {bySize.Key}x{bySize.Key}: {bySize.Count(p => lineSolvable[p.Id])}/{bySize.Count()} line-solvable, {bySize.Count(p => matches[p.Id])} reproduce the picture");

        Puzzle first = puzzles.First(p => !lineSolvable[p.Id]);
        Console.WriteLine($"Puzzle #{first.Id} ({first.Size}x{first.Size}), the first that needed guessing:");
        for (int r = 0; r < first.Size; r++)
        {
            string cells = string.Concat(Enumerable.Range(0, first.Size).Select(c => solutions[first.Id][r, c] == 1 ? '#' : '.'));
            Console.WriteLine($"  {cells}  {string.Join(" ", first.RowClues[r])}");
        }
    }
}
