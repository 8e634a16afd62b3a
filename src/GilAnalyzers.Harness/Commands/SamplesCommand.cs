using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using GilAnalyzers.Harness.Cli;
using GilAnalyzers.Harness.Fixing;
using GilAnalyzers.Harness.Reporting;
using Spectre.Console;

namespace GilAnalyzers.Harness.Commands;

/// <summary>
/// `gil-bench samples &lt;folder&gt; [bench options] [--markdown FILE] [--json FILE]`: runs the bench on
/// every sample (each subfolder with a .csproj or one .cs file) and writes one results table
/// (samples/RESULTS.md). A sample's own options (e.g. `--entry X.Y.Run`) go in a `gil-bench.rsp` file in
/// its folder: arguments separated by white space, `#` starts a comment line.
/// </summary>
public sealed class SamplesCommand
{
    public const string ResponseFileName = "gil-bench.rsp";

    private readonly IAnsiConsole _console;
    private readonly FixEngine _engine;

    public SamplesCommand(IAnsiConsole console, FixEngine engine)
    {
        _console = console;
        _engine = engine;
    }

    public sealed record SampleOutcome(string Name, int ExitCode, string? Message, BenchReport? Report);

    public IReadOnlyList<SampleOutcome> Outcomes { get; private set; } = Array.Empty<SampleOutcome>();

    /// <summary>The samples command's own arguments: the folder, its two output files, and the bench options passed to every sample.</summary>
    private sealed record SamplesArguments(string? Folder, string? Markdown, string? Json, List<string> PassThrough);

    public async Task<int> RunAsync(IReadOnlyList<string> args, CancellationToken cancellationToken)
    {
        SamplesArguments parsed = ParseArguments(args);
        List<string> samples = FindSamples(parsed.Folder);
        var outcomes = new List<SampleOutcome>();
        foreach (string sample in samples)
        {
            outcomes.Add(await RunSampleAsync(sample, parsed.PassThrough, cancellationToken).ConfigureAwait(false));
        }

        Outcomes = outcomes;
        string table = Markdown(outcomes);
        _console.WriteLine();
        _console.Write(new Text(table));
        if (parsed.Markdown is not null)
        {
            ReportWriters.WriteFile(parsed.Markdown, table);
        }

        if (parsed.Json is not null)
        {
            ReportWriters.WriteFile(parsed.Json, System.Text.Json.JsonSerializer.Serialize(
                outcomes.Select(o => new { sample = o.Name, exitCode = o.ExitCode, message = o.Message, report = o.Report }),
                ReportWriters.JsonOptions));
        }

        return outcomes.Select(o => o.ExitCode).FirstOrDefault(c => c != ExitCodes.Ok);
    }

    private static SamplesArguments ParseArguments(IReadOnlyList<string> args)
    {
        string? folder = null;
        string? markdown = null;
        string? json = null;
        var passThrough = new List<string>();
        for (int i = 0; i < args.Count; i++)
        {
            string a = args[i];
            if (a is "--markdown" or "--json")
            {
                if (i + 1 >= args.Count)
                {
                    throw new HarnessException(ExitCodes.BadUsage, $"option {a} needs a value");
                }

                if (a == "--markdown")
                {
                    markdown = args[++i];
                }
                else
                {
                    json = args[++i];
                }
            }
            else if (a is "--chart" or "--after" or "--keep")
            {
                throw new HarnessException(ExitCodes.BadUsage, $"{a} applies to one program; run gil-bench on the sample itself");
            }
            else if (folder is null && !a.StartsWith('-'))
            {
                folder = a;
            }
            else
            {
                passThrough.Add(a);
            }
        }

        return new SamplesArguments(folder, markdown, json, passThrough);
    }

    /// <summary>Each subfolder with one .csproj or one .cs file, in name order; hidden folders are skipped.</summary>
    internal static List<string> FindSamples(string? folder)
    {
        if (folder is null || !Directory.Exists(folder))
        {
            throw new HarnessException(ExitCodes.BadUsage, folder is null ? "samples: name the samples folder" : $"samples: folder '{folder}' does not exist");
        }

        var samples = Directory.GetDirectories(folder)
            .Where(d => !Path.GetFileName(d).StartsWith('.'))
            .Where(d => Directory.GetFiles(d, "*.csproj").Length == 1 || Directory.GetFiles(d, "*.cs").Length == 1)
            .OrderBy(d => Path.GetFileName(d), StringComparer.Ordinal)
            .ToList();
        if (samples.Count == 0)
        {
            throw new HarnessException(ExitCodes.BadUsage, $"samples: '{folder}' has no sample folders (each with one .csproj or one .cs file)");
        }

        return samples;
    }

