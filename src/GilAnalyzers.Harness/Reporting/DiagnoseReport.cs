using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.Json;
using GilAnalyzers.Harness.Diagnosing;
using Spectre.Console;

namespace GilAnalyzers.Harness.Reporting;

/// <summary>The report of `gil-bench diagnose`.</summary>
public sealed class DiagnoseReport
{
    public string Tool { get; init; } = "gil-bench diagnose";
    public string Input { get; init; } = "";
    public string InputKind { get; init; } = "";
    public string? Entry { get; init; }
    public MachineInfo Machine { get; init; } = MachineInfo.Current();

    /// <summary>What the measurement shim measured in the diagnosed run (wall, CPU, lock contentions, thread-pool work items, …).</summary>
    public RunEntry? Run { get; set; }

    public IReadOnlyList<TimelinePoint> Timeline { get; set; } = Array.Empty<TimelinePoint>();
    public double MeanEffectiveCores { get; set; }
    public double LowCoreThreshold { get; init; } = 1.2;

    /// <summary>Share of the sampled wall time with fewer than LowCoreThreshold cores busy.</summary>
    public double ShareBelowThreshold { get; set; }

    public ContentionSection Contention { get; set; } = new();
    public IReadOnlyList<StaticFinding> Diagnostics { get; set; } = Array.Empty<StaticFinding>();

    /// <summary>Contended sites no GilAnalyzers diagnostic covers.</summary>
    public IReadOnlyList<ContentionSite> Uncovered { get; set; } = Array.Empty<ContentionSite>();

    /// <summary>Diagnostics of lock rules whose region saw no contention in this run.</summary>
    public IReadOnlyList<StaticFinding> NotExercised { get; set; } = Array.Empty<StaticFinding>();

    /// <summary>Diagnostics of rules that take no lock (GIL003–GIL005): contention cannot confirm them; the core usage is their measure.</summary>
    public IReadOnlyList<StaticFinding> NotLockRules { get; set; } = Array.Empty<StaticFinding>();

    /// <summary>The lock-rule diagnostics no contended site fell in (none when contention was not recorded).</summary>
    public static IReadOnlyList<StaticFinding> NotExercisedOf(IEnumerable<StaticFinding> findings, bool recorded) =>
        recorded ? findings.Where(f => f.LockRule && !f.Exercised).ToList() : Array.Empty<StaticFinding>();

    /// <summary>With --plain-run: the same program run once without tracing, for the tracing overhead.</summary>
    public OverheadEntry? Overhead { get; set; }

    public DiagnoseTimings Harness { get; init; } = new();
}

public sealed class ContentionSection
{
    /// <summary>False when the runtime's events could not be recorded (Problem says why).</summary>
    public bool Recorded { get; set; }
    public string? Problem { get; set; }
    public long Events { get; set; }
    public long EventsWithoutUserFrame { get; set; }
    public IReadOnlyList<ContentionSite> Sites { get; set; } = Array.Empty<ContentionSite>();
}

public sealed record OverheadEntry(double PlainWallMs, double DiagnosedWallMs, double Slowdown, double PlainCpuMs, double DiagnosedCpuMs);

public sealed class DiagnoseTimings
{
    public double PrepareMs { get; set; }
    public double AnalyzeMs { get; set; }
    public double BuildMs { get; set; }
    public double RunMs { get; set; }
    public double TraceAnalysisMs { get; set; }
}

