using System.Diagnostics;
using System.Globalization;
using GilAnalyzers.Processes;

namespace GilAnalyzers.Processes.Bench;

/// <summary>
/// Prints the pool's fixed costs — cold worker start, warm round trip per item unchunked and chunked,
/// items per second — and the same figures for Python's ProcessPoolExecutor when python3 is present.
/// Usage: dotnet run -c Release --project bench/GilAnalyzers.Processes.Bench [-- --quick]
/// </summary>
public static class Program
{
    public static int Square(int x) => x * x;

    public static int Main(string[] args)
    {
        bool quick = args.Contains("--quick");
        int workers = Environment.ProcessorCount;
        int coldRounds = quick ? 3 : 7;
        int unchunkedItems = quick ? 2_000 : 10_000;
        int chunkedItems = quick ? 200_000 : 1_000_000;
        const int chunk = 1_000;

        Console.WriteLine($"GilAnalyzers.Processes pool benchmark — {Environment.ProcessorCount} cores, .NET {Environment.Version}, work = x*x on an int");
        Console.WriteLine();

        var rows = new List<(string Name, string Ours, string Python)>();

        // Cold start: a fresh pool, first item round trip (process start + runtime start + connection + one call).
        var cold = new List<double>();
        var coldCpu = new List<double>();
        for (int i = 0; i < coldRounds; i++)
        {
            using var pool = new ProcessPool(maxWorkers: 1);
            var sw = Stopwatch.StartNew();
            pool.Map<int, int>(Square, [1]);
            cold.Add(sw.Elapsed.TotalMilliseconds);
            using Process worker = Process.GetProcessById(pool.WorkerProcessIds[0]);
            coldCpu.Add(worker.TotalProcessorTime.TotalMilliseconds);
        }

        double coldAll;
        {
            using var pool = new ProcessPool(maxWorkers: workers);
            var sw = Stopwatch.StartNew();
            pool.Map<int, int>(Square, Enumerable.Range(0, workers));
            coldAll = sw.Elapsed.TotalMilliseconds;
        }

        // Warm: one worker → sequential round trip per item; all workers → throughput.
        double warmRt1, warmChunk1, warmRtN, warmChunkN;
        {
            using var pool = new ProcessPool(maxWorkers: 1);
            Warm(pool);
            warmRt1 = PerItemMicros(pool, unchunkedItems, 1);
            warmChunk1 = PerItemMicros(pool, chunkedItems, chunk);
        }

        {
            using var pool = new ProcessPool(maxWorkers: workers);
            Warm(pool);
            warmRtN = PerItemMicros(pool, unchunkedItems, 1);
            warmChunkN = PerItemMicros(pool, chunkedItems, chunk);
        }

        PythonFigures? py = RunPython(workers, coldRounds, unchunkedItems, chunkedItems, chunk);

        rows.Add(("cold start, 1 worker, first item (median ms)", Ms(Median(cold)), py is null ? "-" : Ms(py.ColdMs)));
        rows.Add(("  CPU time the worker spent on it (median ms)", Ms(Median(coldCpu)), "-"));
        rows.Add(($"cold start, {workers} workers, first {workers} items (ms)", Ms(coldAll), py is null ? "-" : Ms(py.ColdAllMs)));
        rows.Add(("warm round trip per item, unchunked, 1 worker (µs)", Us(warmRt1), py is null ? "-" : Us(py.Rt1Us)));
        rows.Add(($"warm per item, chunksize {chunk}, 1 worker (µs)", Us(warmChunk1), py is null ? "-" : Us(py.Chunk1Us)));
        rows.Add(($"warm per item, unchunked, {workers} workers (µs)", Us(warmRtN), py is null ? "-" : Us(py.RtNUs)));
        rows.Add(($"warm per item, chunksize {chunk}, {workers} workers (µs)", Us(warmChunkN), py is null ? "-" : Us(py.ChunkNUs)));
        rows.Add(($"items per second, unchunked, {workers} workers", PerSec(warmRtN), py is null ? "-" : PerSec(py.RtNUs)));
        rows.Add(($"items per second, chunksize {chunk}, {workers} workers", PerSec(warmChunkN), py is null ? "-" : PerSec(py.ChunkNUs)));

        int w0 = rows.Max(r => r.Name.Length);
        Console.WriteLine($"{"measure".PadRight(w0)}  {"GilAnalyzers.Processes",24}  {"Python ProcessPoolExecutor",27}");
        Console.WriteLine(new string('-', w0 + 2 + 24 + 2 + 27));
        foreach (var (name, ours, python) in rows)
        {
            Console.WriteLine($"{name.PadRight(w0)}  {ours,24}  {python,27}");
        }

        Console.WriteLine();
        Console.WriteLine($"load average at the end: {LoadAverage()} (figures stretch with load; the CPU row does not)");
        Console.WriteLine($"items: unchunked {unchunkedItems:N0}, chunked {chunkedItems:N0}; cold start = median of {coldRounds} fresh pools.");
        if (py is null)
        {
            Console.WriteLine("python3 not found (or failed): Python column left empty.");
        }
        else
        {
            Console.WriteLine($"Python: {py.Version}, start method '{py.StartMethod}', same work and item counts.");
        }

        return 0;
    }

