using GilAnalyzers.IntegrationTests.Infrastructure;
using Xunit;

namespace GilAnalyzers.IntegrationTests;

/// <summary>
/// <c>&lt;GilAnalyzersMode&gt;</c> presets shipped in the package's <c>buildTransitive/</c>, each checked in a real
/// consumer build (all preset projects are built by one <c>dotnet build</c> of the client workspace's matrix).
/// SARIF output through <c>ErrorLog</c> is covered by <see cref="ConsumerBuildTests"/>.
/// </summary>
[Collection(PackagedConsumerCollection.Name)]
public sealed class SeverityPresetTests(PackagedConsumerFixture fixture)
{
    private const string Id = "GIL001";

    public static TheoryData<string> ModesWithFiles => new(SeverityPresets.ModesWithFiles);

    [Theory]
    [MemberData(nameof(ModesWithFiles))]
    public void Preset_file_is_generated_from_DiagnosticIds_and_names_every_rule(string mode)
    {
        var path = SeverityPresets.PathOf(mode);
        var expected = SeverityPresets.Render(mode);
        if (SeverityPresets.UpdateRequested)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.WriteAllText(path, expected);
        }

        Assert.True(File.Exists(path), $"{path} is missing; run the tests with GIL_UPDATE_DOCS=1 to generate it.");
        var actual = File.ReadAllText(path).ReplaceLineEndings("\n");
        Assert.True(expected == actual, $"{path} differs from what DiagnosticIds generates; run the tests with GIL_UPDATE_DOCS=1 to regenerate it.");

        // Independently of the generator: every ID in DiagnosticIds has exactly one severity line with the preset's severity.
        Assert.Equal(6, SeverityPresets.RuleIds.Count(id => id.StartsWith("GIL00", StringComparison.Ordinal)));
        var lines = actual.Split('\n');
        Assert.All(SeverityPresets.RuleIds, id =>
            Assert.Equal($"dotnet_diagnostic.{id}.severity = {SeverityPresets.SeverityOf(mode)}", Assert.Single(lines, l => l.StartsWith($"dotnet_diagnostic.{id}.", StringComparison.Ordinal))));
        Assert.Contains("is_global = true", lines);
    }

    [Fact]
    public void Package_ships_the_preset_props_targets_and_config_files()
    {
        using var package = System.IO.Compression.ZipFile.OpenRead(fixture.PackagePath);
        var names = package.Entries.Select(e => e.FullName).ToHashSet(StringComparer.Ordinal);
        Assert.Contains("buildTransitive/GilAnalyzers.props", names);
        Assert.Contains("buildTransitive/GilAnalyzers.targets", names);
        Assert.All(SeverityPresets.ModesWithFiles, mode => Assert.Contains($"buildTransitive/config/GilAnalyzers.{mode}.globalconfig", names));
    }

    [Fact]
    public async Task Recommended_reports_GIL001_as_a_warning_and_builds()
    {
        var (build, project) = await BuildOf("Recommended");
        var warning = Assert.Single(build.In(project), d => d.Id == Id);
        Assert.Equal("warning", warning.Severity);
        Assert.Equal(ClientWorkspace.AntiPatternWarning, new SourcePosition(warning.Line, warning.Column));
        Assert.True(File.Exists(project.OutputAssembly), $"{project} did not build. " + build.Result.Describe());
    }

    [Fact]
    public async Task All_reports_GIL001_as_a_warning_and_builds()
    {
        var (build, project) = await BuildOf("All");
        var warning = Assert.Single(build.In(project), d => d.Id == Id);
        Assert.Equal("warning", warning.Severity);
        Assert.Equal(ClientWorkspace.AntiPatternWarning, new SourcePosition(warning.Line, warning.Column));
        Assert.True(File.Exists(project.OutputAssembly), $"{project} did not build. " + build.Result.Describe());
    }

    [Fact]
    public async Task Strict_reports_GIL001_as_an_error_and_fails_the_build()
    {
        var (build, project) = await BuildOf("Strict");
        var error = Assert.Single(build.In(project), d => d.Id == Id);
        Assert.Equal("error", error.Severity);
        Assert.Equal(ClientWorkspace.AntiPatternWarning, new SourcePosition(error.Line, error.Column));
        Assert.False(File.Exists(project.OutputAssembly), $"{project} produced an assembly despite a GIL error. " + build.Result.Describe());
        Assert.NotEqual(0, build.Result.ExitCode);
    }

    [Fact]
    public async Task Strict_with_a_per_project_ErrorLog_writes_SARIF_with_error_level_into_a_new_folder()
    {
        var (build, project) = await BuildOf("Strict");
        var sarifPath = Path.Combine(project.Directory, "artifacts", "sarif", project.Name + ".sarif");
        Assert.True(File.Exists(sarifPath), $"No SARIF log at {sarifPath} (the package creates the ErrorLog folder). " + build.Result.Describe());

        using var sarif = System.Text.Json.JsonDocument.Parse(File.ReadAllText(sarifPath));
        Assert.Equal("2.1.0", sarif.RootElement.GetProperty("version").GetString());
        var result = Assert.Single(
            Assert.Single(sarif.RootElement.GetProperty("runs").EnumerateArray()).GetProperty("results").EnumerateArray(),
            r => r.GetProperty("ruleId").GetString() == Id);
        Assert.Equal("error", result.GetProperty("level").GetString());
    }

    [Fact]
    public async Task None_turns_every_GIL_rule_off_and_builds()
    {
        var (build, project) = await BuildOf("None");
        Assert.DoesNotContain(build.In(project), d => d.Id.StartsWith("GIL", StringComparison.Ordinal));
        Assert.True(File.Exists(project.OutputAssembly), $"{project} did not build. " + build.Result.Describe());

        // The same source warns in the Recommended project of the same build: None silenced it, nothing else did.
        var (_, recommended) = await BuildOf("Recommended");
        Assert.Contains(build.In(recommended), d => d.Id == Id);
    }

    [Fact]
    public async Task The_projects_own_globalconfig_overrides_the_preset()
    {
        var clients = await fixture.GetClientWorkspaceAsync();
        var build = await clients.GetMatrixBuildAsync();
        var project = clients.StrictWithUserOverride;
        var warning = Assert.Single(build.In(project), d => d.Id == Id);
        Assert.Equal("warning", warning.Severity);
        Assert.True(File.Exists(project.OutputAssembly), $"{project} did not build. " + build.Result.Describe());
    }

    [Fact]
    public async Task Unknown_mode_fails_with_a_clear_message()
    {
        var clients = await fixture.GetClientWorkspaceAsync();
        var build = await clients.GetMatrixBuildAsync();
        var error = Assert.Single(
            build.Diagnostics,
            d => d.Id == "GILMODE001" && build.Result.Output.Contains(clients.InvalidModeProject.Name, StringComparison.Ordinal));
        Assert.Equal("error", error.Severity);
        Assert.Equal($"GilAnalyzersMode is '{ClientWorkspace.InvalidMode}'; use one of Recommended, All, Strict or None.", error.Message);
        Assert.False(File.Exists(clients.InvalidModeProject.OutputAssembly));
        Assert.DoesNotContain(build.In(clients.InvalidModeProject), d => d.Id == Id);
    }

    private async Task<(MatrixBuild Build, ClientProject Project)> BuildOf(string mode)
    {
        var clients = await fixture.GetClientWorkspaceAsync();
        var build = await clients.GetMatrixBuildAsync();
        return (build, clients.Presets.Single(p => p.Mode == mode));
    }
}
