using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace GilAnalyzers.RealCode.Corpus;

public enum Outcome
{
    /// <summary>A flag row where an expected rule fired.</summary>
    TruePositive,

    /// <summary>A flag row where no expected rule fired (another rule may have: see <see cref="RowResult.Found"/>).</summary>
    FalseNegative,

    /// <summary>A none row where some rule fired.</summary>
    FalsePositive,

    /// <summary>A none row where no rule fired.</summary>
    TrueNegative,

    /// <summary>Not scored (no checkout, or the file belongs to no project); never counted.</summary>
    Unscored,
}

public sealed record FoundDiagnostic(string Id, int Line, string Message);

/// <summary>What applying a true positive's first code action (the one FixAll and <c>dotnet format</c> apply) gave.</summary>
public enum FirstActionResult
{
    /// <summary>Applied; the project has no more compiler errors in any file than before.</summary>
    Clean,

    /// <summary>Applied; some file of the project has more compiler errors than before.</summary>
    BrokeBuild,

    /// <summary>The action changed no document.</summary>
    NoChange,

    /// <summary>The action threw or gave no change operation (see <see cref="ActionProbe.FixerExceptions"/>).</summary>
    Failed,
}

/// <summary>
/// The code actions every GilAnalyzers fixer offers for one true-positive diagnostic (equivalence keys in registration
/// order), and what applying the first one did to the project's compiler errors.
/// </summary>
public sealed record ActionProbe(
    string Id,
    int Line,
    IReadOnlyList<string> Keys,
    string? FirstFixer,
    [property: JsonConverter(typeof(JsonStringEnumConverter))] FirstActionResult? First,
    int NewErrors,
    IReadOnlyList<string> NewErrorSamples,
    IReadOnlyList<string> FixerExceptions)
{
    public bool Offered => Keys.Count > 0;

    /// <summary>Why no GilAnalyzers fixer offered an action (WhyNoFix.ExplainAsync: documented reason ids); null when one did.</summary>
    public string? WhyNoFix { get; init; }
}

/// <summary>Code-action coverage of the true positives of one label set and rule (<see cref="Rule"/> "all": every rule).</summary>
public sealed record ActionCoverage(
    string Set, string Rule, int TruePositiveRows, int Diagnostics, int WithAction, int FirstClean, int FirstBrokeBuild, int FirstNoChangeOrFailed, int FixerExceptions)
{
    /// <summary>Diagnostics with at least one code action / true-positive diagnostics.</summary>
    public double? ActionRate => Diagnostics == 0 ? null : (double)WithAction / Diagnostics;

    public static ActionCoverage Of(string set, string rule, IEnumerable<RowResult> rows)
    {
        var probes = new List<ActionProbe>();
        var tpRows = 0;
        foreach (var row in rows.Where(r => r.Outcome == Outcome.TruePositive && r.Actions is not null))
        {
            var mine = row.Actions!.Where(a => rule == "all" || a.Id == rule).ToList();
            tpRows += mine.Count > 0 ? 1 : 0;
            probes.AddRange(mine);
        }

        return new ActionCoverage(
            set, rule, tpRows, probes.Count, probes.Count(p => p.Offered),
            probes.Count(p => p.First == FirstActionResult.Clean),
            probes.Count(p => p.First == FirstActionResult.BrokeBuild),
            probes.Count(p => p.First is FirstActionResult.NoChange or FirstActionResult.Failed),
            probes.Sum(p => p.FixerExceptions.Count));
    }
}

public sealed record RowResult(CorpusRow Row, Outcome Outcome, ReferenceMode? Mode, IReadOnlyList<FoundDiagnostic> Found, string? Why)
{
    /// <summary>On a true positive scored with code actions: one probe per diagnostic of an expected rule in the range.</summary>
    public IReadOnlyList<ActionProbe>? Actions { get; init; }

