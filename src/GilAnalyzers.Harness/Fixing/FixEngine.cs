using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Threading;
using System.Threading.Tasks;
using GilAnalyzers.Testing;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.Diagnostics;

namespace GilAnalyzers.Harness.Fixing;

/// <summary>One fix the engine applied.</summary>
public sealed record AppliedFix(string Id, string Action, string? EquivalenceKey, string File, int Line);

/// <summary>A diagnostic the engine saw but did not fix, and why.</summary>
public sealed record UnfixedDiagnostic(string Id, string File, int Line, string Message, string Reason);

public sealed record FixOutcome(Solution Solution, IReadOnlyList<AppliedFix> Fixes, IReadOnlyList<UnfixedDiagnostic> Unfixed, int DiagnosticsSeen);

/// <summary>
/// The harness's fixing stage: the kit's one fix loop (<see cref="FixLoop"/>) over GilAnalyzers' analyzers and code fix
/// providers (<see cref="GilCatalog"/>), plus those of assemblies named with --fixers, whose fixes are preferred.
/// </summary>
public sealed class FixEngine
{
    private readonly FixLoop _loop;

    public FixEngine(IEnumerable<DiagnosticAnalyzer>? extraAnalyzers = null, IEnumerable<CodeFixProvider>? extraProviders = null)
    {
        // Extra providers come first so that a caller's own fixes are the preferred ones.
        _loop = new FixLoop(
            GilCatalog.CreateAnalyzers().Concat(extraAnalyzers ?? Array.Empty<DiagnosticAnalyzer>()),
            (extraProviders ?? Array.Empty<CodeFixProvider>()).Concat(GilCatalog.CreateFixers()));
    }

    public ImmutableArray<DiagnosticAnalyzer> Analyzers => _loop.Analyzers;

    public ImmutableArray<CodeFixProvider> Providers => _loop.Fixers;

    /// <summary>An engine that also uses the analyzers and code fix providers of other assemblies (--fixers); theirs are preferred.</summary>
    public static FixEngine WithAssemblies(IReadOnlyList<string> paths)
    {
        var analyzers = new List<DiagnosticAnalyzer>();
        var providers = new List<CodeFixProvider>();
        foreach (string path in paths)
        {
            Assembly assembly;
            try
            {
                assembly = Assembly.LoadFrom(Path.GetFullPath(path));
            }
            catch (Exception ex) when (ex is IOException or BadImageFormatException or ArgumentException)
            {
                throw new Cli.HarnessException(Cli.ExitCodes.BadUsage, $"--fixers '{path}' is not a loadable .NET assembly: {ex.Message}");
            }

            if (assembly == GilCatalog.AnalyzerAssembly || assembly == GilCatalog.CodeFixAssembly)
            {
                continue;
            }

            analyzers.AddRange(GilCatalog.AnalyzersIn(assembly));
            providers.AddRange(GilCatalog.FixersIn(assembly));
        }

        return new FixEngine(analyzers, providers);
    }

    /// <summary>The analyzer diagnostics of a project (GilAnalyzers' own analyzers only; the project's analyzer references are ignored).</summary>
    public Task<ImmutableArray<Diagnostic>> AnalyzeAsync(Project project, CancellationToken cancellationToken) =>
        _loop.AnalyzeAsync(project, strict: false, cancellationToken);

    /// <summary>Applies fixes until none is left. <paramref name="only"/> names diagnostic ids or equivalence keys (case-insensitive); empty means all, preferred action each.</summary>
    public async Task<FixOutcome> FixAsync(Project project, IReadOnlyCollection<string> only, int maxFixes, Action<string>? progress, CancellationToken cancellationToken)
    {
        FixLoopResult result = await _loop.FixAsync(project, new FixLoopOptions { Only = only, MaxFixes = maxFixes, Progress = progress }, cancellationToken).ConfigureAwait(false);
        return new FixOutcome(
            result.Solution,
            result.Applied.Select(f => new AppliedFix(f.DiagnosticId, f.Title, f.EquivalenceKey, f.File, f.Line)).ToList(),
            result.Unfixed.Select(u => new UnfixedDiagnostic(u.Id, u.File, u.Line, u.Message, u.Reason)).ToList(),
            result.DiagnosticsSeen);
    }

    internal Task<CodeAction?> ChooseActionAsync(Document document, Diagnostic diagnostic, IReadOnlyCollection<string> only, CancellationToken cancellationToken) =>
        _loop.ChooseActionAsync(document, diagnostic, only, strict: false, cancellationToken);
}
