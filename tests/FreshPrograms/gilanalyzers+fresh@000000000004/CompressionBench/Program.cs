using System.Diagnostics;
using System.Text;

namespace CompressionBench;

static class Lz77
{
    // Greedy LZ77 with a brute-force window search; returns the encoded size in bytes.
    public static int EncodedSize(byte[] data, int window, int minMatch)
    {
        int size = 0, i = 0;
        while (i < data.Length)
        {
            int bestLen = 0;
            for (int j = Math.Max(0, i - window); j < i; j++)
            {
                int len = 0;
                while (i + len < data.Length && len < 258 && data[j + len] == data[i + len]) len++;
                if (len > bestLen) bestLen = len;
            }
            if (bestLen >= minMatch) { size += 3; i += bestLen; }
            else { size += 1; i++; }
        }
        return size;
    }
}

sealed class BenchResult
{
    public int Window;
    public int Bytes;
    public double Ratio;
}

static class Program
{
    static readonly object TotalsLock = new();
    static long _totalInput, _totalOutput;

    static Thread Spawn(string name, ThreadStart work)
    {
        var t = new Thread(work) { Name = name };
        t.Start();
        return t;
    }

    static void Main()
    {
        var sb = new StringBuilder();
        var rng = new Random(18);
        string[] fragments = { "GET /api/v1/orders/", " HTTP/1.1 200 ", "user-agent: curl/8.1", "\n", "{\"id\":", "}", "cache-hit", "timeout" };
        while (sb.Length < 160_000) sb.Append(fragments[rng.Next(fragments.Length)]).Append(rng.Next(1000));
        var corpus = Encoding.ASCII.GetBytes(sb.ToString());

        var samples = new List<long>();
        var sampler = new Thread(() =>
        {
            while (true)
            {
                lock (samples) samples.Add(GC.GetTotalMemory(false));
                Thread.Sleep(25);
            }
        }) { IsBackground = true, Name = "mem-sampler" };
        sampler.Start();

        int[] windows = { 64, 128, 256, 512 };
        var results = new BenchResult[windows.Length];
        var sw = Stopwatch.StartNew();
        var threads = new List<Thread>();
        for (int k = 0; k < windows.Length; k++)
        {
            int slot = k;
            threads.Add(Spawn($"lz-{windows[slot]}", () =>
            {
                int bytes = Lz77.EncodedSize(corpus, windows[slot], 4);
                results[slot] = new BenchResult { Window = windows[slot], Bytes = bytes, Ratio = (double)bytes / corpus.Length };
                AddTotals(corpus.Length, bytes);
            }));
        }
        foreach (var t in threads) t.Join();

        foreach (var r in results)
            Console.WriteLine($"window {r.Window,4}: {r.Bytes,7} bytes ({r.Ratio:P1})");
        Console.WriteLine($"total {_totalInput} -> {_totalOutput} in {sw.ElapsedMilliseconds} ms");
        lock (samples) Console.WriteLine($"memory samples: {samples.Count}, max {samples.DefaultIfEmpty().Max() / 1024} KiB");
    }

    static void AddTotals(long input, long output)
    {
        lock (TotalsLock)
        {
            _totalInput += input;
            _totalOutput += output;
        }
    }
}