    /// <summary>Compiler error ids reported inside the labelled lines (one entry per error): how much of the site itself
    /// the compilation could not bind (missing packages or framework assemblies), so misses can be told apart by it.</summary>
    public IReadOnlyList<string> SiteErrors { get; init; } = Array.Empty<string>();

    public static RowResult Unscored(CorpusRow row, string why) => new(row, Outcome.Unscored, null, Array.Empty<FoundDiagnostic>(), why);

    public static RowResult Scored(CorpusRow row, ReferenceMode mode, IReadOnlyList<FoundDiagnostic> found)
    {
        var outcome = row.IsFlag
            ? found.Any(f => row.Expected.Contains(f.Id)) ? Outcome.TruePositive : Outcome.FalseNegative
            : found.Count > 0 ? Outcome.FalsePositive : Outcome.TrueNegative;
        return new RowResult(row, outcome, mode, found, null);
    }

    /// <summary>Rules that fired here but were not expected: false alarms of those rules (wrong rule on a flag row included).</summary>
    public IEnumerable<string> UnexpectedRules => Found.Select(f => f.Id).Distinct().Where(id => !Row.Expected.Contains(id));
}

public sealed class ScoredProject
{
    public string Checkout { get; set; } = "";

    public string ProjectFile { get; set; } = "";

    [JsonConverter(typeof(JsonStringEnumConverter))]
    public ReferenceMode Mode { get; set; }

    public string? Note { get; set; }

    /// <summary>Compiled against .NET Framework 4.8's reference assemblies (the project targets only .NET Framework).</summary>
    public bool NetFramework { get; set; }

    public int CompilerErrors { get; set; }

    public double CompilerSeconds { get; set; }

    public double AnalyzerSeconds { get; set; }

    public int Diagnostics { get; set; }
}

/// <summary>The rows scored under one way of compiling (framework-only or restored references).</summary>
public sealed class CorpusRun
{
    [JsonConverter(typeof(JsonStringEnumConverter))]
    public ReferenceMode Mode { get; set; }

    public List<ScoredProject> Projects { get; } = new();

    [JsonIgnore]
    public List<RowResult> Rows { get; } = new();

    public List<RowView> RowOutcomes => Rows.Select(r => new RowView(
        r.Row.Set, r.Row.FileLine, r.Row.Where, r.Row.ExpectedText, r.Row.Shape, r.Outcome.ToString(), r.Mode?.ToString(),
        r.Found.Select(f => $"{f.Id}@{f.Line}").ToList(), r.Why, r.Actions, r.SiteErrors)).ToList();

    public List<string> Unlabelled { get; } = new();

    public List<string> Failures { get; } = new();

    public SortedDictionary<string, double> AnalyzerSeconds { get; } = new(StringComparer.Ordinal);

    public double CompilerSeconds => Projects.Sum(p => p.CompilerSeconds);

    public Score Score(Func<RowResult, bool> filter) => Corpus.Score.Of(Rows.Where(filter));

    /// <summary>Whether the true positives' code actions were asked for and their first actions applied (<c>--actions</c>).</summary>
    public bool ActionsMeasured { get; set; }

    /// <summary>Time spent asking fixers for actions, applying first actions and re-compiling.</summary>
    public double ActionSeconds { get; set; }

    /// <summary>Fixer exceptions and runner problems met while measuring code actions, with the site.</summary>
    public List<string> FixerFailures { get; } = new();

    /// <summary>Per label set and rule (and "all"), when <see cref="ActionsMeasured"/>.</summary>
    public List<ActionCoverage>? ActionCoverage => !ActionsMeasured ? null
        : Rows.Select(r => r.Row.Set).Distinct().OrderBy(s => s, StringComparer.Ordinal)
            .SelectMany(set => CorpusReport.Rules.Append("all").Select(rule => Corpus.ActionCoverage.Of(set, rule, Rows.Where(r => r.Row.Set == set))))
            .Where(c => c.Rule == "all" || c.Diagnostics > 0)
            .ToList();

