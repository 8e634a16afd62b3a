using GilAnalyzers.Harness.Cli;

namespace GilAnalyzers.Harness.Tests;

/// <summary>The real tool as a child process: exit codes and messages a user sees.</summary>
public class CliTests
{
    [Fact]
    public async Task NothingToFix_Exits3_WithMessage()
    {
        using var dir = new TempFolder();
        string app = dir.Write("app.cs", Programs.Clean);

        var (code, output) = await HarnessRun.CliAsync(app, "--rounds", "1");

        Assert.True(code == ExitCodes.NothingToFix, output);
        Assert.Contains("nothing to fix: GilAnalyzers report nothing in this program.", output);
        Assert.DoesNotContain("   at ", output);
    }

    [Fact]
    public async Task MissingInput_Exits2_WithMessage()
    {
        var (code, output) = await HarnessRun.CliAsync("/nonexistent/app.cs");

        Assert.True(code == ExitCodes.BadUsage, output);
        Assert.Contains("input '/nonexistent/app.cs' does not exist", output);
        Assert.DoesNotContain("   at ", output);
    }

    [Theory]
    [InlineData("--rounds", "0", "--rounds needs a whole number >= 1")]
    [InlineData("--chart", "x.gif", "--chart needs a file ending in .svg or .png")]
    [InlineData("--bogus", "1", "unknown option --bogus")]
    public void BadOptions_AreUsageErrors(string option, string value, string message)
    {
        var ex = Assert.Throws<HarnessException>(() => BenchOptions.Parse(new[] { "app.cs", option, value }));
        Assert.Equal(ExitCodes.BadUsage, ex.ExitCode);
        Assert.Contains(message, ex.Message);
    }
}
