using System;
using System.Linq;
using System.Threading;
using GilAnalyzers.Processes;

namespace GilAnalyzers.Processes.TestParent;

public static class Program
{
    /// <summary>Usage: TestParent workers N — starts N workers, prints "WORKERS pid..." and waits forever.</summary>
    public static int Main(string[] args)
    {
        if (args.Length == 2 && args[0] == "exit-without-dispose" && int.TryParse(args[1], out int m))
        {
            // Returns from Main with live workers and no Dispose: process exit must not leave them behind.
            var pool = new ProcessPool(maxWorkers: m);
            pool.Map<int, int>(SlowPid, Enumerable.Range(0, m * 2));
            Console.WriteLine("WORKERS " + string.Join(" ", pool.WorkerProcessIds));
            Console.Out.Flush();
            return 0;
        }

        if (args.Length == 2 && args[0] == "workers" && int.TryParse(args[1], out int n))
        {
            var pool = new ProcessPool(maxWorkers: n);
            // Items that take a moment, so every worker gets one and all N start.
            int[] pids = pool.Map<int, int>(SlowPid, Enumerable.Range(0, n * 2));
            Console.WriteLine("WORKERS " + string.Join(" ", pool.WorkerProcessIds));
            Console.WriteLine("SEEN " + string.Join(" ", pids.Distinct()));
            Console.Out.Flush();
            Thread.Sleep(Timeout.Infinite);
            GC.KeepAlive(pool);
            return 0;
        }

        Console.Error.WriteLine("usage: GilAnalyzers.Processes.TestParent (workers | exit-without-dispose) N");
        return 2;
    }

    public static int SlowPid(int item)
    {
        Thread.Sleep(300);
        return Environment.ProcessId;
    }

    /// <summary>Used by the tests through Assembly.LoadFrom: the worker must load this assembly as a plugin.</summary>
    public static string Describe(int item) => $"{item}:{typeof(Program).Assembly.GetName().Name}:{Environment.ProcessId}";
}