    public sealed record RowView(
        string Set, int Line, string Where, string Expected, string Shape, string Outcome, string? Mode, List<string> Found, string? Why,
        IReadOnlyList<ActionProbe>? Actions = null, IReadOnlyList<string>? SiteErrors = null);
}

/// <summary>Counts over rows: recall = TP / (TP + FN), precision = TP / (TP + FP).</summary>
public sealed record Score(int TruePositives, int FalseNegatives, int FalsePositives, int TrueNegatives, int Unscored)
{
    public double? Recall => TruePositives + FalseNegatives == 0 ? null : (double)TruePositives / (TruePositives + FalseNegatives);

    public double? Precision => TruePositives + FalsePositives == 0 ? null : (double)TruePositives / (TruePositives + FalsePositives);

    public static Score Of(IEnumerable<RowResult> rows)
    {
        int tp = 0, fn = 0, fp = 0, tn = 0, unscored = 0;
        foreach (var row in rows)
        {
            switch (row.Outcome)
            {
                case Outcome.TruePositive: tp++; break;
                case Outcome.FalseNegative: fn++; break;
                case Outcome.FalsePositive: fp++; break;
                case Outcome.TrueNegative: tn++; break;
                default: unscored++; break;
            }
        }

        return new Score(tp, fn, fp, tn, unscored);
    }

    /// <summary>Per rule: TP/FN over rows expecting it; FP = rows where it fired unexpected (none rows and wrong-rule flag rows).</summary>
    public static Score OfRule(IEnumerable<RowResult> rows, string rule)
    {
        int tp = 0, fn = 0, fp = 0, tn = 0, unscored = 0;
        foreach (var row in rows)
        {
            if (row.Outcome == Outcome.Unscored)
            {
                unscored += row.Row.Expected.Contains(rule) ? 1 : 0;
                continue;
            }

            var fired = row.Found.Any(f => f.Id == rule);
            if (row.Row.Expected.Contains(rule))
            {
                if (row.Outcome == Outcome.TruePositive)
                {
                    tp++;
                }
                else
                {
                    fn++;
                }
            }
            else if (fired)
            {
                fp++;
            }
            else if (!row.Row.IsFlag)
            {
                tn++;
            }
        }

        return new Score(tp, fn, fp, tn, unscored);
    }
}

/// <summary>Everything a corpus run found; JSON and Markdown.</summary>
public sealed class CorpusReport
{
    public static readonly string[] Rules = { "GIL001", "GIL002", "GIL003", "GIL004", "GIL005", "GIL006" };

    public string Checkouts { get; set; } = "";

    public List<string> LabelFiles { get; set; } = new();

    public DateTimeOffset StartedAt { get; set; }

    public List<CorpusRun> Runs { get; } = new();

    public string ToJson() => JsonSerializer.Serialize(this, new JsonSerializerOptions
    {
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    });

    /// <summary>The headline lines for the console: one per run and label set.</summary>
    public IEnumerable<string> Summary()
    {
        foreach (var run in Runs)
        {
            foreach (var set in LabelSets(run))
            {
                var s = run.Score(r => r.Row.Set == set);
                yield return $"{run.Mode,-9} {set,-10} recall {Fmt(s.Recall)} precision {Fmt(s.Precision)}  "
                    + $"(TP {s.TruePositives}, FN {s.FalseNegatives}, FP {s.FalsePositives}, TN {s.TrueNegatives}, unscored {s.Unscored})";
            }

            if (run.ActionsMeasured)
            {
                foreach (var a in run.ActionCoverage!.Where(a => a.Rule == "all"))
                {
                    yield return $"{run.Mode,-9} {a.Set,-10} code actions on {a.Diagnostics} true-positive diagnostic(s): {a.WithAction} with an action ({Fmt(a.ActionRate)}); "
                        + $"first action: {a.FirstClean} clean, {a.FirstBrokeBuild} broke the build, {a.FirstNoChangeOrFailed} no change or failed; fixer exceptions {a.FixerExceptions}";
                }

                yield return $"{run.Mode,-9} code actions measured in {run.ActionSeconds:F1} s";
            }

            yield return $"{run.Mode,-9} analyzer exceptions {run.Failures.Count}; analyzers {run.AnalyzerSeconds.Values.Sum():F2} s vs binding {run.CompilerSeconds:F1} s; "
                + $"{run.Unlabelled.Count} diagnostic(s) in labelled files outside any row";
        }
    }

