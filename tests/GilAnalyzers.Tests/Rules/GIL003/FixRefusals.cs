using System.Collections.Generic;
using System.Linq;
using GilAnalyzers.CodeFixes;
using GilAnalyzers.Testing.Programs;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Host.Mef;
using Microsoft.CodeAnalysis.Text;

namespace GilAnalyzers.Tests.Rules;

/// <summary>Why the fixers refuse: WhyNoFix's answer for every diagnostic of one rule in a source, in order.</summary>
internal static class FixRefusals
{
    public static async Task<List<string>> ReasonsAsync(string source, string diagnosticId, params MetadataReference[] references)
    {
        using var workspace = new AdhocWorkspace(MefHostServices.DefaultHost);
        var (document, diagnostics) = await AnalyzeAsync(workspace, source, references);
        var result = new List<string>();
        foreach (var diagnostic in diagnostics.Where(d => d.Id == diagnosticId))
        {
            result.Add(await WhyNoFix.ExplainAsync(document, diagnostic) ?? "(fix offered)");
        }

        return result;
    }

    /// <summary>
    /// WhyNoFix's answer for the source's only diagnostic of <paramref name="diagnosticId"/> (any GIL rule when null);
    /// null when an action is offered. Fails the test unless there is exactly one such diagnostic.
    /// </summary>
    public static async Task<string?> OnlyAsync(string source, string? diagnosticId = null)
    {
        using var workspace = new AdhocWorkspace(MefHostServices.DefaultHost);
        var (document, diagnostics) = await AnalyzeAsync(workspace, source);
        var diagnostic = Xunit.Assert.Single(diagnostics, d => diagnosticId is null || d.Id == diagnosticId);
        return await WhyNoFix.ExplainAsync(document, diagnostic);
    }

    private static async Task<(Document Document, IEnumerable<Diagnostic> Diagnostics)> AnalyzeAsync(AdhocWorkspace workspace, string source, params MetadataReference[] references)
    {
        var projectId = ProjectId.CreateNewId();
        var documentId = DocumentId.CreateNewId(projectId);
        var solution = workspace.CurrentSolution
            .AddProject(ProjectInfo.Create(projectId, VersionStamp.Create(), "Test", "Test", LanguageNames.CSharp,
                compilationOptions: SampleFixPipeline.CompilationOptions(),
                parseOptions: SampleFixPipeline.ParseOptions(),
                metadataReferences: SampleFixPipeline.PlatformReferences.Concat(references)))
            .AddDocument(documentId, "Test.cs", SourceText.From(source));
        var document = solution.GetDocument(documentId)!;
        return (document, await SampleFixPipeline.AnalyzeAsync(document));
    }
}
