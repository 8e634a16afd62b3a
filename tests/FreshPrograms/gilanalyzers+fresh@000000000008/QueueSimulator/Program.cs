using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Threading.Channels;

namespace QueueSimulator;

public sealed record Scenario(int Id, int Servers, double ArrivalRate, double ServiceRate, uint Seed);

public sealed record ScenarioResult(int ScenarioId, double MeanWait, double P95Wait, double Utilisation);

/// <summary>The simulation team's reference numbers were produced with libc random(); we keep using it so results match.</summary>
internal static class NativeRandom
{
    public static readonly object Gate = new();

    [DllImport("libc.so.6", EntryPoint = "srandom")]
    public static extern void Seed(uint seed);

    [DllImport("libc.so.6", EntryPoint = "random")]
    private static extern int Random();

    public static double NextExponential(double rate) => -Math.Log(1.0 - Random() / 2147483648.0) / rate;
}

public sealed class ResultBook
{
    private readonly List<ScenarioResult> _results = new();

    [MethodImpl(MethodImplOptions.Synchronized)]
    public void Add(ScenarioResult result) => _results.Add(result);

    public IReadOnlyList<ScenarioResult> Ordered() => _results.OrderBy(r => r.ScenarioId).ToList();
}

public static class Program
{
    public static void Main()
    {
        var scenarios = new List<Scenario>();
        foreach (int servers in new[] { 2, 3, 4, 6 })
            foreach (double load in new[] { 0.6, 0.75, 0.85, 0.92, 0.97 })
                scenarios.Add(new Scenario(scenarios.Count, servers, servers * load, 1.0, 1000u + (uint)scenarios.Count));

        var book = new ResultBook();
        var lines = Channel.CreateUnbounded<string>(new UnboundedChannelOptions { SingleReader = true });
        string csv = Path.Combine(Path.GetTempPath(), $"queue-sim-{Environment.ProcessId}.csv");
        var writer = new Thread(() =>
        {
            using var file = new StreamWriter(csv);
            file.WriteLine("scenario,mean_wait,p95_wait,utilisation");
            while (lines.Reader.WaitToReadAsync().AsTask().GetAwaiter().GetResult())
                while (lines.Reader.TryRead(out string? line)) file.WriteLine(line);
        }) { Name = "csv-writer" };
        writer.Start();

        Parallel.ForEach(scenarios, scenario =>
        {
            ScenarioResult result;
            lock (NativeRandom.Gate)
            {
                NativeRandom.Seed(scenario.Seed);
                result = Simulate(scenario, customers: 60_000);
            }
            book.Add(result);
            lines.Writer.TryWrite($"{result.ScenarioId},{result.MeanWait:F4},{result.P95Wait:F4},{result.Utilisation:F4}");
        });
        lines.Writer.Complete();
        writer.Join();

        foreach (var r in book.Ordered().Where(r => r.ScenarioId % 5 == 4))
            Console.WriteLine($"scenario {r.ScenarioId,2}: mean wait {r.MeanWait:F3}, p95 {r.P95Wait:F3}, util {r.Utilisation:P1}");
        Console.WriteLine($"csv rows: {File.ReadAllLines(csv).Length - 1}");
        File.Delete(csv);
    }

    private static ScenarioResult Simulate(Scenario s, int customers)
    {
        var freeAt = new double[s.Servers];
        var waits = new double[customers];
        double clock = 0, busy = 0;
        for (int c = 0; c < customers; c++)
        {
            clock += NativeRandom.NextExponential(s.ArrivalRate);
            int server = 0;
            for (int k = 1; k < freeAt.Length; k++) if (freeAt[k] < freeAt[server]) server = k;
            double start = Math.Max(clock, freeAt[server]);
            double service = NativeRandom.NextExponential(s.ServiceRate);
            waits[c] = start - clock;
            freeAt[server] = start + service;
            busy += service;
        }
        double horizon = freeAt.Max();
        Array.Sort(waits);
        return new ScenarioResult(s.Id, waits.Average(), waits[(int)(customers * 0.95)], busy / (horizon * s.Servers));
    }
}
