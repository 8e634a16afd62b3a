using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Threading;
using System.Threading.Tasks;

namespace GilAnalyzers.Harness.Diagnosing;

/// <summary>One sample of the timeline: time since the program was resumed, and cores busy in the interval ending there.</summary>
public sealed record TimelinePoint(double TMs, double EffectiveCores);

/// <summary>
/// Samples the CPU time of a process and all its descendants from /proc every ~50 ms (Linux), the
/// same sources the measurement shim reads (utime+stime of the live processes, cutime+cstime of
/// the reaped ones), and turns the deltas into an effective-cores timeline.
/// </summary>
public sealed class CpuTimeline
{
    private static readonly double TicksPerMs = 100 / 1000.0; // USER_HZ is 100 on every Linux build .NET runs on

    private readonly List<TimelinePoint> _points = new();

    public IReadOnlyList<TimelinePoint> Points => _points;

    public static bool Supported => OperatingSystem.IsLinux() && Directory.Exists("/proc");

    /// <summary>Samples the process tree under <paramref name="root"/> until it exits or the token fires.</summary>
    public async Task SampleAsync(int root, TimeSpan interval, CancellationToken cancellationToken)
    {
        if (!Supported)
        {
            return;
        }

        var clock = Stopwatch.StartNew();
        double lastCpu = TreeCpuMs(root);
        double lastT = 0;
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(interval, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                break;
            }

            double cpu = TreeCpuMs(root);
            double t = clock.Elapsed.TotalMilliseconds;
            if (cpu < 0)
            {
                break; // the process is gone: its last interval cannot be read any more
            }

            double dt = t - lastT;
            if (dt > 0)
            {
                _points.Add(new TimelinePoint(Math.Round(t, 1), Math.Round(Math.Max(0, cpu - lastCpu) / dt, 3)));
            }

            lastCpu = Math.Max(lastCpu, cpu);
            lastT = t;
        }
    }

    /// <summary>Mean effective cores over the sampled time (CPU over wall, not a mean of samples).</summary>
    public static double Mean(IReadOnlyList<TimelinePoint> points)
    {
        double cpu = 0, wall = 0, lastT = 0;
        foreach (TimelinePoint p in points)
        {
            double dt = p.TMs - lastT;
            cpu += p.EffectiveCores * dt;
            wall += dt;
            lastT = p.TMs;
        }

        return wall > 0 ? cpu / wall : 0;
    }

    /// <summary>Share of the sampled wall time during which fewer than <paramref name="threshold"/> cores were busy.</summary>
    public static double ShareBelow(IReadOnlyList<TimelinePoint> points, double threshold)
    {
        double below = 0, wall = 0, lastT = 0;
        foreach (TimelinePoint p in points)
        {
            double dt = p.TMs - lastT;
            wall += dt;
            if (p.EffectiveCores < threshold)
            {
                below += dt;
            }

            lastT = p.TMs;
        }

        return wall > 0 ? below / wall : 0;
    }

    /// <summary>CPU (ms) of the process, of its reaped children, and of its live descendants; -1 when the process is gone.</summary>
    internal static double TreeCpuMs(int root)
    {
        var parents = new Dictionary<int, int>();
        var cpu = new Dictionary<int, double>();
        double reaped = 0;
        bool rootSeen = false;
        foreach (string dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), NumberStyles.None, CultureInfo.InvariantCulture, out int pid))
            {
                continue;
            }

            long[]? f = ReadStat(pid);
            if (f is null)
            {
                continue;
            }

            parents[pid] = (int)f[1];
            cpu[pid] = (f[11] + f[12]) / TicksPerMs;
            if (pid == root)
            {
                rootSeen = f[0] != 'Z';
                reaped = (f[13] + f[14]) / TicksPerMs;
            }
        }

        if (!rootSeen)
        {
            return -1;
        }

        double total = reaped;
        foreach (var (pid, ms) in cpu)
        {
            int p = pid;
            for (int depth = 0; depth < 64 && p > 1; depth++)
            {
                if (p == root)
                {
                    total += ms;
                    break;
                }

                if (!parents.TryGetValue(p, out p))
                {
                    break;
                }
            }
        }

        return total;
    }

    /// <summary>Fields of /proc/PID/stat after the command name: [0]=state, [1]=ppid, [11]=utime, [12]=stime, [13]=cutime, [14]=cstime.</summary>
    private static long[]? ReadStat(int pid)
    {
        string text;
        try
        {
            text = File.ReadAllText("/proc/" + pid.ToString(CultureInfo.InvariantCulture) + "/stat");
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }

        int close = text.LastIndexOf(')');
        if (close < 0)
        {
            return null;
        }

        string[] parts = text.Substring(close + 2).Split(' ');
        if (parts.Length < 15)
        {
            return null;
        }

        var fields = new long[15];
        fields[0] = parts[0].Length > 0 ? parts[0][0] : 0;
        for (int i = 1; i < 15; i++)
        {
            long.TryParse(parts[i], NumberStyles.Integer, CultureInfo.InvariantCulture, out fields[i]);
        }

        return fields;
    }
}
