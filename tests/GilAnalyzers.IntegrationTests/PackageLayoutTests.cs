using System.IO.Compression;
using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;
using System.Xml.Linq;
using GilAnalyzers.IntegrationTests.Infrastructure;
using Xunit;

namespace GilAnalyzers.IntegrationTests;

/// <summary>The nupkg that <c>dotnet pack</c> produces has exactly the analyzer-package layout.</summary>
[Collection(PackagedConsumerCollection.Name)]
public sealed class PackageLayoutTests(PackagedConsumerFixture fixture)
{
    private const string AnalyzerDll = "analyzers/dotnet/cs/GilAnalyzers.dll";
    private const string CodeFixesDll = "analyzers/dotnet/cs/GilAnalyzers.CodeFixes.dll";

    [Fact]
    public void Package_contains_exactly_the_two_analyzer_assemblies_their_images_the_presets_and_the_readme()
    {
        using var package = ZipFile.OpenRead(fixture.PackagePath);
        var content = package.Entries
            .Select(e => e.FullName)
            .Where(name => !IsPackagingMetadata(name))
            .Order(StringComparer.Ordinal)
            .ToList();

        // buildTransitive/: the GilAnalyzersMode severity presets (see SeverityPresetTests) and the assemblies'
        // linux-x64 ReadyToRun images (see ReadyToRunAnalyzerTests).
        var presets = new[] { "buildTransitive/GilAnalyzers.props", "buildTransitive/GilAnalyzers.targets" }
            .Concat(SeverityPresets.ModesWithFiles.Select(mode => $"buildTransitive/config/GilAnalyzers.{mode}.globalconfig"))
            .Concat(["buildTransitive/readytorun/linux-x64/GilAnalyzers.dll", "buildTransitive/readytorun/linux-x64/GilAnalyzers.CodeFixes.dll"]);
        Assert.Equal(new[] { "README.md", CodeFixesDll, AnalyzerDll }.Concat(presets).Order(StringComparer.Ordinal), content);
        Assert.DoesNotContain(package.Entries, e => e.FullName.StartsWith("lib/", StringComparison.OrdinalIgnoreCase));
        Assert.True(package.GetEntry("README.md")!.Length > 0, "The package README is empty.");
    }

    [Fact]
    public void Nuspec_declares_a_development_dependency_with_readme_license_and_no_dependencies()
    {
        using var package = ZipFile.OpenRead(fixture.PackagePath);
        var nuspecEntry = Assert.Single(package.Entries, e => e.FullName.EndsWith(".nuspec", StringComparison.Ordinal) && !e.FullName.Contains('/'));
        using var stream = nuspecEntry.Open();
        var metadata = XDocument.Load(stream).Root!.Elements().Single(e => e.Name.LocalName == "metadata");
        string? Value(string name) => metadata.Elements().SingleOrDefault(e => e.Name.LocalName == name)?.Value;

        Assert.Equal("GilAnalyzers", Value("id"));
        Assert.Equal(fixture.PackageVersion, Value("version"));
        Assert.Equal("true", Value("developmentDependency"));
        Assert.Equal("README.md", Value("readme"));

        var license = metadata.Elements().Single(e => e.Name.LocalName == "license");
        Assert.Equal("expression", license.Attribute("type")?.Value);
        Assert.Equal("MIT", license.Value);

        var dependencyEntries = metadata.Descendants().Where(e => e.Name.LocalName is "dependency" or "frameworkReference").ToList();
        Assert.True(dependencyEntries.Count == 0,
            "The package must have no dependencies, but the nuspec lists: " + string.Join(", ", dependencyEntries.Select(e => e.ToString())));
    }

    [Fact]
    public void Analyzer_assembly_is_netstandard_and_built_against_the_roslyn_4_8_floor_without_workspaces()
    {
        using var package = ZipFile.OpenRead(fixture.PackagePath);
        var analyzerReferences = ReferencedAssemblies(package, AnalyzerDll);
        var codeFixReferences = ReferencedAssemblies(package, CodeFixesDll);

        Assert.Contains(("netstandard", new Version(2, 0, 0, 0)), analyzerReferences);
        Assert.Contains(("Microsoft.CodeAnalysis.CSharp", new Version(4, 8, 0, 0)), analyzerReferences);
        Assert.DoesNotContain(analyzerReferences, r => r.Name.StartsWith("Microsoft.CodeAnalysis.Workspaces", StringComparison.Ordinal)
            || r.Name.StartsWith("Microsoft.CodeAnalysis.CSharp.Workspaces", StringComparison.Ordinal));
        Assert.All(
            analyzerReferences.Concat(codeFixReferences).Where(r => r.Name.StartsWith("Microsoft.CodeAnalysis", StringComparison.Ordinal)),
            r => Assert.True(r.Version <= new Version(4, 8, 0, 0), $"{r.Name} {r.Version} is above the 4.8.0 floor"));
    }

    private static bool IsPackagingMetadata(string name) =>
        name is "[Content_Types].xml" or "_rels/.rels" or "GilAnalyzers.nuspec"
        || name.StartsWith("package/services/metadata/", StringComparison.Ordinal);

    private static List<(string Name, Version Version)> ReferencedAssemblies(ZipArchive package, string entryName) =>
        PackageEntries.ReadAssembly(package, entryName, pe =>
        {
            var reader = pe.GetMetadataReader();
            return reader.AssemblyReferences
                .Select(handle => reader.GetAssemblyReference(handle))
                .Select(reference => (reader.GetString(reference.Name), reference.Version))
                .ToList();
        });
}
