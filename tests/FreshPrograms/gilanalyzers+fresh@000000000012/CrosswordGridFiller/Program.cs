using System;
using System.Collections.Generic;
using System.Linq;
using System.Numerics;
using System.Threading;

namespace CrosswordGridFiller;

public sealed record Slot(int Row, int Col, bool Across, int Length);

public sealed record FillResult(string Template, bool Complete, int SlotsFilled, int SlotCount, long Nodes, string[] Words);

public sealed class GridFiller(Lexicon lexicon, long nodeBudget)
{
    public static long NodesExplored;

    public FillResult Fill(string name, string[] rows)
    {
        int n = rows.Length;
        var grid = rows.Select(r => r.ToCharArray()).ToArray();
        var slots = new List<Slot>();
        for (int r = 0; r < n; r++)
            for (int c = 0; c < n; c++)
            {
                int across = Enumerable.Range(c, n - c).TakeWhile(x => grid[r][x] != '#').Count();
                int down = Enumerable.Range(r, n - r).TakeWhile(y => grid[y][c] != '#').Count();
                if ((c == 0 || grid[r][c - 1] == '#') && across >= 3) slots.Add(new Slot(r, c, true, across));
                if ((r == 0 || grid[r - 1][c] == '#') && down >= 3) slots.Add(new Slot(r, c, false, down));
            }
        var placed = new string?[slots.Count];
        var used = new HashSet<string>();
        long nodes = 0;
        int deepest = 0;

        char At(Slot s, int p) => s.Across ? grid[s.Row][s.Col + p] : grid[s.Row + p][s.Col];
        void Put(Slot s, int p, char ch) { if (s.Across) grid[s.Row][s.Col + p] = ch; else grid[s.Row + p][s.Col] = ch; }

        bool Solve(int depth)
        {
            deepest = Math.Max(deepest, depth);
            if (++nodes > nodeBudget) return false;
            int best = -1, bestCount = int.MaxValue;
            ulong[]? bestMask = null;
            for (int i = 0; i < slots.Count; i++)
            {
                if (placed[i] != null) continue;
                var mask = lexicon.Candidates(slots[i].Length, p => At(slots[i], p));
                int count = mask.Sum(m => BitOperations.PopCount(m));
                if (count == 0) return false;
                if (count < bestCount) { best = i; bestCount = count; bestMask = mask; }
            }
            if (best < 0) return true;
            var slot = slots[best];
            var before = Enumerable.Range(0, slot.Length).Select(p => At(slot, p)).ToArray();
            for (int w = 0; w < bestMask!.Length * 64; w++)
            {
                if ((bestMask[w >> 6] & (1UL << (w & 63))) == 0) continue;
                string word = lexicon.Word(slot.Length, w);
                if (!used.Add(word)) continue;
                for (int p = 0; p < slot.Length; p++) Put(slot, p, word[p]);
                placed[best] = word;
                if (Solve(depth + 1)) return true;
                placed[best] = null;
                used.Remove(word);
                for (int p = 0; p < slot.Length; p++) Put(slot, p, before[p]);
                if (nodes > nodeBudget) return false;
            }
            return false;
        }

        bool complete = Solve(0);
        Interlocked.Add(ref NodesExplored, nodes);
        return new FillResult(name, complete, complete ? slots.Count : deepest, slots.Count, nodes,
            placed.Where(w => w != null).Select(w => w!).ToArray());
    }
}

public sealed class IssueLedger
{
    private readonly HashSet<string> _answers = new(StringComparer.Ordinal);
    public int Repeats { get; private set; }

    public void Register(IEnumerable<string> words)
    {
        lock (_answers)
        {
            foreach (var w in words)
                if (!_answers.Add(w)) Repeats++;
        }
    }
}

public sealed class ProgressTicker : IDisposable
{
    private readonly Thread _thread;
    private volatile bool _stop;

    public ProgressTicker(Func<long> read)
    {
        _thread = new Thread(() =>
        {
            while (!_stop) { Thread.Sleep(150); Console.Error.WriteLine($"  ... {read():N0} nodes"); }
        }) { IsBackground = true, Name = "fill-progress" };
        _thread.Start();
    }

    public void Dispose() { _stop = true; _thread.Join(); }
}

public static class Program
{
    public static void Main()
    {
        var templates = new Dictionary<string, string[]>
        {
            ["square-5"] = new[] { ".....", ".....", ".....", ".....", "....." },
            ["corner-6"] = new[] { "#.....", "......", "......", "......", "......", ".....#" },
            ["stair-6"] = new[] { "##....", "#.....", "......", "......", ".....#", "....##" },
            ["bar-7"] = new[] { "...#...", "...#...", ".......", "##...##", ".......", "...#...", "...#..." },
            ["open-6"] = new[] { "......", "......", "......", "......", "......", "......" },
        };
        var lexicon = new Lexicon(seed: 1912, perLength: 2600);
        var filler = new GridFiller(lexicon, nodeBudget: 30000);
        var ledger = new IssueLedger();
        var results = new FillResult?[templates.Count];

        using (new ProgressTicker(() => Interlocked.Read(ref GridFiller.NodesExplored)))
        {
            var workers = new List<Thread>();
            foreach (var (entry, idx) in templates.Select((e, i) => (e, i)))
            {
                var worker = new Thread(() =>
                {
                    results[idx] = filler.Fill(entry.Key, entry.Value);
                    ledger.Register(results[idx]!.Words);
                });
                workers.Add(worker);
                worker.Start();
            }
            foreach (var worker in workers) worker.Join();
        }

        foreach (var r in results.Select(r => r!))
            Console.WriteLine($"{r.Template}: {(r.Complete ? "filled" : "partial")} {r.SlotsFilled}/{r.SlotCount} slots, " +
                              $"{r.Nodes:N0} nodes, first answers {(r.Words.Length == 0 ? "-" : "") + string.Join(' ', r.Words.Take(3))}");
        Console.WriteLine($"issue: {results.Sum(r => r!.Words.Length)} answers, {ledger.Repeats} repeats");
    }
}
