using System.Collections.Immutable;
using System.Reflection;
using System.Runtime.Loader;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Host.Mef;
using Microsoft.CodeAnalysis.Text;

namespace GilAnalyzers.SamplesBench;

/// <summary>One fix the pipeline applied.</summary>
public sealed record AppliedFix(string DiagnosticId, string? EquivalenceKey, string Title);

/// <summary>The source after fixing, and the fixes that got it there.</summary>
public sealed record FixOutcome(string Source, IReadOnlyList<AppliedFix> Applied, IReadOnlyList<Diagnostic> RemainingDiagnostics);

/// <summary>
/// BEFORE → AFTER: runs GilAnalyzers' analyzers over a C# source, applies the preferred (first offered) code action of
/// every GIL diagnostic through a Roslyn workspace, one at a time until none is left that has a fix, and compiles
/// either version in memory (Release) against the running runtime's own assemblies.
/// Shared by the execution tests and the samples benchmark.
/// </summary>
public static class SampleFixPipeline
{
    private const int MaxRounds = 32;

    public static ImmutableArray<DiagnosticAnalyzer> Analyzers { get; } = Discover<DiagnosticAnalyzer>(
        typeof(GilAnalyzers.DiagnosticIds).Assembly, typeof(DiagnosticAnalyzerAttribute));

    public static ImmutableArray<CodeFixProvider> Fixers { get; } = Discover<CodeFixProvider>(
        typeof(GilAnalyzers.CodeFixes.SharedLockAroundCpuWorkFixer).Assembly, typeof(ExportCodeFixProviderAttribute));

    /// <summary>The assemblies of the running runtime, which the samples compile against.</summary>
    public static ImmutableArray<MetadataReference> PlatformReferences { get; } = LoadPlatformReferences();

    public static CSharpParseOptions ParseOptions(LanguageVersion version = LanguageVersion.Latest)
        => new CSharpParseOptions(version);

    public static async Task<FixOutcome> ApplyAllFixesAsync(string source, LanguageVersion version = LanguageVersion.Latest, CancellationToken cancellationToken = default)
    {
        using var workspace = new AdhocWorkspace(MefHostServices.DefaultHost);
        var projectId = ProjectId.CreateNewId();
        var documentId = DocumentId.CreateNewId(projectId);
        var solution = workspace.CurrentSolution
            .AddProject(ProjectInfo.Create(projectId, VersionStamp.Create(), "Sample", "Sample", LanguageNames.CSharp,
                compilationOptions: CompilationOptions(),
                parseOptions: ParseOptions(version),
                metadataReferences: PlatformReferences))
            .AddDocument(documentId, "Program.cs", SourceText.From(source));

        var applied = new List<AppliedFix>();
        var document = solution.GetDocument(documentId)!;
        for (var round = 0; round < MaxRounds; round++)
        {
            var diagnostics = await AnalyzeAsync(document, cancellationToken).ConfigureAwait(false);
            var fixedOne = false;
            foreach (var diagnostic in diagnostics)
            {
                var action = await PreferredActionAsync(document, diagnostic, cancellationToken).ConfigureAwait(false);
                if (action is null)
                {
                    continue;
                }

                var operations = await action.GetOperationsAsync(cancellationToken).ConfigureAwait(false);
                var change = operations.OfType<ApplyChangesOperation>().Single();
                document = change.ChangedSolution.GetDocument(documentId)!;
                applied.Add(new AppliedFix(diagnostic.Id, action.EquivalenceKey, action.Title));
                fixedOne = true;
                break;
            }

            if (!fixedOne)
            {
                var text = await document.GetTextAsync(cancellationToken).ConfigureAwait(false);
                return new FixOutcome(text.ToString(), applied, diagnostics);
            }
        }

        throw new InvalidOperationException($"The fixes did not converge after {MaxRounds} rounds: {string.Join(", ", applied.Select(a => a.EquivalenceKey))}");
    }

    /// <summary>The GIL diagnostics of <paramref name="document"/>, in source order.</summary>
    public static async Task<ImmutableArray<Diagnostic>> AnalyzeAsync(Document document, CancellationToken cancellationToken = default)
    {
        var compilation = await document.Project.GetCompilationAsync(cancellationToken).ConfigureAwait(false)
            ?? throw new InvalidOperationException("No compilation.");
        var errors = compilation.GetDiagnostics(cancellationToken).Where(d => d.Severity == DiagnosticSeverity.Error).ToList();
        if (errors.Count > 0)
        {
            throw new InvalidOperationException("The source does not compile:\n" + string.Join("\n", errors));
        }

        var withAnalyzers = compilation.WithAnalyzers(Analyzers, new CompilationWithAnalyzersOptions(
            new AnalyzerOptions(ImmutableArray<AdditionalText>.Empty), onAnalyzerException: null,
            concurrentAnalysis: false, logAnalyzerExecutionTime: false, reportSuppressedDiagnostics: false));
        var diagnostics = await withAnalyzers.GetAnalyzerDiagnosticsAsync(cancellationToken).ConfigureAwait(false);
        var failures = diagnostics.Where(d => d.Id == "AD0001").ToList();
        if (failures.Count > 0)
        {
            throw new InvalidOperationException("An analyzer threw:\n" + string.Join("\n", failures));
        }

        return diagnostics.Where(d => d.Id.StartsWith("GIL", StringComparison.Ordinal))
            .OrderBy(d => d.Location.SourceSpan.Start)
            .ToImmutableArray();
    }

