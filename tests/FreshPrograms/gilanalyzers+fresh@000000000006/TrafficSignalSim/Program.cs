namespace TrafficSignalSim;

public sealed class NetworkSimulator
{
    private readonly IQueueModel _model;
    private readonly int _workers;

    public NetworkSimulator(IQueueModel model, int workers)
    {
        _model = model;
        _workers = workers;
    }

    public IntersectionStats[] RunAll(IReadOnlyList<Intersection> intersections, int seconds)
    {
        var results = new IntersectionStats[intersections.Count];
        var tasks = new List<Task>();
        int chunk = (intersections.Count + _workers - 1) / _workers;
        for (int w = 0; w < _workers; w++)
        {
            int from = w * chunk, to = Math.Min(intersections.Count, from + chunk);
            tasks.Add(Task.Factory.StartNew(() =>
            {
                for (int i = from; i < to; i++)
                    results[i] = _model.Simulate(intersections[i], seconds, seed: 1000 + i);
            }, TaskCreationOptions.LongRunning));
        }
        Task.WaitAll(tasks.ToArray());
        return results;
    }
}

public static class ReportWriter
{
    public static void WriteAll(string folder, IReadOnlyList<IntersectionStats> stats)
    {
        Directory.CreateDirectory(folder);
        using var pending = new CountdownEvent(stats.Count);
        foreach (IntersectionStats s in stats)
        {
            ThreadPool.QueueUserWorkItem(_ =>
            {
                File.WriteAllText(Path.Combine(folder, $"x{s.Id:D3}.txt"),
                    $"intersection {s.Id}\nmean delay {s.MeanDelay:F2}\nmax queue {s.MaxQueue}\nserved {s.Served}\n");
                pending.Signal();
            });
        }
        pending.Wait();
    }
}

public static class Program
{
    public static void Main()
    {
        var rng = new Random(17);
        var intersections = Enumerable.Range(0, 48).Select(i =>
            new Intersection(i, 0.1 + rng.NextDouble() * 0.15, 0.08 + rng.NextDouble() * 0.15, 90, 40 + rng.Next(20))).ToList();

        var simulator = new NetworkSimulator(new DiscreteQueueModel(), workers: Environment.ProcessorCount);
        IntersectionStats[] stats = simulator.RunAll(intersections, seconds: 6 * 3600);
        ReportWriter.WriteAll(Path.Combine(Path.GetTempPath(), "traffic-reports"), stats);

        Console.WriteLine($"intersections {stats.Length}, served {stats.Sum(s => s.Served)}, worst max queue {stats.Max(s => s.MaxQueue)}");
        foreach (var s in stats.OrderByDescending(s => s.MeanDelay).Take(3))
            Console.WriteLine($"  #{s.Id}: mean delay {s.MeanDelay:F1} s, max queue {s.MaxQueue}");

        var corridors = Enumerable.Range(0, 8).Select(c =>
            new Corridor($"avenue-{c}", Enumerable.Range(0, 4).Select(_ => 20 + rng.NextDouble() * 40).ToArray(), Cycle: 90)).ToList();
        var tuned = new (int[] Offsets, int Bandwidth)[corridors.Count];
        Parallel.ForEach(Enumerable.Range(0, corridors.Count), c => tuned[c] = GreenWaveOptimizer.Tune(corridors[c]));
        for (int c = 0; c < corridors.Count; c++)
            Console.WriteLine($"{corridors[c].Name}: band {tuned[c].Bandwidth,2} s, offsets {string.Join("/", tuned[c].Offsets)}");
    }
}
