using System;
using System.Collections.Generic;
using System.Linq;
using System.Runtime.InteropServices;
using GilAnalyzers.Harness.Fixing;
using GilAnalyzers.Harness.Running;

namespace GilAnalyzers.Harness.Reporting;

/// <summary>Everything gil-bench found; serialised as-is (camelCase) by --json.</summary>
public sealed class BenchReport
{
    public string Tool { get; init; } = "gil-bench";
    public string Input { get; init; } = "";
    public string InputKind { get; init; } = "";
    public string? Entry { get; init; }
    public string ResultSource => Entry is null ? "stdout" : "return value";
    public string AfterSource { get; init; } = "fixes";
    public int Rounds { get; init; }
    public int Warmup { get; init; }
    public IReadOnlyList<FixEntry> Fixes { get; init; } = Array.Empty<FixEntry>();
    public IReadOnlyList<UnfixedDiagnostic> NotFixed { get; init; } = Array.Empty<UnfixedDiagnostic>();
    public string Diff { get; init; } = "";
    public VariantStats? Before { get; set; }
    public VariantStats? After { get; set; }
    public SpeedupEntry? Speedup { get; set; }
    public bool ResultsEqual { get; set; }

    /// <summary>False when BEFORE's own runs gave different results: then nothing is said of AFTER.</summary>
    public bool ResultsComparable { get; set; } = true;
    public string? ResultDifference { get; set; }
    public double? ParallelFraction { get; set; }
    public MachineInfo Machine { get; init; } = MachineInfo.Current();

    /// <summary>How busy the machine was with other work during the runs, and whether the figures can be trusted.</summary>
    public LoadEntry? Load { get; set; }
    public HarnessTimings Harness { get; init; } = new();
    public IReadOnlyList<RunEntry> Runs { get; set; } = Array.Empty<RunEntry>();
}

public sealed record FixEntry(string Id, string Action, string? EquivalenceKey, string File, int Line);

public sealed record RangeEntry(double Median, double Min, double Max);

public sealed record MedianEntry(double Median);

public sealed class VariantStats
{
    public RangeEntry WallMs { get; init; } = new(0, 0, 0);
    public MedianEntry CpuMs { get; init; } = new(0);
    public MedianEntry ChildProcessCpuMs { get; init; } = new(0);
    public double EffectiveCores { get; init; }

    /// <summary>Counts are the lower median of the runs (Statistics.LowerMedian): always a count one run really had.</summary>
    public long LockContentions { get; init; }
    public long WorkItems { get; init; }
    public long AllocatedBytes { get; init; }

    public static VariantStats From(IReadOnlyList<RunMeasurement> runs) => new()
    {
        WallMs = ToRange(Statistics.Summarise(runs.Select(r => r.WallMs).ToList())),
        CpuMs = new MedianEntry(Statistics.Median(runs.Select(r => r.TotalCpuMs).ToList())),
        ChildProcessCpuMs = new MedianEntry(Statistics.Median(runs.Select(r => r.ChildCpuMs).ToList())),
        EffectiveCores = Statistics.Median(runs.Select(r => r.EffectiveCores).ToList()),
        LockContentions = Statistics.LowerMedian(runs.Select(r => r.LockContentions).ToList()),
        WorkItems = Statistics.LowerMedian(runs.Select(r => r.WorkItems).ToList()),
        AllocatedBytes = Statistics.LowerMedian(runs.Select(r => r.AllocatedBytes).ToList()),
    };

    private static RangeEntry ToRange(Summary s) => new(s.Median, s.Min, s.Max);
}

public sealed record SpeedupEntry(double Median, double? CiLow, double? CiHigh, double ConfidenceLevel, double? PValue, bool Significant, string Method)
{
    public static SpeedupEntry From(Speedup s) => new(
        s.Median, Finite(s.CiLow), Finite(s.CiHigh), s.ConfidenceLevel, Finite(s.PValue), s.Significant, s.Method);

    private static double? Finite(double v) => double.IsFinite(v) ? v : null;
}

