using GilAnalyzers.Processes;
using GilAnalyzers.Testing;
using GilAnalyzers.Testing.Processes;
using GilAnalyzers.Testing.Programs;
using Microsoft.CodeAnalysis;
using Xunit;

namespace GilAnalyzers.Tests.Execution;

/// <summary>
/// GIL006's BEFORE/AFTER with real processes. The process pool starts workers that load the application's own
/// assembly from disk (its deps.json and runtimeconfig.json), so an in-memory load context cannot run the AFTER:
/// both versions of each GIL006 sample (the catalogue's rows that do not run in-process: samples/GIL006.LegacyCodec,
/// samples/GIL006.IndexDrivenKnapsack) are fixed with the first code action (what "Fix all" and dotnet format apply),
/// built with the real <c>dotnet build</c> into temporary projects and run as child processes at a reduced size, and
/// must print the same result.
/// </summary>
public sealed class ProcessPoolSampleExecutionTests
{
    public static TheoryData<string> ProcessSamples()
    {
        var data = new TheoryData<string>();
        foreach (var sample in SampleCatalog.All.Where(s => !s.RunsInProcess))
        {
            data.Add(sample.Name);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(ProcessSamples))]
    public async Task FixedSampleRunsInWorkerProcessesAndPrintsTheSameResult(string name)
    {
        var sample = SampleCatalog.Named(name);

        // Frames or manifests per run: a few per worker, so the pool really fans out, at a fraction of the full size.
        var reducedSize = sample.TestSize.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var before = sample.ReadSource();
        var outcome = await SampleFixPipeline.ApplyAllFixesAsync(
            before,
            additionalReferences: [MetadataReference.CreateFromFile(typeof(ProcessPool).Assembly.Location)]);
        var after = outcome.Source;

        // No key named: the first action of every diagnostic, and that is the process pool.
        Assert.Contains(outcome.Applied, applied => applied.EquivalenceKey == sample.PreferredFix);
        Assert.All(outcome.Applied, applied => Assert.Equal(sample.PreferredFix, applied.EquivalenceKey));
        Assert.Empty(outcome.RemainingDiagnostics);
        Assert.Contains("ProcessPool.Shared.Map", after, StringComparison.Ordinal);
        Assert.DoesNotContain("lock (", after, StringComparison.Ordinal);
        Assert.DoesNotContain("Parallel.For(", after, StringComparison.Ordinal);

        var root = Directory.CreateTempSubdirectory("gil006-exec-").FullName;
        try
        {
            var beforeProject = WriteProject(Path.Combine(root, "before"), name.Replace(".", "", StringComparison.Ordinal) + "Before", before);
            var afterProject = WriteProject(Path.Combine(root, "after"), name.Replace(".", "", StringComparison.Ordinal) + "After", after);

            // One after the other: both builds would otherwise build the referenced pool project at the same time.
            var beforeDll = await BuildAsync(beforeProject);
            var afterDll = await BuildAsync(afterProject);

            var beforeRun = await DotNetCli.RunAsync(root, beforeDll, reducedSize);
            var afterRun = await DotNetCli.RunAsync(root, afterDll, reducedSize);
            Assert.True(beforeRun.ExitCode == 0, beforeRun.Describe());
            Assert.True(afterRun.ExitCode == 0, afterRun.Describe());

            var expected = ResultLine(beforeRun);
            Assert.Equal(expected, ResultLine(afterRun));

            // The size argument reaches the work: a different size gives a different result.
            var other = await DotNetCli.RunAsync(root, afterDll, "5");
            Assert.True(other.ExitCode == 0, other.Describe());
            Assert.NotEqual(expected, ResultLine(other));
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

    /// <summary>
    /// The local-result form (<c>int steps; lock (g) { steps = M(grid, job.From, job.To); } …</c> in a longer
    /// <c>Parallel.ForEach</c> body): the pool's rewrite runs every call first in worker processes and the loop reads each
    /// result; the program prints the same checksum before and after, and a different size gives another.
    /// </summary>
    [Fact]
    public async Task LocalResultFormRunsInWorkerProcessesAndPrintsTheSameResult()
    {
        const string before = """
            using System;
            using System.Collections.Generic;
            using System.Threading.Tasks;

            public sealed class Grid
            {
                public int Width;
                public int[] Cells = new int[0];
            }

            public sealed class Job
            {
                public int From { get; set; }
                public int To { get; set; }
            }

            public static class Legacy
            {
                public static readonly object Sync = new object();
                private static int s_visits;

                public static int Walk(Grid grid, int from, int to)
                {
                    s_visits = 0;
                    int steps = 0;
                    for (int i = from; i != to && steps < grid.Width; i = (i + 7) % grid.Cells.Length)
                    {
                        s_visits++;
                        steps += (grid.Cells[i] ^ s_visits) % 5 + 1;
                    }
                    return steps;
                }
            }

            public static class Program
            {
                public static void Main(string[] args)
                {
                    int count = args.Length > 0 ? int.Parse(args[0]) : 40;
                    var grid = new Grid { Width = 20_000, Cells = new int[997] };
                    for (int c = 0; c < grid.Cells.Length; c++) grid.Cells[c] = (c * 31) % 17;
                    var jobs = new List<Job>();
                    for (int j = 0; j < count; j++) jobs.Add(new Job { From = j % 997, To = (j * 13 + 5) % 997 });
                    var lengths = new int[count];
                    var far = new int[count];
                    Parallel.ForEach(jobs, (job, _, i) =>
                    {
                        int steps;
                        lock (Legacy.Sync)
                        {
                            steps = Legacy.Walk(grid, job.From, job.To);
                        }
                        lengths[i] = steps;
                        far[i] = steps > 40 ? 1 : 0;
                    });
                    long sum = 0;
                    for (int j = 0; j < count; j++) sum = sum * 31 + lengths[j] + far[j];
                    Console.WriteLine("combined: " + sum);
                }
            }
            """;
        var outcome = await SampleFixPipeline.ApplyAllFixesAsync(
            before,
            only: ["GIL006.ProcessPool"],
            additionalReferences: [MetadataReference.CreateFromFile(typeof(ProcessPool).Assembly.Location)]);
        var after = outcome.Source;
        Assert.Contains(outcome.Applied, applied => applied.EquivalenceKey == "GIL006.ProcessPool");
        Assert.Contains("ProcessPool.Shared.Map", after, StringComparison.Ordinal);
        Assert.DoesNotContain("lock (", after, StringComparison.Ordinal);

        var root = Directory.CreateTempSubdirectory("gil006-local-").FullName;
        try
        {
            var beforeDll = await BuildAsync(WriteProject(Path.Combine(root, "before"), "LocalResultBefore", before));
            var afterDll = await BuildAsync(WriteProject(Path.Combine(root, "after"), "LocalResultAfter", after));
            var beforeRun = await DotNetCli.RunAsync(root, beforeDll, "60");
            var afterRun = await DotNetCli.RunAsync(root, afterDll, "60");
            Assert.True(beforeRun.ExitCode == 0, beforeRun.Describe());
            Assert.True(afterRun.ExitCode == 0, afterRun.Describe());
            Assert.Equal(ResultLine(beforeRun), ResultLine(afterRun));

            var other = await DotNetCli.RunAsync(root, afterDll, "7");
            Assert.True(other.ExitCode == 0, other.Describe());
            Assert.NotEqual(ResultLine(afterRun), ResultLine(other));
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

    private static string ResultLine(ProcessResult run)
    {
        var line = run.StandardOutput.Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
            .SingleOrDefault(l => l.StartsWith("combined: ", StringComparison.Ordinal));
        Assert.True(line is not null, "No 'combined: …' line. " + run.Describe());
        return line!;
    }

    /// <summary>A throwaway console project outside the repository, referencing the pool project as the sample does.</summary>
    private static string WriteProject(string directory, string name, string source)
    {
        Directory.CreateDirectory(directory);
        var pool = Repository.Combine("src", "GilAnalyzers.Processes", "GilAnalyzers.Processes.csproj");
        File.WriteAllText(Path.Combine(directory, "Directory.Build.props"), "<Project />\n");
        File.WriteAllText(Path.Combine(directory, "Directory.Build.targets"), "<Project />\n");
        File.WriteAllText(Path.Combine(directory, name + ".csproj"), $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <OutputType>Exe</OutputType>
                <TargetFramework>net10.0</TargetFramework>
                <Nullable>enable</Nullable>
                <ImplicitUsings>disable</ImplicitUsings>
              </PropertyGroup>
              <ItemGroup>
                <ProjectReference Include="{pool}" />
              </ItemGroup>
            </Project>
            """);
        File.WriteAllText(Path.Combine(directory, "Program.cs"), source);
        return Path.Combine(directory, name + ".csproj");
    }

    private static async Task<string> BuildAsync(string project)
    {
        var build = await DotNetCli.RunAsync(Path.GetDirectoryName(project)!, ["build", project, "-c", "Release", .. DotNetCli.QuietBuildArguments]);
        Assert.True(build.ExitCode == 0, build.Describe());
        var dll = Path.Combine(Path.GetDirectoryName(project)!, "bin", "Release", "net10.0", Path.GetFileNameWithoutExtension(project) + ".dll");
        Assert.True(File.Exists(dll), "Built, but " + dll + " is missing. " + build.Describe());
        return dll;
    }
}
