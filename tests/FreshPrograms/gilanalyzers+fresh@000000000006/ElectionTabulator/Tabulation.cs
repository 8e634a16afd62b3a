namespace ElectionTabulator;

public sealed record Contest(string Name, string[] Candidates, int[][] Ballots);

public sealed record ContestResult(string Contest, string Winner, int Rounds, int Exhausted);

public interface ITabulator
{
    ContestResult Tabulate(Contest contest);
}

/// <summary>Instant-runoff tabulation. The tally and elimination arrays are kept on the instance between contests.</summary>
public sealed class InstantRunoffTabulator : ITabulator
{
    private readonly object _scratchLock = new();
    private int[] _tally = new int[8];
    private bool[] _eliminated = new bool[8];

    public ContestResult Tabulate(Contest contest)
    {
        if (!Monitor.TryEnter(_scratchLock, TimeSpan.FromSeconds(10)))
            throw new TimeoutException($"tabulator busy, contest {contest.Name}");
        try
        {
            int n = contest.Candidates.Length;
            if (_tally.Length < n) { _tally = new int[n]; _eliminated = new bool[n]; }
            Array.Clear(_eliminated);
            int rounds = 0;
            while (true)
            {
                rounds++;
                Array.Clear(_tally);
                int exhausted = 0;
                foreach (int[] ballot in contest.Ballots)
                {
                    int choice = -1;
                    foreach (int c in ballot)
                        if (!_eliminated[c]) { choice = c; break; }
                    if (choice < 0) exhausted++; else _tally[choice]++;
                }

                int active = contest.Ballots.Length - exhausted;
                int leader = 0, loser = -1;
                for (int c = 0; c < n; c++)
                {
                    if (_eliminated[c]) continue;
                    if (_tally[c] > _tally[leader] || _eliminated[leader]) leader = c;
                    if (loser < 0 || _tally[c] < _tally[loser]) loser = c;
                }
                if (_tally[leader] * 2 > active || rounds >= n - 1)
                    return new ContestResult(contest.Name, contest.Candidates[leader], rounds, exhausted);
                _eliminated[loser] = true;
            }
        }
        finally
        {
            Monitor.Exit(_scratchLock);
        }
    }
}
