using System.Text.Json;
using GilAnalyzers.Harness.Cli;

namespace GilAnalyzers.Harness.Tests;

/// <summary>Real `dotnet build`s and real child processes, through the same entry point as the CLI.</summary>
public class BenchEndToEndTests : IClassFixture<BuildCacheFixture>
{
    private readonly BuildCacheFixture _cache;

    public BenchEndToEndTests(BuildCacheFixture cache) => _cache = cache;

    [Fact]
    public async Task SingleFile_FixApplied_MeasuresAndWritesJsonMarkdownChart()
    {
        using var dir = new TempFolder();
        string app = dir.Write("app.cs", Programs.SerialisedSum);
        string json = Path.Combine(dir.Path, "out", "report.json");
        string markdown = Path.Combine(dir.Path, "out", "report.md");
        string chart = Path.Combine(dir.Path, "out", "chart.svg");

        var (code, output, _) = await HarnessRun.InProcessAsync(
            new[]
            {
                app, "--entry", "Work.Run", "--fix", TestRemoveLockFixer.EquivalenceKey,
                "--rounds", "2", "--warmup", "0", "--json", json, "--markdown", markdown, "--chart", chart,
            },
            new TestRemoveLockFixer());

        Assert.True(code == ExitCodes.Ok, output);
        Assert.Matches(@"\n-\s+lock \(Gate\)\n", output);
        Assert.Contains("fixed GIL001 at app.cs:", output);

        using JsonDocument doc = JsonDocument.Parse(File.ReadAllText(json));
        JsonElement root = doc.RootElement;
        JsonElement fix = Assert.Single(root.GetProperty("fixes").EnumerateArray());
        Assert.Equal("GIL001", fix.GetProperty("id").GetString());
        Assert.Equal("Remove the lock (test fixer)", fix.GetProperty("action").GetString());
        Assert.Equal("app.cs", fix.GetProperty("file").GetString());
        Assert.Equal(14, fix.GetProperty("line").GetInt32());
        foreach (string variant in new[] { "before", "after" })
        {
            JsonElement v = root.GetProperty(variant);
            JsonElement wall = v.GetProperty("wallMs");
            Assert.True(wall.GetProperty("median").GetDouble() > 0);
            Assert.True(wall.GetProperty("min").GetDouble() <= wall.GetProperty("median").GetDouble());
            Assert.True(wall.GetProperty("max").GetDouble() >= wall.GetProperty("median").GetDouble());
            Assert.True(v.GetProperty("cpuMs").GetProperty("median").GetDouble() > 0);
            Assert.True(v.GetProperty("effectiveCores").GetDouble() > 0);
            Assert.True(v.GetProperty("lockContentions").GetDouble() >= 0);
            Assert.True(v.GetProperty("workItems").GetDouble() >= 0);
            Assert.True(v.GetProperty("allocatedBytes").GetDouble() > 0);
        }

        JsonElement speedup = root.GetProperty("speedup");
        Assert.True(speedup.GetProperty("median").GetDouble() > 0);
        Assert.Equal(JsonValueKind.Number, speedup.GetProperty("ciLow").ValueKind);
        Assert.Equal(JsonValueKind.Number, speedup.GetProperty("ciHigh").ValueKind);
        Assert.True(speedup.GetProperty("ciLow").GetDouble() <= speedup.GetProperty("ciHigh").GetDouble());
        Assert.Contains(speedup.GetProperty("significant").ValueKind, new[] { JsonValueKind.True, JsonValueKind.False });
        Assert.True(root.GetProperty("resultsEqual").GetBoolean());
        Assert.Contains(root.GetProperty("parallelFraction").ValueKind, new[] { JsonValueKind.Number, JsonValueKind.Null });
        JsonElement machine = root.GetProperty("machine");
        Assert.Equal(Environment.ProcessorCount, machine.GetProperty("cores").GetInt32());
        Assert.False(string.IsNullOrEmpty(machine.GetProperty("os").GetString()));
        Assert.StartsWith(".NET", machine.GetProperty("runtime").GetString());
        Assert.Equal(4, root.GetProperty("runs").GetArrayLength());

        string table = File.ReadAllText(markdown);
        Assert.Contains("| variant | wall median (min–max) | CPU | effective cores | lock contentions | work items | alloc |", table);
        Assert.Contains("| BEFORE |", table);
        Assert.Contains("| AFTER |", table);

        string svg = File.ReadAllText(chart);
        Assert.StartsWith("<?xml", svg);
        Assert.Contains("<svg", svg);
        Assert.Contains("BEFORE", svg);
    }

