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

// The namespace is the one this class had when it lived in the samples benchmark: the tests written against it
// (code-fix tests, verifiers, execution tests) compile unchanged. Everything new in the kit is GilAnalyzers.Testing.
namespace GilAnalyzers.Testing.Programs;

/// <summary>The source after fixing, the fixes that got it there, and the GIL diagnostics still reported.</summary>
public sealed record FixOutcome(string Source, IReadOnlyList<AppliedFix> Applied, IReadOnlyList<Diagnostic> RemainingDiagnostics);

/// <summary>
/// BEFORE → AFTER for one C# source, in memory: runs GilAnalyzers' analyzers over it, applies code actions through a
/// Roslyn workspace with the kit's one <see cref="FixLoop"/> (strict: the source must compile, analyzer and fixer
/// exceptions throw), and compiles either version (Release) against the running runtime's own assemblies, to be run
/// in a collectible load context (<see cref="LoadedSample"/>).
/// </summary>
public static class SampleFixPipeline
{
    private const int MaxRounds = 32;

    public static ImmutableArray<DiagnosticAnalyzer> Analyzers => FixLoop.Default.Analyzers;

    public static ImmutableArray<CodeFixProvider> Fixers => FixLoop.Default.Fixers;

    /// <summary>The assemblies of the running runtime, which the samples compile against.</summary>
    public static ImmutableArray<MetadataReference> PlatformReferences { get; } = LoadPlatformReferences();

    public static CSharpParseOptions ParseOptions(LanguageVersion version = LanguageVersion.Latest)
        => new CSharpParseOptions(version);

    public static CSharpCompilationOptions CompilationOptions()
        => new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary,
            optimizationLevel: OptimizationLevel.Release,
            nullableContextOptions: NullableContextOptions.Enable,
            concurrentBuild: false,
            deterministic: true);

    /// <summary>
    /// Adds a project of <paramref name="documents"/> (name, text) compiled like the samples (<see cref="CompilationOptions"/>,
    /// <see cref="ParseOptions"/>, <see cref="PlatformReferences"/> and <paramref name="additionalReferences"/>).
    /// </summary>
    public static (Solution Solution, ProjectId Project, ImmutableArray<DocumentId> Documents) AddProject(
        Solution solution,
        string name,
        IEnumerable<(string Name, string Text)> documents,
        LanguageVersion version = LanguageVersion.Latest,
        IEnumerable<MetadataReference>? additionalReferences = null)
    {
        var projectId = ProjectId.CreateNewId();
        solution = solution.AddProject(ProjectInfo.Create(projectId, VersionStamp.Create(), name, name, LanguageNames.CSharp,
            compilationOptions: CompilationOptions(),
            parseOptions: ParseOptions(version),
            metadataReferences: PlatformReferences.AddRange(additionalReferences ?? [])));
        var ids = ImmutableArray.CreateBuilder<DocumentId>();
        foreach (var (documentName, text) in documents)
        {
            var id = DocumentId.CreateNewId(projectId);
            solution = solution.AddDocument(id, documentName, SourceText.From(text));
            ids.Add(id);
        }

        return (solution, projectId, ids.ToImmutable());
    }

    /// <summary>
    /// Applies the preferred (first offered) code action of every GIL diagnostic, one at a time, until none is left that
    /// has a fix; with <paramref name="only"/>, only actions for those diagnostic ids or with those equivalence keys.
    /// Throws when the source does not compile (before or after a fix), an analyzer or fixer throws, or the fixes do not
    /// converge.
    /// </summary>
    public static async Task<FixOutcome> ApplyAllFixesAsync(
        string source,
        LanguageVersion version = LanguageVersion.Latest,
        CancellationToken cancellationToken = default,
        IReadOnlyCollection<string>? only = null,
        IEnumerable<MetadataReference>? additionalReferences = null)
    {
        using var workspace = new AdhocWorkspace(MefHostServices.DefaultHost);
        var (solution, projectId, documents) = AddProject(workspace.CurrentSolution, "Sample", [("Program.cs", source)], version, additionalReferences);
        var result = await FixLoop.Default.FixAsync(
            solution.GetProject(projectId)!,
            new FixLoopOptions { Only = only ?? Array.Empty<string>(), MaxFixes = MaxRounds, Strict = true },
            cancellationToken).ConfigureAwait(false);
        if (result.ReachedBound)
        {
            throw new InvalidOperationException($"The fixes did not converge after {MaxRounds} rounds: {string.Join(", ", result.Applied.Select(a => a.EquivalenceKey))}");
        }

        var text = await result.Solution.GetDocument(documents[0])!.GetTextAsync(cancellationToken).ConfigureAwait(false);
        return new FixOutcome(text.ToString(), result.Applied, result.LastDiagnostics);
    }

    /// <summary>
    /// The GIL diagnostics of <paramref name="document"/>'s project, in source order; throws when it does not compile or
    /// an analyzer throws.
    /// </summary>
    public static Task<ImmutableArray<Diagnostic>> AnalyzeAsync(Document document, CancellationToken cancellationToken = default)
        => FixLoop.Default.AnalyzeAsync(document.Project, strict: true, cancellationToken);

    /// <summary>Every code action offered for <paramref name="diagnostic"/>, in the order the fixers register them; a fixer's exception propagates.</summary>
    public static async Task<IReadOnlyList<CodeAction>> OfferedActionsAsync(Document document, Diagnostic diagnostic, CancellationToken cancellationToken = default)
    {
        var offered = await CodeFixCalls.ActionsAsync(document, diagnostic, Fixers, cancellationToken).ConfigureAwait(false);
        if (offered.Failures.Count > 0)
        {
            var (fixer, exception) = offered.Failures[0];
            throw new InvalidOperationException($"{fixer.GetType().Name} threw on {diagnostic}: {exception.Message}", exception);
        }

        return offered.Actions.Select(a => a.Action).ToList();
    }

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
    /// The execution tests' round trip: applies every first action to <paramref name="program"/>
    /// (<see cref="ApplyAllFixesAsync"/>), compiles the program before and after (assemblies named
    /// <paramref name="name"/>.Before and .After), and calls <paramref name="entry"/> on each with <paramref name="arguments"/>.
    /// </summary>
    public static async Task<(FixOutcome Outcome, object? Before, object? After)> RunBeforeAndAfterAsync(string program, string name, string entry, params object[] arguments)
    {
        var outcome = await ApplyAllFixesAsync(program).ConfigureAwait(false);
        var before = Invoke(Compile(program, name + ".Before"), entry, arguments);
        var after = Invoke(Compile(outcome.Source, name + ".After"), entry, arguments);
        return (outcome, before, after);
    }

    /// <summary>
    /// Loads <paramref name="image"/> into its own collectible load context, calls <paramref name="entry"/>
    /// (e.g. "Sample.Run", the samples' entry) with <paramref name="arguments"/> and unloads it.
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
}

/// <summary>A compiled program loaded into its own collectible <see cref="AssemblyLoadContext"/>; dispose to unload.</summary>
public sealed class LoadedSample : IDisposable
{
    private readonly AssemblyLoadContext _context;
    private readonly Type _type;
    private readonly string _entry;
    private readonly string _methodName;

    /// <param name="image">The assembly, e.g. from <see cref="SampleFixPipeline.Compile"/>.</param>
    /// <param name="entry">Namespace.Type.Method of a public static method.</param>
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

    /// <summary>Calls the entry overload that takes <paramref name="arguments"/>; the entry's exception is rethrown as <see cref="InvalidOperationException"/>.</summary>
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
