using System.Diagnostics;

namespace NavMeshPlanner;

public sealed class Agent(int id, Cell position, Cell target)
{
    public int Id { get; } = id;
    public Cell Position { get; } = position;
    public Cell Target { get; } = target;
    public List<Cell>? Route { get; set; }
    public int RouteVersion { get; set; }
}

/// <summary>
/// Server-side route planning for NPC agents. Agents ask for routes through the async API; the batch
/// replanner runs when the level changes.
/// </summary>
public sealed class RoutePlanner(GridMap map, TextWriter auditLog)
{
    private readonly object _mapLock = new();

    public int PlannedRoutes { get; private set; }

    public async Task<List<Cell>?> PlanAsync(Agent agent)
    {
        var path = map.FindPath(agent.Position, agent.Target);
        await auditLog.WriteLineAsync($"agent {agent.Id}: {(path is null ? "unreachable" : path.Count + " steps")}");
        return path;
    }

    public void ReplanAll(IReadOnlyList<Agent> agents)
    {
        Parallel.ForEach(agents, agent =>
        {
            List<Cell>? path;
            // the map might be edited by the level designer tool while we plan
            lock (_mapLock)
            {
                path = map.FindPath(agent.Position, agent.Target);
                PlannedRoutes++;
            }

            lock (agent)
            {
                agent.Route = path;
                agent.RouteVersion++;
            }
        });
    }
}

public static class Program
{
    public static async Task Main(string[] args)
    {
        int agentCount = args.Length > 0 ? int.Parse(args[0]) : 64;
        var map = new GridMap(160, 160, seed: 4);
        var rng = new Random(9);
        var agents = Enumerable.Range(0, agentCount)
            .Select(i => new Agent(i, new Cell(rng.Next(8), rng.Next(8)), new Cell(150 + rng.Next(8), 150 + rng.Next(8))))
            .ToList();

        var planner = new RoutePlanner(map, TextWriter.Null);
        var sw = Stopwatch.StartNew();

        // First requests of the session arrive together.
        var requests = agents.Take(16).Select(a => planner.PlanAsync(a)).ToList();
        var routes = await Task.WhenAll(requests);
        Console.WriteLine($"{routes.Count(r => r is not null)}/{routes.Length} initial routes in {sw.ElapsedMilliseconds} ms");

        sw.Restart();
        planner.ReplanAll(agents);
        Console.WriteLine($"Replanned {planner.PlannedRoutes} agents in {sw.ElapsedMilliseconds} ms; mean length {agents.Where(a => a.Route is not null).Average(a => a.Route!.Count):F1}");
    }
}
