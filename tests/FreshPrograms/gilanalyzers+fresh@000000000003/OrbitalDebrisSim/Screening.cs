using System.Collections.Concurrent;

namespace OrbitalDebrisSim;

public sealed class ConjunctionScreen(double thresholdKm)
{
    public double ThresholdKm => thresholdKm;

    public List<Conjunction> Screen(StateVector[] states)
    {
        var found = new List<Conjunction>();
        var foundLock = new object();
        double limit2 = thresholdKm * thresholdKm;

        Parallel.For(0, states.Length, i =>
        {
            for (int j = i + 1; j < states.Length; j++)
            {
                double dx = states[i].X - states[j].X;
                double dy = states[i].Y - states[j].Y;
                double dz = states[i].Z - states[j].Z;
                double d2 = dx * dx + dy * dy + dz * dz;
                if (d2 < limit2)
                {
                    var hit = new Conjunction(i, j, Math.Sqrt(d2));
                    lock (foundLock)
                    {
                        found.Add(hit);
                    }
                }
            }
        });
        return found;
    }
}

// Keeps the run journal on its own thread so workers never wait on formatting.
public sealed class JournalWriter : IDisposable
{
    private readonly BlockingCollection<string> _queue = new();
    private readonly List<string> _lines = new();
    private readonly Thread _writer;

    public JournalWriter()
    {
        _writer = new Thread(() =>
        {
            foreach (var message in _queue.GetConsumingEnumerable())
            {
                _lines.Add($"[{_lines.Count + 1:D3}] {message}");
            }
        })
        { IsBackground = true, Name = "journal" };
        _writer.Start();
    }

    public IReadOnlyList<string> Lines => _lines;

    public void Post(string message) => _queue.Add(message);

    public void Complete()
    {
        _queue.CompleteAdding();
        _writer.Join();
    }

    public void Dispose()
    {
        if (!_queue.IsAddingCompleted)
        {
            Complete();
        }
        _queue.Dispose();
    }
}
