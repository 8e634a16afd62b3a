using GilAnalyzers.Harness.Building;
using GilAnalyzers.Harness.Cli;
using GilAnalyzers.Harness.Reporting;

namespace GilAnalyzers.Harness.Tests;

/// <summary>BEFORE and AFTER restored once and built in one invocation, without touching analyzer-only references (issue 17, item 6).</summary>
public class BuildTogetherTests
{
    private const string App = """
        <Project Sdk="Microsoft.NET.Sdk">
          <PropertyGroup>
            <OutputType>Exe</OutputType>
            <TargetFramework>net10.0</TargetFramework>
            <ImplicitUsings>enable</ImplicitUsings>
          </PropertyGroup>
          <ItemGroup>
            <!-- Supplies an analyzer only, as the samples reference GilAnalyzers. It does not even compile. -->
            <ProjectReference Include="../Checks/Checks.csproj" OutputItemType="Analyzer" ReferenceOutputAssembly="false" />
            <ProjectReference Include="../Shapes/Shapes.csproj" />
          </ItemGroup>
        </Project>
        """;

    private const string Library = """
        <Project Sdk="Microsoft.NET.Sdk">
          <PropertyGroup>
            <TargetFramework>net10.0</TargetFramework>
          </PropertyGroup>
        </Project>
        """;

    [Fact]
    public async Task AnalyzerOnlyReference_IsNotBuilt_AndASharedLibraryIsBuiltOnceAsTheUserBuildsIt()
    {
        using var dir = new TempFolder();
        string project = dir.Write("App/App.csproj", App);
        dir.Write("App/Program.cs", "Console.WriteLine(Shapes.Area.Square(7));\n");
        string after = dir.Write("after/Program.cs", "Console.WriteLine(Shapes.Area.Square(7) * 1);\n");
        dir.Write("Checks/Checks.csproj", Library);
        dir.Write("Checks/Broken.cs", "this is not C#\n");
        dir.Write("Shapes/Shapes.csproj", Library);
        dir.Write("Shapes/Area.cs", "namespace Shapes; public static class Area { public static int Square(int n) => n * n; }\n");

        var (code, output, report) = await HarnessRun.InProcessAsync(new[] { project, "--after", after, "--rounds", "1", "--warmup", "0", "--no-diff" });

        Assert.True(code == ExitCodes.Ok, output);
        Assert.Contains("results: equal (stdout)", output);
        Assert.False(Directory.Exists(Path.Combine(dir.Path, "Checks", "obj", "Release")), "the analyzer-only reference was built");
        // The shared library was built with the properties of a plain build: its normal Release output, no gil-bench folder.
        Assert.True(File.Exists(Path.Combine(dir.Path, "Shapes", "bin", "Release", "net10.0", "Shapes.dll")), output);
        Assert.False(Directory.Exists(Path.Combine(dir.Path, "Shapes", "bin", "gil-bench")));
        Assert.NotNull(report);
        Assert.Equal(report!.Harness.BuildBeforeMs, report.Harness.BuildAfterMs);
        Assert.Contains("harness overhead", output);
    }

    [Fact]
    public void OneBuildOfTwoCopies_IsSplitByTheFoldersItsLinesName()
    {
        string before = Path.Combine(Path.GetTempPath(), "w", "before", "App.csproj");
        string after = Path.Combine(Path.GetTempPath(), "w", "after", "App.csproj");
        string b = Path.GetDirectoryName(before)!;
        string a = Path.GetDirectoryName(after)!;
        string log = $"""
              App -> {b}/bin/gil-bench/App.dll
            {a}/Program.cs(3,5): error CS0103: The name 'x' does not exist in the current context [{after}]
            """;

        IReadOnlyList<BuildResult> results = DotnetBuilder.Split(new BuildResult(false, "", log, TimeSpan.FromSeconds(3)), new[] { before, after });

        Assert.True(results[0].Succeeded);
        Assert.Equal(Path.Combine(b, "bin", "gil-bench"), results[0].OutputDirectory);
        Assert.False(results[1].Succeeded);
        Assert.Contains("CS0103", results[1].Errors);
    }

    [Fact]
    public void ErrorInASharedReference_FailsBoth()
    {
        string before = Path.Combine(Path.GetTempPath(), "w", "before", "App.csproj");
        string after = Path.Combine(Path.GetTempPath(), "w", "after", "App.csproj");
        string log = "/src/Lib/Lib.cs(1,1): error CS1001: Identifier expected [/src/Lib/Lib.csproj]\n";

        IReadOnlyList<BuildResult> results = DotnetBuilder.Split(new BuildResult(false, "", log, TimeSpan.Zero), new[] { before, after });

        Assert.All(results, r => Assert.False(r.Succeeded));
        Assert.All(results, r => Assert.Contains("CS1001", r.Errors));
    }

    [Fact]
    public void OverheadLine_GivesItsCpuAndTheLoad()
    {
        var report = new BenchReport { Harness = { PrepareMs = 50, RestoreMs = 1500, OpenProjectMs = 2000, AnalyzeAndFixMs = 5000, BuildMs = 4000, OverheadCpuMs = 8000, LoadAverage = 0.4, RunsMs = 9000 } };

        string line = ReportWriters.OverheadLine(report);

        Assert.StartsWith("harness overhead 9050 ms (CPU 8000 ms, load average 0.40 at the start): prepare 50.0 ms, restore 1500 ms, open 2000 ms, analysis+fix 1500 ms, builds 4000 ms", line);
    }
}
