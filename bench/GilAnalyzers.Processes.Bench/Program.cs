using System.Diagnostics;
using System.Globalization;
using GilAnalyzers.Processes;

namespace GilAnalyzers.Processes.Bench;

/// <summary>
/// Prints the pool's fixed costs — cold worker start (with where it goes), warm round trip per item unchunked and
/// chunked, items per second, a 48 KiB byte[] there and back — beside the same figures for Python's
/// ProcessPoolExecutor with each start method (fork, forkserver, spawn) when python3 is present.
/// Usage: dotnet run -c Release --project bench/GilAnalyzers.Processes.Bench [-- --quick] [--large-only | --warm-only]
/// </summary>
public static class Program
{
    public static int Square(int x) => x * x;

    /// <summary>The 48 KiB payload row: the bytes go to the worker and come back unchanged.</summary>
    public static byte[] Echo(byte[] data) => data;

    /// <summary>The large double[] rows: the numbers go to the worker and come back unchanged.</summary>
    public static double[] EchoDoubles(double[] data) => data;

    private static readonly string[] s_milestones = ["spawn", "spawned", "main", "traced", "listening", "request", "resolved", "ran", "answered"];

    private static readonly string[] s_segments =
    [
        "process spawn (fork + exec of dotnet)",
        "host + runtime start, to the worker's Main",
        "(the trace's own set-up; untraced workers skip it)",
        "Main: frame descriptors, parent watch, work thread",
        "first request read and decoded",
        "load the work's assembly, resolve the method",
        "run the first chunk (decode, call, encode)",
        "answer back to the pool, pool reads it",
    ];

