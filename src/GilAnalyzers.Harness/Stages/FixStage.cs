using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using GilAnalyzers.Harness.Cli;
using GilAnalyzers.Harness.Fixing;
using GilAnalyzers.Harness.Inputs;
using GilAnalyzers.Harness.Reporting;
using Microsoft.CodeAnalysis;
using Spectre.Console;

namespace GilAnalyzers.Harness.Stages;

/// <summary>What the fix stage made: the changed files (path relative to the project folder → text) and the fixes applied or not.</summary>
public sealed record FixStageResult(Dictionary<string, string> Changed, IReadOnlyList<FixEntry> Fixes, IReadOnlyList<UnfixedDiagnostic> NotFixed);

/// <summary>
/// The fix stage of `bench`: GilAnalyzers' fixes (or those of --fixers) applied to BEFORE's project, each fix and each
/// diagnostic left unfixed printed, and the changed documents collected as files of the project folder.
/// </summary>
public static class FixStage
{
    public static async Task<FixStageResult> RunAsync(FixEngine engine, Project project, Workbench bench, BenchOptions options, StepRunner steps, IAnsiConsole console, CancellationToken cancellationToken)
    {
        FixOutcome outcome = await ComputeAsync(engine, project, options, steps, "analyzing and applying fixes", cancellationToken).ConfigureAwait(false);
        return await ConcludeAsync(engine, outcome, project, bench, options, console, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The fixes, computed and not yet printed (a caller may still discard them and compute them again).</summary>
    public static Task<FixOutcome> ComputeAsync(FixEngine engine, Project project, BenchOptions options, StepRunner steps, string title, CancellationToken cancellationToken) =>
        steps.RunAsync(title, () => engine.FixAsync(project, options.Fix, options.MaxFixes, progress: null, cancellationToken));

    /// <summary>Prints the fixes and those left unfixed, ends the run when nothing was fixed, and collects the changed files.</summary>
    public static async Task<FixStageResult> ConcludeAsync(FixEngine engine, FixOutcome outcome, Project project, Workbench bench, BenchOptions options, IAnsiConsole console, CancellationToken cancellationToken)
    {
        var fixes = outcome.Fixes.Select(f => new FixEntry(f.Id, f.Action, f.EquivalenceKey, bench.DisplayName(f.File), f.Line)).ToList();
        var notFixed = outcome.Unfixed.Select(u => u with { File = bench.DisplayName(u.File) }).ToList();
        Print(console, engine, outcome, fixes, notFixed);
        if (fixes.Count == 0)
        {
            string why = outcome.DiagnosticsSeen == 0
                ? "GilAnalyzers report nothing in this program"
                : options.Fix.Count > 0 ? $"no fix matches --fix {string.Join(", ", options.Fix)}" : "no code fix applies to the diagnostics found";
            throw new HarnessException(ExitCodes.NothingToFix, "nothing to fix: " + why + ".");
        }

        Dictionary<string, string> changed = await ChangedFilesAsync(project.Solution, outcome.Solution, bench, console, cancellationToken).ConfigureAwait(false);
        return new FixStageResult(changed, fixes, notFixed);
    }

    private static void Print(IAnsiConsole console, FixEngine engine, FixOutcome outcome, IReadOnlyList<FixEntry> fixes, IReadOnlyList<UnfixedDiagnostic> notFixed)
    {
        console.MarkupLine($"analyzers: {outcome.DiagnosticsSeen} diagnostic(s) from {engine.Analyzers.Length} analyzer(s); {engine.Providers.Length} code fix provider(s)");
        foreach (FixEntry f in fixes)
        {
            console.MarkupLine($"  [green]fixed[/] {f.Id} at {Markup.Escape(f.File)}:{f.Line}: {Markup.Escape(f.Action)}{(f.EquivalenceKey is null ? "" : " [grey](" + Markup.Escape(f.EquivalenceKey) + ")[/]")}");
        }

        foreach (UnfixedDiagnostic u in notFixed)
        {
            console.MarkupLine($"  [yellow]not fixed[/] {u.Id} at {Markup.Escape(u.File)}:{u.Line}: {Markup.Escape(u.Reason)}");
        }
    }

    /// <summary>The documents the fixes changed or added, by path relative to BEFORE's folder; a change outside it is skipped and said.</summary>
    private static async Task<Dictionary<string, string>> ChangedFilesAsync(Solution original, Solution fixedSolution, Workbench bench, IAnsiConsole console, CancellationToken cancellationToken)
    {
        var changed = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (ProjectChanges projectChanges in fixedSolution.GetChanges(original).GetProjectChanges())
        {
            Project newProject = projectChanges.NewProject;
            foreach (DocumentId id in projectChanges.GetChangedDocuments(onlyGetDocumentsWithTextChanges: true).Concat(projectChanges.GetAddedDocuments()))
            {
                Document document = newProject.GetDocument(id)!;
                string path = document.FilePath ?? Path.Combine(Path.Combine(document.Folders.ToArray()), document.Name);
                string relative = Path.IsPathRooted(path) ? Path.GetRelativePath(bench.BeforeDir, path) : path;
                if (relative.StartsWith("..", StringComparison.Ordinal))
                {
                    console.MarkupLine($"[yellow]skipped a change outside the project folder:[/] {Markup.Escape(path)}");
                    continue;
                }

                changed[relative] = (await document.GetTextAsync(cancellationToken).ConfigureAwait(false)).ToString();
            }
        }

        return changed;
    }
}
