namespace FleetRouteOptimizer;

public sealed record RoutePlan(string DepotId, int[] Order, double LengthKm, double GreedyKm);

public sealed class DepotPlanner(RouteRepository repository)
{
    public async Task<RoutePlan> OptimizeDepotAsync(Depot depot)
    {
        var stops = depot.Stops;
        int[] order = NearestNeighbour(stops);
        double greedy = TourLength(stops, order);

        // 2-opt until no improving exchange is left
        bool improved = true;
        while (improved)
        {
            improved = false;
            for (int i = 1; i < order.Length - 1; i++)
            {
                for (int k = i + 1; k < order.Length; k++)
                {
                    double before = Dist(stops[order[i - 1]], stops[order[i]]) + Dist(stops[order[k]], stops[order[(k + 1) % order.Length]]);
                    double after = Dist(stops[order[i - 1]], stops[order[k]]) + Dist(stops[order[i]], stops[order[(k + 1) % order.Length]]);
                    if (after + 1e-9 < before)
                    {
                        Array.Reverse(order, i, k - i + 1);
                        improved = true;
                    }
                }
            }
        }

        var plan = new RoutePlan(depot.Id, order, TourLength(stops, order), greedy);
        await repository.SaveAsync(plan);
        return plan;
    }

    private static int[] NearestNeighbour(IReadOnlyList<Stop> stops)
    {
        var visited = new bool[stops.Count];
        var order = new int[stops.Count];
        visited[0] = true;
        for (int n = 1; n < stops.Count; n++)
        {
            int last = order[n - 1], best = -1;
            double bestD = double.MaxValue;
            for (int j = 0; j < stops.Count; j++)
            {
                if (visited[j]) continue;
                double d = Dist(stops[last], stops[j]);
                if (d < bestD) { bestD = d; best = j; }
            }
            order[n] = best;
            visited[best] = true;
        }
        return order;
    }

    private static double TourLength(IReadOnlyList<Stop> stops, int[] order)
    {
        double total = 0;
        for (int i = 0; i < order.Length; i++) total += Dist(stops[order[i]], stops[order[(i + 1) % order.Length]]);
        return total;
    }

    private static double Dist(Stop a, Stop b)
    {
        // haversine, km
        const double r = 6371.0;
        double dLat = (b.Lat - a.Lat) * Math.PI / 180, dLon = (b.Lon - a.Lon) * Math.PI / 180;
        double h = Math.Sin(dLat / 2) * Math.Sin(dLat / 2) + Math.Cos(a.Lat * Math.PI / 180) * Math.Cos(b.Lat * Math.PI / 180) * Math.Sin(dLon / 2) * Math.Sin(dLon / 2);
        return 2 * r * Math.Asin(Math.Sqrt(h));
    }
}
