using System.Diagnostics;
using System.Globalization;
using GilAnalyzers.CodeFixes;
using GilAnalyzers.Rules;
using GilAnalyzers.Tests.Execution;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.Diagnostics;

// Usage: dotnet run -c Release --project bench/ThreadSamplesBench -- [--rounds N] [--print-after] [sample-name-filter]
// For each GIL003-GIL005 sample: apply the fix with the real code fix provider, compile BEFORE and AFTER in Release,
// run Sample.Run() (full size) alternately in collectible load contexts after one warm-up each, and print the
// median wall time, CPU time / wall (effective cores), the speedup (ratio of medians, and median of the per-round
// BEFORE/AFTER ratios, which is steadier on a shared machine) and whether the results are equal.
// idle-B / idle-A: the wall time each version would need on an idle machine, from per-thread CPU times sampled in
// /proc (max of the busiest thread's CPU and total CPU / cores) - a load-independent estimate, Linux only.
var rounds = 3;
var printAfter = false;
var dry = false;
string? filter = null;
for (var i = 0; i < args.Length; i++)
{
    switch (args[i])
    {
        case "--rounds" when i + 1 < args.Length && int.TryParse(args[i + 1], out var r) && r > 0:
            rounds = r;
            i++;
            break;
        case "--print-after":
            printAfter = true;
            break;
        case "--show-fixes":
            printAfter = true;
            dry = true;
            break;
        case var a when !a.StartsWith("--", StringComparison.Ordinal):
            filter = a;
            break;
        default:
            Console.Error.WriteLine("usage: ThreadSamplesBench [--rounds N] [--print-after | --show-fixes] [sample-filter]");
            return 2;
    }
}

var samples = new (string Name, string Key)[]
{
    ("GIL003.ThreadArraySumOfSquares", RawThreadsCpuLoopFixer.ParallelForPartitionsKey),
    ("GIL003.TwoThreadFibonacci", RawThreadsCpuLoopFixer.ParallelInvokeKey),
    ("GIL003.UnevenTriangularSplit", RawThreadsCpuLoopFixer.ParallelForRangeKey),
    ("GIL004.ThreadPoolMatrixMultiply", HandRolledPoolFanOutFixer.ParallelForKey),
    ("GIL005.WhenAllCrc", SequentialAsyncCpuWorkFixer.TaskRunKey),
};

Console.WriteLine($"cores: {Environment.ProcessorCount}, rounds: {rounds} (+1 warm-up each), medians");
Console.WriteLine($"{"sample",-32} {"fix",-30} {"before s",9} {"cores",6} {"after s",9} {"cores",6} {"speedup",8} {"paired",8} {"idle-B s",8} {"idle-A s",8} {"idle-x",8}  equal");
var failed = false;
foreach (var (name, key) in samples)
{
    if (filter is not null && !name.Contains(filter, StringComparison.OrdinalIgnoreCase))
    {
        continue;
    }

    try
    {
        var (analyzer, fixer) = RuleFor(key);
        var before = ThreadFixPipeline.SampleSource(name);
        var after = await ThreadFixPipeline.ApplyFixAsync(before, analyzer, fixer, key);
        if (printAfter)
        {
            Console.WriteLine("----- AFTER " + name + " -----\n" + after);
        }

        if (dry)
        {
            continue;
        }

        using var beforeRun = new ThreadFixPipeline.LoadedSample(ThreadFixPipeline.Compile(before, name + ".Before"), "before");
        using var afterRun = new ThreadFixPipeline.LoadedSample(ThreadFixPipeline.Compile(after, name + ".After"), "after");
        var beforeTimes = new List<(double Wall, double Cpu, double Idle)>();
        var afterTimes = new List<(double Wall, double Cpu, double Idle)>();
        object? beforeResult = null, afterResult = null;
        for (var round = 0; round <= rounds; round++)
        {
            var b = Measure(() => beforeRun.RunFull());
            var a = Measure(() => afterRun.RunFull());
            beforeResult = b.Result;
            afterResult = a.Result;
            if (round > 0)
            {
                beforeTimes.Add((b.Wall, b.Cpu, b.IdleEstimate));
                afterTimes.Add((a.Wall, a.Cpu, a.IdleEstimate));
            }
        }

        var bw = Median(beforeTimes.Select(t => t.Wall));
        var aw = Median(afterTimes.Select(t => t.Wall));
        var bc = Median(beforeTimes.Select(t => t.Cpu / t.Wall));
        var ac = Median(afterTimes.Select(t => t.Cpu / t.Wall));
        var bi = Median(beforeTimes.Select(t => t.Idle));
        var ai = Median(afterTimes.Select(t => t.Idle));
        var paired = Median(beforeTimes.Zip(afterTimes, (b, a) => b.Wall / a.Wall));
        var equal = Equals(beforeResult, afterResult);
        failed |= !equal;
        Console.WriteLine(string.Format(CultureInfo.InvariantCulture, "{0,-32} {1,-30} {2,9:F3} {3,6:F2} {4,9:F3} {5,6:F2} {6,7:F2}x {7,7:F2}x {8,8:F3} {9,8:F3} {10,7:F2}x  {11}",
            name, key, bw, bc, aw, ac, bw / aw, paired, bi, ai, bi / ai, equal ? "yes" : $"NO ({beforeResult} vs {afterResult})"));
    }
    catch (Exception e)
    {
        failed = true;
        Console.WriteLine($"{name,-32} {key,-30} error: {e.Message}");
    }
}

return failed ? 1 : 0;

static (double Wall, double Cpu, object Result, double IdleEstimate) Measure(Func<object> run)
{
    var process = Process.GetCurrentProcess();
    var cpu0 = process.TotalProcessorTime;
    using var sampler = ThreadCpuSampler.StartIfSupported();
    var watch = Stopwatch.StartNew();
    var result = run();
    watch.Stop();
    var threads = sampler?.Stop() ?? Array.Empty<double>();
    process.Refresh();
    var cpu = (process.TotalProcessorTime - cpu0).TotalSeconds;

    // On an idle machine the run cannot take less than its busiest thread's CPU time, nor less than its total CPU
    // time spread over every core: the larger of the two is what the wall time would be without contention.
    var idle = threads.Count == 0 ? double.NaN : Math.Max(threads[0], threads.Sum() / Environment.ProcessorCount);
    return (watch.Elapsed.TotalSeconds, cpu, result, idle);
}

static double Median(IEnumerable<double> values)
{
    var sorted = values.OrderBy(v => v).ToArray();
    return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
}

static (DiagnosticAnalyzer, CodeFixProvider) RuleFor(string key) => key.Substring(0, 6) switch
{
    "GIL003" => (new RawThreadsCpuLoopAnalyzer(), new RawThreadsCpuLoopFixer()),
    "GIL004" => (new HandRolledPoolFanOutAnalyzer(), new HandRolledPoolFanOutFixer()),
    _ => (new SequentialAsyncCpuWorkAnalyzer(), new SequentialAsyncCpuWorkFixer()),
};
