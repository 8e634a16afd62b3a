using System;
using System.Diagnostics;
using System.Globalization;
using System.IO;

namespace GilAnalyzers.Harness.Running;

/// <summary>
/// The machine's CPU counters at one instant (Linux /proc): every core's busy time, gil-bench's own CPU, and the CPU of
/// the child processes gil-bench has reaped (the program runs of the harness, with their own reaped children).
/// </summary>
public readonly record struct CpuSnapshot(long BusyTicks, long SelfTicks, long ReapedChildrenTicks, long Timestamp);

/// <summary>
/// How busy the machine was with other work while gil-bench ran a program. Over one run: the busy CPU time of all
/// cores (/proc/stat) minus the run's own CPU (the child as reaped, /proc/self/stat cutime+cstime, or the shim's
/// figure with the program's own child processes if larger) and gil-bench's own, divided by the run's wall time:
/// the cores other processes took. Load averages (/proc/loadavg) are reported beside it; they lag and include
/// gil-bench's own builds, so the verdict rests on the per-run figure.
/// </summary>
public static class MachineLoad
{
    /// <summary>Linux reports /proc times in USER_HZ ticks, 100 per second on every mainstream architecture.</summary>
    public const double TicksPerSecond = 100;

    /// <summary>Figures are called not trustworthy when other processes took more than this share of the machine's cores on average.</summary>
    public const double UntrustworthyShareOfCores = 0.10;

    public static CpuSnapshot? Take()
    {
        try
        {
            if (!File.Exists("/proc/stat"))
            {
                return null;
            }

            string? cpuLine = null;
            using (var reader = new StreamReader("/proc/stat"))
            {
                cpuLine = reader.ReadLine();
            }

            var (self, children) = ParseSelfStat(File.ReadAllText("/proc/self/stat"));
            return new CpuSnapshot(ParseBusyTicks(cpuLine ?? ""), self, children, Stopwatch.GetTimestamp());
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException)
        {
            return null;
        }
    }

    /// <summary>
    /// Cores other processes used between two snapshots, given the run's own CPU as the shim measured it (program plus
    /// the child processes it started). Null when the counters are not available.
    /// </summary>
    public static double? OthersCores(CpuSnapshot? start, CpuSnapshot? end, double runOwnCpuMs)
    {
        if (start is not { } a || end is not { } b)
        {
            return null;
        }

        double seconds = Stopwatch.GetElapsedTime(a.Timestamp, b.Timestamp).TotalSeconds;
        if (seconds <= 0)
        {
            return null;
        }

        double busy = (b.BusyTicks - a.BusyTicks) / TicksPerSecond;
        double reaped = (b.ReapedChildrenTicks - a.ReapedChildrenTicks) / TicksPerSecond;
        double own = Math.Max(reaped, runOwnCpuMs / 1000) + (b.SelfTicks - a.SelfTicks) / TicksPerSecond;
        return Math.Round(Math.Max(0, busy - own) / seconds, 3);
    }

    /// <summary>gil-bench's own CPU plus that of the processes it started and reaped (restore, workspace host, builds) between two snapshots.</summary>
    public static double? CpuMs(CpuSnapshot? start, CpuSnapshot? end) =>
        start is { } a && end is { } b
            ? Math.Round((b.SelfTicks + b.ReapedChildrenTicks - a.SelfTicks - a.ReapedChildrenTicks) * 1000 / TicksPerSecond, 0)
            : null;

    /// <summary>The 1-minute load average, or null off Linux.</summary>
    public static double? LoadAverage()
    {
        try
        {
            return File.Exists("/proc/loadavg") ? ParseLoadAverage(File.ReadAllText("/proc/loadavg")) : null;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or FormatException)
        {
            return null;
        }
    }

    /// <summary>user + nice + system + irq + softirq + steal of the aggregate "cpu" line (idle and iowait are not busy).</summary>
    internal static long ParseBusyTicks(string cpuLine)
    {
        string[] f = cpuLine.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (f.Length < 5 || f[0] != "cpu")
        {
            throw new FormatException("not the aggregate cpu line of /proc/stat: " + cpuLine);
        }

        long Field(int i) => i < f.Length ? long.Parse(f[i], NumberStyles.Integer, CultureInfo.InvariantCulture) : 0;
        return Field(1) + Field(2) + Field(3) + Field(6) + Field(7) + Field(8);
    }

    /// <summary>utime + stime, and cutime + cstime, of /proc/self/stat (fields 14–17; the command name may hold spaces).</summary>
    internal static (long Self, long Children) ParseSelfStat(string stat)
    {
        string[] f = stat.Substring(stat.LastIndexOf(')') + 1).Split(' ', StringSplitOptions.RemoveEmptyEntries);
        long Field(int number) => long.Parse(f[number - 3], NumberStyles.Integer, CultureInfo.InvariantCulture);
        return (Field(14) + Field(15), Field(16) + Field(17));
    }

    internal static double ParseLoadAverage(string loadavg) =>
        double.Parse(loadavg.Split(' ', StringSplitOptions.RemoveEmptyEntries)[0], NumberStyles.Float, CultureInfo.InvariantCulture);
}