    /// <summary>The bench on one sample, with its gil-bench.rsp options then the command's; a failure is its outcome, not the end of the command.</summary>
    private async Task<SampleOutcome> RunSampleAsync(string sample, IReadOnlyList<string> passThrough, CancellationToken cancellationToken)
    {
        string name = Path.GetFileName(sample);
        _console.Write(new Rule($"[bold]{Markup.Escape(name)}[/]").LeftJustified());
        var sampleArgs = new List<string> { sample };
        sampleArgs.AddRange(ReadResponseFile(Path.Combine(sample, ResponseFileName)));
        sampleArgs.AddRange(passThrough);
        var bench = new BenchCommand(_console, _engine);
        int code;
        string? message = null;
        try
        {
            BenchOptions options = BenchOptions.Parse(sampleArgs) ?? throw new HarnessException(ExitCodes.BadUsage, "--help is not a sample option");
            code = await bench.RunAsync(options, cancellationToken).ConfigureAwait(false);
        }
        catch (HarnessException ex)
        {
            code = ex.ExitCode;
            message = ex.Message;
            _console.MarkupLine($"[red]{Markup.Escape(name)}:[/] {Markup.Escape(ex.Message)}");
        }

        return new SampleOutcome(name, code, message, bench.Report);
    }

    internal static IEnumerable<string> ReadResponseFile(string path)
    {
        if (!File.Exists(path))
        {
            return Array.Empty<string>();
        }

        return File.ReadAllLines(path)
            .Select(l => l.Trim())
            .Where(l => l.Length > 0 && !l.StartsWith('#'))
            .SelectMany(l => l.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
    }

    public static string Markdown(IReadOnlyList<SampleOutcome> outcomes)
    {
        CultureInfo inv = CultureInfo.InvariantCulture;
        MachineInfo machine = MachineInfo.Current();
        var sb = new StringBuilder();
        sb.Append("# gil-bench results for the samples\n\n");
        sb.Append(inv, $"Measured on **{machine.Cores} cores**, {machine.Os}, {machine.Runtime} ({machine.Architecture}), {DateTime.UtcNow:yyyy-MM-dd}.\n");
        sb.Append("Regenerate: `dotnet run --project src/GilAnalyzers.Harness -c Release -- samples samples --markdown samples/RESULTS.md`.\n\n");
        sb.Append("| sample | fixes applied | BEFORE wall median | AFTER wall median | speedup (95% CI) | Mann–Whitney p | effective cores BEFORE → AFTER | lock contentions BEFORE → AFTER | results |\n");
        sb.Append("|---|---|---:|---:|---:|---:|---:|---:|---|\n");
        foreach (SampleOutcome o in outcomes)
        {
            BenchReport? r = o.Report;
            if (r?.Before is null || r.After is null || r.Speedup is null)
            {
                string why = o.ExitCode switch
                {
                    ExitCodes.NothingToFix => "nothing to fix",
                    _ => $"failed (exit {o.ExitCode}): {o.Message}",
                };
                sb.Append("| ").Append(o.Name).Append(" | ").Append(why.Replace("|", "\\|", StringComparison.Ordinal).Replace("\n", " ", StringComparison.Ordinal)).Append(" | | | | | | | |\n");
                continue;
            }

            string fixes = r.Fixes.Count == 0 ? r.AfterSource : string.Join(", ", r.Fixes.Select(f => f.EquivalenceKey ?? f.Id).Distinct());
            SpeedupEntry s = r.Speedup;
            string ci = s.CiLow is { } lo && s.CiHigh is { } hi ? string.Create(inv, $" ({lo:0.00}–{hi:0.00})") : "";
            sb.Append(inv, $"| {o.Name} | {fixes} | {ReportWriters.Ms(r.Before.WallMs.Median)} | {ReportWriters.Ms(r.After.WallMs.Median)} | ");
            sb.Append(inv, $"×{s.Median:0.00}{ci}{(s.Significant ? "" : " n.s.")} | {(s.PValue is { } p ? p.ToString("0.####", inv) : "n/a")} | ");
            sb.Append(inv, $"{r.Before.EffectiveCores:0.00} → {r.After.EffectiveCores:0.00} | {r.Before.LockContentions:0} → {r.After.LockContentions:0} | ");
            sb.Append(r.ResultsEqual ? "equal" : !r.ResultsComparable ? "**not comparable** (BEFORE not deterministic)" : "**DIFFERENT**").Append(" |\n");
        }

        return sb.ToString();
    }
}
