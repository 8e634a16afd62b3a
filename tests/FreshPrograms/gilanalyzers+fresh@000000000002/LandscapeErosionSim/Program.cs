using System.Diagnostics;

namespace LandscapeErosionSim;

internal static class Program
{
    private static void Main(string[] args)
    {
        int steps = args.Length > 0 ? int.Parse(args[0]) : 60;
        var terrain = Heightfield.Generate(size: 384, seed: 77);
        double before = terrain.Roughness();

        var sim = new ErosionSimulation(terrain);
        using (var reporter = new ProgressReporter(sim, TimeSpan.FromMilliseconds(200)))
        {
            var sw = Stopwatch.StartNew();
            sim.Run(steps);
            Console.WriteLine($"{steps} steps in {sw.ElapsedMilliseconds} ms");
        }

        Console.WriteLine($"roughness {before:F3} -> {terrain.Roughness():F3}, sediment moved {sim.SedimentMoved:F1}");
    }
}

/// <summary>Prints a status line from a timer callback while the simulation runs.</summary>
internal sealed class ProgressReporter : IDisposable
{
    private readonly ErosionSimulation _sim;
    private readonly Timer _timer;
    private readonly object _printLock = new();
    private int _lastPrinted = -1;

    public ProgressReporter(ErosionSimulation sim, TimeSpan period)
    {
        _sim = sim;
        _timer = new Timer(_ => Tick(), null, period, period);
    }

    private void Tick()
    {
        lock (_printLock)
        {
            int step = _sim.CompletedSteps;
            if (step == _lastPrinted) return;
            _lastPrinted = step;
            Console.WriteLine($"  step {step}");
        }
    }

    public void Dispose() => _timer.Dispose();
}
