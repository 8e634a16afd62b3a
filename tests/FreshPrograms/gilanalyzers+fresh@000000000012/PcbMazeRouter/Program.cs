using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading;

namespace PcbMazeRouter;

public readonly record struct Cell(int X, int Y);

public sealed record Net(string Name, Cell From, Cell To);

public sealed record Board(string Name, int Width, int Height, bool[] Keepout, Net[] Nets);

public sealed record NetStat(string Board, string Net, int Length, int Bends);

public sealed record BoardResult(string Board, int Routed, int Failed, int TrackCells);

public sealed class RouteBook
{
    private readonly List<NetStat> _stats = new();

    public IReadOnlyList<NetStat> Stats => _stats;

    public void Add(NetStat stat)
    {
        lock (_stats) _stats.Add(stat);
    }
}

/// <summary>Lee wave-propagation router: breadth-first wave from the source pin, backtrace, commit the track.</summary>
public sealed class LeeRouter(RouteBook book)
{
    private static readonly int[] Dx = { 1, -1, 0, 0 }, Dy = { 0, 0, 1, -1 };

    public BoardResult Route(Board board)
    {
        int w = board.Width, h = board.Height;
        var blocked = (bool[])board.Keepout.Clone();
        foreach (var net in board.Nets) { blocked[net.From.Y * w + net.From.X] = true; blocked[net.To.Y * w + net.To.X] = true; }
        var wave = new int[w * h];
        var queue = new int[w * h];
        int routed = 0, failed = 0, track = 0;

        foreach (var net in board.Nets.OrderBy(n => Math.Abs(n.From.X - n.To.X) + Math.Abs(n.From.Y - n.To.Y)))
        {
            int src = net.From.Y * w + net.From.X, dst = net.To.Y * w + net.To.X;
            blocked[src] = blocked[dst] = false;
            Array.Fill(wave, -1);
            int head = 0, tail = 0;
            wave[src] = 0;
            queue[tail++] = src;
            while (head < tail && wave[dst] < 0)
            {
                int cur = queue[head++], cx = cur % w, cy = cur / w;
                for (int d = 0; d < 4; d++)
                {
                    int nx = cx + Dx[d], ny = cy + Dy[d];
                    if (nx < 0 || ny < 0 || nx >= w || ny >= h) continue;
                    int next = ny * w + nx;
                    if (blocked[next] || wave[next] >= 0) continue;
                    wave[next] = wave[cur] + 1;
                    queue[tail++] = next;
                }
            }
            if (wave[dst] < 0) { failed++; blocked[src] = blocked[dst] = true; continue; }

            int at = dst, bends = 0, lastDir = -1;
            while (at != src)
            {
                blocked[at] = true;
                track++;
                for (int d = 0; d < 4; d++)
                {
                    int nx = at % w + Dx[d], ny = at / w + Dy[d];
                    if (nx < 0 || ny < 0 || nx >= w || ny >= h || wave[ny * w + nx] != wave[at] - 1) continue;
                    if (lastDir >= 0 && d != lastDir) bends++;
                    lastDir = d;
                    at = ny * w + nx;
                    break;
                }
            }
            blocked[src] = true;
            routed++;
            book.Add(new NetStat(board.Name, net.Name, wave[dst], bends));
        }
        return new BoardResult(board.Name, routed, failed, track);
    }
}

public static class Program
{
    private static Board MakeBoard(int index)
    {
        var rng = new Random(1000 + index);
        int w = 260, h = 200;
        var keepout = new bool[w * h];
        for (int k = 0; k < 14; k++)
        {
            int x0 = rng.Next(10, w - 30), y0 = rng.Next(10, h - 25), bw = rng.Next(8, 24), bh = rng.Next(6, 18);
            for (int y = y0; y < y0 + bh; y++)
                for (int x = x0; x < x0 + bw; x++) keepout[y * w + x] = true;
        }
        var used = new HashSet<int>();
        Cell FreePin(Cell near, int spread)
        {
            while (true)
            {
                var c = new Cell(Math.Clamp(near.X + rng.Next(-spread, spread), 0, w - 1), Math.Clamp(near.Y + rng.Next(-spread, spread), 0, h - 1));
                if (!keepout[c.Y * w + c.X] && used.Add(c.Y * w + c.X)) return c;
            }
        }
        var nets = Enumerable.Range(0, 130).Select(n =>
        {
            var from = FreePin(new Cell(w / 2, h / 2), w / 2);
            return new Net($"N{n:D3}", from, FreePin(from, 60));
        }).ToArray();
        return new Board($"ctrl-rev{(char)('A' + index)}", w, h, keepout, nets);
    }

    private static void AppendReport(string path, IEnumerable<string> lines)
    {
        using var mutex = new Mutex(false, "pcb-router-report");
        mutex.WaitOne();
        try
        {
            File.AppendAllLines(path, lines);
        }
        finally
        {
            mutex.ReleaseMutex();
        }
    }

    public static void Main()
    {
        var boards = Enumerable.Range(0, 12).Select(MakeBoard).ToArray();
        var book = new RouteBook();
        var router = new LeeRouter(book);
        var results = new BoardResult[boards.Length];

        var threads = new Thread[boards.Length];
        for (int b = 0; b < boards.Length; b++)
        {
            int index = b;
            threads[b] = new Thread(() => results[index] = router.Route(boards[index])) { Name = $"route-{boards[b].Name}" };
            threads[b].Start();
        }
        foreach (var thread in threads) thread.Join();

        string report = Path.Combine(Path.GetTempPath(), $"route-report-{Environment.ProcessId}.txt");
        AppendReport(report, results.Select(r => $"{r.Board}\t{r.Routed}\t{r.Failed}\t{r.TrackCells}"));
        foreach (var r in results)
            Console.WriteLine($"{r.Board}: {r.Routed} routed, {r.Failed} failed, {r.TrackCells} track cells");
        var longest = book.Stats.OrderByDescending(s => s.Length).ThenBy(s => s.Board, StringComparer.Ordinal).First();
        Console.WriteLine($"longest: {longest.Board}/{longest.Net} {longest.Length} cells, {longest.Bends} bends; " +
                          $"report {File.ReadAllLines(report).Length} lines");
        File.Delete(report);
    }
}
