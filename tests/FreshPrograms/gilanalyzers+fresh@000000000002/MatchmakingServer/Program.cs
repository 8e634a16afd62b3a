using System.Diagnostics;

namespace MatchmakingServer;

/// <summary>
/// Replays a burst of match-result requests against the matchmaking service, the way the HTTP front end
/// calls it: one handler invocation per request, on whatever thread-pool thread the request lands on.
/// </summary>
internal static class Program
{
    private static void Main(string[] args)
    {
        int requests = args.Length > 0 ? int.Parse(args[0]) : 3000;
        var service = new MatchService(playerCount: 400, seed: 5);
        var rng = new Random(6);
        var incoming = Enumerable.Range(0, requests)
            .Select(i => new MatchResultRequest($"m{i}", rng.Next(400), rng.Next(400), rng.NextDouble() < 0.5 ? 1.0 : 0.0))
            .Where(r => r.Winner != r.Loser)
            .ToArray();

        var sw = Stopwatch.StartNew();
        Parallel.For(0, incoming.Length, i =>
        {
            service.HandleMatchResult(incoming[i]);
            if (i % 7 == 0)
            {
                service.JoinLobby($"session-{i}", lobbyId: i % 12);
            }
        });
        sw.Stop();

        var top = service.Leaderboard(3);
        Console.WriteLine($"{incoming.Length} results in {sw.ElapsedMilliseconds} ms; {service.ActiveSessions} sessions");
        foreach (var p in top) Console.WriteLine($"  player {p.Id}: {p.Rating:F0} ± {p.Deviation:F0}");
    }
}
