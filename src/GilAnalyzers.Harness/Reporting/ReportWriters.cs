using System;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using Spectre.Console;

namespace GilAnalyzers.Harness.Reporting;

/// <summary>The table, speedup line, Markdown and JSON forms of a report.</summary>
public static class ReportWriters
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    public static readonly string[] Columns =
        { "variant", "wall median (min–max)", "CPU", "effective cores", "lock contentions", "work items", "alloc" };

    public static string[] Row(string name, VariantStats s) => new[]
    {
        name,
        $"{Ms(s.WallMs.Median)} ({Bare(s.WallMs.Min, s.WallMs.Median)}–{Bare(s.WallMs.Max, s.WallMs.Median)})",
        Ms(s.CpuMs.Median) + (s.ChildProcessCpuMs.Median > 0 ? $" (child processes {Ms(s.ChildProcessCpuMs.Median)})" : ""),
        s.EffectiveCores.ToString("0.00", Inv),
        Count(s.LockContentions),
        Count(s.WorkItems),
        Bytes(s.AllocatedBytes),
    };

    public static string SpeedupLine(BenchReport r)
    {
        if (r.Speedup is not { } s)
        {
            return "speedup: not measured";
        }

        string ci = s.CiLow is { } lo && s.CiHigh is { } hi ? $", {s.ConfidenceLevel * 100:0}% CI {lo.ToString("0.00", Inv)}–{hi.ToString("0.00", Inv)}" : "";
        string p = s.PValue is { } pv ? $", Mann–Whitney p = {pv.ToString("0.####", Inv)}" : "";
        string verdict = !s.Significant ? "not significant" : s.Median >= 1 ? "significant" : "significant: AFTER is slower";
        string amdahl = r.ParallelFraction is { } pf
            ? $"; Amdahl parallel fraction p ≈ {pf.ToString("0.00", Inv)} on {r.Machine.Cores} cores"
            : "";
        return $"speedup ×{s.Median.ToString("0.00", Inv)} (wall, BEFORE/AFTER medians{ci}{p}: {verdict}){amdahl}";
    }

    public static void WriteConsole(IAnsiConsole console, BenchReport r)
    {
        var table = new Table().Border(TableBorder.Rounded);
        foreach (string c in Columns)
        {
            table.AddColumn(new TableColumn(c).RightAligned());
        }

        table.Columns[0].LeftAligned();
        if (r.Before is { } b)
        {
            table.AddRow(Row("BEFORE", b).Select(Markup.Escape).ToArray());
        }

        if (r.After is { } a)
        {
            table.AddRow(Row("AFTER", a).Select(Markup.Escape).ToArray());
        }

        console.Write(table);
        console.MarkupLine(Markup.Escape(SpeedupLine(r)));
        console.MarkupLine(r.ResultsEqual
            ? $"results: [green]equal[/] ({Markup.Escape(r.ResultSource)})"
            : !r.ResultsComparable
                ? $"results: [yellow bold]not comparable[/] ({Markup.Escape(r.ResultSource)}): {Markup.Escape(r.ResultDifference ?? "")}"
                : $"results: [red bold]DIFFERENT[/] ({Markup.Escape(r.ResultSource)}): {Markup.Escape(r.ResultDifference ?? "")}");
        if (LoadLine(r) is { } load)
        {
            console.MarkupLine(r.Load?.Trustworthy == false ? "[yellow bold]" + Markup.Escape(load) + "[/]" : Markup.Escape(load));
        }

        console.MarkupLine(Markup.Escape($"machine: {r.Machine.Cores} cores, {r.Machine.Os}, {r.Machine.Runtime}"));
        console.MarkupLine(Markup.Escape(OverheadLine(r)));
    }

    /// <summary>What gil-bench itself cost before the first measured run, with its CPU and the load it ran under.</summary>
    public static string OverheadLine(BenchReport r)
    {
        HarnessTimings h = r.Harness;
        string cpu = h.OverheadCpuMs is { } c ? $"CPU {Ms(c)}, " : "";
        string load = h.LoadAverage is { } l ? $"load average {l.ToString("0.00", Inv)} at the start" : "load not measured";
        return $"harness overhead {Ms(h.OverheadMs)} ({cpu}{load}): prepare {Ms(h.PrepareMs)}, restore {Ms(h.RestoreMs + h.LateRestoreMs)}, open {Ms(h.OpenProjectMs)}, " +
               $"analysis+fix {Ms(Math.Max(0, h.AnalyzeAndFixMs - h.RestoreMs - h.OpenProjectMs))}, builds {Ms(h.BuildMs)}; runs {Ms(h.RunsMs)}" +
               (h.AfterBuildNote is { } note ? "; " + note : "");
    }

    /// <summary>The load during the runs, as a warning when the figures are not trustworthy; null when nothing was measured.</summary>
    public static string? LoadLine(BenchReport r)
    {
        if (r.Load is not { } l)
        {
            return null;
        }

        string average = l.LoadAverageStart is { } s && l.LoadAverageEnd is { } e
            ? $"load average {s.ToString("0.00", Inv)} → {e.ToString("0.00", Inv)}"
            : "load average not available";
        if (l.OthersCoresMean is not { } mean)
        {
            return $"load: {average}; the CPU other processes used during the runs could not be measured (Linux /proc only)";
        }

        string others = $"other processes used {mean.ToString("0.00", Inv)} of the {r.Machine.Cores} cores on average during the runs (max {l.OthersCoresMax!.Value.ToString("0.00", Inv)}; {average})";
        return l.Trustworthy == false
            ? $"figures not trustworthy: {others}; the timings measure the competition as much as the code — rerun on an idle machine"
            : $"load: {others}";
    }

    public static string Markdown(BenchReport r)
    {
        var sb = new StringBuilder();
        sb.Append("| ").Append(string.Join(" | ", Columns)).Append(" |\n");
        sb.Append("|").Append(string.Concat(Columns.Select((_, i) => i == 0 ? "---|" : "---:|"))).Append('\n');
        if (r.Before is { } b)
        {
            sb.Append("| ").Append(string.Join(" | ", Row("BEFORE", b).Select(EscapeCell))).Append(" |\n");
        }

        if (r.After is { } a)
        {
            sb.Append("| ").Append(string.Join(" | ", Row("AFTER", a).Select(EscapeCell))).Append(" |\n");
        }

        sb.Append('\n').Append(SpeedupLine(r)).Append("  \n");
        sb.Append("Results ").Append(r.ResultsEqual ? "equal" : !r.ResultsComparable ? "**not comparable**: " + r.ResultDifference : "**DIFFERENT**: " + r.ResultDifference).Append(" (").Append(r.ResultSource).Append(").  \n");
        sb.Append(CultureInfo.InvariantCulture, $"{r.Rounds} rounds after {r.Warmup} warm-up, alternating; {r.Machine.Cores} cores, {r.Machine.Os}, {r.Machine.Runtime}.\n");
        if (LoadLine(r) is { } load)
        {
            sb.Append(r.Load?.Trustworthy == false ? "**" + load + "**" : load).Append('\n');
        }

        return sb.ToString();
    }

    public static string Json(BenchReport r) => JsonSerializer.Serialize(r, JsonOptions);

    internal static readonly JsonSerializerOptions JsonOptions = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        WriteIndented = true,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    private static string EscapeCell(string s) => s.Replace("|", "\\|", StringComparison.Ordinal);

    public static string Ms(double ms) =>
        double.IsNaN(ms) ? "n/a" : ms >= 10_000 ? (ms / 1000).ToString("0.0", Inv) + " s" : ms.ToString(ms >= 100 ? "0" : "0.0", Inv) + " ms";

    /// <summary>A number in the same unit Ms() picked for <paramref name="reference"/>, without the unit.</summary>
    private static string Bare(double ms, double reference) =>
        double.IsNaN(ms) ? "n/a" : reference >= 10_000 ? (ms / 1000).ToString("0.0", Inv) : ms.ToString(reference >= 100 ? "0" : "0.0", Inv);

    private static string Count(long n) => n.ToString("N0", Inv);

    public static string Bytes(double bytes)
    {
        string[] units = { "B", "KB", "MB", "GB" };
        int u = 0;
        while (bytes >= 1024 && u < units.Length - 1)
        {
            bytes /= 1024;
            u++;
        }

        return bytes.ToString(u == 0 ? "0" : "0.0", Inv) + " " + units[u];
    }

    public static void WriteFile(string path, string text)
    {
        string full = Path.GetFullPath(path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        File.WriteAllText(full, text, new UTF8Encoding(false));
    }
}
