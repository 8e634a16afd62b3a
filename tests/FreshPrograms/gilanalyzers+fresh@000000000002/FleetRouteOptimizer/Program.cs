using System.Diagnostics;

namespace FleetRouteOptimizer;

internal static class Program
{
    private static async Task<int> Main(string[] args)
    {
        int depotCount = args.Length > 0 ? int.Parse(args[0]) : 6;
        string workDir = Path.Combine(Path.GetTempPath(), "fleet-routes");
        Directory.CreateDirectory(workDir);

        // Stage the depot manifests as the nightly export would leave them.
        var files = DepotFiles.WriteSample(workDir, depotCount, stopsPerDepot: 160);

        var repository = new RouteRepository(workDir);
        var planner = new DepotPlanner(repository);

        var sw = Stopwatch.StartNew();
        Depot[] depots = await Task.WhenAll(files.Select(DepotFiles.LoadAsync));
        Console.WriteLine($"loaded {depots.Length} depots in {sw.ElapsedMilliseconds} ms");

        sw.Restart();
        RoutePlan[] plans = await Task.WhenAll(depots.Select(d => planner.OptimizeDepotAsync(d)));
        Console.WriteLine($"optimised {plans.Length} depots in {sw.ElapsedMilliseconds} ms");

        foreach (var plan in plans.OrderBy(p => p.DepotId))
        {
            Console.WriteLine($"  {plan.DepotId}: {plan.Order.Length} stops, {plan.LengthKm:F1} km (greedy was {plan.GreedyKm:F1} km)");
        }
        Console.WriteLine($"saved plans: {repository.SavedCount}");
        return 0;
    }
}
