namespace ChessEngineAnalysis;

public readonly record struct Move(int From, int To)
{
    public override string ToString() => $"{(char)('a' + From % 8)}{From / 8 + 1}{(char)('a' + To % 8)}{To / 8 + 1}";
}

/// <summary>A toy board: signed piece codes, king-less, pieces move like queens limited to two squares.</summary>
public sealed class Board
{
    private readonly sbyte[] _squares;

    private Board(sbyte[] squares, int sideToMove, ulong hash)
    {
        _squares = squares;
        SideToMove = sideToMove;
        Hash = hash;
    }

    public int SideToMove { get; }
    public ulong Hash { get; }
    public int this[int square] => _squares[square];

    public static Board FromSeed(int seed)
    {
        var rng = new Random(seed);
        var squares = new sbyte[64];
        for (int i = 0; i < 20; i++)
        {
            squares[rng.Next(64)] = (sbyte)((i % 2 == 0 ? 1 : -1) * (1 + rng.Next(5)));
        }
        return new Board(squares, 1, ComputeHash(squares, 1));
    }

    public List<Move> GenerateMoves()
    {
        var moves = new List<Move>();
        for (int sq = 0; sq < 64; sq++)
        {
            if (Math.Sign(_squares[sq]) != SideToMove) continue;
            for (int dx = -2; dx <= 2; dx++)
            for (int dy = -2; dy <= 2; dy++)
            {
                int x = sq % 8 + dx, y = sq / 8 + dy;
                if ((dx == 0 && dy == 0) || x < 0 || x > 7 || y < 0 || y > 7) continue;
                int to = y * 8 + x;
                if (Math.Sign(_squares[to]) != SideToMove) moves.Add(new Move(sq, to));
            }
        }
        return moves;
    }

    public Board Apply(Move move)
    {
        var next = (sbyte[])_squares.Clone();
        next[move.To] = next[move.From];
        next[move.From] = 0;
        return new Board(next, -SideToMove, ComputeHash(next, -SideToMove));
    }

    private static ulong ComputeHash(sbyte[] squares, int side)
    {
        ulong h = side > 0 ? 0x9E3779B97F4A7C15UL : 0xC2B2AE3D27D4EB4FUL;
        for (int i = 0; i < 64; i++)
        {
            h ^= (ulong)(squares[i] + 16) * 0x100000001B3UL + (ulong)i;
            h *= 0x100000001B3UL;
        }
        return h;
    }
}
