using System.Diagnostics;
using System.Runtime.CompilerServices;

namespace DeliveryRouteOptimizer;

public readonly record struct Stop(int Id, double X, double Y);

/// <summary>2-opt local search over a closed tour; shared by all restarts because it owns the distance matrix.</summary>
public sealed class TwoOptImprover
{
    private readonly double[,] _distance;

    public TwoOptImprover(IReadOnlyList<Stop> stops)
    {
        _distance = new double[stops.Count, stops.Count];
        for (int i = 0; i < stops.Count; i++)
            for (int j = 0; j < stops.Count; j++)
                _distance[i, j] = Math.Sqrt(Math.Pow(stops[i].X - stops[j].X, 2) + Math.Pow(stops[i].Y - stops[j].Y, 2));
    }

    public int ImprovementsApplied { get; private set; }

    [MethodImpl(MethodImplOptions.Synchronized)]
    public int[] Improve(int[] tour)
    {
        var route = (int[])tour.Clone();
        bool improved = true;
        while (improved)
        {
            improved = false;
            for (int i = 0; i < route.Length - 2; i++)
            {
                for (int k = i + 2; k < route.Length - (i == 0 ? 1 : 0); k++)
                {
                    int a = route[i], b = route[i + 1], c = route[k], d = route[(k + 1) % route.Length];
                    double delta = _distance[a, c] + _distance[b, d] - _distance[a, b] - _distance[c, d];
                    if (delta < -1e-9)
                    {
                        Array.Reverse(route, i + 1, k - i);
                        improved = true;
                        ImprovementsApplied++;
                    }
                }
            }
        }
        return route;
    }

    public double Length(int[] tour)
    {
        double total = 0;
        for (int i = 0; i < tour.Length; i++) total += _distance[tour[i], tour[(i + 1) % tour.Length]];
        return total;
    }
}

/// <summary>One random-restart run; keeps its own best.</summary>
public sealed class RestartRun(int seed, int stops)
{
    private double _bestLength = double.MaxValue;

    public int[] InitialTour()
    {
        var tour = Enumerable.Range(0, stops).ToArray();
        new Random(seed).Shuffle(tour.AsSpan(1));
        return tour;
    }

    public void Offer(double length)
    {
        lock (this)
        {
            if (length < _bestLength)
            {
                _bestLength = length;
            }
        }
    }

    public double BestLength => _bestLength;
}

public static class Program
{
    public static void Main(string[] args)
    {
        int stopCount = args.Length > 0 ? int.Parse(args[0]) : 150;
        var rng = new Random(2);
        var stops = Enumerable.Range(0, stopCount).Select(i => new Stop(i, rng.NextDouble() * 50, rng.NextDouble() * 30)).ToList();
        var improver = new TwoOptImprover(stops);

        var sw = Stopwatch.StartNew();
        var runs = Enumerable.Range(0, 16).Select(seed => new RestartRun(seed, stopCount)).ToArray();
        Parallel.For(0, runs.Length, r =>
        {
            var run = runs[r];
            var tour = improver.Improve(run.InitialTour());
            run.Offer(improver.Length(tour));
        });

        double best = runs.Min(r => r.BestLength);
        Console.WriteLine($"{stopCount} stops, {runs.Length} restarts: best tour {best:F2} km, {improver.ImprovementsApplied} 2-opt moves, {sw.ElapsedMilliseconds} ms");
    }
}
