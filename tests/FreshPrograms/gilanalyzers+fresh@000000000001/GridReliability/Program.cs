using System.Diagnostics;

namespace GridReliability;

/// <summary>
/// Library used by the planning tools: sequential Monte Carlo estimate of customer-minutes lost per year
/// for a radial feeder (components in series; any failure interrupts the feeder until repaired).
/// </summary>
public static class OutageSimulator
{
    private static int _simulationsRun;

    public static int SimulationsRun => _simulationsRun;

    public static double ExpectedOutageHours(Feeder feeder, int years, int seed)
    {
        lock (typeof(OutageSimulator))
        {
            _simulationsRun++;
        }

        // Kept exclusive since the first release; the planning GUI called this from a timer and a button.
        lock (typeof(Feeder))
        {
            var rng = new Random(seed);
            double outage = 0;
            for (int y = 0; y < years; y++)
            {
                foreach (var component in feeder.Series)
                {
                    // time to first failure this year, exponential; then possibly more failures
                    double t = -Math.Log(1 - rng.NextDouble()) / component.FailureRatePerYear * 8760;
                    while (t < 8760)
                    {
                        double repair = component.RepairHours * (0.5 + rng.NextDouble());
                        outage += repair;
                        t += repair - Math.Log(1 - rng.NextDouble()) / component.FailureRatePerYear * 8760;
                    }
                }
            }
            return outage / years;
        }
    }
}

public static class Program
{
    public static void Main(string[] args)
    {
        int years = args.Length > 0 ? int.Parse(args[0]) : 20_000;
        var rng = new Random(3);
        var feeders = Enumerable.Range(0, 24).Select(f => new Feeder(
            $"F{f:D2}",
            Enumerable.Range(0, 10 + rng.Next(20)).Select(c => new Component(
                $"F{f:D2}-C{c:D2}", 0.02 + rng.NextDouble() * 0.2, 2 + rng.NextDouble() * 10)).ToList())).ToList();

        var sw = Stopwatch.StartNew();
        var hours = new double[feeders.Count];
        Parallel.For(0, feeders.Count, i => hours[i] = OutageSimulator.ExpectedOutageHours(feeders[i], years, seed: i));

        for (int i = 0; i < feeders.Count; i += 6)
        {
            Console.WriteLine($"{feeders[i].Name}: {feeders[i].Series.Count} components, {hours[i]:F2} h/yr expected outage");
        }
        Console.WriteLine($"{OutageSimulator.SimulationsRun} feeders x {years} years in {sw.ElapsedMilliseconds} ms");
    }
}
