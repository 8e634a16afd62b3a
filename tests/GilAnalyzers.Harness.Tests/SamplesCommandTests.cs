using GilAnalyzers.Harness.Cli;
using GilAnalyzers.Harness.Commands;
using GilAnalyzers.Harness.Fixing;
using Spectre.Console;

namespace GilAnalyzers.Harness.Tests;

public class SamplesCommandTests
{
    [Fact]
    public async Task SampleWithNothingToFix_IsListedInTheTable_AndTheRunFails()
    {
        using var dir = new TempFolder();
        dir.Write("samples/Clean/app.cs", Programs.Clean);
        dir.Write("samples/notes/readme.txt", "not a sample");
        string results = Path.Combine(dir.Path, "samples", "RESULTS.md");
        var writer = new StringWriter();
        IAnsiConsole console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = AnsiSupport.No,
            Interactive = InteractionSupport.No,
            Out = new AnsiConsoleOutput(writer),
        });
        var command = new SamplesCommand(console, new FixEngine());

        int code = await command.RunAsync(new[] { Path.Combine(dir.Path, "samples"), "--markdown", results, "--rounds", "1" }, CancellationToken.None);

        Assert.True(code == ExitCodes.NothingToFix, writer.ToString());
        SamplesCommand.SampleOutcome outcome = Assert.Single(command.Outcomes);
        Assert.Equal("Clean", outcome.Name);
        string table = File.ReadAllText(results);
        Assert.Contains($"Measured on **{Environment.ProcessorCount} cores**", table);
        Assert.Contains("| Clean | nothing to fix |", table);
    }

    [Fact]
    public void ResponseFile_SkipsCommentsAndSplitsArguments()
    {
        using var dir = new TempFolder();
        string rsp = dir.Write("gil-bench.rsp", "# entry of the sample\n--entry Sample.Work.Run\n\n--rounds 7\n");
        Assert.Equal(new[] { "--entry", "Sample.Work.Run", "--rounds", "7" }, SamplesCommand.ReadResponseFile(rsp));
        Assert.Empty(SamplesCommand.ReadResponseFile(Path.Combine(dir.Path, "missing.rsp")));
    }
}