    /// <summary>
    /// Runs both paths for a while so that tiered compilation has promoted the hot code in the parent and
    /// in the workers (it waits for ~30 calls and a quiet 100 ms); a warm pool is what a long-lived app has.
    /// </summary>
    private static void Warm(ProcessPool pool)
    {
        var sw = Stopwatch.StartNew();
        while (sw.Elapsed < TimeSpan.FromSeconds(2))
        {
            pool.Map<int, int>(Square, Enumerable.Range(0, 500), chunkSize: 1);
            pool.Map<int, int>(Square, Enumerable.Range(0, 20_000), chunkSize: 1_000);
        }
    }

    /// <summary>Median over 3 runs of the time per item.</summary>
    private static double PerItemMicros(ProcessPool pool, int items, int chunkSize)
    {
        int[] input = Enumerable.Range(0, items).ToArray();
        var runs = new List<double>();
        for (int r = 0; r < 3; r++)
        {
            var sw = Stopwatch.StartNew();
            int[] output = pool.Map<int, int>(Square, input, chunkSize);
            runs.Add(sw.Elapsed.TotalMicroseconds / items);
            if (output[^1] != input[^1] * input[^1])
            {
                throw new InvalidOperationException("wrong result");
            }
        }

        return Median(runs);
    }

    private sealed record PythonFigures(string Version, string StartMethod, double ColdMs, double ColdAllMs, double Rt1Us, double Chunk1Us, double RtNUs, double ChunkNUs);

    private static PythonFigures? RunPython(int workers, int coldRounds, int unchunked, int chunked, int chunk)
    {
        const string script = """
import sys, time, statistics, multiprocessing
from concurrent.futures import ProcessPoolExecutor

def square(x):
    return x * x

def per_item_us(ex, n, chunksize):
    runs = []
    for _ in range(3):
        t = time.perf_counter()
        out = list(ex.map(square, range(n), chunksize=chunksize))
        assert out[-1] == (n - 1) * (n - 1)
        runs.append((time.perf_counter() - t) * 1e6 / n)
    return statistics.median(runs)

def warm(ex):
    t = time.perf_counter()
    while time.perf_counter() - t < 2:
        list(ex.map(square, range(500), chunksize=1))
        list(ex.map(square, range(20000), chunksize=1000))

if __name__ == "__main__":
    workers, cold_rounds, unchunked, chunked, chunk = map(int, sys.argv[1:6])
    cold = []
    for _ in range(cold_rounds):
        t = time.perf_counter()
        with ProcessPoolExecutor(max_workers=1) as ex:
            ex.submit(square, 1).result()
            cold.append((time.perf_counter() - t) * 1e3)
    t = time.perf_counter()
    with ProcessPoolExecutor(max_workers=workers) as ex:
        list(ex.map(square, range(workers)))
        cold_all = (time.perf_counter() - t) * 1e3
    with ProcessPoolExecutor(max_workers=1) as ex:
        warm(ex)
        rt1 = per_item_us(ex, unchunked, 1)
        ch1 = per_item_us(ex, chunked, chunk)
    with ProcessPoolExecutor(max_workers=workers) as ex:
        warm(ex)
        rtn = per_item_us(ex, unchunked, 1)
        chn = per_item_us(ex, chunked, chunk)
    print(sys.version.split()[0], multiprocessing.get_start_method(), statistics.median(cold), cold_all, rt1, ch1, rtn, chn)
""";
        string path = Path.Combine(Path.GetTempPath(), "gil-pool-bench-" + Environment.ProcessId.ToString(CultureInfo.InvariantCulture) + ".py");
        try
        {
            File.WriteAllText(path, script);
            var psi = new ProcessStartInfo("python3") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            psi.ArgumentList.Add(path);
            foreach (int a in new[] { workers, coldRounds, unchunked, chunked, chunk })
            {
                psi.ArgumentList.Add(a.ToString(CultureInfo.InvariantCulture));
            }

            using Process p = Process.Start(psi)!;
            Task<string> err = p.StandardError.ReadToEndAsync();
            string output = p.StandardOutput.ReadToEnd();
            p.WaitForExit();
            if (p.ExitCode != 0)
            {
                Console.Error.WriteLine("python3 failed: " + err.Result);
                return null;
            }

            string[] f = output.Trim().Split(' ');
            double D(int i) => double.Parse(f[i], CultureInfo.InvariantCulture);
            return new PythonFigures(f[0], f[1], D(2), D(3), D(4), D(5), D(6), D(7));
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return null;
        }
        finally
        {
            File.Delete(path);
        }
    }

    private static string LoadAverage()
    {
        try
        {
            return string.Join(" ", File.ReadAllText("/proc/loadavg").Split(' ').Take(3));
        }
        catch (IOException)
        {
            return "n/a";
        }
    }

    private static double Median(List<double> xs)
    {
        var s = xs.Order().ToArray();
        return s.Length % 2 == 1 ? s[s.Length / 2] : (s[s.Length / 2 - 1] + s[s.Length / 2]) / 2;
    }

    private static string Ms(double v) => v.ToString("0.0", CultureInfo.InvariantCulture) + " ms";

    private static string Us(double v) => v.ToString(v < 10 ? "0.00" : "0.0", CultureInfo.InvariantCulture) + " µs";

    private static string PerSec(double usPerItem) => (1e6 / usPerItem).ToString("N0", CultureInfo.InvariantCulture);
}
