using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace GilAnalyzers.RealCode;

/// <summary>Everything one run found; serialised as JSON and rendered as Markdown.</summary>
public sealed class RunReport
{
    public string Root { get; set; } = "";

    public string? Commit { get; set; }

    public string AnalyzerAssembly { get; set; } = "";

    public DateTimeOffset StartedAt { get; set; }

    public int Files { get; set; }

    public long Lines { get; set; }

    /// <summary>Wall time of the compiler's own diagnostics (declaration + method-body binding) over all projects.</summary>
    public double CompilerSeconds { get; set; }

    /// <summary>Sum of the per-analyzer execution times Roslyn measured (AnalyzerTelemetryInfo.ExecutionTime).</summary>
    public double AnalyzerSeconds { get; set; }

    public List<ProjectEntry> Projects { get; } = new();

    public SortedDictionary<string, int> DiagnosticsPerRule { get; } = new(StringComparer.Ordinal);

    public SortedDictionary<string, AnalyzerTime> AnalyzerTimes { get; } = new(StringComparer.Ordinal);

    public List<DiagnosticEntry> Diagnostics { get; } = new();

    public List<FailureEntry> Failures { get; } = new();

    public List<FixAllEntry>? FixAll { get; set; }

    public List<TypingEntry>? Typing { get; set; }

    public string ToJson() => JsonSerializer.Serialize(this, new JsonSerializerOptions
    {
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    });

