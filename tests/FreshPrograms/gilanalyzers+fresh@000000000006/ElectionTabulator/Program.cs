namespace ElectionTabulator;

public sealed record Precinct(string Region, string[] BallotLines);

/// <summary>Counts raw first preferences per region, one worker thread per region.</summary>
public sealed class FirstPreferenceCounter
{
    private readonly Dictionary<string, int> _totals = new();

    public IReadOnlyDictionary<string, int> Totals => _totals;

    public void CountAll(IReadOnlyList<Precinct> precincts)
    {
        var threads = new List<Thread>();
        foreach (var region in precincts.GroupBy(p => p.Region))
        {
            var mine = region.ToList();
            var thread = new Thread(() =>
            {
                var local = new Dictionary<string, int>();
                foreach (Precinct precinct in mine)
                    foreach (string line in precinct.BallotLines)
                    {
                        string first = line.Split('>', 2)[0].Trim().ToUpperInvariant();
                        if (first.Length == 0 || first.Any(ch => !char.IsLetter(ch) && ch != ' ')) continue;
                        local[first] = local.GetValueOrDefault(first) + 1;
                    }
                lock (_totals)
                {
                    foreach (var (name, count) in local)
                        _totals[name] = _totals.GetValueOrDefault(name) + count;
                }
            });
            threads.Add(thread);
            thread.Start();
        }
        foreach (Thread t in threads) t.Join();
    }
}

public sealed class ElectionService
{
    private readonly ITabulator _tabulator;
    public ElectionService(ITabulator tabulator) => _tabulator = tabulator;

    public ContestResult[] CertifyAll(IReadOnlyList<Contest> contests)
    {
        var results = new ContestResult[contests.Count];
        Parallel.For(0, contests.Count, i => results[i] = _tabulator.Tabulate(contests[i]));
        return results;
    }
}

public static class Program
{
    private static readonly string[] Names = ["ADAMS", "BAKER", "CHEN", "DIAZ", "EVANS", "FOX", "GARCIA", "HUANG"];
    private static readonly string[] Regions = ["north", "south", "east", "west"];

    public static void Main()
    {
        var rng = new Random(19);
        var contests = new List<Contest>();
        for (int c = 0; c < 20; c++)
        {
            int n = 4 + c % 5;
            var popularity = Enumerable.Range(0, n).Select(_ => rng.NextDouble() + 0.2).ToArray();
            var ballots = new int[30_000][];
            for (int b = 0; b < ballots.Length; b++)
            {
                var order = Enumerable.Range(0, n).OrderByDescending(k => popularity[k] * rng.NextDouble()).ToArray();
                ballots[b] = order.Take(1 + rng.Next(n)).ToArray();
            }
            contests.Add(new Contest($"seat-{c:D2}", Names.Take(n).ToArray(), ballots));
        }

        var results = new ElectionService(new InstantRunoffTabulator()).CertifyAll(contests);
        foreach (var r in results.Take(6))
            Console.WriteLine($"{r.Contest}: {r.Winner,-7} after {r.Rounds} rounds ({r.Exhausted} exhausted)");
        Console.WriteLine($"winners: {string.Join(",", results.GroupBy(r => r.Winner).OrderBy(g => g.Key).Select(g => $"{g.Key}={g.Count()}"))}");

        var precincts = new List<Precinct>();
        for (int p = 0; p < 80; p++)
        {
            var lines = Enumerable.Range(0, 2500).Select(_ => string.Join(" > ", Names.OrderBy(_ => rng.Next()).Take(3).Select(x => rng.Next(40) == 0 ? x.ToLowerInvariant() + "1" : x.ToLowerInvariant()))).ToArray();
            precincts.Add(new Precinct(Regions[p % Regions.Length], lines));
        }
        var counter = new FirstPreferenceCounter();
        counter.CountAll(precincts);
        Console.WriteLine($"first preferences: {string.Join(", ", counter.Totals.OrderBy(kv => kv.Key).Select(kv => $"{kv.Key} {kv.Value}"))}");
    }
}
