using GilAnalyzers.Testing.Programs;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Host.Mef;
using Microsoft.CodeAnalysis.Text;

namespace GilAnalyzers.Tests.Verifiers;

/// <summary>
/// Which code actions the fixers offer for each GIL diagnostic of a source: for tests that one action is offered and
/// another is refused (the testing framework can only apply an action, not show that one is absent).
/// Compiles against the running runtime's assemblies.
/// </summary>
public static class CodeFixOffers
{
    /// <summary>Per diagnostic (in source order): its id and the equivalence keys offered, in order.</summary>
    public static async Task<IReadOnlyList<(string Id, IReadOnlyList<string?> Keys)>> ForAsync(string source, LanguageVersion version = LanguageVersion.Latest)
    {
        using var workspace = new AdhocWorkspace(MefHostServices.DefaultHost);
        var projectId = ProjectId.CreateNewId();
        var documentId = DocumentId.CreateNewId(projectId);
        var solution = workspace.CurrentSolution
            .AddProject(ProjectInfo.Create(projectId, VersionStamp.Create(), "Test", "Test", LanguageNames.CSharp,
                compilationOptions: SampleFixPipeline.CompilationOptions(),
                parseOptions: SampleFixPipeline.ParseOptions(version),
                metadataReferences: SampleFixPipeline.PlatformReferences))
            .AddDocument(documentId, "Test.cs", SourceText.From(source));
        var document = solution.GetDocument(documentId)!;
        var result = new List<(string, IReadOnlyList<string?>)>();
        foreach (var diagnostic in await SampleFixPipeline.AnalyzeAsync(document))
        {
            var actions = await SampleFixPipeline.OfferedActionsAsync(document, diagnostic);
            result.Add((diagnostic.Id, actions.Select(a => a.EquivalenceKey).ToList()));
        }

        return result;
    }
}
