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
        var projectId = ProjectId.CreateNewId();
        var documentId = DocumentId.CreateNewId(projectId);
        var solution = workspace.CurrentSolution
            .AddProject(ProjectInfo.Create(projectId, VersionStamp.Create(), "Test", "Test", LanguageNames.CSharp,
                compilationOptions: SampleFixPipeline.CompilationOptions(),
                parseOptions: SampleFixPipeline.ParseOptions(),
                metadataReferences: SampleFixPipeline.PlatformReferences.Concat(references)))
            .AddDocument(documentId, "Test.cs", SourceText.From(source));
        var document = solution.GetDocument(documentId)!;
        var result = new List<string>();
        foreach (var diagnostic in await SampleFixPipeline.AnalyzeAsync(document))
        {
            if (diagnostic.Id == diagnosticId)
            {
                result.Add(await WhyNoFix.ExplainAsync(document, diagnostic) ?? "(fix offered)");
            }
        }

        return result;
    }
}
