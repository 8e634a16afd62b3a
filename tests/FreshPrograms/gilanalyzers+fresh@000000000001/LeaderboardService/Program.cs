using System.Diagnostics;
using System.Runtime.CompilerServices;

namespace LeaderboardService;

public sealed record ScoreSubmission(string PlayerId, long Score, DateTime SubmittedAt);

public readonly record struct RankedEntry(int Rank, string PlayerId, long Score, double Percentile);

/// <summary>
/// Leaderboard of the weekly tournament. Every submission updates the player's best score and republishes
/// the ranked board (with percentiles) that the game clients poll.
/// </summary>
public static class Leaderboard
{
    private static readonly Dictionary<string, long> Best = new(StringComparer.Ordinal);
    private static RankedEntry[] _published = Array.Empty<RankedEntry>();

    public static RankedEntry[] Published => Volatile.Read(ref _published);

    [MethodImpl(MethodImplOptions.Synchronized)]
    public static void Submit(ScoreSubmission submission)
    {
        if (Best.TryGetValue(submission.PlayerId, out long previous) && previous >= submission.Score)
        {
            return;
        }
        Best[submission.PlayerId] = submission.Score;

        var ordered = Best.OrderByDescending(kv => kv.Value).ThenBy(kv => kv.Key, StringComparer.Ordinal).ToArray();
        var board = new RankedEntry[ordered.Length];
        int rank = 0;
        for (int i = 0; i < ordered.Length; i++)
        {
            if (i == 0 || ordered[i].Value != ordered[i - 1].Value) rank = i + 1;
            board[i] = new RankedEntry(rank, ordered[i].Key, ordered[i].Value, 100.0 * (ordered.Length - i) / ordered.Length);
        }
        Volatile.Write(ref _published, board);
    }
}

public static class Program
{
    private static readonly List<DateTime> RequestTimes = new();

    public static void Main(string[] args)
    {
        int submissions = args.Length > 0 ? int.Parse(args[0]) : 1500;
        var rng = new Random(64);
        var start = new DateTime(2026, 12, 1, 18, 0, 0, DateTimeKind.Utc);
        var incoming = Enumerable.Range(0, submissions)
            .Select(i => new ScoreSubmission($"player{rng.Next(3000):D4}", rng.NextInt64(1_000, 1_000_000), start.AddMilliseconds(i * 40)))
            .ToList();

        // Seed the board with last week's players so the ranking has realistic size.
        for (int p = 0; p < 3000; p++)
        {
            Leaderboard.Submit(new ScoreSubmission($"player{p:D4}", rng.NextInt64(1_000, 500_000), start));
        }

        var sw = Stopwatch.StartNew();
        Parallel.ForEach(incoming, new ParallelOptions { MaxDegreeOfParallelism = 8 }, submission =>
        {
            lock (RequestTimes)
            {
                RequestTimes.Add(submission.SubmittedAt);
            }
            Leaderboard.Submit(submission);
        });

        var top = Leaderboard.Published.Take(5);
        foreach (var entry in top) Console.WriteLine($"#{entry.Rank,-3} {entry.PlayerId} {entry.Score,9:N0} ({entry.Percentile:F1}%)");
        Console.WriteLine($"{RequestTimes.Count} submissions processed in {sw.ElapsedMilliseconds} ms, board size {Leaderboard.Published.Length}");
    }
}