    public string ToMarkdown()
    {
        var c = CultureInfo.InvariantCulture;
        var md = new StringBuilder();
        md.AppendLine("# GilAnalyzers on the labelled real-code corpus");
        md.AppendLine();
        md.AppendLine(c, $"- labels: {string.Join(", ", LabelFiles.Select(f => $"`{f}`"))}; checkouts: `{Checkouts}`; run at {StartedAt:u}");
        md.AppendLine();
        foreach (var run in Runs)
        {
            var sets = LabelSets(run).ToList();
            md.AppendLine(c, $"## References: {run.Mode}");
            md.AppendLine();
            var restored = run.Projects.Count(p => p.Mode == ReferenceMode.Restored);
            var netFramework = run.Projects.Count(p => p.NetFramework);
            md.AppendLine(c, $"{run.Projects.Count} compilations ({restored} with restored references, {netFramework} against .NET Framework 4.8's reference assemblies), analyzer exceptions: **{run.Failures.Count}**, "
                + $"analyzers {run.AnalyzerSeconds.Values.Sum():F2} s vs binding {run.CompilerSeconds:F1} s.");
            md.AppendLine();
            md.AppendLine("| set | rows | TP | FN | FP | TN | unscored | recall | precision |");
            md.AppendLine("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
            foreach (var set in sets.Append("all"))
            {
                var s = run.Score(r => set == "all" || r.Row.Set == set);
                md.AppendLine(c, $"| {set} | {s.TruePositives + s.FalseNegatives + s.FalsePositives + s.TrueNegatives + s.Unscored} | {s.TruePositives} | {s.FalseNegatives} | {s.FalsePositives} | {s.TrueNegatives} | {s.Unscored} | {Fmt(s.Recall)} | {Fmt(s.Precision)} |");
            }

            md.AppendLine();
            md.AppendLine("Per rule (FP: rows where the rule fired but was not expected):");
            md.AppendLine();
            md.AppendLine("| rule | " + string.Join(" | ", sets.Select(s => $"{s} TP/FN/FP | {s} recall | {s} precision")) + " |");
            md.AppendLine("| --- | " + string.Join(" | ", sets.Select(_ => "---: | ---: | ---:")) + " |");
            foreach (var rule in Rules)
            {
                md.Append(c, $"| {rule} ");
                foreach (var set in sets)
                {
                    var s = Score.OfRule(run.Rows.Where(r => r.Row.Set == set), rule);
                    md.Append(c, $"| {s.TruePositives}/{s.FalseNegatives}/{s.FalsePositives} | {Fmt(s.Recall)} | {Fmt(s.Precision)} ");
                }

                md.AppendLine("|");
            }

            md.AppendLine();
            md.AppendLine("Per shape:");
            md.AppendLine();
            md.AppendLine("| shape | expected | rows | TP | FN | FP | TN | unscored |");
            md.AppendLine("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |");
            foreach (var group in run.Rows.GroupBy(r => (r.Row.Shape, Flag: r.Row.IsFlag)).OrderByDescending(g => g.Key.Flag).ThenBy(g => g.Key.Shape, StringComparer.Ordinal))
            {
                var s = Score.Of(group);
                md.AppendLine(c, $"| {group.Key.Shape} | {(group.Key.Flag ? "flag" : "none")} | {group.Count()} | {s.TruePositives} | {s.FalseNegatives} | {s.FalsePositives} | {s.TrueNegatives} | {s.Unscored} |");
            }

            md.AppendLine();
            AppendSiteErrors(md, run, sets);
            if (run.ActionsMeasured)
            {
                AppendActions(md, run);
            }

            md.AppendLine("Misses and false alarms:");
            md.AppendLine();
            md.AppendLine("| set | row | site | expected | shape | outcome | found |");
            md.AppendLine("| --- | ---: | --- | --- | --- | --- | --- |");
            foreach (var r in run.Rows.Where(r => r.Outcome is Outcome.FalseNegative or Outcome.FalsePositive or Outcome.Unscored).OrderBy(r => r.Row.Set).ThenBy(r => r.Row.FileLine))
            {
                var found = r.Outcome == Outcome.Unscored ? r.Why : string.Join(", ", r.Found.Select(f => $"{f.Id}@{f.Line}"));
                md.AppendLine(c, $"| {r.Row.Set} | {r.Row.FileLine} | `{r.Row.Where}` | {r.Row.ExpectedText} | {r.Row.Shape} | {r.Outcome} | {found} |");
            }

            if (run.Failures.Count > 0)
            {
                md.AppendLine();
                md.AppendLine("Analyzer exceptions:");
                md.AppendLine();
                foreach (var failure in run.Failures)
                {
                    md.AppendLine(c, $"- {failure}");
                }
            }

            md.AppendLine();
            md.AppendLine("Analyzer time (s):");
            md.AppendLine();
            md.AppendLine("| analyzer | seconds |");
            md.AppendLine("| --- | ---: |");
            foreach (var (analyzer, seconds) in run.AnalyzerSeconds)
            {
                md.AppendLine(c, $"| {analyzer} | {seconds:F3} |");
            }

            md.AppendLine();
            md.AppendLine("Compilations:");
            md.AppendLine();
            md.AppendLine("| checkout | project | references | compiler errors | GIL diagnostics | note |");
            md.AppendLine("| --- | --- | --- | ---: | ---: | --- |");
            foreach (var p in run.Projects)
            {
                md.AppendLine(c, $"| {p.Checkout} | `{p.ProjectFile}` | {p.Mode} | {p.CompilerErrors} | {p.Diagnostics} | {p.Note} |");
            }

            if (run.Unlabelled.Count > 0)
            {
                md.AppendLine();
                md.AppendLine("Diagnostics in labelled files outside every row (not counted; candidates for labels):");
                md.AppendLine();
                foreach (var u in run.Unlabelled)
                {
                    md.AppendLine(c, $"- `{u}`");
                }
            }

            md.AppendLine();
        }

        return md.ToString();
    }

    /// <summary>
    /// Recall of the flag rows split by whether the compilation reported errors inside the labelled lines, and the error ids
    /// most often found in the missed ones: aggregates only, so a held-out set can be read this way without its rows.
    /// </summary>
    private static void AppendSiteErrors(StringBuilder md, CorpusRun run, IReadOnlyList<string> sets)
    {
        var c = CultureInfo.InvariantCulture;
        md.AppendLine("Flag rows by compiler errors inside the labelled lines (unresolved symbols at the site itself):");
        md.AppendLine();
        md.AppendLine("| set | site binds: TP/FN | recall | site has errors: TP/FN | recall | error ids in missed sites (count) |");
        md.AppendLine("| --- | ---: | ---: | ---: | ---: | --- |");
        foreach (var set in sets)
        {
            var flags = run.Rows.Where(r => r.Row.Set == set && r.Outcome is Outcome.TruePositive or Outcome.FalseNegative).ToList();
            var clean = Score.Of(flags.Where(r => r.SiteErrors.Count == 0));
            var broken = Score.Of(flags.Where(r => r.SiteErrors.Count > 0));
            var ids = flags.Where(r => r.Outcome == Outcome.FalseNegative).SelectMany(r => r.SiteErrors.Distinct())
                .GroupBy(id => id).OrderByDescending(g => g.Count()).ThenBy(g => g.Key, StringComparer.Ordinal).Take(8)
                .Select(g => $"{g.Key} ({g.Count()})");
            md.AppendLine(c, $"| {set} | {clean.TruePositives}/{clean.FalseNegatives} | {Fmt(clean.Recall)} | {broken.TruePositives}/{broken.FalseNegatives} | {Fmt(broken.Recall)} | {string.Join(", ", ids)} |");
        }

        md.AppendLine();
    }

    private static void AppendActions(StringBuilder md, CorpusRun run)
    {
        var c = CultureInfo.InvariantCulture;
        md.AppendLine(c, $"Code actions on true-positive diagnostics (every GilAnalyzers fixer asked through a CodeFixContext on the project's "
            + $"workspace document; the first action is the one FixAll and `dotnet format` apply; it is applied alone and the project re-compiled), "
            + $"{run.ActionSeconds:F1} s:");
        md.AppendLine();
        md.AppendLine("| set | rule | TP rows | TP diagnostics | with ≥1 action | action rate | first action: 0 new errors | first action broke the build | no change / failed | fixer exceptions |");
        md.AppendLine("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
        foreach (var a in run.ActionCoverage!)
        {
            md.AppendLine(c, $"| {a.Set} | {a.Rule} | {a.TruePositiveRows} | {a.Diagnostics} | {a.WithAction} | {Fmt(a.ActionRate)} | {a.FirstClean} | {a.FirstBrokeBuild} | {a.FirstNoChangeOrFailed} | {a.FixerExceptions} |");
        }

        md.AppendLine();
        var probed = run.Rows.Where(r => r.Actions is not null).OrderBy(r => r.Row.Set, StringComparer.Ordinal).ThenBy(r => r.Row.FileLine)
            .SelectMany(r => r.Actions!.Select(a => (Row: r.Row, Probe: a))).ToList();
        var broke = probed.Where(p => p.Probe.First is FirstActionResult.BrokeBuild or FirstActionResult.NoChange or FirstActionResult.Failed).ToList();
        if (broke.Count > 0)
        {
            md.AppendLine("First actions that broke the build, changed nothing or failed:");
            md.AppendLine();
            md.AppendLine("| set | row | site | diagnostic | first action | result | new errors |");
            md.AppendLine("| --- | ---: | --- | --- | --- | --- | --- |");
            foreach (var (row, probe) in broke)
            {
                var errors = string.Join("<br>", probe.NewErrorSamples.Concat(probe.FixerExceptions).Select(e => e.Replace('|', '/')));
                md.AppendLine(c, $"| {row.Set} | {row.FileLine} | `{row.Where}` | {probe.Id}@{probe.Line} | `{probe.Keys[0]}` | {probe.First} | {probe.NewErrors}: {errors} |");
            }

            md.AppendLine();
        }

        var none = probed.Where(p => !p.Probe.Offered).ToList();
        if (none.Count > 0)
        {
            md.AppendLine("True-positive diagnostics with no code action:");
            md.AppendLine();
            md.AppendLine("| set | row | site | shape | diagnostic | why no fix |");
            md.AppendLine("| --- | ---: | --- | --- | --- | --- |");
            foreach (var (row, probe) in none)
            {
                md.AppendLine(c, $"| {row.Set} | {row.FileLine} | `{row.Where}` | {row.Shape} | {probe.Id}@{probe.Line}{(probe.FixerExceptions.Count > 0 ? " (fixer threw)" : "")} | {(probe.WhyNoFix ?? string.Empty).Replace("|", "/", StringComparison.Ordinal)} |");
            }

            md.AppendLine();
        }

        if (run.FixerFailures.Count > 0)
        {
            md.AppendLine("Fixer exceptions:");
            md.AppendLine();
            foreach (var failure in run.FixerFailures)
            {
                md.AppendLine(c, $"- {failure}");
            }

            md.AppendLine();
        }
    }

    private static IEnumerable<string> LabelSets(CorpusRun run) => run.Rows.Select(r => r.Row.Set).Distinct().OrderBy(s => s, StringComparer.Ordinal);

    private static string Fmt(double? value) => value is null ? "–" : value.Value.ToString("F2", CultureInfo.InvariantCulture);
}
