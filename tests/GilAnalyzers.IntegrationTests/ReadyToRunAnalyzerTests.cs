using System.IO.Compression;
using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;
using System.Runtime.InteropServices;
using System.Text.RegularExpressions;
using GilAnalyzers.IntegrationTests.Infrastructure;
using GilAnalyzers.Testing.Processes;
using Xunit;

namespace GilAnalyzers.IntegrationTests;

/// <summary>
/// The package's ReadyToRun images (buildTransitive/readytorun/linux-x64/): each is the same assembly as its IL twin in
/// analyzers/dotnet/cs/ with linux-x64 code added, and a consumer's real build hands the images to the compiler where it
/// runs on .NET on linux-x64 (this machine and CI), the IL assemblies when the images are turned off — with the same
/// diagnostics either way.
/// </summary>
[Collection(PackagedConsumerCollection.Name)]
public sealed partial class ReadyToRunAnalyzerTests(PackagedConsumerFixture fixture)
{
    private const string ImageFolder = "buildTransitive/readytorun/linux-x64/";
    private const string IlFolder = "analyzers/dotnet/cs/";

    [Theory]
    [InlineData("GilAnalyzers.dll")]
    [InlineData("GilAnalyzers.CodeFixes.dll")]
    public void Image_is_the_IL_assembly_with_linux_x64_code_added(string name)
    {
        using var package = ZipFile.OpenRead(fixture.PackagePath);
        var (ilMvid, ilHasNativeCode) = Read(package, IlFolder + name);
        var (imageMvid, imageHasNativeCode) = Read(package, ImageFolder + name);

        Assert.False(ilHasNativeCode, $"{IlFolder}{name} must stay portable IL.");
        Assert.True(imageHasNativeCode, $"{ImageFolder}{name} has no ReadyToRun code.");
        Assert.Equal(ilMvid, imageMvid);
    }

    [Fact]
    public async Task Consumer_build_compiles_with_the_images_on_linux_x64_and_with_the_IL_when_they_are_off()
    {
        var root = Directory.CreateTempSubdirectory("gil-r2r-").FullName;
        try
        {
            var consumer = ConsumerProject.Create(Path.Combine(root, "consumer"), Path.GetDirectoryName(fixture.PackagePath)!, fixture.PackageVersion);
            var restore = await consumer.RestoreAsync();
            Assert.True(restore.ExitCode == 0, restore.Describe());

            var images = await consumer.BuildAsync("-v:n");
            var il = await consumer.BuildAsync("-v:n", "-p:GilAnalyzersReadyToRun=false");
            Assert.True(images.ExitCode == 0, images.Describe());
            Assert.True(il.ExitCode == 0, il.Describe());

            var onLinuxX64 = OperatingSystem.IsLinux() && RuntimeInformation.OSArchitecture == Architecture.X64;
            Assert.Equal(
                onLinuxX64 ? [ImageFolder + "GilAnalyzers.CodeFixes.dll", ImageFolder + "GilAnalyzers.dll"] : [IlFolder + "GilAnalyzers.CodeFixes.dll", IlFolder + "GilAnalyzers.dll"],
                AnalyzerArguments(images.Output));
            Assert.Equal([IlFolder + "GilAnalyzers.CodeFixes.dll", IlFolder + "GilAnalyzers.dll"], AnalyzerArguments(il.Output));

            var ilDiagnostics = GilDiagnostics(il.Output, consumer.Directory);
            Assert.Equal(["AntiPattern.cs" + $"({consumer.ExpectedWarning.Line},{consumer.ExpectedWarning.Column}) warning GIL001"], ilDiagnostics);
            Assert.Equal(ilDiagnostics, GilDiagnostics(images.Output, consumer.Directory));
        }
        finally
        {
            try
            {
                Directory.Delete(root, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }

    /// <summary>The build's GIL diagnostics as <c>file(line,col) severity id</c>, the file relative to the consumer's folder.</summary>
    private static List<string> GilDiagnostics(string output, string consumerDirectory) =>
        BuildDiagnostic.Parse(output)
            .Where(d => d.Id.StartsWith("GIL", StringComparison.Ordinal))
            .Select(d => $"{Path.GetRelativePath(consumerDirectory, d.File[(d.File.IndexOf('/') is var slash and > 0 ? slash : 0)..])}({d.Line},{d.Column}) {d.Severity} {d.Id}")
            .Distinct()
            .Order(StringComparer.Ordinal)
            .ToList();

    /// <summary>The GilAnalyzers assemblies on the compiler's command line, as package-relative paths.</summary>
    private static List<string> AnalyzerArguments(string output) =>
        AnalyzerArgument().Matches(output)
            .Select(m => m.Groups["path"].Value.Replace('\\', '/'))
            .Select(path => path[(path.IndexOf("/buildTransitive/", StringComparison.Ordinal) is var b and >= 0 ? b + 1 : path.IndexOf("/analyzers/", StringComparison.Ordinal) + 1)..])
            .Distinct()
            .Order(StringComparer.Ordinal)
            .ToList();

    private static (Guid Mvid, bool HasNativeCode) Read(ZipArchive package, string entryName) =>
        PackageEntries.ReadAssembly(package, entryName, pe =>
        {
            var reader = pe.GetMetadataReader();
            return (reader.GetGuid(reader.GetModuleDefinition().Mvid), pe.PEHeaders.CorHeader!.ManagedNativeHeaderDirectory.Size > 0);
        });

    [GeneratedRegex(@"/analyzer:(?<path>[^\s""]*GilAnalyzers(\.CodeFixes)?\.dll)")]
    private static partial Regex AnalyzerArgument();
}