    public static int Main(string[] args)
    {
        bool quick = args.Contains("--quick");
        int workers = Environment.ProcessorCount;
        int coldRounds = quick ? 3 : 7;
        int unchunkedItems = quick ? 2_000 : 10_000;
        int chunkedItems = quick ? 200_000 : 1_000_000;
        int bytesItems = quick ? 200 : 1_000;
        const int chunk = 1_000;

        if (args.Contains("--warm-only"))
        {
            // Only the warm per-item rows, with the CPU they cost: for before/after comparisons of the pool's per-chunk code
            // on a loaded machine, where wall time stretches with the load and CPU time much less.
            WarmOnly(workers, unchunkedItems, chunkedItems, chunk);
            return 0;
        }

        if (args.Contains("--large-only"))
        {
            // Only the large-array rows, for quick comparisons.
            Console.WriteLine($"load average at the start: {LoadAverage()}");
            foreach ((string kind, int mib) in LargeRows)
            {
                var one = LargeRoundTrip(kind, mib, LargeCount(mib, quick));
                Console.WriteLine($"{mib,2} MiB {kind,-8} {Ms(one.Wall),10} (CPU of pool and worker {Ms(one.Cpu),9})");
            }

            Console.WriteLine($"load average at the end: {LoadAverage()}");
            return 0;
        }

        Console.WriteLine($"GilAnalyzers.Processes pool benchmark — {Environment.ProcessorCount} cores, .NET {Environment.Version}, work = x*x on an int");
        Console.WriteLine($"load average at the start: {LoadAverage()}");
        Console.WriteLine();

        // Cold start: a fresh pool, first item round trip (process start + runtime start + connection + one call),
        // measured untraced. Then as many traced rounds: the workers record their start-up milestones
        // (GIL_PROCESSES_STARTUP_TRACE) for the breakdown below, which then costs the worker a little more.
        var cold = new List<double>();
        var coldCpu = new List<double>();
        for (int i = 0; i < coldRounds; i++)
        {
            (double wall, double cpu, _) = ColdStart();
            cold.Add(wall);
            coldCpu.Add(cpu);
        }

        string traceDir = Directory.CreateTempSubdirectory("gil-pool-startup-").FullName;
        Environment.SetEnvironmentVariable("GIL_PROCESSES_STARTUP_TRACE", traceDir);
        var traced = new List<int>();
        for (int i = 0; i < coldRounds; i++)
        {
            traced.Add(ColdStart().Pid);
        }

        Environment.SetEnvironmentVariable("GIL_PROCESSES_STARTUP_TRACE", null);
        Thread.Sleep(200); // the pool writes its "answered" mark from a continuation
        List<(string Segment, double Wall, double? Cpu)> breakdown = StartupBreakdown(traceDir, traced);
        Directory.Delete(traceDir, recursive: true);

        // All workers at once, first item each: median of as many fresh pools.
        var coldAllRuns = new List<double>();
        for (int i = 0; i < coldRounds; i++)
        {
            using var pool = new ProcessPool(maxWorkers: workers);
            var sw = Stopwatch.StartNew();
            pool.Map<int, int>(Square, Enumerable.Range(0, workers));
            coldAllRuns.Add(sw.Elapsed.TotalMilliseconds);
        }

        double coldAll = Median(coldAllRuns);

        // Warm: one worker → sequential round trip per item; all workers → throughput.
        double warmRt1, warmChunk1, warmRtN, warmChunkN, bytes1;
        {
            using var pool = new ProcessPool(maxWorkers: 1);
            Warm(pool);
            warmRt1 = PerItemMicros(pool, unchunkedItems, 1);
            warmChunk1 = PerItemMicros(pool, chunkedItems, chunk);
            bytes1 = BytesRoundTripMicros(pool, bytesItems);
        }

        {
            using var pool = new ProcessPool(maxWorkers: workers);
            Warm(pool);
            warmRtN = PerItemMicros(pool, unchunkedItems, 1);
            warmChunkN = PerItemMicros(pool, chunkedItems, chunk);
        }

        // Large arrays, 1 MiB and 16 MiB, one worker, one array per round trip (docs/processes.md, "Large payloads").
        var large = new List<(string Name, (double Wall, double Cpu) Figures)>();
        foreach ((string kind, int mib) in LargeRows)
        {
            large.Add(($"{mib} MiB {kind} there and back, 1 worker (median ms)", LargeRoundTrip(kind, mib, LargeCount(mib, quick))));
        }

        string[] methods = ["fork", "forkserver", "spawn"];
        var py = new Dictionary<string, PythonFigures?>();
        foreach (string method in methods)
        {
            py[method] = RunPython(method, workers, coldRounds, unchunkedItems, chunkedItems, chunk, bytesItems);
        }

        var rows = new List<(string Name, string Ours, string Fork, string Forkserver, string Spawn)>();
        string P(string method, Func<PythonFigures, string> f) => py[method] is PythonFigures p ? f(p) : "-";
        void Row(string name, string ours, Func<PythonFigures, string> python) =>
            rows.Add((name, ours, P("fork", python), P("forkserver", python), P("spawn", python)));

        Row("cold start, 1 worker, first item (median ms)", Ms(Median(cold)), p => Ms(p.ColdMs));
        Row("  CPU time of the worker until then (median ms)", Ms(Median(coldCpu)), p => p.StartMethod == "forkserver" ? "-" : Ms(p.ColdCpuMs));
        Row($"cold start, {workers} workers, first {workers} items (median ms)", Ms(coldAll), p => Ms(p.ColdAllMs));
        Row("warm round trip per item, unchunked, 1 worker (µs)", Us(warmRt1), p => Us(p.Rt1Us));
        Row($"warm per item, chunksize {chunk}, 1 worker (µs)", Us(warmChunk1), p => Us(p.Chunk1Us));
        Row($"warm per item, unchunked, {workers} workers (µs)", Us(warmRtN), p => Us(p.RtNUs));
        Row($"warm per item, chunksize {chunk}, {workers} workers (µs)", Us(warmChunkN), p => Us(p.ChunkNUs));
        Row($"items per second, unchunked, {workers} workers", PerSec(warmRtN), p => PerSec(p.RtNUs));
        Row($"items per second, chunksize {chunk}, {workers} workers", PerSec(warmChunkN), p => PerSec(p.ChunkNUs));
        Row("48 KiB byte[] there and back, unchunked, 1 worker (µs)", Us(bytes1), p => Us(p.Bytes1Us));
        for (int i = 0; i < large.Count; i++)
        {
            int at = i;
            Row(large[i].Name, Ms(large[i].Figures.Wall), p => Ms(p.LargeMs[at]));
            Row("  CPU of pool and worker per round trip (mean ms)", Ms(large[i].Figures.Cpu), _ => "-");
        }

        int w0 = rows.Max(r => r.Name.Length);
        const int w1 = 22, w2 = 13;
        Console.WriteLine($"{"measure".PadRight(w0)}  {"GilAnalyzers.Processes",w1}  {"Python fork",w2}  {"forkserver",w2}  {"spawn",w2}");
        Console.WriteLine(new string('-', w0 + 2 + w1 + 3 * (2 + w2)));
        foreach (var (name, ours, fork, forkserver, spawn) in rows)
        {
            Console.WriteLine($"{name.PadRight(w0)}  {ours,w1}  {fork,w2}  {forkserver,w2}  {spawn,w2}");
        }

        Console.WriteLine();
        Console.WriteLine($"Where a worker's cold start goes (median over {traced.Count} more fresh pools, traced; wall time of each step, and the worker's CPU in it):");
        Console.WriteLine($"  {"step",-50}  {"wall",9}  {"worker CPU",10}");
        foreach (var (segment, wall, cpu) in breakdown)
        {
            Console.WriteLine($"  {segment,-50}  {Ms(wall),9}  {(cpu is double c ? Ms(c) : "-"),10}");
        }

        Console.WriteLine();
        Console.WriteLine($"load average at the end: {LoadAverage()} (wall-clock figures stretch with load; CPU figures much less)");
        Console.WriteLine($"items: unchunked {unchunkedItems:N0}, chunked {chunkedItems:N0}, 48 KiB frames {bytesItems:N0}; cold start = median of {coldRounds} fresh pools.");
        Console.WriteLine($"large arrays: {(quick ? "10 of 1 MiB, 3 of 16 MiB" : "40 of 1 MiB, 8 of 16 MiB")} per row, one per round trip, median; Python's double[] is array.array('d') (pickled as its bytes).");
        if (py.Values.FirstOrDefault(p => p is not null) is not PythonFigures any)
        {
            Console.WriteLine("python3 not found (or failed): Python columns left empty.");
        }
        else
        {
            Console.WriteLine($"Python {any.Version}: concurrent.futures.ProcessPoolExecutor(mp_context=get_context(method)), same work and item counts;");
            Console.WriteLine("its worker CPU is what the pool's child processes used until the first result (RUSAGE_CHILDREN after shutdown);");
            Console.WriteLine("forkserver's workers are children of the server, not of the pool's process, so that is not seen ('-').");
        }

        return 0;
    }

