namespace MatchmakingServer;

public sealed record MatchResultRequest(string MatchId, int Winner, int Loser, double Score);

public sealed class Lobby(int id)
{
    public int Id { get; } = id;
    public List<string> Members { get; } = new();
}

public sealed class MatchService
{
    private readonly PlayerRecord[] _players;
    private readonly Dictionary<string, DateTime> _sessions = new();
    private readonly object _sessionsLock = new();
    private readonly Lobby[] _lobbies;

    public MatchService(int playerCount, int seed)
    {
        var rng = new Random(seed);
        _players = Enumerable.Range(0, playerCount).Select(i => new PlayerRecord(i, 1500 + rng.Next(-200, 200), 200, 0.06)).ToArray();
        _lobbies = Enumerable.Range(0, 12).Select(i => new Lobby(i)).ToArray();
    }

    public int ActiveSessions { get { lock (_sessionsLock) return _sessions.Count; } }

    public void HandleMatchResult(MatchResultRequest request)
    {
        var winner = _players[request.Winner];
        var loser = _players[request.Loser];
        winner.AddOutcome(new MatchOutcome(loser.Id, request.Score));
        loser.AddOutcome(new MatchOutcome(winner.Id, 1 - request.Score));

        RatingCalculator.Recalculate(winner, _players);
        RatingCalculator.Recalculate(loser, _players);
    }

    public void JoinLobby(string sessionId, int lobbyId)
    {
        lock (_sessionsLock)
        {
            _sessions[sessionId] = DateTime.UtcNow;
        }

        var lobby = _lobbies[lobbyId];
        lock (lobby)
        {
            if (lobby.Members.Count >= 10) lobby.Members.RemoveAt(0);
            lobby.Members.Add(sessionId);
        }
    }

    public IEnumerable<PlayerRecord> Leaderboard(int n) => _players.OrderByDescending(p => p.Rating).Take(n);
}
