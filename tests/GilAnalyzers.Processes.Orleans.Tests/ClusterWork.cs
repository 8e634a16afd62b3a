using System.Diagnostics;

namespace GilAnalyzers.Processes.Orleans.Tests;

/// <summary>Work methods the silos run (found in this test assembly through its deps.json).</summary>
public static class ClusterWork
{
    public static long Mix(int x)
    {
        ulong h = (ulong)x * 0x9E3779B97F4A7C15UL;
        for (int i = 0; i < 40; i++)
        {
            h = (h ^ (h >> 29)) * 0xBF58476D1CE4E5B9UL;
        }

        return (long)h;
    }

    /// <summary>~<paramref name="milliseconds"/> of CPU.</summary>
    public static void Spin(double milliseconds)
    {
        var watch = Stopwatch.StartNew();
        double sink = 0;
        while (watch.Elapsed.TotalMilliseconds < milliseconds)
        {
            for (int i = 0; i < 1000; i++)
            {
                sink += Math.Sqrt(i);
            }
        }

        GC.KeepAlive(sink);
    }

    /// <summary>The parent of this process: a silo runs items in its own worker processes.</summary>
    public static int ParentProcessId()
    {
        string stat = File.ReadAllText("/proc/self/stat");
        return int.Parse(stat[(stat.LastIndexOf(')') + 2)..].Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>The item's mix and the silo that ran it (the parent of the worker process).</summary>
    public static long[] MixOnSilo(int x) => [Mix(x), ParentProcessId()];

    /// <summary>~10 ms of CPU, then the item's mix and the process that ran it.</summary>
    public static long[] SlowMixOnSilo(int x)
    {
        Spin(10);
        return [Mix(x), ParentProcessId()];
    }

    /// <summary>Item 5 spins for a minute, the others return at once.</summary>
    public static int StuckAt5(int x)
    {
        if (x == 5)
        {
            Spin(60_000);
        }

        return x;
    }

    /// <summary><see cref="Environment.FailFast(string)"/> on item 41 (the silo's worker process running it dies); any other item comes back at once.</summary>
    public static int FailFastAt41(int x)
    {
        if (x == 41)
        {
            Environment.FailFast("deliberate crash for item " + x);
        }

        return x;
    }

    public static int FailAt37(int x) => x == 37 || x == 90 ? throw new InvalidOperationException($"item {x} is bad") : x;

    /// <summary>~100 ms of CPU, then a file named after the item in the folder: "folder|index".</summary>
    public static int SpinThenMark(string item)
    {
        Spin(100);
        string[] parts = item.Split('|');
        File.WriteAllText(Path.Combine(parts[0], parts[1]), "");
        return int.Parse(parts[1], System.Globalization.CultureInfo.InvariantCulture);
    }
}