public sealed record MachineInfo(int Cores, string Os, string Runtime, string Architecture)
{
    public static MachineInfo Current() => new(
        Environment.ProcessorCount,
        RuntimeInformation.OSDescription,
        RuntimeInformation.FrameworkDescription,
        RuntimeInformation.OSArchitecture.ToString());
}

public sealed class HarnessTimings
{
    public double PrepareMs { get; set; }

    /// <summary>Restore + opening the project with MSBuildWorkspace + analysis + fixes (0 with --after).</summary>
    public double AnalyzeAndFixMs { get; set; }
    public double RestoreMs { get; set; }
    public double OpenProjectMs { get; set; }
    public double BuildMs { get; set; }
    public double BuildBeforeMs { get; set; }
    public double BuildAfterMs { get; set; }

    /// <summary>The harness's own cost before any measured run: prepare + analysis + fixes + both compiles.</summary>
    public double OverheadMs => PrepareMs + AnalyzeAndFixMs + LateRestoreMs + BuildMs;

    /// <summary>A restore after the fixes: with --after (no fixers ran), or when a fix changed a project or props file.</summary>
    public double LateRestoreMs { get; set; }

    /// <summary>CPU spent on that overhead: gil-bench's own and its reaped child processes' (restore, workspace host, builds); null off Linux.</summary>
    public double? OverheadCpuMs { get; set; }

    /// <summary>The CPU of each step before the runs (its title as printed → gil-bench's own and its reaped child processes' CPU); empty off Linux.</summary>
    public IReadOnlyDictionary<string, double> CpuMsByStage { get; set; } = new Dictionary<string, double>();

    /// <summary>The 1-minute load average when the run started (the overhead is wall time: a busy machine stretches it).</summary>
    public double? LoadAverage { get; set; }

    public double RunsMs { get; set; }

    /// <summary>True when the project was analysed first without its source generators and they turned out to produce code: the analysis was made again with them.</summary>
    public bool AnalysedTwice { get; set; }

    /// <summary>How AFTER was built: "in-process" (compiled in gil-bench's process, see docs/harness.md#build) or "msbuild".</summary>
    public string? AfterBuild { get; set; }

    /// <summary>The sentence the summary prints about it: the in-process check that held, or why MSBuild built AFTER.</summary>
    public string? AfterBuildNote { get; set; }
}

public sealed record RunEntry(string Variant, int Round, bool Warmup, double WallMs, double CpuMs, double ChildProcessCpuMs, double EffectiveCores, long LockContentions, long WorkItems, long AllocatedBytes, double? OthersCores = null)
{
    public static RunEntry From(RunMeasurement m) => new(
        m.Variant == Running.Variant.Before ? "before" : "after", m.Round, m.Warmup, m.WallMs, m.TotalCpuMs, m.ChildCpuMs, m.EffectiveCores, m.LockContentions, m.WorkItems, m.AllocatedBytes, m.OthersCores);
}

/// <summary>
/// The machine's load around the measured runs: the 1-minute load average before and after them, and the cores other
/// processes used during each run (mean and max over the measured runs). Not trustworthy when others took more than
/// MachineLoad.UntrustworthyShareOfCores of the cores on average; null verdict when it could not be measured.
/// </summary>
public sealed record LoadEntry(double? LoadAverageStart, double? LoadAverageEnd, double? OthersCoresMean, double? OthersCoresMax, bool? Trustworthy)
{
    public static LoadEntry From(IReadOnlyList<RunMeasurement> measured, double? loadAverageStart, double? loadAverageEnd, int cores)
    {
        var others = measured.Where(m => m.OthersCores is not null).Select(m => m.OthersCores!.Value).ToList();
        if (others.Count == 0)
        {
            return new LoadEntry(loadAverageStart, loadAverageEnd, null, null, null);
        }

        double mean = Math.Round(others.Average(), 2);
        return new LoadEntry(loadAverageStart, loadAverageEnd, mean, Math.Round(others.Max(), 2), mean <= MachineLoad.UntrustworthyShareOfCores * cores);
    }
}
