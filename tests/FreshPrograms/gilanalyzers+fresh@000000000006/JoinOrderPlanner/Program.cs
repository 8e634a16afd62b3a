namespace JoinOrderPlanner;

public sealed class AsyncLock
{
    private readonly SemaphoreSlim _semaphore = new(1, 1);

    public async ValueTask<Releaser> LockAsync()
    {
        await _semaphore.WaitAsync();
        return new Releaser(_semaphore);
    }

    public readonly struct Releaser(SemaphoreSlim semaphore) : IDisposable
    {
        public void Dispose() => semaphore.Release();
    }
}

public sealed class PlannerService
{
    private readonly DpJoinPlanner _planner;
    private readonly AsyncLock _plannerLock = new();
    private readonly Dictionary<string, Plan> _planCache = new();

    public PlannerService(DpJoinPlanner planner) => _planner = planner;

    public async Task<Plan> PlanAsync(Query query)
    {
        string key = string.Join(",", query.Tables.Order(StringComparer.Ordinal));
        lock (_planCache)
        {
            if (_planCache.TryGetValue(key, out var cached)) return cached with { QueryId = query.Id };
        }

        Plan plan;
        using (await _plannerLock.LockAsync())
        {
            plan = _planner.Optimize(query);
        }

        lock (_planCache) _planCache[key] = plan;
        return plan;
    }
}

public static class Program
{
    public static async Task Main()
    {
        var rng = new Random(21);
        var tables = Enumerable.Range(0, 18).Select(t =>
        {
            int rows = 20_000 + rng.Next(200_000);
            int domain = 50 + rng.Next(rows / 4);
            return new Table($"t{t:D2}", Enumerable.Range(0, rows).Select(_ => rng.Next(domain)).ToArray());
        }).ToList();

        var collector = new StatisticsCollector();
        Parallel.ForEach(tables, t => collector.Analyze(t));
        Console.WriteLine($"analyzed {collector.Stats.Count} tables, total rows {collector.Stats.Values.Sum(s => s.Rows)}");

        var queries = Enumerable.Range(0, 40).Select(q =>
            new Query($"q{q:D2}", tables.OrderBy(_ => rng.Next()).Take(10 + q % 5).Select(t => t.Name).ToArray())).ToList();

        var service = new PlannerService(new DpJoinPlanner(collector.Stats));
        Plan[] plans = await Task.WhenAll(queries.Select(q => Task.Run(() => service.PlanAsync(q))));

        foreach (var p in plans.Take(4))
            Console.WriteLine($"{p.QueryId}: cost {p.Cost:E3}  {p.Order}");
        Console.WriteLine($"planned {plans.Length} queries, total cost {plans.Sum(p => p.Cost):E4}");
    }
}
