namespace LandscapeErosionSim;

/// <summary>
/// Thermal + hydraulic erosion on a square heightfield. The grid is split into an upper and a lower half,
/// each advanced by its own thread; the halves meet at a barrier after every step.
/// </summary>
public sealed class ErosionSimulation
{
    private const double Talus = 0.8;
    private const double ThermalRate = 0.25;
    private readonly Heightfield _terrain;
    private readonly double[] _delta;
    private int _completedSteps;
    private double _sedimentUpper, _sedimentLower;

    public ErosionSimulation(Heightfield terrain)
    {
        _terrain = terrain;
        _delta = new double[terrain.Size * terrain.Size];
    }

    public int CompletedSteps => Volatile.Read(ref _completedSteps);
    public double SedimentMoved => _sedimentUpper + _sedimentLower;

    public void Run(int steps)
    {
        int mid = _terrain.Size / 2;
        var barrier = new StepBarrier(2);

        var upperHalf = new Thread(() =>
        {
            for (int s = 0; s < steps; s++)
            {
                _sedimentUpper += ErodeRows(1, mid);
                barrier.SignalAndWait();
                ApplyDelta(1, mid);
                barrier.SignalAndWait();
            }
        }) { Name = "erosion-upper" };

        var lowerHalf = new Thread(() =>
        {
            for (int s = 0; s < steps; s++)
            {
                _sedimentLower += ErodeRows(mid, _terrain.Size - 1);
                barrier.SignalAndWait();
                ApplyDelta(mid, _terrain.Size - 1);
                Interlocked.Increment(ref _completedSteps);
                barrier.SignalAndWait();
            }
        }) { Name = "erosion-lower" };

        upperHalf.Start();
        lowerHalf.Start();
        upperHalf.Join();
        lowerHalf.Join();
    }

    private double ErodeRows(int fromRow, int toRow)
    {
        int n = _terrain.Size;
        double moved = 0;
        Span<int> neighbours = stackalloc int[4];
        for (int y = fromRow; y < toRow; y++)
        {
            for (int x = 1; x < n - 1; x++)
            {
                int i = y * n + x;
                double h = _terrain[i];
                double maxDrop = 0, totalDrop = 0;
                neighbours[0] = i - 1; neighbours[1] = i + 1; neighbours[2] = i - n; neighbours[3] = i + n;
                foreach (int j in neighbours)
                {
                    double drop = h - _terrain[j];
                    if (drop > Talus) { totalDrop += drop; maxDrop = Math.Max(maxDrop, drop); }
                }
                if (totalDrop <= 0) { _delta[i] = 0; continue; }
                double amount = ThermalRate * (maxDrop - Talus);
                _delta[i] = -amount;
                moved += amount;
            }
        }
        return moved;
    }

    private void ApplyDelta(int fromRow, int toRow)
    {
        int n = _terrain.Size;
        for (int i = fromRow * n; i < toRow * n; i++)
        {
            _terrain[i] += _delta[i];
        }
    }
}

/// <summary>A reusable two-phase barrier (written before System.Threading.Barrier was available to us).</summary>
public sealed class StepBarrier(int participants)
{
    private readonly object _sync = new();
    private int _arrived;
    private long _generation;

    public void SignalAndWait()
    {
        lock (_sync)
        {
            long generation = _generation;
            if (++_arrived == participants)
            {
                _arrived = 0;
                _generation++;
                Monitor.PulseAll(_sync);
                return;
            }
            while (generation == _generation)
            {
                Monitor.Wait(_sync);
            }
        }
    }
}
