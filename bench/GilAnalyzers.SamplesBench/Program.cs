using System.Diagnostics;
using System.Globalization;
using GilAnalyzers.SamplesBench;

// BEFORE/AFTER wall time, CPU time and speedup of every sample at full size.
// Usage: dotnet run -c Release --project bench/GilAnalyzers.SamplesBench [-- --rounds N] [--sample Name] [--show-fixed]
var rounds = 3;
string? only = null;
var showFixed = false;
for (var i = 0; i < args.Length; i++)
{
    switch (args[i])
    {
        case "--rounds" when i + 1 < args.Length && int.TryParse(args[i + 1], out var r) && r > 0:
            rounds = r;
            i++;
            break;
        case "--sample" when i + 1 < args.Length:
            only = args[++i];
            break;
        case "--show-fixed":
            showFixed = true;
            break;
        default:
            Console.Error.WriteLine($"Unknown or incomplete argument '{args[i]}'. Usage: [--rounds N] [--sample {string.Join('|', SampleCatalog.All.Select(s => s.Name))}] [--show-fixed]");
            return 2;
    }
}

var samples = SampleCatalog.All.Where(s => only is null || string.Equals(s.Name, only, StringComparison.OrdinalIgnoreCase)).ToList();
if (samples.Count == 0)
{
    Console.Error.WriteLine($"No sample named '{only}'.");
    return 2;
}

string root;
try
{
    root = SampleCatalog.FindRepositoryRoot(Directory.GetCurrentDirectory());
}
catch (DirectoryNotFoundException)
{
    root = SampleCatalog.FindRepositoryRoot(AppContext.BaseDirectory);
}

Console.WriteLine($"{Environment.ProcessorCount} cores, {rounds} round(s) per version, alternating BEFORE/AFTER; medians shown.");
Console.WriteLine("cores = CPU time / wall time (effective cores busy); contentions = Monitor lock contentions during the run;");
Console.WriteLine("speedup = BEFORE wall / AFTER wall. Other load on the machine lowers cores and speedup; the contention counts do not depend on it.");
Console.WriteLine();
var rows = new List<string[]>();
var failed = false;
foreach (var sample in samples)
{
    try
    {
        var before = File.ReadAllText(sample.SourcePath(root));
        var outcome = await SampleFixPipeline.ApplyAllFixesAsync(before);
        if (showFixed)
        {
            Console.WriteLine($"--- {sample.Name} AFTER ---");
            Console.WriteLine(outcome.Source);
        }

        var keys = outcome.Applied.Count == 0 ? "(no fix applied)" : string.Join(", ", outcome.Applied.Select(a => a.EquivalenceKey));
        using var beforeSample = new LoadedSample(SampleFixPipeline.Compile(before, sample.Name + ".Before"), sample.Entry);
        using var afterSample = new LoadedSample(SampleFixPipeline.Compile(outcome.Source, sample.Name + ".After"), sample.Entry);

        // Warm-up at test size: JIT both versions.
        beforeSample.Invoke(sample.TestSize);
        afterSample.Invoke(sample.TestSize);

        var beforeRuns = new List<(double Wall, double Cpu, long Contentions, object? Result)>();
        var afterRuns = new List<(double Wall, double Cpu, long Contentions, object? Result)>();
        for (var round = 0; round < rounds; round++)
        {
            beforeRuns.Add(Measure(beforeSample));
            afterRuns.Add(Measure(afterSample));
            Console.Error.WriteLine($"  {sample.Name} round {round + 1}: before {beforeRuns[^1].Wall:F2}s / after {afterRuns[^1].Wall:F2}s");
        }

        var results = beforeRuns.Concat(afterRuns).Select(r => Convert.ToString(r.Result, CultureInfo.InvariantCulture)).Distinct().ToList();
        var equal = results.Count == 1;
        failed |= !equal;
        var beforeWall = Median(beforeRuns.Select(r => r.Wall));
        var afterWall = Median(afterRuns.Select(r => r.Wall));
        rows.Add(new[]
        {
            sample.Name,
            keys,
            F(beforeWall), F(Median(beforeRuns.Select(r => r.Cpu))), F(Median(beforeRuns.Select(r => r.Cpu / r.Wall))),
            Median(beforeRuns.Select(r => (double)r.Contentions)).ToString("F0", CultureInfo.InvariantCulture),
            F(afterWall), F(Median(afterRuns.Select(r => r.Cpu))), F(Median(afterRuns.Select(r => r.Cpu / r.Wall))),
            Median(afterRuns.Select(r => (double)r.Contentions)).ToString("F0", CultureInfo.InvariantCulture),
            (beforeWall / afterWall).ToString("F2", CultureInfo.InvariantCulture) + "x",
            equal ? "equal" : "DIFFERENT: " + string.Join(" / ", results),
        });
    }
    catch (Exception e) when (e is InvalidOperationException || e is IOException || e is MissingMethodException)
    {
        failed = true;
        rows.Add(new[] { sample.Name, "error: " + e.Message.Split('\n')[0], "", "", "", "", "", "", "", "", "", "" });
    }
}

var header = new[] { "sample", "fixes applied", "before wall s", "before cpu s", "before cores", "before contentions", "after wall s", "after cpu s", "after cores", "after contentions", "speedup", "result" };
var widths = header.Select((h, i) => Math.Max(h.Length, rows.Count == 0 ? 0 : rows.Max(r => r[i].Length))).ToArray();
Console.WriteLine(string.Join("  ", header.Select((h, i) => h.PadRight(widths[i]))));
foreach (var row in rows)
{
    Console.WriteLine(string.Join("  ", row.Select((c, i) => c.PadRight(widths[i]))));
}

return failed ? 1 : 0;

static (double Wall, double Cpu, long Contentions, object? Result) Measure(LoadedSample sample)
{
    GC.Collect();
    GC.WaitForPendingFinalizers();
    var process = Process.GetCurrentProcess();
    process.Refresh();
    var cpuBefore = process.TotalProcessorTime;
    var contentionsBefore = Monitor.LockContentionCount;
    var watch = Stopwatch.StartNew();
    var result = sample.Invoke();
    watch.Stop();
    process.Refresh();
    var cpu = (process.TotalProcessorTime - cpuBefore).TotalSeconds;
    return (watch.Elapsed.TotalSeconds, cpu, Monitor.LockContentionCount - contentionsBefore, result);
}

static double Median(IEnumerable<double> values)
{
    var sorted = values.OrderBy(v => v).ToArray();
    return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
}

static string F(double value) => value.ToString("F2", CultureInfo.InvariantCulture);
