using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Composition;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Text;

namespace GilAnalyzers.Harness.Fixing;

/// <summary>One fix the engine applied.</summary>
public sealed record AppliedFix(string Id, string Action, string? EquivalenceKey, string File, int Line);

/// <summary>A diagnostic the engine saw but did not fix, and why.</summary>
public sealed record UnfixedDiagnostic(string Id, string File, int Line, string Message, string Reason);

public sealed record FixOutcome(Solution Solution, IReadOnlyList<AppliedFix> Fixes, IReadOnlyList<UnfixedDiagnostic> Unfixed, int DiagnosticsSeen);

/// <summary>
/// Applies GilAnalyzers' code fixes to a project the way an IDE user would, one at a time:
/// analyze, take the first fixable diagnostic, ask the providers for actions, apply the preferred
/// one (the first registered, or the one named with --fix), re-analyze, repeat until nothing
/// fixable is left or the bound is reached. Analyzers and providers are discovered by reflection
/// over the GilAnalyzers and GilAnalyzers.CodeFixes assemblies, so new rules and fixes need no
/// change here.
/// </summary>
public sealed class FixEngine
{
    private readonly ImmutableArray<DiagnosticAnalyzer> _analyzers;
    private readonly ImmutableArray<CodeFixProvider> _providers;

    public FixEngine(IEnumerable<DiagnosticAnalyzer>? extraAnalyzers = null, IEnumerable<CodeFixProvider>? extraProviders = null)
    {
        // Extra providers come first so that a caller's own fixes are the preferred ones.
        _analyzers = LoadAnalyzers().Concat(extraAnalyzers ?? Array.Empty<DiagnosticAnalyzer>()).ToImmutableArray();
        _providers = (extraProviders ?? Array.Empty<CodeFixProvider>()).Concat(LoadProviders()).ToImmutableArray();
    }

    public ImmutableArray<DiagnosticAnalyzer> Analyzers => _analyzers;

    public ImmutableArray<CodeFixProvider> Providers => _providers;

    public static Assembly AnalyzerAssembly => typeof(GilAnalyzers.DiagnosticIds).Assembly;

    public static Assembly CodeFixAssembly => Assembly.Load(new AssemblyName("GilAnalyzers.CodeFixes"));

    internal static IEnumerable<DiagnosticAnalyzer> LoadAnalyzers() => AnalyzersIn(AnalyzerAssembly);

    internal static IEnumerable<CodeFixProvider> LoadProviders() => ProvidersIn(CodeFixAssembly);

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

            if (assembly == AnalyzerAssembly || assembly == CodeFixAssembly)
            {
                continue;
            }

