using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Testing;

namespace GilAnalyzers.Tests.Verifiers;

/// <summary>Compiles snippets against real reference assemblies, for tests of the analysis core.</summary>
public static class TestCompilation
{
    private static readonly SemaphoreSlim Gate = new(1, 1);
    private static readonly Dictionary<string, ImmutableArray<MetadataReference>> References = new();

    public static async Task<ImmutableArray<MetadataReference>> ReferencesAsync(ReferenceAssemblies? assemblies = null)
    {
        assemblies ??= TestReferences.Default;
        await Gate.WaitAsync();
        try
        {
            if (!References.TryGetValue(assemblies.TargetFramework, out var references))
            {
                references = await assemblies.ResolveAsync(LanguageNames.CSharp, CancellationToken.None);
                References[assemblies.TargetFramework] = references;
            }

            return references;
        }
        finally
        {
            Gate.Release();
        }
    }

    public static async Task<CSharpCompilation> CreateAsync(string source, ReferenceAssemblies? assemblies = null)
    {
        var tree = CSharpSyntaxTree.ParseText(source, new CSharpParseOptions(LanguageVersion.Latest));
        var compilation = CSharpCompilation.Create(
            "Snippet",
            new[] { tree },
            await ReferencesAsync(assemblies),
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, allowUnsafe: true));
        var errors = compilation.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error).ToList();
        if (errors.Count > 0)
        {
            throw new InvalidOperationException("Snippet does not compile:\n" + string.Join("\n", errors));
        }

        return compilation;
    }
}
