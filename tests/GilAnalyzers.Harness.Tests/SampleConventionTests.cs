using System.Text.RegularExpressions;
using GilAnalyzers.Harness.Commands;
using GilAnalyzers.Testing;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace GilAnalyzers.Harness.Tests;

/// <summary>
/// One sample convention (samples/README.md): every folder under samples/ is <c>GIL00x.Name</c> with
/// <c>GIL00x.Name.csproj</c> and one Program.cs of the one entry shape; the kit's catalogue and samples/README.md list
/// exactly those folders with the rule of their name; and `gil-bench samples` benchmarks exactly them.
/// </summary>
public class SampleConventionTests
{
    private static readonly Regex FolderName = new(@"^(?<rule>GIL\d{3})\.[A-Z][A-Za-z0-9]+$", RegexOptions.CultureInvariant);

    public static TheoryData<string> Folders()
    {
        var data = new TheoryData<string>();
        foreach (string name in SampleFolderNames())
        {
            data.Add(name);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Folders))]
    public void Folder_IsNamedAfterItsRule_WithItsProjectAndOneProgram(string name)
    {
        Assert.Matches(FolderName, name);
        string folder = Repository.Combine("samples", name);
        Assert.True(File.Exists(Path.Combine(folder, name + ".csproj")), $"{name}: no {name}.csproj");
        Assert.Equal(new[] { "Program.cs" }, Directory.GetFiles(folder, "*.cs").Select(Path.GetFileName));
    }

    [Theory]
    [MemberData(nameof(Folders))]
    public void Program_HasTheEntryShape(string name)
    {
        string rule = FolderName.Match(name).Groups["rule"].Value;
        string text = File.ReadAllText(Repository.Combine("samples", name, "Program.cs"));
        var root = (CompilationUnitSyntax)CSharpSyntaxTree.ParseText(text).GetRoot();

        // The header comment names the rule, right after the usings.
        string? header = text.Split('\n').Select(l => l.Trim()).FirstOrDefault(l => l.Length > 0 && !l.StartsWith("using ", StringComparison.Ordinal));
        Assert.StartsWith($"// {rule}: ", header);

        Assert.Empty(root.DescendantNodes().OfType<BaseNamespaceDeclarationSyntax>());
        ClassDeclarationSyntax sample = PublicStaticClass(root, "Sample");
        ClassDeclarationSyntax program = PublicStaticClass(root, "Program");

        FieldDeclarationSyntax fullSize = Assert.Single(sample.Members.OfType<FieldDeclarationSyntax>(),
            f => f.Declaration.Variables.Any(v => v.Identifier.Text == "FullSize"));
        Assert.True(fullSize.Modifiers.Any(SyntaxKind.PublicKeyword) && fullSize.Modifiers.Any(SyntaxKind.ConstKeyword), $"{name}: FullSize is not a public const");
        Assert.Equal("int", fullSize.Declaration.Type.ToString());

        MethodDeclarationSyntax[] runs = sample.Members.OfType<MethodDeclarationSyntax>()
            .Where(m => m.Identifier.Text == "Run" && m.Modifiers.Any(SyntaxKind.PublicKeyword) && m.Modifiers.Any(SyntaxKind.StaticKeyword))
            .ToArray();
        MethodDeclarationSyntax full = Assert.Single(runs, m => m.ParameterList.Parameters.Count == 0);
        Assert.Equal("Run(FullSize)", full.ExpressionBody?.Expression.ToString());
        MethodDeclarationSyntax sized = Assert.Single(runs, m => m.ParameterList.Parameters.Count == 1);
        Assert.Equal("int", sized.ParameterList.Parameters[0].Type?.ToString());
        Assert.Equal(full.ReturnType.ToString(), sized.ReturnType.ToString());

        MethodDeclarationSyntax main = Assert.Single(program.Members.OfType<MethodDeclarationSyntax>(), m => m.Identifier.Text == "Main");
        Assert.True(main.Modifiers.Any(SyntaxKind.PublicKeyword) && main.Modifiers.Any(SyntaxKind.StaticKeyword), $"{name}: Main is not public static");
        // Main prints Sample.Run()'s result (GIL006's takes the size as an optional argument: Sample.Run(frames)).
        Assert.Contains("Sample.Run(", main.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void CatalogueAndReadme_ListExactlyTheFolders_WithTheRuleOfTheirName()
    {
        string[] folders = SampleFolderNames();
        Assert.NotEmpty(folders);
        Assert.Equal(folders, SampleCatalog.All.Select(s => s.Name).OrderBy(n => n, StringComparer.Ordinal));
        foreach (SampleInfo sample in SampleCatalog.All)
        {
            Assert.Equal(FolderName.Match(sample.Name).Groups["rule"].Value, sample.Rule);
        }

        string readme = File.ReadAllText(Repository.Combine("samples", "README.md"));
        string[] rows = Regex.Matches(readme, @"^\| `(?<name>[^`]+)` \| (?<rule>GIL\d{3}) \|", RegexOptions.Multiline)
            .Select(m => m.Groups["name"].Value + " " + m.Groups["rule"].Value)
            .OrderBy(r => r, StringComparer.Ordinal)
            .ToArray();
        Assert.Equal(folders.Select(f => f + " " + FolderName.Match(f).Groups["rule"].Value), rows);
    }

    [Fact]
    public void GilBenchSamples_BenchmarksEveryCataloguedSample()
    {
        List<string> found = SamplesCommand.FindSamples(Repository.Combine("samples"));
        Assert.Equal(
            SampleCatalog.All.Select(s => s.Name).OrderBy(n => n, StringComparer.Ordinal),
            found.Select(Path.GetFileName));
    }

    /// <summary>Every folder under samples/ but hidden ones (gil-bench's kept work folders are .gilbench-*), in name order.</summary>
    private static string[] SampleFolderNames() =>
        Directory.GetDirectories(Repository.Combine("samples"))
            .Select(d => Path.GetFileName(d))
            .Where(n => !n.StartsWith('.'))
            .OrderBy(n => n, StringComparer.Ordinal)
            .ToArray();

    private static ClassDeclarationSyntax PublicStaticClass(CompilationUnitSyntax root, string name)
    {
        ClassDeclarationSyntax type = Assert.Single(root.Members.OfType<ClassDeclarationSyntax>(), c => c.Identifier.Text == name);
        Assert.True(type.Modifiers.Any(SyntaxKind.PublicKeyword) && type.Modifiers.Any(SyntaxKind.StaticKeyword), $"{name} is not a public static class");
        return type;
    }
}
