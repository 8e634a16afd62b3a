using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using GilAnalyzers.Processes;
using GilAnalyzers.Processes.Orleans;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Serialization;

// The cluster pool beside the local ProcessPool on the same work: ~5 ms CPU items and tiny items, items/s and per-item
// cost with 1, 2 and 3 silos (each silo: 2 worker processes), the round trip of one SubmitAsync, and the bytes a chunk
// puts on the wire. Usage: dotnet run -c Release --project bench/GilAnalyzers.Processes.Orleans.Bench -- [--cpu-items N] [--tiny-items N]
int cpuItems = Arg("--cpu-items", 400);
int tinyItems = Arg("--tiny-items", 20_000);
Console.WriteLine($"{Environment.ProcessorCount} cores, .NET {Environment.Version}, {cpuItems} CPU items of ~5 ms, {tinyItems} tiny items; load average at start: {LoadAverage()}");
Console.WriteLine("Each figure is the median of 3 runs. Client CPU: this process's CPU time (serialising, dispatching, collecting) per item.");
Console.WriteLine();
Console.WriteLine("Per chunk: 1,000 tiny items with chunkSize 1 (one round trip each, all lanes busy).");
Console.WriteLine();
Console.WriteLine("| backend | 5 ms items/s | wall per 5 ms item | tiny items/s | wall per tiny item | client CPU per tiny item | chunks/s (chunkSize 1) | client CPU per chunk | SubmitAsync round trip (median of 20) |");
Console.WriteLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|");

await using (var local = new ProcessPool(maxWorkers: 2))
{
    await local.WarmUpAsync();
    await Row("local ProcessPool (2 workers)", local);
}

var silos = new List<SiloProcess>();
string cluster = "bench" + Environment.ProcessId.ToString(CultureInfo.InvariantCulture);
int primary = FreePort();
try
{
    for (int count = 1; count <= 3; count++)
    {
        var options = new ClusterSiloOptions { SiloPort = count == 1 ? primary : FreePort(), GatewayPort = FreePort(), PrimarySiloPort = primary, Workers = 2, ClusterId = cluster, ServiceId = cluster };
        silos.Add(await SiloProcess.StartAsync(options));
        var poolOptions = new ClusterPoolOptions { ClusterId = cluster, ServiceId = cluster };
        poolOptions.Gateways.Add(new IPEndPoint(IPAddress.Loopback, silos[0].Options.GatewayPort));
        await using var pool = new ClusterPool(poolOptions);
        while ((await pool.GetSilosAsync()).Count < count)
        {
            await Task.Delay(200);
        }

        await pool.MapAsync<int, int>(Work.Tiny, Enumerable.Range(0, 2000)); // warm: every silo's worker processes started
        await Row($"ClusterPool, {count} silo{(count > 1 ? "s" : "")} × 2 workers", pool);
    }
}
finally
{
    foreach (SiloProcess silo in silos)
    {
        silo.Dispose();
    }
}

// Bytes: the item payload (the local pool's MessagePack bytes) and the whole ChunkWork as Orleans serialises it.
IServiceProvider services = new ServiceCollection().AddSerializer(b => b.AddAssembly(typeof(ChunkWork).Assembly)).BuildServiceProvider();
Serializer<ChunkWork> serializer = services.GetRequiredService<Serializer<ChunkWork>>();
Console.WriteLine();
Console.WriteLine("| chunk of int items | item payload bytes | ChunkWork bytes (Orleans) | bytes per item |");
Console.WriteLine("|---:|---:|---:|---:|");
foreach (int size in new[] { 1, 10, 100, 1000 })
{
    byte[] items = Payload.SerializeArray(Enumerable.Range(1_000_000, size).ToArray(), 0, size, typeof(int)).ToArray();
    var work = new ChunkWork
    {
        Method = new WorkRef { AssemblyName = typeof(Work).Assembly.FullName!, AssemblyPath = typeof(Work).Assembly.Location, TypeName = typeof(Work).FullName!, MethodName = nameof(Work.Tiny), MetadataToken = 0x06000001, ModuleVersionId = Guid.NewGuid() },
        Items = items,
        CallId = 123456,
    };
    int total = serializer.SerializeToArray(work).Length;
    Console.WriteLine($"| {size} | {items.Length} | {total} | {(double)total / size:0.#} |");
}

