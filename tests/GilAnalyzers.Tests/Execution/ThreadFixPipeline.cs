using System.Collections.Immutable;
using System.Reflection;
using System.Runtime.Loader;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Text;

namespace GilAnalyzers.Tests.Execution;

/// <summary>
/// BEFORE/AFTER in memory: applies a GilAnalyzers fix to a sample's source through Roslyn (the real analyzer and code
/// fix provider, in an AdhocWorkspace), compiles both versions in Release, and runs <c>Sample.Run(int)</c> from each in
/// its own collectible AssemblyLoadContext. Shared by the execution tests and the bench/ThreadSamplesBench command.
/// </summary>
public static class ThreadFixPipeline
{
    private static readonly Lazy<ImmutableArray<MetadataReference>> References = new(() =>
        ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!)
            .Split(Path.PathSeparator)
            .Where(p => Path.GetFileName(p) is var name && (name.StartsWith("System.", StringComparison.Ordinal) || name is "System.dll" or "netstandard.dll" or "mscorlib.dll"))
            .Select(p => (MetadataReference)MetadataReference.CreateFromFile(p))
            .ToImmutableArray());

    /// <summary>The repository root (the directory holding GilAnalyzers.sln), found from the running assembly.</summary>
    public static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "GilAnalyzers.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException("Cannot find GilAnalyzers.sln above " + AppContext.BaseDirectory);
    }

    public static string SampleSource(string sample)
        => File.ReadAllText(Path.Combine(RepositoryRoot(), "samples", sample, "Program.cs"));

    /// <summary>
    /// Applies the action <paramref name="equivalenceKey"/> of <paramref name="fixer"/> to each diagnostic of
    /// <paramref name="analyzer"/> until none is left. Throws when the analyzer reports nothing or the action is missing.
    /// </summary>
    public static Task<string> ApplyFixAsync(string source, DiagnosticAnalyzer analyzer, CodeFixProvider fixer, string equivalenceKey, CancellationToken cancellationToken = default)
        => ApplyFixAsync(source, analyzer, fixer, equivalenceKey, ImmutableArray<MetadataReference>.Empty, cancellationToken);

    /// <summary>As above, compiling against <paramref name="additionalReferences"/> too (e.g. GilAnalyzers.Processes for GIL006).</summary>
    public static async Task<string> ApplyFixAsync(string source, DiagnosticAnalyzer analyzer, CodeFixProvider fixer, string equivalenceKey, ImmutableArray<MetadataReference> additionalReferences, CancellationToken cancellationToken = default)
    {
        using var workspace = new AdhocWorkspace();
        var projectId = ProjectId.CreateNewId();
        var solution = workspace.CurrentSolution
            .AddProject(ProjectInfo.Create(
                projectId,
                VersionStamp.Create(),
                "Sample",
                "Sample",
                LanguageNames.CSharp,
                compilationOptions: new CSharpCompilationOptions(OutputKind.ConsoleApplication, nullableContextOptions: NullableContextOptions.Enable),
                parseOptions: new CSharpParseOptions(LanguageVersion.Latest),
                metadataReferences: References.Value.AddRange(additionalReferences)));
        var documentId = DocumentId.CreateNewId(projectId);
        solution = solution.AddDocument(documentId, "Program.cs", SourceText.From(source));
        var fixedAny = false;
        for (var round = 0; round < 20; round++)
        {
            var document = solution.GetDocument(documentId)!;
            var compilation = (await document.Project.GetCompilationAsync(cancellationToken).ConfigureAwait(false))!;
            var diagnostics = await compilation.WithAnalyzers(ImmutableArray.Create(analyzer)).GetAnalyzerDiagnosticsAsync(cancellationToken).ConfigureAwait(false);
            var diagnostic = diagnostics.FirstOrDefault(d => fixer.FixableDiagnosticIds.Contains(d.Id));
            if (diagnostic is null)
            {
                break;
            }

            var actions = new List<CodeAction>();
            var context = new CodeFixContext(document, diagnostic, (action, _) => actions.Add(action), cancellationToken);
            await fixer.RegisterCodeFixesAsync(context).ConfigureAwait(false);
            var chosen = actions.FirstOrDefault(a => a.EquivalenceKey == equivalenceKey)
                ?? throw new InvalidOperationException($"No '{equivalenceKey}' action for {diagnostic}; offered: {string.Join(", ", actions.Select(a => a.EquivalenceKey))}");
            var operations = await chosen.GetOperationsAsync(cancellationToken).ConfigureAwait(false);
            solution = operations.OfType<ApplyChangesOperation>().Single().ChangedSolution;
            fixedAny = true;
        }

        if (!fixedAny)
        {
            throw new InvalidOperationException(analyzer.GetType().Name + " reported nothing to fix in the sample.");
        }

        return (await solution.GetDocument(documentId)!.GetTextAsync(cancellationToken).ConfigureAwait(false)).ToString();
    }

    /// <summary>Compiles <paramref name="source"/> in Release; throws with the compiler errors when it does not compile.</summary>
    public static byte[] Compile(string source, string assemblyName)
    {
        var compilation = CSharpCompilation.Create(
            assemblyName,
            new[] { CSharpSyntaxTree.ParseText(source, new CSharpParseOptions(LanguageVersion.Latest)) },
            References.Value,
            new CSharpCompilationOptions(OutputKind.ConsoleApplication, optimizationLevel: OptimizationLevel.Release, nullableContextOptions: NullableContextOptions.Enable));
        using var stream = new MemoryStream();
        var result = compilation.Emit(stream);
        if (!result.Success)
        {
            var errors = result.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error).Select(d => d.ToString());
            throw new InvalidOperationException("Compilation of " + assemblyName + " failed:\n" + string.Join("\n", errors));
        }

        return stream.ToArray();
    }

    /// <summary>A compiled sample loaded in its own collectible context; dispose to unload.</summary>
    public sealed class LoadedSample : IDisposable
    {
        private readonly AssemblyLoadContext _context;
        private readonly MethodInfo _run;
        private readonly MethodInfo? _runFull;

        public LoadedSample(byte[] image, string name)
        {
            _context = new AssemblyLoadContext(name, isCollectible: true);
            using var stream = new MemoryStream(image);
            var assembly = _context.LoadFromStream(stream);
            var type = assembly.GetType("Sample") ?? throw new InvalidOperationException(name + " has no Sample class.");
            _run = type.GetMethod("Run", new[] { typeof(int) }) ?? throw new InvalidOperationException(name + " has no Sample.Run(int).");
            _runFull = type.GetMethod("Run", Type.EmptyTypes);
        }

        public object Run(int size) => Invoke(_run, new object[] { size });

        /// <summary>The sample's own full-size entry point, <c>Sample.Run()</c>.</summary>
        public object RunFull() => Invoke(_runFull ?? throw new InvalidOperationException("The sample has no Sample.Run()."), Array.Empty<object>());

        private static object Invoke(MethodInfo method, object[] arguments)
        {
            try
            {
                return method.Invoke(null, arguments)!;
            }
            catch (TargetInvocationException e) when (e.InnerException is not null)
            {
                throw new InvalidOperationException("Sample.Run threw: " + e.InnerException.Message, e.InnerException);
            }
        }

        public void Dispose() => _context.Unload();
    }
}
