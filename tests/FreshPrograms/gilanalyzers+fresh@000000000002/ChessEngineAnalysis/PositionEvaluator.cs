using System.Runtime.CompilerServices;

namespace ChessEngineAnalysis;

public sealed class PositionEvaluator
{
    private static readonly int[] PieceValue = { 0, 100, 320, 330, 500, 900, 0 };
    private readonly int[] _centreBonus = new int[64];
    private long _evaluations;

    public PositionEvaluator()
    {
        for (int sq = 0; sq < 64; sq++)
        {
            int file = sq % 8, rank = sq / 8;
            _centreBonus[sq] = 14 - 2 * (Math.Abs(2 * file - 7) + Math.Abs(2 * rank - 7)) / 2;
        }
    }

    public long Evaluations => _evaluations;

    // Evaluation statistics were added later and the method was made synchronized to keep the counter right.
    [MethodImpl(MethodImplOptions.Synchronized)]
    public int Evaluate(Board board)
    {
        _evaluations++;
        int material = 0, placement = 0, mobility = 0;
        for (int sq = 0; sq < 64; sq++)
        {
            int piece = board[sq];
            if (piece == 0) continue;
            int sign = piece > 0 ? 1 : -1;
            int kind = Math.Abs(piece);
            material += sign * PieceValue[kind];
            placement += sign * _centreBonus[sq];

            // pseudo mobility: count empty squares along the eight rays
            for (int dir = 0; dir < 8; dir++)
            {
                int dx = dir switch { 0 or 4 or 5 => 1, 1 or 6 or 7 => -1, _ => 0 };
                int dy = dir switch { 2 or 4 or 6 => 1, 3 or 5 or 7 => -1, _ => 0 };
                int x = sq % 8 + dx, y = sq / 8 + dy;
                while (x is >= 0 and < 8 && y is >= 0 and < 8 && board[y * 8 + x] == 0)
                {
                    mobility += sign;
                    x += dx;
                    y += dy;
                }
            }
        }
        return (material + placement + 2 * mobility) * board.SideToMove;
    }
}

public sealed class TranspositionTable
{
    private readonly Dictionary<ulong, (int Depth, int Score)> _entries = new();
    private readonly object _sync = new();

    public int Count { get { lock (_sync) return _entries.Count; } }

    public bool TryGet(ulong hash, int depth, out int score)
    {
        lock (_sync)
        {
            if (_entries.TryGetValue(hash, out var e) && e.Depth >= depth)
            {
                score = e.Score;
                return true;
            }
        }
        score = 0;
        return false;
    }

    public void Store(ulong hash, int depth, int score)
    {
        lock (_sync)
        {
            _entries[hash] = (depth, score);
        }
    }
}