return 0;

static async Task Row(string name, IWorkerPool pool)
{
    int cpu = Arg("--cpu-items", 400);
    int tiny = Arg("--tiny-items", 20_000);
    var watch = Stopwatch.StartNew();
    var cpuRuns = new List<double>();
    var tinyRuns = new List<double>();
    var clientCpu = new List<double>();
    for (int round = 0; round < 3; round++)
    {
        watch.Restart();
        await pool.MapAsync<int, int>(Work.Cpu5Ms, Enumerable.Range(0, cpu), chunkSize: 4);
        cpuRuns.Add(watch.Elapsed.TotalSeconds);
        TimeSpan before = Process.GetCurrentProcess().TotalProcessorTime;
        watch.Restart();
        await pool.MapAsync<int, int>(Work.Tiny, Enumerable.Range(0, tiny));
        tinyRuns.Add(watch.Elapsed.TotalSeconds);
        clientCpu.Add((Process.GetCurrentProcess().TotalProcessorTime - before).TotalMilliseconds * 1000 / tiny);
    }

    var chunkRuns = new List<double>();
    var chunkCpu = new List<double>();
    for (int round = 0; round < 3; round++)
    {
        TimeSpan before = Process.GetCurrentProcess().TotalProcessorTime;
        watch.Restart();
        await pool.MapAsync<int, int>(Work.Tiny, Enumerable.Range(0, 1000), chunkSize: 1);
        chunkRuns.Add(watch.Elapsed.TotalSeconds);
        chunkCpu.Add((Process.GetCurrentProcess().TotalProcessorTime - before).TotalMilliseconds * 1000 / 1000);
    }

    double cpuSeconds = Median(cpuRuns);
    double tinySeconds = Median(tinyRuns);
    var trips = new List<double>();
    for (int i = 0; i < 20; i++)
    {
        watch.Restart();
        await pool.SubmitAsync<int, int>(Work.Tiny, i);
        trips.Add(watch.Elapsed.TotalMilliseconds);
    }

    trips.Sort();
    Console.WriteLine($"| {name} | {cpu / cpuSeconds:0} | {cpuSeconds * 1000 / cpu:0.00} ms | {tiny / tinySeconds:0} | {tinySeconds * 1e6 / tiny:0.0} µs | {Median(clientCpu):0.0} µs | {1000 / Median(chunkRuns):0} | {Median(chunkCpu):0} µs | {trips[10]:0.00} ms |");
}

static double Median(List<double> values)
{
    values.Sort();
    return values[values.Count / 2];
}

static string LoadAverage()
{
    try
    {
        return string.Join(" ", File.ReadAllText("/proc/loadavg").Split(' ').Take(3));
    }
    catch (IOException)
    {
        return "?";
    }
}

static int Arg(string name, int fallback)
{
    string[] args = Environment.GetCommandLineArgs();
    int at = Array.IndexOf(args, name);
    return at >= 0 && at + 1 < args.Length ? int.Parse(args[at + 1], CultureInfo.InvariantCulture) : fallback;
}

static int FreePort()
{
    using var listener = new TcpListener(IPAddress.Loopback, 0);
    listener.Start();
    return ((IPEndPoint)listener.LocalEndpoint).Port;
}

public static class Work
{
    public static int Cpu5Ms(int x)
    {
        var watch = Stopwatch.StartNew();
        double sink = x;
        while (watch.Elapsed.TotalMilliseconds < 5)
        {
            for (int i = 0; i < 500; i++)
            {
                sink += Math.Sqrt(i + sink);
            }
        }

        return (int)sink & 0xFF;
    }

    public static int Tiny(int x) => x * 2 + 1;
}