    /// <summary>A fresh one-worker pool, its first item: wall time, the worker's CPU time until then, its PID.</summary>
    private static (double Wall, double Cpu, int Pid) ColdStart()
    {
        // The pool is disposed (its worker exits and writes its trace) before the next round starts.
        using var pool = new ProcessPool(maxWorkers: 1);
        var sw = Stopwatch.StartNew();
        pool.Map<int, int>(Square, [1]);
        double wall = sw.Elapsed.TotalMilliseconds;
        using Process worker = Process.GetProcessById(pool.WorkerProcessIds[0]);
        return (wall, CpuMilliseconds(worker), worker.Id);
    }

    /// <summary>
    /// CPU time of a process so far. On Linux the sum over its threads of /proc/PID/task/TID/schedstat (nanoseconds);
    /// Process.TotalProcessorTime counts clock ticks of 10 ms, too coarse for a start-up of a few tens of milliseconds.
    /// </summary>
    private static double CpuMilliseconds(Process process)
    {
        try
        {
            long ns = 0;
            foreach (string task in Directory.EnumerateDirectories($"/proc/{process.Id}/task"))
            {
                ns += long.Parse(File.ReadAllText(Path.Combine(task, "schedstat")).Split(' ')[0], CultureInfo.InvariantCulture);
            }

            return ns / 1e6;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or FormatException)
        {
            return process.TotalProcessorTime.TotalMilliseconds;
        }
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

    /// <summary>
    /// The four warm per-item rows (1 and all workers, unchunked and chunked), each the median of 7 maps after a warm-up:
    /// wall time per item, and CPU time per item of this process and of the workers together (their threads' run time).
    /// </summary>
    private static void WarmOnly(int workers, int unchunkedItems, int chunkedItems, int chunk)
    {
        Console.WriteLine($"load average at the start: {LoadAverage()}");
        Console.WriteLine($"{"row",-44}  {"wall/item",10}  {"CPU/item (pool + workers)",26}");
        foreach (int w in new[] { 1, workers })
        {
            using var pool = new ProcessPool(maxWorkers: w);
            Warm(pool);
            foreach ((int items, int size, string name) in new[] { (unchunkedItems, 1, "unchunked"), (chunkedItems, chunk, $"chunksize {chunk}") })
            {
                int[] input = Enumerable.Range(0, items).ToArray();
                var walls = new List<double>();
                var cpus = new List<double>();
                using Process self = Process.GetCurrentProcess();
                for (int r = 0; r < 7; r++)
                {
                    Process[] running = [.. pool.WorkerProcessIds.Select(Process.GetProcessById)];
                    double cpuBefore = CpuMilliseconds(self) + running.Sum(CpuMilliseconds);
                    var sw = Stopwatch.StartNew();
                    int[] output = pool.Map<int, int>(Square, input, size);
                    walls.Add(sw.Elapsed.TotalMicroseconds / items);
                    cpus.Add((CpuMilliseconds(self) + running.Sum(CpuMilliseconds) - cpuBefore) * 1000 / items);
                    if (output[^1] != input[^1] * input[^1])
                    {
                        throw new InvalidOperationException("wrong result");
                    }

                    foreach (Process p in running)
                    {
                        p.Dispose();
                    }
                }

                Console.WriteLine($"{$"warm per item, {name}, {w} worker{(w == 1 ? "" : "s")}",-44}  {Us(Median(walls)),10}  {Us(Median(cpus)),26}");
            }
        }

        Console.WriteLine($"load average at the end: {LoadAverage()}");
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

    /// <summary>Median over 3 runs of the time per 48 KiB frame sent to one worker and back, unchunked.</summary>
    private static double BytesRoundTripMicros(ProcessPool pool, int items)
    {
        var random = new Random(48);
        byte[][] frames = Enumerable.Range(0, items).Select(_ => { var b = new byte[48 * 1024]; random.NextBytes(b); return b; }).ToArray();
        pool.Map<byte[], byte[]>(Echo, frames.Take(50), chunkSize: 1);
        var runs = new List<double>();
        for (int r = 0; r < 3; r++)
        {
            var sw = Stopwatch.StartNew();
            byte[][] back = pool.Map<byte[], byte[]>(Echo, frames, chunkSize: 1);
            runs.Add(sw.Elapsed.TotalMicroseconds / items);
            if (!back[^1].AsSpan().SequenceEqual(frames[^1]))
            {
                throw new InvalidOperationException("wrong bytes");
            }
        }

        return Median(runs);
    }

    private static readonly (string Kind, int Mib)[] LargeRows = [("byte[]", 1), ("byte[]", 16), ("double[]", 1), ("double[]", 16)];

    private static int LargeCount(int mib, bool quick) => quick ? (mib == 1 ? 10 : 3) : (mib == 1 ? 40 : 8);

    /// <summary>
    /// Median time of one large array (byte[] or double[] of <paramref name="mib"/> MiB) to one warm worker and back, over
    /// <paramref name="count"/> arrays sent one per round trip (each checked equal when it is back), and the mean CPU time
    /// per round trip of the parent and the worker together (their threads' run time, /proc/PID/task/TID/schedstat,
    /// result checks included), which a loaded machine stretches much less than wall time.
    /// </summary>
    private static (double Wall, double Cpu) LargeRoundTrip(string kind, int mib, int count)
    {
        var random = new Random(mib);
        var runs = new List<double>();
        double cpu;
        using (var pool = new ProcessPool(maxWorkers: 1))
        {
            using Process self = Process.GetCurrentProcess();
            Process? worker = null;
            double cpuBefore = 0;
            void StartCpu()
            {
                worker ??= Process.GetProcessById(pool.WorkerProcessIds[0]);
                cpuBefore = CpuMilliseconds(self) + CpuMilliseconds(worker);
            }

            if (kind == "byte[]")
            {
                byte[][] arrays = [.. Enumerable.Range(0, count).Select(_ => { var b = new byte[mib << 20]; random.NextBytes(b); return b; })];
                pool.Map<byte[], byte[]>(Echo, arrays.Take(2), chunkSize: 1);
                StartCpu();
                foreach (byte[] one in arrays)
                {
                    var sw = Stopwatch.StartNew();
                    byte[] back = pool.Map<byte[], byte[]>(Echo, [one])[0];
                    runs.Add(sw.Elapsed.TotalMilliseconds);
                    if (!back.AsSpan().SequenceEqual(one))
                    {
                        throw new InvalidOperationException("wrong bytes");
                    }
                }
            }
            else
            {
                double[][] arrays = [.. Enumerable.Range(0, count).Select(_ => { var d = new double[(mib << 20) / sizeof(double)]; for (int i = 0; i < d.Length; i++) d[i] = random.NextDouble(); return d; })];
                pool.Map<double[], double[]>(EchoDoubles, arrays.Take(2), chunkSize: 1);
                StartCpu();
                foreach (double[] one in arrays)
                {
                    var sw = Stopwatch.StartNew();
                    double[] back = pool.Map<double[], double[]>(EchoDoubles, [one])[0];
                    runs.Add(sw.Elapsed.TotalMilliseconds);
                    if (!back.AsSpan().SequenceEqual(one))
                    {
                        throw new InvalidOperationException("wrong doubles");
                    }
                }
            }

            // Includes the result checks in the parent.
            cpu = (CpuMilliseconds(self) + CpuMilliseconds(worker!) - cpuBefore) / count;
            worker!.Dispose();
        }

        return (Median(runs), cpu);
    }

    /// <summary>Medians of the steps between the start-up milestones of the traced workers.</summary>
    private static List<(string Segment, double Wall, double? Cpu)> StartupBreakdown(string dir, List<int> pids)
    {
        var wall = new List<double>[s_segments.Length];
        var cpu = new List<double>[s_segments.Length];
        for (int i = 0; i < s_segments.Length; i++)
        {
            wall[i] = [];
            cpu[i] = [];
        }

        foreach (int pid in pids)
        {
            string file = Path.Combine(dir, pid.ToString(CultureInfo.InvariantCulture) + ".txt");
            if (!File.Exists(file))
            {
                continue;
            }

            var marks = new Dictionary<string, (long Ticks, long CpuMicros)>();
            foreach (string line in File.ReadAllLines(file))
            {
                string[] f = line.Split(' ');
                marks.TryAdd(f[0], (long.Parse(f[1], CultureInfo.InvariantCulture), long.Parse(f[2], CultureInfo.InvariantCulture)));
            }

            long lastCpu = 0;
            for (int i = 0; i < s_segments.Length; i++)
            {
                if (marks.TryGetValue(s_milestones[i], out var from) && marks.TryGetValue(s_milestones[i + 1], out var to))
                {
                    wall[i].Add((to.Ticks - from.Ticks) * 1000.0 / Stopwatch.Frequency);
                    if (to.CpuMicros >= 0)
                    {
                        cpu[i].Add((to.CpuMicros - lastCpu) / 1000.0);
                        lastCpu = to.CpuMicros;
                    }
                }
            }
        }

        var rows = new List<(string, double, double?)>();
        for (int i = 0; i < s_segments.Length; i++)
        {
            if (wall[i].Count > 0)
            {
                rows.Add((s_segments[i], Median(wall[i]), cpu[i].Count > 0 ? Median(cpu[i]) : null));
            }
        }

        return rows;
    }

    private sealed record PythonFigures(string Version, string StartMethod, double ColdMs, double ColdCpuMs, double ColdAllMs, double Rt1Us, double Chunk1Us, double RtNUs, double ChunkNUs, double Bytes1Us, double[] LargeMs);

    private static PythonFigures? RunPython(string method, int workers, int coldRounds, int unchunked, int chunked, int chunk, int bytesItems)
    {
        const string script = """
import sys, os, time, statistics, resource, multiprocessing, random, array
from concurrent.futures import ProcessPoolExecutor

def square(x):
    return x * x

def echo(b):
    return b

def per_item_us(ex, fn, items, chunksize, check):
    runs = []
    for _ in range(3):
        t = time.perf_counter()
        out = list(ex.map(fn, items, chunksize=chunksize))
        assert check(out)
        runs.append((time.perf_counter() - t) * 1e6 / len(items))
    return statistics.median(runs)

def warm(ex):
    t = time.perf_counter()
    while time.perf_counter() - t < 2:
        list(ex.map(square, range(500), chunksize=1))
        list(ex.map(square, range(20000), chunksize=1000))

def children_cpu_ms():
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (r.ru_utime + r.ru_stime) * 1e3

if __name__ == "__main__":
    method = sys.argv[1]
    workers, cold_rounds, unchunked, chunked, chunk, nbytes = map(int, sys.argv[2:8])
    ctx = multiprocessing.get_context(method)
    cold, cold_cpu = [], []
    for _ in range(cold_rounds):
        before = children_cpu_ms()
        t = time.perf_counter()
        with ProcessPoolExecutor(max_workers=1, mp_context=ctx) as ex:
            ex.submit(square, 1).result()
            cold.append((time.perf_counter() - t) * 1e3)
        cold_cpu.append(children_cpu_ms() - before)
    cold_alls = []
    for _ in range(cold_rounds):
        t = time.perf_counter()
        with ProcessPoolExecutor(max_workers=workers, mp_context=ctx) as ex:
            list(ex.map(square, range(workers)))
            cold_alls.append((time.perf_counter() - t) * 1e3)
    cold_all = statistics.median(cold_alls)
    frames = [os.urandom(48 * 1024) for _ in range(nbytes)]
    with ProcessPoolExecutor(max_workers=1, mp_context=ctx) as ex:
        warm(ex)
        rt1 = per_item_us(ex, square, range(unchunked), 1, lambda o: o[-1] == (unchunked - 1) ** 2)
        ch1 = per_item_us(ex, square, range(chunked), chunk, lambda o: o[-1] == (chunked - 1) ** 2)
        list(ex.map(echo, frames[:50]))
        by1 = per_item_us(ex, echo, frames, 1, lambda o: o[-1] == frames[-1])
        large = []
        for kind, mib in (("bytes", 1), ("bytes", 16), ("doubles", 1), ("doubles", 16)):
            count = (40 if mib == 1 else 8) if nbytes >= 1000 else (10 if mib == 1 else 3)
            if kind == "bytes":
                arrays = [os.urandom(mib << 20) for _ in range(count)]
            else:
                rnd = random.Random(mib)
                arrays = [array.array("d", (rnd.random() for _ in range((mib << 20) // 8))) for _ in range(count)]
            ex.submit(echo, arrays[0]).result()
            runs = []
            for a in arrays:
                t = time.perf_counter()
                back = ex.submit(echo, a).result()
                runs.append((time.perf_counter() - t) * 1e3)
                assert back == a
            large.append(statistics.median(runs))
    with ProcessPoolExecutor(max_workers=workers, mp_context=ctx) as ex:
        warm(ex)
        rtn = per_item_us(ex, square, range(unchunked), 1, lambda o: o[-1] == (unchunked - 1) ** 2)
        chn = per_item_us(ex, square, range(chunked), chunk, lambda o: o[-1] == (chunked - 1) ** 2)
    print(sys.version.split()[0], method, statistics.median(cold), statistics.median(cold_cpu), cold_all, rt1, ch1, rtn, chn, by1, *large)
""";
        string path = Path.Combine(Path.GetTempPath(), "gil-pool-bench-" + Environment.ProcessId.ToString(CultureInfo.InvariantCulture) + ".py");
        try
        {
            File.WriteAllText(path, script);
            var psi = new ProcessStartInfo("python3") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            psi.ArgumentList.Add(path);
            psi.ArgumentList.Add(method);
            foreach (int a in new[] { workers, coldRounds, unchunked, chunked, chunk, bytesItems })
            {
                psi.ArgumentList.Add(a.ToString(CultureInfo.InvariantCulture));
            }

            using Process p = Process.Start(psi)!;
            Task<string> err = p.StandardError.ReadToEndAsync();
            string output = p.StandardOutput.ReadToEnd();
            p.WaitForExit();
            if (p.ExitCode != 0)
            {
                Console.Error.WriteLine($"python3 ({method}) failed: " + err.Result);
                return null;
            }

            string[] f = output.Trim().Split(' ');
            double D(int i) => double.Parse(f[i], CultureInfo.InvariantCulture);
            return new PythonFigures(f[0], f[1], D(2), D(3), D(4), D(5), D(6), D(7), D(8), D(9), [D(10), D(11), D(12), D(13)]);
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
