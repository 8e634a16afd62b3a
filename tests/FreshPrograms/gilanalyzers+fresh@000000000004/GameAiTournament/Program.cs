using System.Collections.Concurrent;
using System.Runtime.CompilerServices;

namespace GameAiTournament;

// Tic-tac-toe bots play full-depth minimax; a connect-four evaluator scores opening books.
class TicTacToeBot
{
    public string Name { get; }
    public int GamesPlayed { get; private set; }
    public int Draws { get; private set; }
    private readonly int _seed;

    public TicTacToeBot(string name, int seed) { Name = name; _seed = seed; }

    public void PlaySeries(int games)
    {
        var rng = new Random(_seed);
        for (int g = 0; g < games; g++)
        {
            var board = new int[9];
            board[rng.Next(9)] = 1;
            int player = -1;
            while (Winner(board) == 0 && board.Contains(0))
            {
                int best = -1, bestScore = int.MinValue;
                for (int m = 0; m < 9; m++)
                {
                    if (board[m] != 0) continue;
                    board[m] = player;
                    int score = -Minimax(board, -player);
                    board[m] = 0;
                    if (score > bestScore) { bestScore = score; best = m; }
                }
                board[best] = player;
                player = -player;
            }
            GamesPlayed++;
            if (Winner(board) == 0) Draws++;
        }
    }

    static int Minimax(int[] b, int player)
    {
        int w = Winner(b);
        if (w != 0) return w * player;
        int best = int.MinValue; bool moved = false;
        for (int m = 0; m < 9; m++)
        {
            if (b[m] != 0) continue;
            moved = true; b[m] = player;
            best = Math.Max(best, -Minimax(b, -player));
            b[m] = 0;
        }
        return moved ? best : 0;
    }

    static readonly int[][] Lines = { new[] {0,1,2}, new[] {3,4,5}, new[] {6,7,8}, new[] {0,3,6}, new[] {1,4,7}, new[] {2,5,8}, new[] {0,4,8}, new[] {2,4,6} };
    static int Winner(int[] b) { foreach (var l in Lines) { int s = b[l[0]] + b[l[1]] + b[l[2]]; if (s == 3) return 1; if (s == -3) return -1; } return 0; }
}

class ConnectFourEvaluator
{
    public long Evaluations;

    [MethodImpl(MethodImplOptions.Synchronized)]
    public int ScoreOpening(int[,] board)
    {
        int bestReply = int.MinValue;
        for (int col = 0; col < 7; col++)
        {
            int row = 0;
            while (row < 6 && board[row, col] != 0) row++;
            if (row == 6) continue;
            board[row, col] = 1;
            int score = 0;
            for (int r = 0; r < 6; r++)
            for (int c = 0; c < 7; c++)
            foreach (var (dr, dc) in new[] { (0, 1), (1, 0), (1, 1), (1, -1) })
            {
                int mine = 0, theirs = 0;
                for (int k = 0; k < 4; k++)
                {
                    int rr = r + dr * k, cc = c + dc * k;
                    if (rr < 0 || rr >= 6 || cc < 0 || cc >= 7) { mine = theirs = -1; break; }
                    if (board[rr, cc] == 1) mine++; else if (board[rr, cc] == -1) theirs++;
                }
                if (mine > 0 && theirs == 0) score += mine * mine;
                if (theirs > 0 && mine == 0) score -= theirs * theirs;
            }
            board[row, col] = 0;
            bestReply = Math.Max(bestReply, score);
            Evaluations++;
        }
        return bestReply;
    }
}

static class Program
{
    static void Main()
    {
        var bots = Enumerable.Range(0, 4).Select(i => new TicTacToeBot($"bot{i}", i)).ToList();
        var workers = new List<Thread>();
        foreach (var bot in bots)
        {
            var t = new Thread(() => bot.PlaySeries(3)) { Name = bot.Name };
            workers.Add(t);
            t.Start();
        }
        workers.ForEach(t => t.Join());
        foreach (var bot in bots) Console.WriteLine($"{bot.Name}: {bot.GamesPlayed} games, {bot.Draws} draws");

        var evaluator = new ConnectFourEvaluator();
        var openings = new BlockingCollection<int[,]>(64);
        var scores = new ConcurrentBag<int>();
        var producer = new Thread(() =>
        {
            var rng = new Random(5);
            for (int i = 0; i < 3000; i++)
            {
                var b = new int[6, 7];
                for (int m = 0; m < 8; m++) { int c = rng.Next(7); int r = 0; while (r < 5 && b[r, c] != 0) r++; b[r, c] = m % 2 == 0 ? 1 : -1; }
                openings.Add(b);
            }
            openings.CompleteAdding();
        });
        var consumer = new Thread(() =>
        {
            Parallel.ForEach(openings.GetConsumingEnumerable(), b => scores.Add(evaluator.ScoreOpening(b)));
        });
        producer.Start(); consumer.Start();
        producer.Join(); consumer.Join();
        Console.WriteLine($"scored {scores.Count} openings, best {scores.Max()}, {evaluator.Evaluations} evaluations");
    }
}
