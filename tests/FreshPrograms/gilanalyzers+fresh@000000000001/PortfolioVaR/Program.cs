using System.Diagnostics;

namespace PortfolioVaR;

public sealed record Position(string Desk, string Instrument, double Quantity, double Price, double DailyVol);

public sealed record DeskRisk(string Desk, double ValueAtRisk, double ExpectedShortfall);

/// <summary>
/// End-of-day risk: historical-simulation VaR per trading desk. Each desk's scenarios are run on their own
/// worker thread (the risk server pins these threads in production).
/// </summary>
public sealed class RiskEngine
{
    private readonly IReadOnlyList<Position> _positions;
    private readonly double[][] _scenarioShocks;
    private readonly List<DeskRisk> _results = new();
    private readonly object _resultsLock = new();

    public RiskEngine(IReadOnlyList<Position> positions, int scenarios, int seed)
    {
        _positions = positions;
        var rng = new Random(seed);
        _scenarioShocks = new double[scenarios][];
        for (int s = 0; s < scenarios; s++)
        {
            _scenarioShocks[s] = new double[positions.Count];
            for (int p = 0; p < positions.Count; p++)
            {
                double u1 = 1.0 - rng.NextDouble(), u2 = rng.NextDouble();
                _scenarioShocks[s][p] = Math.Sqrt(-2 * Math.Log(u1)) * Math.Sin(2 * Math.PI * u2);
            }
        }
    }

    public IReadOnlyList<DeskRisk> Run()
    {
        var desks = _positions.Select(p => p.Desk).Distinct().ToList();
        var workers = new List<Thread>();
        foreach (var desk in desks)
        {
            var worker = new Thread(RunDesk) { Name = "risk-" + desk };
            workers.Add(worker);
            worker.Start(desk);
        }
        foreach (var worker in workers)
        {
            worker.Join();
        }
        return _results.OrderBy(r => r.Desk).ToList();
    }

    private void RunDesk(object? state)
    {
        var desk = (string)state!;
        var indices = Enumerable.Range(0, _positions.Count).Where(i => _positions[i].Desk == desk).ToArray();
        var pnl = new double[_scenarioShocks.Length];
        for (int s = 0; s < _scenarioShocks.Length; s++)
        {
            double total = 0;
            foreach (int i in indices)
            {
                var pos = _positions[i];
                // full revaluation with a convexity term, as the old risk system does it
                double shock = _scenarioShocks[s][i] * pos.DailyVol;
                double newPrice = pos.Price * Math.Exp(shock - 0.5 * pos.DailyVol * pos.DailyVol);
                total += pos.Quantity * (newPrice - pos.Price);
            }
            pnl[s] = total;
        }
        Array.Sort(pnl);
        int cut = (int)(pnl.Length * 0.01);
        var risk = new DeskRisk(desk, -pnl[cut], -pnl.Take(cut + 1).Average());

        lock (_resultsLock)
        {
            _results.Add(risk);
        }
    }
}

public static class Program
{
    public static void Main(string[] args)
    {
        int scenarios = args.Length > 0 ? int.Parse(args[0]) : 20_000;
        string[] desks = ["rates", "credit", "fx", "equity"];
        var rng = new Random(42);
        var positions = Enumerable.Range(0, 400)
            .Select(i => new Position(desks[i % desks.Length], $"INS{i:D4}", rng.Next(-500, 500), 20 + rng.NextDouble() * 80, 0.005 + rng.NextDouble() * 0.03))
            .ToList();

        var sw = Stopwatch.StartNew();
        var results = new RiskEngine(positions, scenarios, seed: 7).Run();
        foreach (var r in results)
        {
            Console.WriteLine($"{r.Desk,-7} VaR99 {r.ValueAtRisk,12:N0}  ES {r.ExpectedShortfall,12:N0}");
        }
        Console.WriteLine($"{scenarios} scenarios in {sw.ElapsedMilliseconds} ms");
    }
}
