using System;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Threading;
using GilAnalyzers.Processes.Diagnostics;

namespace GilAnalyzers.Processes.Hosting;

/// <summary>
/// The generic worker process: answers the pool's requests (<see cref="Protocol"/>) on stdin/stdout, runs chunks of items through the
/// requested static method, and exits when its input closes or its parent process dies.
/// </summary>
internal static class WorkerHost
{
    public static int Run(string[] args)
    {
        StartupTrace.Mark("main");
        int parentPid = -1;
        bool isWorker = false;
        for (int i = 0; i < args.Length; i++)
        {
            if (args[i] == Protocol.WorkerFlag)
            {
                isWorker = true;
            }
            else if (args[i] == Protocol.ParentPidFlag && i + 1 < args.Length &&
                     int.TryParse(args[i + 1], NumberStyles.Integer, CultureInfo.InvariantCulture, out int pid))
            {
                parentPid = pid;
                i++;
            }
        }

        if (!isWorker)
        {
            Console.Error.WriteLine(
                "GilAnalyzers.Processes.dll is the worker host of GilAnalyzers.Processes.ProcessPool; " +
                "it is started by the pool and is not meant to be run by hand.");
            return 2;
        }

        // The frames own the real stdin/stdout; user code that prints or reads the console cannot reach them.
        (Stream input, Stream stdout) = FrameStreams.Open();

        if (parentPid > 0)
        {
            StartParentWatch(parentPid);
        }

        var output = new FrameOutput(stdout);
        var service = new WorkerService(output);
        service.Watchdog = new ItemWatchdog(output.NotifyItemTimedOut);
        StartupTrace.Mark("listening");
        try
        {
            // Requests are read here, one after the other; chunks and the initializer run on the service's
            // work thread, so the next request is read (and queued) while one runs.
            // Frames are read into rented arrays (a chunk of large items is megabytes); the service returns each.
            while (Protocol.ReadFramePooled(input, out int length) is byte[] frame)
            {
                service.Dispatch(frame, length);
            }
        }
        catch (Exception)
        {
            // The parent closed the pipe abruptly: nothing left to serve.
        }

        // Exit even if user code left foreground threads running.
        Environment.Exit(0);
        return 0;
    }

    private static void StartParentWatch(int parentPid)
    {
        // On Linux the parent-pid check needs nothing else, and its first read waits for the first tick (no file read
        // while the worker starts); elsewhere the parent's start time guards against a recycled pid (read once, off
        // the start-up path).
        var thread = new Thread(() =>
        {
            DateTime? parentStart = OperatingSystem.IsLinux() ? null : TryGetStartTime(parentPid);
            while (true)
            {
                Thread.Sleep(500);
                if (!IsParentAlive(parentPid, parentStart))
                {
                    Environment.Exit(3);
                }
            }
        })
        {
            IsBackground = true,
            Name = "GilAnalyzers.Processes parent watch",
        };
        thread.Start();
    }

    private static bool IsParentAlive(int parentPid, DateTime? parentStart)
    {
        if (OperatingSystem.IsLinux())
        {
            // When the parent dies the kernel re-parents this process at once (even while the parent is a zombie).
            int? ppid = ReadLinuxParentPid();
            if (ppid is int actual)
            {
                return actual == parentPid;
            }
        }

        try
        {
            using Process parent = Process.GetProcessById(parentPid);
            return !parent.HasExited && (parentStart is null || TryGetStartTime(parent) == parentStart);
        }
        catch (ArgumentException)
        {
            return false;
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }

    private static int? ReadLinuxParentPid()
    {
        try
        {
            // /proc/self/stat: "pid (comm) state ppid ..." — comm may contain spaces and parentheses.
            string stat = File.ReadAllText("/proc/self/stat");
            int close = stat.LastIndexOf(')');
            string[] fields = stat[(close + 2)..].Split(' ');
            return int.Parse(fields[1], CultureInfo.InvariantCulture);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException)
        {
            return null;
        }
    }

    private static DateTime? TryGetStartTime(int pid)
    {
        try
        {
            using Process p = Process.GetProcessById(pid);
            return TryGetStartTime(p);
        }
        catch (Exception ex) when (ex is ArgumentException or InvalidOperationException)
        {
            return null;
        }
    }

    private static DateTime? TryGetStartTime(Process p)
    {
        try
        {
            return p.StartTime;
        }
        catch (Exception ex) when (ex is InvalidOperationException or System.ComponentModel.Win32Exception or NotSupportedException)
        {
            return null;
        }
    }
}
