namespace CallCenterSimulation;

record Scenario(string Name, int Agents, double ArrivalsPerMinute, double MeanHandleMinutes, string Skill);

record ScenarioResult(string Name, double MeanWaitSeconds, double ServiceLevel, long Calls);

sealed class SkillStats
{
    public long Calls;
    public double TotalWait;
}

sealed class Simulator
{
    private readonly Dictionary<string, SkillStats> _skillStats;
    public static long CallsSimulated;

    public Simulator(Dictionary<string, SkillStats> skillStats) => _skillStats = skillStats;

    public ScenarioResult Run(Scenario scenario, int days, int seed)
    {
        var rng = new Random(seed);
        long calls = 0, answeredIn20 = 0;
        double totalWait = 0;
        for (int day = 0; day < days; day++)
        {
            var agentFree = new PriorityQueue<int, double>();
            for (int a = 0; a < scenario.Agents; a++) agentFree.Enqueue(a, 0.0);
            double t = 0, dayWait = 0;
            int dayCalls = 0;
            while (true)
            {
                t += -Math.Log(1 - rng.NextDouble()) / scenario.ArrivalsPerMinute;
                if (t > 600) break;
                agentFree.TryDequeue(out int agent, out double freeAt);
                double start = Math.Max(t, freeAt);
                double handle = -Math.Log(1 - rng.NextDouble()) * scenario.MeanHandleMinutes;
                agentFree.Enqueue(agent, start + handle);
                double wait = (start - t) * 60;
                dayWait += wait;
                if (wait <= 20) answeredIn20++;
                dayCalls++;
            }
            calls += dayCalls;
            totalWait += dayWait;
            Interlocked.Add(ref CallsSimulated, dayCalls);

            var stats = _skillStats[scenario.Skill];
            lock (stats)
            {
                stats.Calls += dayCalls;
                stats.TotalWait += dayWait;
            }
        }
        return new ScenarioResult(scenario.Name, totalWait / calls, (double)answeredIn20 / calls, calls);
    }
}

class Program
{
    static Thread StartScenario(Simulator simulator, Scenario scenario, ScenarioResult[] results, int slot)
    {
        var thread = new Thread(() => results[slot] = simulator.Run(scenario, days: 600, seed: 1000 + slot))
        {
            Name = "scenario-" + scenario.Name,
        };
        thread.Start();
        return thread;
    }

    static void Main()
    {
        var scenarios = new List<Scenario>
        {
            new("billing-lean", 38, 4.2, 8.5, "billing"),
            new("billing-rich", 44, 4.2, 8.5, "billing"),
            new("tech-lean", 55, 5.1, 10.2, "tech"),
            new("tech-rich", 62, 5.1, 10.2, "tech"),
            new("sales-lean", 24, 3.0, 7.1, "sales"),
            new("sales-rich", 28, 3.0, 7.1, "sales"),
        };
        var skillStats = scenarios.Select(s => s.Skill).Distinct().ToDictionary(s => s, _ => new SkillStats());
        var simulator = new Simulator(skillStats);

        var samples = new List<long>();
        var stop = new ManualResetEventSlim(false);
        var sampler = new Thread(() =>
        {
            while (!stop.Wait(25))
                samples.Add(Interlocked.Read(ref Simulator.CallsSimulated));
        }) { IsBackground = true };
        sampler.Start();

        var results = new ScenarioResult[scenarios.Count];
        var threads = scenarios.Select((scenario, i) => StartScenario(simulator, scenario, results, i)).ToList();
        foreach (var thread in threads) thread.Join();

        stop.Set();
        sampler.Join();

        foreach (var r in results)
            Console.WriteLine($"{r.Name,-14} calls {r.Calls,8}  mean wait {r.MeanWaitSeconds,7:F1}s  within 20s {r.ServiceLevel:P1}");
        foreach (var (skill, s) in skillStats.OrderBy(kv => kv.Key))
            Console.WriteLine($"{skill,-8} mean wait {s.TotalWait / s.Calls:F1}s over {s.Calls} calls");
        Console.WriteLine($"progress samples taken: {(samples.Count > 0 ? "yes" : "no")}, total calls {Interlocked.Read(ref Simulator.CallsSimulated)}");
    }
}