    /// <summary>Every code action offered for <paramref name="diagnostic"/>, in the order the fixers register them.</summary>
    public static async Task<IReadOnlyList<CodeAction>> OfferedActionsAsync(Document document, Diagnostic diagnostic, CancellationToken cancellationToken = default)
    {
        var actions = new List<CodeAction>();
        foreach (var fixer in Fixers.Where(f => f.FixableDiagnosticIds.Contains(diagnostic.Id)))
        {
            var context = new CodeFixContext(document, diagnostic, (action, _) => actions.Add(action), cancellationToken);
            await fixer.RegisterCodeFixesAsync(context).ConfigureAwait(false);
        }

        return actions;
    }

    private static async Task<CodeAction?> PreferredActionAsync(Document document, Diagnostic diagnostic, CancellationToken cancellationToken)
        => (await OfferedActionsAsync(document, diagnostic, cancellationToken).ConfigureAwait(false)).FirstOrDefault();

    public static CSharpCompilationOptions CompilationOptions()
        => new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary,
            optimizationLevel: OptimizationLevel.Release,
            nullableContextOptions: NullableContextOptions.Enable,
            concurrentBuild: false,
            deterministic: true);

    /// <summary>Compiles <paramref name="source"/> to an in-memory assembly; throws with the errors when it does not compile.</summary>
    public static byte[] Compile(string source, string assemblyName, LanguageVersion version = LanguageVersion.Latest)
    {
        var tree = CSharpSyntaxTree.ParseText(source, ParseOptions(version));
        var compilation = CSharpCompilation.Create(assemblyName, new[] { tree }, PlatformReferences, CompilationOptions());
        using var stream = new MemoryStream();
        var result = compilation.Emit(stream);
        if (!result.Success)
        {
            throw new InvalidOperationException($"{assemblyName} does not compile:\n" + string.Join("\n", result.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error)));
        }

        return stream.ToArray();
    }

    /// <summary>
    /// Loads <paramref name="image"/> into its own collectible load context, calls <paramref name="entry"/>
    /// (e.g. "GilSamples.MonteCarlo.Sample.Run") with <paramref name="arguments"/> and unloads it.
    /// </summary>
    public static object? Invoke(byte[] image, string entry, params object[] arguments)
    {
        using var loaded = new LoadedSample(image, entry);
        return loaded.Invoke(arguments);
    }

    private static ImmutableArray<MetadataReference> LoadPlatformReferences()
    {
        var paths = (AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES") as string ?? string.Empty)
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries);
        var wanted = paths.Where(p =>
        {
            var name = Path.GetFileNameWithoutExtension(p);
            return name is "netstandard" or "mscorlib" || name.StartsWith("System.", StringComparison.Ordinal) || name == "System";
        });
        return wanted.Select(p => (MetadataReference)MetadataReference.CreateFromFile(p)).ToImmutableArray();
    }

    private static ImmutableArray<T> Discover<T>(Assembly assembly, Type attribute)
        where T : class
        => assembly.GetTypes()
            .Where(t => !t.IsAbstract && typeof(T).IsAssignableFrom(t) && t.GetCustomAttributes(attribute, false).Length > 0)
            .OrderBy(t => t.FullName, StringComparer.Ordinal)
            .Select(t => (T)Activator.CreateInstance(t)!)
            .ToImmutableArray();
}

/// <summary>A compiled sample loaded into its own collectible <see cref="AssemblyLoadContext"/>.</summary>
public sealed class LoadedSample : IDisposable
{
    private readonly AssemblyLoadContext _context;
    private readonly Type _type;
    private readonly string _entry;
    private readonly string _methodName;

    public LoadedSample(byte[] image, string entry)
    {
        _entry = entry;
        _context = new AssemblyLoadContext("gil-sample-" + Guid.NewGuid().ToString("N"), isCollectible: true);
        var assembly = _context.LoadFromStream(new MemoryStream(image));
        var split = entry.LastIndexOf('.');
        if (split <= 0)
        {
            throw new ArgumentException("The entry must be Namespace.Type.Method: " + entry, nameof(entry));
        }

        _type = assembly.GetType(entry[..split], throwOnError: false)
            ?? throw new InvalidOperationException("Type " + entry[..split] + " not found in the compiled sample.");
        _methodName = entry[(split + 1)..];
    }

    public object? Invoke(params object[] arguments)
    {
        var method = _type.GetMethods(BindingFlags.Public | BindingFlags.Static)
            .SingleOrDefault(m => m.Name == _methodName && m.GetParameters().Length == arguments.Length)
            ?? throw new MissingMethodException(_entry + " with " + arguments.Length + " argument(s)");
        try
        {
            return method.Invoke(null, arguments);
        }
        catch (TargetInvocationException e) when (e.InnerException is not null)
        {
            throw new InvalidOperationException(_entry + " threw: " + e.InnerException.Message, e.InnerException);
        }
    }

    public void Dispose() => _context.Unload();
}
