using System;
using System.Diagnostics;
using System.Threading;

namespace GilAnalyzers.Processes.Hosting;

/// <summary>
/// Watches the item the worker is running and reports it once when it runs past its timeout, so the
/// pool can kill this worker and blame exactly that item even inside a large chunk.
/// </summary>
internal sealed class ItemWatchdog
{
    private readonly Action<int> _report;
    private readonly object _gate = new();
    private Thread? _thread;
    private int _index = -1;
    private long _deadline;
    private bool _reported;

    public ItemWatchdog(Action<int> report) => _report = report;

    public void Start(int index, double timeoutMilliseconds)
    {
        lock (_gate)
        {
            _index = index;
            _deadline = Stopwatch.GetTimestamp() + (long)(timeoutMilliseconds * Stopwatch.Frequency / 1000.0);
            _reported = false;
            if (_thread is null)
            {
                _thread = new Thread(Run) { IsBackground = true, Name = "GilAnalyzers.Processes item watchdog" };
                _thread.Start();
            }
        }
    }

    public void Stop()
    {
        lock (_gate)
        {
            _index = -1;
        }
    }

    private void Run()
    {
        while (true)
        {
            Thread.Sleep(20);
            int late = -1;
            lock (_gate)
            {
                if (_index >= 0 && !_reported && Stopwatch.GetTimestamp() > _deadline)
                {
                    _reported = true;
                    late = _index;
                }
            }

            if (late >= 0)
            {
                try
                {
                    _report(late);
                }
                catch (Exception)
                {
                    // The pool's side is gone; the worker exits when its input closes.
                }
            }
        }
    }
}
