using System.Text.Json;
using GilAnalyzers.Harness.Building;
using GilAnalyzers.Harness.Cli;
using GilAnalyzers.Harness.Reporting;

namespace GilAnalyzers.Harness.Tests;

/// <summary>
/// AFTER compiled in gil-bench's process by the SDK's compiler when that is provably MSBuild's build, MSBuild otherwise
/// (issue 17, item 6: the harness overhead). Real CLI, real projects, GilAnalyzers' own fix.
/// </summary>
public class InProcessAfterBuildTests
{
    /// <summary>GIL001's shape: a shared lock around CPU-bound work in Parallel.For (its fix moves the work out).</summary>
    private const string LockedSum = """
        object gate = new object();
        double total = 0;
        System.Threading.Tasks.Parallel.For(0, 16, i =>
        {
            lock (gate)
            {
                double s = 0;
                for (int k = 0; k < 20_000; k++) s += System.Math.Sqrt(k + i);
                total += s;
            }
        });
        System.Console.WriteLine(total.ToString("F3", System.Globalization.CultureInfo.InvariantCulture));

        """;

    private static string Project(string extra = "") => $"""
        <Project Sdk="Microsoft.NET.Sdk">
          <PropertyGroup>
            <OutputType>Exe</OutputType>
            <TargetFramework>net10.0</TargetFramework>
          </PropertyGroup>
        {extra}
        </Project>

        """;

    [Fact]
    public async Task PlainProject_AfterIsCompiledInProcess_ByteForByteWhatMSBuildBuildsOfIt()
    {
        using var dir = new TempFolder();
        string project = dir.Write("Sums/Sums.csproj", Project());
        dir.Write("Sums/Program.cs", LockedSum);
        string json = Path.Combine(dir.Path, "report.json");

        var (code, output) = await HarnessRun.CliAsync(project, "--rounds", "1", "--warmup", "0", "--no-diff", "--keep", "--json", json);

        Assert.True(code == ExitCodes.Ok, output);
        Assert.Contains("fixed GIL001", output);
        Assert.Contains("results: equal (stdout)", output);
        JsonElement harness = JsonDocument.Parse(File.ReadAllText(json)).RootElement.GetProperty("harness");
        Assert.True(harness.GetProperty("afterBuild").GetString() == "in-process", output);
        Assert.Equal(AfterBuildPath.Compiled.Note, harness.GetProperty("afterBuildNote").GetString());
        // The SDK's source generators produce nothing here: one analysis, without them.
        Assert.False(harness.GetProperty("analysedTwice").GetBoolean());
        Assert.DoesNotContain("with the project's source generators", output);
        Assert.Contains("AFTER compiled in-process by the SDK's compiler", Flat(output));

        // What MSBuild makes of the kept AFTER folder, with gil-bench's build properties, is the very same assembly and PDB.
        string after = Directory.GetDirectories(dir.Path, "*-after").Single();
        string afterProject = Path.Combine(after, "Sums.csproj");
        Assert.Contains("Move the computation out of the lock", output);
        byte[] compiled = File.ReadAllBytes(Path.Combine(after, "bin", "gil-bench", "Sums.dll"));
        byte[] compiledPdb = File.ReadAllBytes(Path.Combine(after, "bin", "gil-bench", "Sums.pdb"));
        Directory.Delete(Path.Combine(after, "bin"), recursive: true);
        Directory.Delete(Path.Combine(after, "obj", "Release"), recursive: true);
        string solution = DotnetBuilder.WriteSolution(new[] { afterProject }, Path.Combine(dir.Path, "msbuild-after"));
        BuildResult built = (await DotnetBuilder.BuildTogetherAsync(solution, new[] { afterProject }, restore: true, CancellationToken.None))[0];
        Assert.True(built.Succeeded, built.Log);
        Assert.Equal(compiled, File.ReadAllBytes(Path.Combine(built.OutputDirectory, "Sums.dll")));
        Assert.Equal(compiledPdb, File.ReadAllBytes(Path.Combine(built.OutputDirectory, "Sums.pdb")));
    }

    [Fact]
    public async Task BuildStepAfterTheCompiler_AfterIsBuiltByMSBuild_AndTheSummarySaysWhy()
    {
        // A step after the compiler rewrites the assembly (as weavers and signers do): the in-process compile of BEFORE
        // cannot match MSBuild's, so MSBuild builds AFTER and the same step runs on it.
        using var dir = new TempFolder();
        string project = dir.Write("Stamped/Stamped.csproj", Project("""
              <Target Name="StampAssembly" AfterTargets="Build">
                <Exec Command="printf x &gt;&gt; &quot;$(TargetPath)&quot;" />
              </Target>
            """));
        dir.Write("Stamped/Program.cs", LockedSum);
        string json = Path.Combine(dir.Path, "report.json");

        var (code, output) = await HarnessRun.CliAsync(project, "--rounds", "1", "--warmup", "0", "--no-diff", "--keep", "--json", json);

        Assert.True(code == ExitCodes.Ok, output);
        Assert.Contains("results: equal (stdout)", output);
        JsonElement harness = JsonDocument.Parse(File.ReadAllText(json)).RootElement.GetProperty("harness");
        Assert.True(harness.GetProperty("afterBuild").GetString() == "msbuild", output);
        Assert.Equal(
            "AFTER built by MSBuild: BEFORE compiled in-process differs from MSBuild's Stamped.dll (a build step after the compiler, or another compiler)",
            harness.GetProperty("afterBuildNote").GetString());
        Assert.Contains("AFTER built by MSBuild: BEFORE compiled in-process differs", Flat(output));
        // MSBuild's build of AFTER ran the project's own step.
        string after = Directory.GetDirectories(dir.Path, "*-after").Single();
        byte[] stamped = File.ReadAllBytes(Path.Combine(after, "bin", "gil-bench", "Stamped.dll"));
        Assert.Equal((byte)'x', stamped[^1]);
    }

