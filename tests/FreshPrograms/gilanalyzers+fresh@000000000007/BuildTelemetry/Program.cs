using System.Runtime.CompilerServices;

namespace BuildFarm.Telemetry;

public sealed class UnitCompiledEventArgs(string unit, double milliseconds, int outputSize) : EventArgs
{
    public string Unit { get; } = unit;
    public double Milliseconds { get; } = milliseconds;
    public int OutputSize { get; } = outputSize;
}

public sealed class FakeCompiler
{
    private readonly object _handlersSync = new();
    private EventHandler<UnitCompiledEventArgs>? _unitCompiled;

    public event EventHandler<UnitCompiledEventArgs>? UnitCompiled
    {
        add { lock (_handlersSync) { _unitCompiled += value; } }
        remove { lock (_handlersSync) { _unitCompiled -= value; } }
    }

    public void Compile(string unit, int complexity)
    {
        // Stand-in for the real front end: tokenise and hash a synthetic source of the given size.
        ulong h = 1469598103934665603UL;
        int tokens = 0;
        for (int i = 0; i < complexity * 2000; i++)
        {
            char c = (char)('a' + (i * 7 + unit.Length) % 26);
            h = (h ^ c) * 1099511628211UL;
            if (c == 'e') tokens++;
        }
        double ms = 5 + (h % 1000) / 10.0 + complexity;
        _unitCompiled?.Invoke(this, new UnitCompiledEventArgs(unit, ms, tokens));
    }
}

public sealed class DurationStats
{
    private readonly List<double> _samples = new();
    public double P50 { get; private set; }
    public double P90 { get; private set; }
    public double P99 { get; private set; }

    [MethodImpl(MethodImplOptions.Synchronized)]
    public void OnUnitCompiled(object? sender, UnitCompiledEventArgs e)
    {
        _samples.Add(e.Milliseconds);
        var sorted = _samples.ToArray();
        Array.Sort(sorted);
        P50 = sorted[sorted.Length / 2];
        P90 = sorted[(int)(sorted.Length * 0.9)];
        P99 = sorted[(int)(sorted.Length * 0.99)];
    }
}

public sealed class ProgressCounter
{
    private int _units;
    private long _output;

    public int Units => _units;
    public long Output => _output;

    public void OnUnitCompiled(object? sender, UnitCompiledEventArgs e)
    {
        lock (this)
        {
            _units++;
            _output += e.OutputSize;
        }
    }
}

public static class Program
{
    public static void Main()
    {
        var compiler = new FakeCompiler();
        var stats = new DurationStats();
        var progress = new ProgressCounter();
        compiler.UnitCompiled += stats.OnUnitCompiled;
        compiler.UnitCompiled += progress.OnUnitCompiled;

        var units = Enumerable.Range(0, 3000).Select(i => ($"src/module{i % 40}/file{i}.cs", 1 + i % 9)).ToArray();
        Parallel.ForEach(units, unit => compiler.Compile(unit.Item1, unit.Item2));

        Console.WriteLine($"units={progress.Units} tokens={progress.Output} p50={stats.P50:F1} p90={stats.P90:F1} p99={stats.P99:F1}");
    }
}