    public string ToMarkdown()
    {
        var c = CultureInfo.InvariantCulture;
        var md = new StringBuilder();
        md.AppendLine(c, $"# GilAnalyzers on `{Path.GetFileName(Root.TrimEnd('/'))}`");
        md.AppendLine();
        md.AppendLine(c, $"- root: `{Root}`{(Commit is null ? "" : $", commit `{Commit}`")}");
        md.AppendLine(c, $"- analyzers: `{AnalyzerAssembly}`; run at {StartedAt:u}");
        md.AppendLine(c, $"- {Projects.Count} compilations, {Files} files, {Lines:N0} lines of C#");
        md.AppendLine(c, $"- compiler diagnostics (binding) {CompilerSeconds:F1} s; GilAnalyzers analyzers {AnalyzerSeconds:F2} s "
            + $"= {(CompilerSeconds > 0 ? 100 * AnalyzerSeconds / CompilerSeconds : 0):F2}% of it");
        md.AppendLine(c, $"- analyzer/fixer failures: **{Failures.Count}**");
        md.AppendLine();

        md.AppendLine("## Diagnostics per rule");
        md.AppendLine();
        md.AppendLine("| rule | count |");
        md.AppendLine("| --- | ---: |");
        foreach (var (id, count) in DiagnosticsPerRule)
        {
            md.AppendLine(c, $"| {id} | {count} |");
        }

        if (DiagnosticsPerRule.Count == 0)
        {
            md.AppendLine("| (none) | 0 |");
        }

        md.AppendLine();
        md.AppendLine("## Analyzer time");
        md.AppendLine();
        md.AppendLine("| analyzer | rules | time (s) | share of compiler time |");
        md.AppendLine("| --- | --- | ---: | ---: |");
        foreach (var (name, time) in AnalyzerTimes.OrderByDescending(kv => kv.Value.Seconds))
        {
            md.AppendLine(c, $"| {name} | {string.Join(", ", time.Rules)} | {time.Seconds:F3} | {(CompilerSeconds > 0 ? 100 * time.Seconds / CompilerSeconds : 0):F2}% |");
        }

        md.AppendLine();
        md.AppendLine("## Compilations");
        md.AppendLine();
        md.AppendLine("| project | files | lines | compiler errors (missing deps) | binding (s) | analyzers (s) | diagnostics |");
        md.AppendLine("| --- | ---: | ---: | ---: | ---: | ---: | ---: |");
        foreach (var p in Projects)
        {
            md.AppendLine(c, $"| {p.Name} | {p.Files} | {p.Lines:N0} | {p.CompilerErrors} | {p.CompilerSeconds:F1} | {p.AnalyzerSeconds:F2} | {p.Diagnostics} |");
        }

        md.AppendLine();
        md.AppendLine("## Failures");
        md.AppendLine();
        if (Failures.Count == 0)
        {
            md.AppendLine("None.");
        }

        foreach (var f in Failures)
        {
            md.AppendLine(c, $"- **{f.Stage}** in {f.Project}{(f.File is null ? "" : $" at `{f.File}:{f.Line}`")}:");
            md.AppendLine("  ```");
            foreach (var line in f.Message.Split('\n'))
            {
                md.AppendLine("  " + line.TrimEnd());
            }

            md.AppendLine("  ```");
        }

        md.AppendLine();
        md.AppendLine("## Every diagnostic");
        md.AppendLine();
        if (Diagnostics.Count == 0)
        {
            md.AppendLine("None.");
        }

        foreach (var d in Diagnostics)
        {
            md.AppendLine(c, $"### {d.Id} `{d.File}:{d.Line}`");
            md.AppendLine();
            md.AppendLine(c, $"{d.Message}");
            md.AppendLine();
            md.AppendLine("```csharp");
            md.AppendLine(d.SourceLine);
            md.AppendLine("```");
            md.AppendLine();
        }

        if (FixAll is not null)
        {
            md.AppendLine("## FixAll");
            md.AppendLine();
            if (FixAll.Count == 0)
            {
                md.AppendLine("Nothing to fix: no diagnostic has a code fix provider in GilAnalyzers.CodeFixes.");
            }
            else
            {
                md.AppendLine("| project | rule | fixer | equivalence key | diagnostics | changed documents | new compiler errors | note |");
                md.AppendLine("| --- | --- | --- | --- | ---: | ---: | ---: | --- |");
                foreach (var f in FixAll)
                {
                    md.AppendLine(c, $"| {f.Project} | {f.RuleId} | {f.Fixer} | `{f.EquivalenceKey}` | {f.Diagnostics} | {f.ChangedDocuments} | {f.NewErrors} | {f.Note} |");
                }

                foreach (var f in FixAll.Where(f => f.NewErrorSamples.Count > 0))
                {
                    md.AppendLine();
                    md.AppendLine(c, $"New errors after `{f.EquivalenceKey}` in {f.Project}:");
                    foreach (var e in f.NewErrorSamples)
                    {
                        md.AppendLine(c, $"- `{e}`");
                    }
                }
            }

            md.AppendLine();
        }

        if (Typing is not null)
        {
            md.AppendLine("## Typing simulation");
            md.AppendLine();
            md.AppendLine("| file | prefixes | prefixes with diagnostics | code actions | failures |");
            md.AppendLine("| --- | ---: | ---: | ---: | ---: |");
            foreach (var t in Typing)
            {
                md.AppendLine(c, $"| `{t.File}` | {t.Prefixes} | {t.PrefixesWithDiagnostics} | {t.CodeActions} | {t.Failures} |");
            }

            md.AppendLine();
        }

        return md.ToString();
    }
}

public sealed record AnalyzerTime(IReadOnlyList<string> Rules, double Seconds);

public sealed class ProjectEntry
{
    public string Name { get; set; } = "";

    public string ProjectFile { get; set; } = "";

    public int Files { get; set; }

    public long Lines { get; set; }

    public int CompilerErrors { get; set; }

    public double CompilerSeconds { get; set; }

    public double AnalyzerSeconds { get; set; }

    public int Diagnostics { get; set; }
}

public sealed record DiagnosticEntry(string Id, string Project, string File, int Line, int Column, string Message, string SourceLine);

public sealed record FailureEntry(string Project, string Stage, string? File, int? Line, string Message);

public sealed class FixAllEntry
{
    public string Project { get; set; } = "";

    public string RuleId { get; set; } = "";

    public string Fixer { get; set; } = "";

    public string? EquivalenceKey { get; set; }

    public int Diagnostics { get; set; }

    public int ChangedDocuments { get; set; }

    public int ErrorsBefore { get; set; }

    public int ErrorsAfter { get; set; }

    /// <summary>Per changed document, errors after minus errors before (never below zero), summed.</summary>
    public int NewErrors { get; set; }

    public List<string> NewErrorSamples { get; } = new();

    public string Note { get; set; } = "";
}

public sealed record TypingEntry(string File, int Prefixes, int PrefixesWithDiagnostics, int CodeActions, int Failures);