    [Fact]
    public async Task SourceGeneratorThatProducesCode_AnalysedAgainWithIt_AndAfterStillCompiledInProcess()
    {
        // The Regex generator implements EndsInSeven: the first analysis (without generators) is thrown away once
        // BEFORE's build shows generated code, and the fixes are made again on the project with its generators.
        using var dir = new TempFolder();
        string project = dir.Write("Rx/Rx.csproj", Project());
        dir.Write("Rx/Program.cs", LockedSum + """
            System.Console.WriteLine(Patterns.EndsInSeven().IsMatch("1237"));

            static partial class Patterns
            {
                [System.Text.RegularExpressions.GeneratedRegex("^[0-9]*7$")]
                public static partial System.Text.RegularExpressions.Regex EndsInSeven();
            }

            """);
        string json = Path.Combine(dir.Path, "report.json");

        var (code, output) = await HarnessRun.CliAsync(project, "--rounds", "1", "--warmup", "0", "--no-diff", "--json", json);

        Assert.True(code == ExitCodes.Ok, output);
        Assert.Contains("analyzing and applying fixes with the project's source generators", output);
        Assert.Contains("fixed GIL001", output);
        Assert.Contains("results: equal (stdout)", output);
        JsonElement harness = JsonDocument.Parse(File.ReadAllText(json)).RootElement.GetProperty("harness");
        Assert.True(harness.GetProperty("analysedTwice").GetBoolean());
        Assert.True(harness.GetProperty("afterBuild").GetString() == "in-process", output);
    }

    [Fact]
    public void OverheadLine_SaysHowAfterWasBuilt()
    {
        var report = new BenchReport { Harness = { PrepareMs = 50, RestoreMs = 1500, OpenProjectMs = 400, AnalyzeAndFixMs = 4000, BuildMs = 100, AfterBuildNote = AfterBuildPath.Compiled.Note } };

        string line = ReportWriters.OverheadLine(report);

        Assert.EndsWith("; " + AfterBuildPath.Compiled.Note, line);
    }

    [Fact]
    public void ChangedFiles_MustAllBeSourcesTheCommandLineCompiles()
    {
        using var dir = new TempFolder();
        string project = dir.Write("App/App.csproj", Project());
        dir.Write("App/Program.cs", LockedSum);
        using var bench = Inputs.Workbench.Create(project);
        string[] commandLine = { "/out:obj/App.dll", "Program.cs", "obj/Generated.cs" };

        Assert.Null(InProcessAfterBuild.NotOnlySources(bench, commandLine, new Dictionary<string, string> { ["Program.cs"] = "" }));
        Assert.Contains("'Extra.cs'", InProcessAfterBuild.NotOnlySources(bench, commandLine, new Dictionary<string, string> { ["Program.cs"] = "", ["Extra.cs"] = "" }));
        Assert.Contains("'App.csproj'", InProcessAfterBuild.NotOnlySources(bench, commandLine, new Dictionary<string, string> { ["App.csproj"] = "" }));
    }

    [Fact]
    public void CommandLines_AreComparedWithTheProjectFolderRebased()
    {
        string before = Path.Combine(Path.GetTempPath(), "w", "x-before");
        string after = Path.Combine(Path.GetTempPath(), "w", "x-after");
        string[] line = { "/out:obj/App.dll", "/reference:" + Path.Combine(before, "lib", "A.dll"), "/reference:/packs/System.Runtime.dll", Path.Combine(before + "-other", "B.cs") };

        string[] rebased = InProcessAfterBuild.Rebased(line, before, after);

        Assert.Equal(new[] { "/out:obj/App.dll", "/reference:" + Path.Combine(after, "lib", "A.dll"), "/reference:/packs/System.Runtime.dll", Path.Combine(before + "-other", "B.cs") }, rebased);
        Assert.Equal(Path.Combine(before, "obj", "a b.dll"), InProcessAfterBuild.Written(new[] { "/out:\"obj/a b.dll\"" }, "/out:", before));
        Assert.Null(InProcessAfterBuild.Written(line, "/pdb:", before));
    }

    [Fact]
    public void TheCompiler_IsTheOneTheCscTaskRuns_AndAProjectsOwnCompilerIsRefused()
    {
        using var dir = new TempFolder();
        string sdk = dir.Write("compiler-sdk", "/sdk/10.0.401/Roslyn/Microsoft.CSharp.Core.targets||\n");
        string own = dir.Write("compiler-own", "/sdk/10.0.401/Roslyn/Microsoft.CSharp.Core.targets|/tools/csc|csc.exe\n");

        Assert.Equal(("/sdk/10.0.401/Roslyn/bincore", (string?)null), InProcessAfterBuild.FindCompiler(sdk));
        Assert.Equal("the project names its own compiler (CscToolPath/CscToolExe)", InProcessAfterBuild.FindCompiler(own).Refused);
        Assert.Equal("the restore step did not say which compiler the build uses", InProcessAfterBuild.FindCompiler(Path.Combine(dir.Path, "missing")).Refused);
    }

    /// <summary>The output with the console's line wrapping undone (the real CLI writes 80 columns when redirected).</summary>
    private static string Flat(string output) => string.Join(" ", output.Split('\n').Select(l => l.TrimEnd('\r').Trim()));
}
