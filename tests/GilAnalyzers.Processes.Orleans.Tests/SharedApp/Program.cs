using GilAnalyzers.Processes;

namespace SharedApp;

/// <summary>Legacy encoder: a static scratch buffer makes it unsafe on two threads, fine in two processes.</summary>
public static class LegacyEncoder
{
    private static readonly byte[] s_scratch = new byte[4096];

    public static long Encode(int frame)
    {
        long sum = 0;
        for (int round = 0; round < 64; round++)
        {
            for (int i = 0; i < s_scratch.Length; i++)
            {
                s_scratch[i] = (byte)(s_scratch[i] * 31 + frame + i + round);
            }

            sum = sum * 1_000_003 + s_scratch[frame % s_scratch.Length];
        }

        Array.Clear(s_scratch);
        return sum;
    }

    /// <summary>The process that started the worker running this item: the app itself locally, a silo on a cluster.</summary>
    public static int WhoRuns(int frame)
    {
        string stat = File.ReadAllText("/proc/self/stat");
        return int.Parse(stat[(stat.LastIndexOf(')') + 2)..].Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture);
    }
}

public static class Program
{
    public static int Main(string[] args)
    {
        int frames = args.Length > 0 ? int.Parse(args[0], System.Globalization.CultureInfo.InvariantCulture) : 400;
        long[] encoded = ProcessPool.Shared.Map<int, long>(LegacyEncoder.Encode, Enumerable.Range(0, frames));
        long checksum = 17;
        foreach (long value in encoded)
        {
            checksum = unchecked(checksum * 31 + value);
        }

        int[] pids = ProcessPool.Shared.Map<int, int>(LegacyEncoder.WhoRuns, Enumerable.Range(0, 64), chunkSize: 1);
        Console.WriteLine("backend " + ProcessPool.Shared.Backend);
        Console.WriteLine("checksum " + checksum);
        Console.WriteLine("processes " + string.Join(",", pids.Distinct().Order()));
        return 0;
    }
}