    [Fact]
    public async Task ProjectInput_DeliberatelyWrongAfter_ExitsResultsUnequal()
    {
        using var dir = new TempFolder();
        string project = dir.Write("Totals/Totals.csproj", Programs.ProjectFile);
        dir.Write("Totals/Program.cs", Programs.ProjectProgram("s"));
        string after = Path.Combine(dir.Path, "wrong");
        dir.Write("wrong/Program.cs", Programs.ProjectProgram("s + 1"));
        string json = Path.Combine(dir.Path, "report.json");

        var (code, output, report) = await HarnessRun.InProcessAsync(new[] { project, "--after", after, "--rounds", "1", "--warmup", "0", "--json", json, "--build-cache", _cache.Path });

        Assert.True(code == ExitCodes.ResultsUnequal, output);
        Assert.Contains("DIFFERENT", output);
        // The differing number, quoted on its line from both runs; the verdict blames AFTER (BEFORE agreed with itself).
        Assert.Matches(@"AFTER round 1 differs from BEFORE: line \d+: '[^']*299995[^']*' vs '[^']*299996[^']*' \(299995 vs 299996\)", output);
        Assert.Contains("not a faithful rewrite", output);
        Assert.NotNull(report);
        Assert.False(report!.ResultsEqual);
        using JsonDocument doc = JsonDocument.Parse(File.ReadAllText(json));
        Assert.False(doc.RootElement.GetProperty("resultsEqual").GetBoolean());
        // The user's folder is left as it was: no work folders beside it.
        Assert.Empty(Directory.GetDirectories(dir.Path, ".gilbench-*"));
        Assert.False(Directory.Exists(Path.Combine(dir.Path, "Totals", "obj")));
    }

    [Fact]
    public async Task ProjectInput_SameResult_Exit0()
    {
        using var dir = new TempFolder();
        string project = dir.Write("Totals/Totals.csproj", Programs.ProjectFile);
        dir.Write("Totals/Program.cs", Programs.ProjectProgram("s"));
        string after = dir.Write("Program.cs", Programs.ProjectProgram("s * 1"));

        var (code, output, report) = await HarnessRun.InProcessAsync(new[] { project, "--after", after, "--rounds", "2", "--warmup", "1", "--build-cache", _cache.Path });

        Assert.True(code == ExitCodes.Ok, output);
        Assert.Contains("results: equal (stdout)", output);
        Assert.Equal(6, report!.Runs.Count);
        Assert.Equal(new[] { "before", "after", "before", "after", "after", "before" }, report.Runs.Select(r => r.Variant));
    }

    [Fact]
    public async Task RealCodeFixFromGilAnalyzersCodeFixes_IsFoundAndApplied()
    {
        using var dir = new TempFolder();
        string app = dir.Write("app.cs", Programs.EntangledCodec);

        var (code, output, report) = await HarnessRun.InProcessAsync(new[] { app, "--entry", "Runner.Run", "--rounds", "1", "--warmup", "0" });

        Assert.True(code == ExitCodes.Ok, output);
        Assert.Contains(report!.Fixes, f => f.Id == "GIL006" && f.EquivalenceKey == GilAnalyzers.CodeFixes.ProcessGlobalStateUnderLockFixer.ProcessPoolKey);
        Assert.Contains("+", report.Diff);
        Assert.Contains("ProcessPool.Shared.Map", report.Diff);
        Assert.True(report.ResultsEqual);
    }
}
