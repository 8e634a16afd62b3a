using System;
using System.Collections.Generic;
using System.Linq;

namespace GilAnalyzers.Harness.Cli;

/// <summary>
/// The options of `gil-bench diagnose`: the bench's input, --entry, --timeout, output files and --keep, plus
/// --plain-run; the bench's fixing and timing options are refused by name.
/// </summary>
public sealed class DiagnoseOptions
{
    private static readonly HashSet<string> BenchOnly = new(StringComparer.Ordinal)
    {
        "--fix", "--fixers", "--after", "--rounds", "--warmup", "--tolerance", "--ignore-lines", "--max-fixes", "--no-diff", "--build-cache",
    };

    public string Input { get; private init; } = "";
    public string? Entry { get; private init; }
    public double TimeoutSeconds { get; private init; } = 120;
    public string? JsonPath { get; private init; }
    public string? MarkdownPath { get; private init; }
    public string? ChartPath { get; private init; }
    public bool Keep { get; private init; }

    /// <summary>Also run the program once without tracing, to show the tracing's cost.</summary>
    public bool PlainRun { get; private init; }
    public IReadOnlyList<string> ProgramArgs { get; private init; } = Array.Empty<string>();

    /// <summary>
    /// Returns null when help was asked for. The options the two commands share are read by the bench's parser, so a
    /// value, an input or an unknown option is judged the same way by both.
    /// </summary>
    public static DiagnoseOptions? Parse(IReadOnlyList<string> args)
    {
        int dashDash = args.ToList().IndexOf("--");
        var own = dashDash < 0 ? args.ToList() : args.Take(dashDash).ToList();
        if (own.FirstOrDefault(BenchOnly.Contains) is { } wrong)
        {
            throw new HarnessException(ExitCodes.BadUsage, $"{wrong} is an option of the bench, not of diagnose (see gil-bench diagnose --help)");
        }

        bool plainRun = own.Remove("--plain-run");
        BenchOptions? common = BenchOptions.Parse(own.Concat(dashDash < 0 ? Enumerable.Empty<string>() : args.Skip(dashDash)).ToList());
        if (common is null)
        {
            return null;
        }

        return new DiagnoseOptions
        {
            Input = common.Input,
            Entry = common.Entry,
            TimeoutSeconds = common.TimeoutSeconds,
            JsonPath = common.JsonPath,
            MarkdownPath = common.MarkdownPath,
            ChartPath = common.ChartPath,
            Keep = common.Keep,
            PlainRun = plainRun,
            ProgramArgs = common.ProgramArgs.ToList(),
        };
    }
}
