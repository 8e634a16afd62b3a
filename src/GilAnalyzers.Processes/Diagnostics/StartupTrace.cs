using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Runtime.InteropServices;

namespace GilAnalyzers.Processes.Diagnostics;

/// <summary>
/// Start-up milestones of worker processes, recorded only when the environment variable
/// <see cref="Variable"/> names a folder (the pool benchmark sets it): one file per worker,
/// <c>&lt;pid&gt;.txt</c>, one line per milestone — name, monotonic timestamp (Stopwatch ticks, the same
/// clock in the parent and the worker on Linux), CPU time of the process so far in microseconds. The pool
/// writes the worker's spawn to the same file. A worker keeps its milestones in memory and writes them when it
/// exits (its input closed, e.g. the pool disposed), so the trace adds no file I/O to the start-up it measures;
/// a worker that is killed leaves no trace. Off, it costs one environment read per worker process and one per
/// worker started.
/// </summary>
internal static class StartupTrace
{
    public const string Variable = "GIL_PROCESSES_STARTUP_TRACE";

    /// <summary>The milestone written right after a worker's first one, once the trace has set itself up.</summary>
    public const string TracedMilestone = "traced";

    private static readonly string? s_folder = ReadFolder();
    private static readonly List<string> s_pending = new();
    private static int s_marks;

    /// <summary>
    /// Whether the pool (the parent) traces the worker it is starting now: read at each start, so that a process can
    /// trace some of its pools and not others (the benchmark measures its cold starts untraced, then traced).
    /// </summary>
    public static bool Enabled => ReadFolder() is not null;

    /// <summary>Records a milestone of this process (the worker); written to the file when the process exits.</summary>
    public static void Mark(string name)
    {
        if (s_folder is not null)
        {
            long timestamp = Stopwatch.GetTimestamp();
            long cpu = CpuMicroseconds();
            lock (s_pending)
            {
                bool first = s_pending.Count == 0;
                s_pending.Add(Line(name, timestamp, cpu));
                if (first)
                {
                    AppDomain.CurrentDomain.ProcessExit += static (_, _) => Flush();

                    // What the trace itself cost the first time (a P/Invoke stub, the exit handler...), which an
                    // untraced worker does not pay: its own milestone, so no step of the start-up is charged with it.
                    s_pending.Add(Line(TracedMilestone, Stopwatch.GetTimestamp(), CpuMicroseconds()));
                }
            }
        }
    }

    /// <summary>Records a milestone once per process (the first request, the first chunk...).</summary>
    public static void MarkOnce(string name, int bit)
    {
        if (s_folder is not null && (System.Threading.Interlocked.Or(ref s_marks, 1 << bit) & (1 << bit)) == 0)
        {
            Mark(name);
        }
    }

    /// <summary>Records a milestone of a worker, from the pool (the parent).</summary>
    public static void MarkWorker(int workerPid, string name, long timestamp)
    {
        if (ReadFolder() is string folder)
        {
            Append(folder, workerPid, Line(name, timestamp, -1));
        }
    }

    private static string Line(string name, long timestamp, long cpuMicros) =>
        name + " " + timestamp.ToString(CultureInfo.InvariantCulture) + " " + cpuMicros.ToString(CultureInfo.InvariantCulture) + "\n";

    private static void Flush()
    {
        string text;
        lock (s_pending)
        {
            text = string.Concat(s_pending);
            s_pending.Clear();
        }

        Append(s_folder!, Environment.ProcessId, text);
    }

    private static void Append(string folder, int pid, string text)
    {
        try
        {
            File.AppendAllText(Path.Combine(folder, pid.ToString(CultureInfo.InvariantCulture) + ".txt"), text);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
        }
    }

    private static string? ReadFolder() =>
        Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } folder && Directory.Exists(folder) ? folder : null;

    private static long CpuMicroseconds()
    {
        if (OperatingSystem.IsLinux() && getrusage(0, out RUsage usage) == 0)
        {
            return (usage.UserSeconds + usage.SystemSeconds) * 1_000_000 + usage.UserMicros + usage.SystemMicros;
        }

        using Process self = Process.GetCurrentProcess();
        return (long)self.TotalProcessorTime.TotalMicroseconds;
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct RUsage
    {
        public long UserSeconds;
        public long UserMicros;
        public long SystemSeconds;
        public long SystemMicros;
        // maxrss ... nivcsw: 14 longs the trace does not read.
        private readonly long _1, _2, _3, _4, _5, _6, _7, _8, _9, _10, _11, _12, _13, _14;
    }

    [DllImport("libc", SetLastError = false)]
    private static extern int getrusage(int who, out RUsage usage);
}