            analyzers.AddRange(AnalyzersIn(assembly));
            providers.AddRange(ProvidersIn(assembly));
        }

        return new FixEngine(analyzers, providers);
    }

    private static IEnumerable<DiagnosticAnalyzer> AnalyzersIn(Assembly assembly) =>
        ConcreteTypes<DiagnosticAnalyzer>(assembly)
            .Where(t => t.GetCustomAttributes<DiagnosticAnalyzerAttribute>().Any(a => a.Languages.Contains(LanguageNames.CSharp)))
            .OrderBy(t => t.FullName, StringComparer.Ordinal)
            .Select(t => (DiagnosticAnalyzer)Activator.CreateInstance(t)!)
            .ToList();

    private static IEnumerable<CodeFixProvider> ProvidersIn(Assembly assembly) =>
        ConcreteTypes<CodeFixProvider>(assembly)
            .Where(t => t.GetCustomAttributes<ExportCodeFixProviderAttribute>().Any(a => a.Languages.Contains(LanguageNames.CSharp)))
            .OrderBy(t => t.FullName, StringComparer.Ordinal)
            .Select(t => (CodeFixProvider)Activator.CreateInstance(t)!)
            .ToList();

    private static IEnumerable<Type> ConcreteTypes<T>(Assembly assembly)
    {
        Type[] types;
        try
        {
            types = assembly.GetTypes();
        }
        catch (ReflectionTypeLoadException ex)
        {
            types = ex.Types.Where(t => t is not null).ToArray()!;
        }

        return types.Where(t => typeof(T).IsAssignableFrom(t) && !t.IsAbstract && t.GetConstructor(Type.EmptyTypes) is not null);
    }

    /// <summary>The analyzer diagnostics of a project (GilAnalyzers' own analyzers only; the project's analyzer references are ignored).</summary>
    public async Task<ImmutableArray<Diagnostic>> AnalyzeAsync(Project project, CancellationToken cancellationToken)
    {
        Compilation? compilation = await project.GetCompilationAsync(cancellationToken).ConfigureAwait(false);
        if (compilation is null || _analyzers.IsEmpty)
        {
            return ImmutableArray<Diagnostic>.Empty;
        }

        var options = new CompilationWithAnalyzersOptions(
            project.AnalyzerOptions,
            onAnalyzerException: null,
            concurrentAnalysis: true,
            logAnalyzerExecutionTime: false,
            reportSuppressedDiagnostics: false);
        var withAnalyzers = compilation.WithAnalyzers(_analyzers, options);
        ImmutableArray<Diagnostic> diagnostics = await withAnalyzers.GetAnalyzerDiagnosticsAsync(cancellationToken).ConfigureAwait(false);
        return diagnostics
            .Where(d => d.Location.IsInSource && d.Severity != DiagnosticSeverity.Hidden)
            .OrderBy(d => d.Location.SourceTree!.FilePath, StringComparer.Ordinal)
            .ThenBy(d => d.Location.SourceSpan.Start)
            .ToImmutableArray();
    }

    /// <summary>Applies fixes until none is left. <paramref name="only"/> names diagnostic ids or equivalence keys (case-insensitive); empty means all, preferred action each.</summary>
    public async Task<FixOutcome> FixAsync(Project project, IReadOnlyCollection<string> only, int maxFixes, Action<string>? progress, CancellationToken cancellationToken)
    {
        var fixes = new List<AppliedFix>();
        var unfixed = new Dictionary<string, UnfixedDiagnostic>(StringComparer.Ordinal);
        var fixedKeys = new HashSet<string>(StringComparer.Ordinal);
        int seen = 0;
        Solution solution = project.Solution;
        ProjectId projectId = project.Id;

        for (int pass = 0; pass < maxFixes; pass++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            Project current = solution.GetProject(projectId)!;
            ImmutableArray<Diagnostic> diagnostics = await AnalyzeAsync(current, cancellationToken).ConfigureAwait(false);
            if (pass == 0)
            {
                seen = diagnostics.Length;
            }

            progress?.Invoke($"pass {pass + 1}: {diagnostics.Length} diagnostic(s)");
            bool appliedOne = false;
            foreach (Diagnostic diagnostic in diagnostics)
            {
                string key = Key(diagnostic);
                if (unfixed.ContainsKey(key))
                {
                    continue;
                }

                Document? document = current.GetDocument(diagnostic.Location.SourceTree!);
                var position = diagnostic.Location.GetLineSpan();
                string file = RelativePath(current, document, diagnostic.Location.SourceTree!.FilePath);
                int line = position.StartLinePosition.Line + 1;

                if (fixedKeys.Contains(key))
                {
                    unfixed[key] = new UnfixedDiagnostic(diagnostic.Id, file, line, diagnostic.GetMessage(), "it was reported again after its fix was applied");
                    continue;
                }

                if (document is null)
                {
                    unfixed[key] = new UnfixedDiagnostic(diagnostic.Id, file, line, diagnostic.GetMessage(), "not in a source document of the project");
                    continue;
                }

                CodeAction? action = await ChooseActionAsync(document, diagnostic, only, cancellationToken).ConfigureAwait(false);
                if (action is null)
                {
                    unfixed[key] = new UnfixedDiagnostic(diagnostic.Id, file, line, diagnostic.GetMessage(),
                        only.Count > 0 ? "no code action matches --fix" : "no code fix is offered for it");
                    continue;
                }

                Solution? changed = await ApplyAsync(action, solution, cancellationToken).ConfigureAwait(false);
                if (changed is null || !changed.GetChanges(solution).GetProjectChanges().Any())
                {
                    unfixed[key] = new UnfixedDiagnostic(diagnostic.Id, file, line, diagnostic.GetMessage(), $"the action '{action.Title}' changed nothing");
                    continue;
                }

                fixes.Add(new AppliedFix(diagnostic.Id, action.Title, action.EquivalenceKey, file, line));
                progress?.Invoke($"applied {diagnostic.Id} '{action.Title}' at {file}:{line}");
                solution = changed;
                fixedKeys.Add(key);
                appliedOne = true;
                break;
            }

            if (!appliedOne)
            {
                break;
            }
        }

        return new FixOutcome(solution, fixes, unfixed.Values.ToList(), seen);
    }

    internal async Task<CodeAction?> ChooseActionAsync(Document document, Diagnostic diagnostic, IReadOnlyCollection<string> only, CancellationToken cancellationToken)
    {
        foreach (CodeFixProvider provider in _providers)
        {
            if (!provider.FixableDiagnosticIds.Contains(diagnostic.Id))
            {
                continue;
            }

            var actions = new List<CodeAction>();
            var context = new CodeFixContext(document, diagnostic, (a, _) => actions.AddRange(Flatten(a)), cancellationToken);
            try
            {
                await provider.RegisterCodeFixesAsync(context).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // A crashing fixer is a bug in that fixer; the others still get their chance.
                continue;
            }

            if (actions.Count == 0)
            {
                continue;
            }

            if (only.Count == 0 || only.Contains(diagnostic.Id, StringComparer.OrdinalIgnoreCase))
            {
                return actions[0];
            }

            CodeAction? named = actions.FirstOrDefault(a => a.EquivalenceKey is not null && only.Contains(a.EquivalenceKey, StringComparer.OrdinalIgnoreCase));
            if (named is not null)
            {
                return named;
            }
        }

        return null;
    }

    private static IEnumerable<CodeAction> Flatten(CodeAction action) =>
        action.NestedActions.IsDefaultOrEmpty ? new[] { action } : action.NestedActions.SelectMany(Flatten);

    private static async Task<Solution?> ApplyAsync(CodeAction action, Solution solution, CancellationToken cancellationToken)
    {
        ImmutableArray<CodeActionOperation> operations = await action.GetOperationsAsync(cancellationToken).ConfigureAwait(false);
        Solution? result = null;
        foreach (CodeActionOperation operation in operations)
        {
            if (operation is ApplyChangesOperation apply)
            {
                result = apply.ChangedSolution;
            }
        }

        return result;
    }

    private static string Key(Diagnostic diagnostic)
    {
        SourceText? text = diagnostic.Location.SourceTree?.GetText();
        string spanText = text is null ? "" : text.ToString(diagnostic.Location.SourceSpan);
        return diagnostic.Id + "|" + diagnostic.Location.SourceTree?.FilePath + "|" + spanText + "|" + diagnostic.GetMessage();
    }

    internal static string RelativePath(Project project, Document? document, string path)
    {
        string? projectDir = project.FilePath is null ? null : Path.GetDirectoryName(project.FilePath);
        string full = document?.FilePath ?? path;
        return projectDir is null || string.IsNullOrEmpty(full) ? full : Path.GetRelativePath(projectDir, full).Replace('\\', '/');
    }
}
