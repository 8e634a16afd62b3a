using System.Globalization;

/// <summary>
/// Samples the CPU time of every thread of this process from /proc/self/task/*/stat while a run is in progress
/// (Linux only), so the bench can report how the work was spread over threads independently of how busy the
/// machine is: the busiest thread's CPU time is a lower bound of the wall time on an idle machine.
/// </summary>
internal sealed class ThreadCpuSampler : IDisposable
{
    private static readonly double TicksPerSecond = 100; // USER_HZ on Linux
    private readonly Dictionary<string, long> _baseline = new();
    private readonly Dictionary<string, long> _last = new();
    private readonly Thread _thread;
    private volatile string? _self;
    private volatile bool _stop;

    private ThreadCpuSampler()
    {
        foreach (var (tid, ticks) in Read())
        {
            _baseline[tid] = ticks;
        }

        _thread = new Thread(Loop) { IsBackground = true, Name = "cpu-sampler" };
        _thread.Start();
    }

    public static bool Supported => Directory.Exists("/proc/self/task");

    public static ThreadCpuSampler? StartIfSupported() => Supported ? new ThreadCpuSampler() : null;

    /// <summary>CPU seconds per thread since the start (threads that ended keep their last sample).</summary>
    public IReadOnlyList<double> Stop()
    {
        _stop = true;
        _thread.Join();
        Sample();
        return _last
            .Where(kv => kv.Key != _self)
            .Select(kv => (kv.Value - (_baseline.TryGetValue(kv.Key, out var b) ? b : 0)) / TicksPerSecond)
            .Where(s => s > 0)
            .OrderByDescending(s => s)
            .ToList();
    }

    public void Dispose()
    {
        if (!_stop)
        {
            Stop();
        }
    }

    private void Loop()
    {
        try
        {
            // /proc/thread-self -> "<pid>/task/<tid>": the sampler's own CPU is not the sample's.
            _self = Path.GetFileName(new DirectoryInfo("/proc/thread-self").LinkTarget);
        }
        catch (IOException)
        {
            _self = null;
        }

        while (!_stop)
        {
            Sample();
            Thread.Sleep(20);
        }
    }

    private void Sample()
    {
        foreach (var (tid, ticks) in Read())
        {
            _last[tid] = ticks;
        }
    }

    private static IEnumerable<(string Tid, long Ticks)> Read()
    {
        string[] tasks;
        try
        {
            tasks = Directory.GetDirectories("/proc/self/task");
        }
        catch (IOException)
        {
            yield break;
        }

        foreach (var task in tasks)
        {
            string stat;
            try
            {
                stat = File.ReadAllText(Path.Combine(task, "stat"));
            }
            catch (Exception e) when (e is IOException || e is UnauthorizedAccessException)
            {
                continue; // the thread ended between listing and reading
            }

            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            if (fields.Length > 12
                && long.TryParse(fields[11], NumberStyles.Integer, CultureInfo.InvariantCulture, out var user)
                && long.TryParse(fields[12], NumberStyles.Integer, CultureInfo.InvariantCulture, out var system))
            {
                yield return (Path.GetFileName(task), user + system);
            }
        }
    }
}
