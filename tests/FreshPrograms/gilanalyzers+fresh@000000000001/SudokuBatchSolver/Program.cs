using System.Diagnostics;

namespace SudokuBatchSolver;

/// <summary>
/// Solves a batch of sudoku puzzles for the puzzle-of-the-day pipeline and reports the hardest one.
/// </summary>
public static class Solver
{
    // Shared working board and candidate masks. Allocating these per call showed up in a profile years ago,
    // so they were made static; the lock below exists because of them.
    private static readonly int[] Board = new int[81];
    private static readonly int[] RowMask = new int[9];
    private static readonly int[] ColMask = new int[9];
    private static readonly int[] BoxMask = new int[9];
    private static long _steps;

    public static readonly object SolverLock = new();

    /// <summary>Solves in place using the static working board; callers hold <see cref="SolverLock"/>.</summary>
    public static (int[]? Solution, long Steps) SolveUnsafe(int[] puzzle)
    {
        Array.Clear(RowMask);
        Array.Clear(ColMask);
        Array.Clear(BoxMask);
        _steps = 0;
        for (int i = 0; i < 81; i++)
        {
            Board[i] = puzzle[i];
            if (puzzle[i] != 0)
            {
                int bit = 1 << puzzle[i];
                RowMask[i / 9] |= bit;
                ColMask[i % 9] |= bit;
                BoxMask[i / 27 * 3 + i % 9 / 3] |= bit;
            }
        }
        return Search(0) ? ((int[])Board.Clone(), _steps) : (null, _steps);
    }

    private static bool Search(int cell)
    {
        while (cell < 81 && Board[cell] != 0) cell++;
        if (cell == 81) return true;
        int r = cell / 9, c = cell % 9, b = r / 3 * 3 + c / 3;
        int used = RowMask[r] | ColMask[c] | BoxMask[b];
        for (int digit = 1; digit <= 9; digit++)
        {
            int bit = 1 << digit;
            if ((used & bit) != 0) continue;
            _steps++;
            Board[cell] = digit;
            RowMask[r] |= bit; ColMask[c] |= bit; BoxMask[b] |= bit;
            if (Search(cell + 1)) return true;
            RowMask[r] &= ~bit; ColMask[c] &= ~bit; BoxMask[b] &= ~bit;
            Board[cell] = 0;
        }
        return false;
    }
}

public static class Program
{
    public static async Task Main(string[] args)
    {
        int count = args.Length > 0 ? int.Parse(args[0]) : 60;
        var puzzles = Enumerable.Range(0, count).Select(MakePuzzle).ToList();

        var sw = Stopwatch.StartNew();
        long hardestSteps = -1;
        int hardestIndex = -1;
        var hardestLock = new object();

        var jobs = puzzles.Select((puzzle, index) => Task.Run(() =>
        {
            int[]? solution;
            long steps;
            lock (Solver.SolverLock)
            {
                (solution, steps) = Solver.SolveUnsafe(puzzle);
            }

            if (solution is null)
            {
                Console.WriteLine($"puzzle {index}: no solution");
                return;
            }

            if (index == 0)
            {
                // keep the grid's rows together in the log
                lock (Console.Out)
                {
                    for (int r = 0; r < 9; r++)
                    {
                        Console.WriteLine(string.Join(' ', solution.Skip(r * 9).Take(9)));
                    }
                }
            }

            lock (hardestLock)
            {
                if (steps > hardestSteps)
                {
                    hardestSteps = steps;
                    hardestIndex = index;
                }
            }
        })).ToArray();
        await Task.WhenAll(jobs);

        Console.WriteLine($"Solved {count} puzzles in {sw.ElapsedMilliseconds} ms; hardest #{hardestIndex} took {hardestSteps} placements");
    }

    private static int[] MakePuzzle(int seed)
    {
        var rng = new Random(seed);
        var digits = Enumerable.Range(1, 9).OrderBy(_ => rng.Next()).ToArray();
        var grid = new int[81];
        for (int r = 0; r < 9; r++)
        {
            for (int c = 0; c < 9; c++)
            {
                grid[r * 9 + c] = digits[(r * 3 + r / 3 + c) % 9];
            }
        }
        int holes = 50 + rng.Next(8);
        for (int h = 0; h < holes; h++)
        {
            grid[rng.Next(81)] = 0;
        }
        return grid;
    }
}
