namespace ChessEngineAnalysis;

public readonly record struct ScoredMove(Move Move, int Score);

/// <summary>Root-splitting search: each root move gets its own alpha-beta search on a worker.</summary>
public sealed class RootSearch(PositionEvaluator evaluator, TranspositionTable table)
{
    private readonly object _bestGate = new();
    private long _nodes;

    public long NodesVisited => Interlocked.Read(ref _nodes);

    public ScoredMove FindBestMove(Board root, int depth)
    {
        var moves = root.GenerateMoves();
        var best = new ScoredMove(moves[0], int.MinValue);

        Parallel.For(0, moves.Count, i =>
        {
            var child = root.Apply(moves[i]);
            int score = -AlphaBeta(child, depth - 1, -100_000, 100_000);

            lock (_bestGate)
            {
                if (score > best.Score)
                {
                    best = new ScoredMove(moves[i], score);
                }
            }
        });

        return best;
    }

    private int AlphaBeta(Board board, int depth, int alpha, int beta)
    {
        Interlocked.Increment(ref _nodes);
        if (table.TryGet(board.Hash, depth, out int cached))
        {
            return cached;
        }

        if (depth == 0)
        {
            int leaf = evaluator.Evaluate(board);
            table.Store(board.Hash, depth, leaf);
            return leaf;
        }

        int bestScore = -100_000;
        foreach (var move in board.GenerateMoves())
        {
            int score = -AlphaBeta(board.Apply(move), depth - 1, -beta, -alpha);
            if (score > bestScore) bestScore = score;
            if (score > alpha) alpha = score;
            if (alpha >= beta) break;
        }

        table.Store(board.Hash, depth, bestScore);
        return bestScore;
    }
}