public static class DiagnoseWriters
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    public static string SiteLine(ContentionSite s) =>
        $"{(s.File is null ? "(no source line)" : s.File + ":" + s.Line)} in {s.Method}{(s.Via is null ? "" : " (inside " + s.Via + ")")} — {s.Count.ToString("N0", Inv)} contention{(s.Count == 1 ? "" : "s")}, {Wait(s.WaitMs)} waited";

    private static string Wait(double ms) => ms >= 1000 ? (ms / 1000).ToString("0.00", Inv) + " s" : ms.ToString("0.0", Inv) + " ms";

    public static string CoresLine(DiagnoseReport r) =>
        r.Timeline.Count == 0
            ? "core usage: not sampled (needs Linux /proc, and a run longer than one 50 ms sample)"
            : $"core usage: mean {r.MeanEffectiveCores.ToString("0.00", Inv)} effective cores of {r.Machine.Cores}; " +
              $"{(r.ShareBelowThreshold * 100).ToString("0", Inv)}% of the wall time below {r.LowCoreThreshold.ToString("0.0", Inv)} cores ({r.Timeline.Count} samples)";

    public static IEnumerable<string> Lines(DiagnoseReport r)
    {
        yield return CoresLine(r);
        if (r.Run is { } run)
        {
            yield return $"run: wall {ReportWriters.Ms(run.WallMs)}, CPU {ReportWriters.Ms(run.CpuMs)}, " +
                         $"lock contentions {run.LockContentions.ToString("N0", Inv)} (Monitor.LockContentionCount), thread-pool work items {run.WorkItems.ToString("N0", Inv)}, alloc {ReportWriters.Bytes(run.AllocatedBytes)}" +
                         (run.OthersCores is { } othersInRun ? $"; other processes used {othersInRun.ToString("0.00", Inv)} of the {r.Machine.Cores} cores" : "");
            if (run.OthersCores is { } others && others > Running.MachineLoad.UntrustworthyShareOfCores * r.Machine.Cores)
            {
                yield return $"figures not trustworthy: other processes used {others.ToString("0.00", Inv)} of the {r.Machine.Cores} cores during the run, so the core usage and waits above include the competition — rerun on an idle machine";
            }
        }

        if (!r.Contention.Recorded)
        {
            yield return "contended locks: not recorded — " + r.Contention.Problem;
        }
        else if (r.Contention.Sites.Count == 0)
        {
            yield return $"contended locks: none in user code ({r.Contention.Events.ToString("N0", Inv)} contention events in all)";
        }
        else
        {
            yield return $"contended locks ({r.Contention.Events.ToString("N0", Inv)} contention events; top sites by wait time):";
            foreach (ContentionSite s in r.Contention.Sites.Take(10))
            {
                yield return "  " + SiteLine(s);
            }
        }

        foreach (ContentionSite s in r.Contention.Sites.Where(s => s.Diagnostic is not null))
        {
            yield return $"confirmed {s.Diagnostic}{(s.FixAvailable is null ? ", no fix available" : ", fix available: " + s.FixAvailable)} — {SiteLine(s)}";
        }

        foreach (ContentionSite s in r.Uncovered)
        {
            yield return "not covered by any rule: " + SiteLine(s);
        }

        foreach (StaticFinding f in r.NotExercised)
        {
            yield return $"not exercised: {f.Id} at {f.File}:{f.Line} (lines {f.RegionStartLine}–{f.RegionEndLine} saw no contention in this run)";
        }

        foreach (StaticFinding f in r.NotLockRules)
        {
            yield return $"not a lock rule: {f.Id} at {f.File}:{f.Line} takes no lock, so contention cannot confirm it; the core usage above is its measure";
        }

        if (r.Overhead is { } o)
        {
            yield return $"tracing overhead: wall {ReportWriters.Ms(o.DiagnosedWallMs)} diagnosed vs {ReportWriters.Ms(o.PlainWallMs)} plain (×{o.Slowdown.ToString("0.00", Inv)}); CPU {ReportWriters.Ms(o.DiagnosedCpuMs)} vs {ReportWriters.Ms(o.PlainCpuMs)}";
        }
    }

    public static void WriteConsole(IAnsiConsole console, DiagnoseReport r)
    {
        foreach (string line in Lines(r))
        {
            string escaped = Markup.Escape(line);
            console.MarkupLine(line.StartsWith("confirmed", StringComparison.Ordinal) ? "[green]" + escaped + "[/]"
                : line.StartsWith("not covered", StringComparison.Ordinal) || line.StartsWith("figures not trustworthy", StringComparison.Ordinal) ? "[yellow]" + escaped + "[/]"
                : escaped);
        }
    }

    public static string Markdown(DiagnoseReport r)
    {
        var sb = new StringBuilder();
        sb.Append(CultureInfo.InvariantCulture, $"## {Path.GetFileName(r.Input)}: where is it serialised?\n\n");
        sb.Append(CoresLine(r)).Append("\n\n");
        if (r.Contention.Sites.Count > 0)
        {
            sb.Append("| site | method | contentions | waited | GIL diagnostic |\n|---|---|---:|---:|---|\n");
            foreach (ContentionSite s in r.Contention.Sites)
            {
                sb.Append(CultureInfo.InvariantCulture,
                    $"| {(s.File is null ? "?" : s.File + ":" + s.Line)} | `{s.Method}` | {s.Count:N0} | {Wait(s.WaitMs)} | {s.Diagnostic ?? "not covered by any rule"} |\n");
            }

            sb.Append('\n');
        }
        else
        {
            sb.Append(r.Contention.Recorded ? "No contended lock in user code.\n\n" : "Contention not recorded: " + r.Contention.Problem + "\n\n");
        }

        foreach (StaticFinding f in r.NotExercised)
        {
            sb.Append(CultureInfo.InvariantCulture, $"- not exercised: {f.Id} at {f.File}:{f.Line}\n");
        }

        foreach (StaticFinding f in r.NotLockRules)
        {
            sb.Append(CultureInfo.InvariantCulture, $"- not a lock rule (contention cannot confirm it; see the core usage): {f.Id} at {f.File}:{f.Line}\n");
        }

        return sb.ToString();
    }

    public static string Json(DiagnoseReport r) => JsonSerializer.Serialize(r, ReportWriters.JsonOptions);

    /// <summary>The effective-cores timeline as a line chart, with the machine's core count as the ceiling.</summary>
    public static void Chart(string path, DiagnoseReport r)
    {
        var plot = new ScottPlot.Plot();
        double[] xs = r.Timeline.Select(p => p.TMs / 1000).ToArray();
        double[] ys = r.Timeline.Select(p => p.EffectiveCores).ToArray();
        if (xs.Length > 0)
        {
            var line = plot.Add.ScatterLine(xs, ys);
            line.LegendText = "effective cores";
            line.LineWidth = 2;
            line.Color = ScottPlot.Color.FromHex("#d1495b");
        }

        var ceiling = plot.Add.HorizontalLine(r.Machine.Cores);
        ceiling.LegendText = $"{r.Machine.Cores} cores";
        ceiling.LinePattern = ScottPlot.LinePattern.Dashed;
        ceiling.Color = ScottPlot.Colors.Gray;
        plot.Axes.SetLimitsY(0, r.Machine.Cores * 1.15);
        plot.XLabel("time since start (s)");
        plot.YLabel("effective cores (CPU time / wall time)");
        plot.Title($"{Path.GetFileName(r.Input)}: mean {r.MeanEffectiveCores.ToString("0.00", Inv)} of {r.Machine.Cores} cores");
        plot.ShowLegend(ScottPlot.Alignment.UpperRight);
        string full = Path.GetFullPath(path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        if (full.EndsWith(".png", StringComparison.OrdinalIgnoreCase))
        {
            plot.SavePng(full, 800, 420);
        }
        else
        {
            plot.SaveSvg(full, 800, 420);
        }
    }
}
