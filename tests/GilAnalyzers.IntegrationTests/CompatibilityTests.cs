using GilAnalyzers.IntegrationTests.Infrastructure;
using Xunit;
using Xunit.Abstractions;

namespace GilAnalyzers.IntegrationTests;

/// <summary>
/// The packed analyzers load and report in consumers of every supported shape: net10.0, net8.0 and netstandard2.0,
/// each at LangVersion 7.3 and latest. All six projects are built by one <c>dotnet build</c> (the client matrix).
/// </summary>
[Collection(PackagedConsumerCollection.Name)]
public sealed class CompatibilityTests(PackagedConsumerFixture fixture, ITestOutputHelper output)
{
    public static TheoryData<string> Projects => new(
        "Net10Latest", "Net10CSharp73", "Net8Latest", "Net8CSharp73", "NetStandard20Latest", "NetStandard20CSharp73");

    [Theory]
    [MemberData(nameof(Projects))]
    public async Task Consumer_builds_and_gets_GIL001_at_the_lock(string name)
    {
        var clients = await fixture.GetClientWorkspaceAsync();
        var build = await clients.GetMatrixBuildAsync();
        var project = clients.Compatibility.Single(p => p.Name == name);

        var warning = Assert.Single(build.In(project), d => d.Id == "GIL001");
        Assert.Equal("warning", warning.Severity);
        Assert.Equal(ClientWorkspace.AntiPatternWarning, new SourcePosition(warning.Line, warning.Column));
        Assert.Contains("Lock on 'Gate' serialises CPU-bound work", warning.Message, StringComparison.Ordinal);
        Assert.True(File.Exists(project.OutputAssembly), $"{project} did not build. " + build.Result.Describe());
    }

    [Fact]
    public async Task No_consumer_reports_an_analyzer_load_failure_or_crash()
    {
        var clients = await fixture.GetClientWorkspaceAsync();
        var build = await clients.GetMatrixBuildAsync();
        output.WriteLine($"one dotnet restore of all client consumers: {clients.RestoreElapsed.TotalSeconds:F1} s; "
            + $"one dotnet build of the matrix ({clients.Presets.Count + 2 + clients.Compatibility.Count} projects): {build.Result.Elapsed.TotalSeconds:F1} s");
        Assert.DoesNotContain(build.Diagnostics, d => d.Id is "CS8032" or "CS8033" or "AD0001" or "CS9057");
        Assert.Equal(clients.Compatibility.Count, clients.Compatibility.Count(p => File.Exists(p.OutputAssembly)));
    }
}
