using System.Text.Json;
using GilAnalyzers.IntegrationTests.Infrastructure;
using Xunit;

namespace GilAnalyzers.IntegrationTests;

/// <summary>A consumer that installs the packed GilAnalyzers gets its diagnostics from the real <c>dotnet build</c>.</summary>
[Collection(PackagedConsumerCollection.Name)]
public sealed class ConsumerBuildTests(PackagedConsumerFixture fixture)
{
    private const string Id = "GIL001";

    [Fact]
    public async Task Build_warns_GIL001_at_the_lock_of_the_anti_pattern_and_nowhere_else()
    {
        var build = await fixture.GetDefaultBuildAsync();
        Assert.True(build.Result.ExitCode == 0, build.Result.Describe());

        var gil = build.Diagnostics.Where(d => d.Id == Id).ToList();
        var warning = Assert.Single(gil);
        Assert.Equal("warning", warning.Severity);
        Assert.Equal(fixture.Consumer.AntiPatternFile, warning.File);
        Assert.Equal(fixture.Consumer.ExpectedWarning, new SourcePosition(warning.Line, warning.Column));
        Assert.Contains("Lock on 'Gate' serialises CPU-bound work", warning.Message, StringComparison.Ordinal);
        Assert.Contains($"{Path.GetFileName(fixture.Consumer.AntiPatternFile)}({warning.Line},{warning.Column}): warning {Id}:", build.Result.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Computation_outside_the_lock_gets_no_warning()
    {
        var build = await fixture.GetDefaultBuildAsync();
        Assert.True(build.Result.ExitCode == 0, build.Result.Describe());
        Assert.DoesNotContain(build.Diagnostics, d => d.File == fixture.Consumer.CorrectPatternFile);
    }

    [Fact]
    public async Task Editorconfig_severity_none_silences_GIL001()
    {
        var build = await fixture.GetDefaultBuildAsync();

        // The same code warns outside the folder whose .editorconfig sets the severity to none.
        Assert.Contains(build.Diagnostics, d => d.Id == Id && d.File == fixture.Consumer.AntiPatternFile);
        Assert.DoesNotContain(build.Diagnostics, d => d.Id == Id && d.File == fixture.Consumer.SilencedAntiPatternFile);
    }

    [Fact]
    public async Task Analyzer_loads_in_the_sdk_compiler_without_CS8032_or_AD0001()
    {
        var build = await fixture.GetDefaultBuildAsync();
        Assert.Contains(build.Diagnostics, d => d.Id == Id);
        Assert.DoesNotContain("CS8032", build.Result.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("AD0001", build.Result.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("CS8033", build.Result.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Package_adds_nothing_to_the_consumer_output()
    {
        var build = await fixture.GetDefaultBuildAsync();
        Assert.True(build.Result.ExitCode == 0, build.Result.Describe());

        var output = Path.Combine(fixture.Consumer.Directory, "bin", "Debug", "net10.0");
        Assert.True(File.Exists(Path.Combine(output, "Consumer.dll")), $"The consumer's output is not in {output}. " + build.Result.Describe());
        Assert.Empty(Directory.EnumerateFiles(output, "GilAnalyzers*", SearchOption.AllDirectories));
        Assert.Empty(Directory.EnumerateFiles(output, "Microsoft.CodeAnalysis*", SearchOption.AllDirectories));
        var deps = File.ReadAllText(Path.Combine(output, "Consumer.deps.json"));
        Assert.DoesNotContain("GilAnalyzers", deps, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Warnaserror_fails_the_build_on_GIL001()
    {
        var result = await fixture.Consumer.BuildAsync("-warnaserror");

        Assert.True(result.ExitCode != 0, "The build passed despite -warnaserror. " + result.Describe());
        var error = Assert.Single(BuildDiagnostic.Parse(result.Output), d => d.Id == Id);
        Assert.Equal("error", error.Severity);
        Assert.Equal(fixture.Consumer.AntiPatternFile, error.File);
        Assert.Equal(fixture.Consumer.ExpectedWarning, new SourcePosition(error.Line, error.Column));
    }

    [Fact]
    public async Task ErrorLog_writes_SARIF_2_1_with_the_rule_its_help_uri_and_the_location()
    {
        var build = await fixture.GetDefaultBuildAsync();
        Assert.True(File.Exists(fixture.SarifPath), "No SARIF log was written. " + build.Result.Describe());

        using var sarif = JsonDocument.Parse(File.ReadAllText(fixture.SarifPath));
        Assert.Equal("2.1.0", sarif.RootElement.GetProperty("version").GetString());
        var run = Assert.Single(sarif.RootElement.GetProperty("runs").EnumerateArray());

        // One entry per descriptor the analyzers declare; a rule with several descriptors may appear more than once.
        var rules = run.GetProperty("tool").GetProperty("driver").GetProperty("rules").EnumerateArray()
            .Where(r => r.GetProperty("id").GetString() == Id)
            .ToList();
        Assert.NotEmpty(rules);
        Assert.All(rules, rule =>
        {
            var helpUri = new Uri(rule.GetProperty("helpUri").GetString()!);
            Assert.Equal(Uri.UriSchemeHttps, helpUri.Scheme);
            Assert.EndsWith("/docs/rules/GIL001.md", helpUri.AbsolutePath, StringComparison.Ordinal);
            Assert.Equal("Shared lock serialises CPU-bound work", rule.GetProperty("shortDescription").GetProperty("text").GetString());
        });

        var result = Assert.Single(run.GetProperty("results").EnumerateArray(), r => r.GetProperty("ruleId").GetString() == Id);
        Assert.Equal("warning", result.GetProperty("level").GetString());
        var location = Assert.Single(result.GetProperty("locations").EnumerateArray()).GetProperty("physicalLocation");
        var file = new Uri(location.GetProperty("artifactLocation").GetProperty("uri").GetString()!);
        Assert.Equal(fixture.Consumer.AntiPatternFile, file.LocalPath);
        var region = location.GetProperty("region");
        Assert.Equal(
            fixture.Consumer.ExpectedWarning,
            new SourcePosition(region.GetProperty("startLine").GetInt32(), region.GetProperty("startColumn").GetInt32()));
    }
}
