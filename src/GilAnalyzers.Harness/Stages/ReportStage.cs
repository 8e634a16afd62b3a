using GilAnalyzers.Harness.Cli;
using GilAnalyzers.Harness.Reporting;
using Spectre.Console;

namespace GilAnalyzers.Harness.Stages;

/// <summary>The report stage: the console summary, then the files the options ask for (--json, --markdown, --chart).</summary>
public static class ReportStage
{
    public static void WriteBench(IAnsiConsole console, BenchReport report, BenchOptions options)
    {
        console.WriteLine();
        ReportWriters.WriteConsole(console, report);
        if (options.JsonPath is not null)
        {
            ReportWriters.WriteFile(options.JsonPath, ReportWriters.Json(report));
        }

        if (options.MarkdownPath is not null)
        {
            ReportWriters.WriteFile(options.MarkdownPath, ReportWriters.Markdown(report));
        }

        if (options.ChartPath is not null)
        {
            ChartWriter.Write(options.ChartPath, report);
        }
    }

    public static void WriteDiagnose(IAnsiConsole console, DiagnoseReport report, DiagnoseOptions options)
    {
        console.WriteLine();
        DiagnoseWriters.WriteConsole(console, report);
        if (options.JsonPath is not null)
        {
            ReportWriters.WriteFile(options.JsonPath, DiagnoseWriters.Json(report));
        }

        if (options.MarkdownPath is not null)
        {
            ReportWriters.WriteFile(options.MarkdownPath, DiagnoseWriters.Markdown(report));
        }

        if (options.ChartPath is not null)
        {
            DiagnoseWriters.Chart(options.ChartPath, report);
        }
    }
}
