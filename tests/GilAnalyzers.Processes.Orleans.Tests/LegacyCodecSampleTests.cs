using System.Diagnostics;
using System.Reflection;
using System.Text.Json;
using Xunit.Abstractions;

namespace GilAnalyzers.Processes.Orleans.Tests;

/// <summary>
/// Issue 19's last proof with the real sample: samples/GIL006.LegacyCodec, fixed by GilAnalyzers' own GIL006 code
/// action through the <c>gil-bench</c> CLI (which applies the fix, builds BEFORE and AFTER once each with the real
/// <c>dotnet build</c> and checks they print the same result), then the one AFTER binary run twice: on local worker
/// processes, and with <c>GILANALYZERS_POOL_BACKEND=orleans</c> against three silos started from that same binary's
/// folder in worker mode. All three runs must print the same combined hash.
/// </summary>
[Collection("cluster")]
public sealed class LegacyCodecSampleTests(ITestOutputHelper output)
{
    private const string SampleName = "GIL006.LegacyCodec";

    /// <summary>The sample's own size argument: 24 of its 72 frames (~0.8 s of codec work), about four per silo worker.</summary>
    private const string Frames = "24";

    private static readonly TimeSpan BuildTimeout = TimeSpan.FromMinutes(6);
    private static readonly TimeSpan RunTimeout = TimeSpan.FromMinutes(2);

    [Fact]
    public async Task The_fixed_GIL006_sample_prints_the_same_result_on_local_worker_processes_and_on_three_silos_of_the_same_binary()
    {
        var total = Stopwatch.StartNew();
        string repository = Metadata("RepositoryRoot");
        string gilBench = Metadata("GilBench");
        Assert.True(File.Exists(gilBench), gilBench + " was not built (the test project builds src/GilAnalyzers.Harness)");
        string root = Directory.CreateTempSubdirectory("gil006-cluster-").FullName;
        try
        {
            // The sample as an application that references both packages, as its fixed project would; its Program.cs unchanged.
            string project = WriteSampleProject(repository, Path.Combine(root, SampleName));
            string dotnet = SiloProcess.Command(new ClusterSiloOptions()).FileName;
            Dictionary<string, string?> noBackend = WithoutPoolSettings();

            // 1. gil-bench: the real GIL006 fix, both builds (once each), one run of each at this size, results compared.
            ChildRun bench = await ChildProcess.RunAsync(
                "gil-bench (fix, build BEFORE and AFTER, compare)",
                dotnet,
                [gilBench, project, "--fix", "GIL006.ProcessPool", "--keep", "--no-diff", "--rounds", "1", "--warmup", "0", "--timeout", "120", "--json", Path.Combine(root, "gil-bench.json"), "--", Frames],
                root,
                noBackend,
                BuildTimeout);
            Assert.True(bench.ExitCode == 0 && !bench.TimedOut, bench.Describe());
            output.WriteLine($"gil-bench: {bench.Wall.TotalSeconds:0.0} s ({HarnessTimings(Path.Combine(root, "gil-bench.json"))})");
            string beforeDir = KeptFolder(root, "before", bench);
            string afterDir = KeptFolder(root, "after", bench);

            string fixedSource = File.ReadAllText(Path.Combine(afterDir, "Program.cs"));
            Assert.Equal(File.ReadAllText(Path.Combine(repository, "samples", SampleName, "Program.cs")), File.ReadAllText(Path.Combine(beforeDir, "Program.cs")));
            Assert.Contains("ProcessPool.Shared.Map", fixedSource, StringComparison.Ordinal);
            Assert.DoesNotContain("lock (CodecGate)", fixedSource, StringComparison.Ordinal);
            Assert.DoesNotContain("Parallel.For(", fixedSource, StringComparison.Ordinal);

            string beforeBin = Path.Combine(beforeDir, "bin", "gil-bench");
            string afterBin = Path.Combine(afterDir, "bin", "gil-bench");
            string afterDll = Path.Combine(afterBin, SampleName + ".dll");
            foreach (string file in new[] { afterDll, Path.Combine(afterBin, "GilAnalyzers.Processes.Orleans.dll"), Path.Combine(afterBin, SampleName + ".deps.json") })
            {
                Assert.True(File.Exists(file), file + " is missing from the AFTER build.\n" + bench.Describe());
            }

            // 2. The unfixed program's result.
            ChildRun before = await RunSampleAsync("BEFORE (unfixed sample)", dotnet, Path.Combine(beforeBin, SampleName + ".dll"), root, noBackend);
            string expected = CombinedLine(before);

            // 3. The fixed binary on local worker processes.
            ChildRun local = await RunSampleAsync("AFTER on local worker processes (GILANALYZERS_POOL_BACKEND unset)", dotnet, afterDll, root, noBackend);

            // 4. The same binary on three silos started from its own folder.
            var clusterStart = Stopwatch.StartNew();
            ChildRun remote;
            await using (ApplicationCluster cluster = await ApplicationCluster.StartAsync(afterBin, SampleName, 3, TimeSpan.FromSeconds(90)))
            {
                output.WriteLine($"three silos ready after {clusterStart.Elapsed.TotalSeconds:0.0} s: "
                    + string.Join(", ", cluster.Silos.Select(s => $"pid {s.ProcessId} ({s.Address})")));
                Dictionary<string, string?> clusterEnvironment = WithoutPoolSettings();
                foreach ((string key, string? value) in cluster.ClientEnvironment())
                {
                    clusterEnvironment[key] = value;
                }

                remote = await RunSampleAsync("AFTER on the three-silo cluster (GILANALYZERS_POOL_BACKEND=orleans)", dotnet, afterDll, root, clusterEnvironment);

                // The work ran on every silo: a silo's local pool starts the application's worker processes with its
                // first chunk, and they stay until the silo ends. 24 chunks (one frame each by default) go to 12 lanes,
                // 4 per silo, all opened at the first membership read, when all three silos have joined.
                var workers = cluster.Silos.ToDictionary(s => s.ProcessId, s => LocalCluster.WorkerPidsOf(s.ProcessId).Length);
                output.WriteLine("worker processes per silo after the run: " + string.Join(", ", workers.Select(w => $"silo {w.Key}: {w.Value}")));
                Assert.True(workers.Values.All(n => n > 0), "a silo started no worker process, so it ran no chunk: "
                    + string.Join(", ", workers.Select(w => $"silo {w.Key}: {w.Value}")) + "\n"
                    + remote.Describe() + "\n" + string.Join("\n", cluster.Silos.Select(s => $"--- silo {s.ProcessId} ---\n{s.OutputTail}")));
            }

            Assert.Equal(expected, CombinedLine(local));
            Assert.Equal(expected, CombinedLine(remote));
            output.WriteLine($"{expected}: BEFORE {before.Wall.TotalSeconds:0.00} s, AFTER local {local.Wall.TotalSeconds:0.00} s, "
                + $"AFTER on 3 silos {remote.Wall.TotalSeconds:0.00} s; test {total.Elapsed.TotalSeconds:0.0} s");
        }
        finally
        {
            TryDelete(root);
        }
    }

    /// <summary>Runs the sample at the test's size, asserts it succeeded, and that no local worker process of it is left.</summary>
    private async Task<ChildRun> RunSampleAsync(string name, string dotnet, string dll, string workingDirectory, Dictionary<string, string?> environment)
    {
        ChildRun run = await ChildProcess.RunAsync(name, dotnet, [dll, Frames], workingDirectory, environment, RunTimeout);
        output.WriteLine($"{name}: {run.Wall.TotalSeconds:0.00} s, {run.StandardOutput.Trim()}");
        Assert.True(run.ExitCode == 0 && !run.TimedOut, run.Describe());
        LocalCluster.AssertNoWorkersLeft(run.ProcessId);
        return run;
    }

    /// <summary>Where gil-bench's time went, from its JSON report.</summary>
    private static string HarnessTimings(string json)
    {
        using JsonDocument report = JsonDocument.Parse(File.ReadAllText(json));
        JsonElement harness = report.RootElement.GetProperty("harness");
        string Seconds(string name) => (harness.GetProperty(name).GetDouble() / 1000).ToString("0.0", System.Globalization.CultureInfo.InvariantCulture) + " s";
        return $"restore {Seconds("restoreMs")}, open project {Seconds("openProjectMs")}, analyse and fix {Seconds("analyzeAndFixMs")} (restore and open included), "
            + $"build BEFORE {Seconds("buildBeforeMs")}, build AFTER {Seconds("buildAfterMs")}, runs {Seconds("runsMs")}";
    }

    private static string CombinedLine(ChildRun run)
    {
        string? line = run.StandardOutput.Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
            .SingleOrDefault(l => l.StartsWith("combined: ", StringComparison.Ordinal));
        Assert.True(line is not null, "no single 'combined: …' line.\n" + run.Describe());
        return line!;
    }

    /// <summary>The folder gil-bench kept (<c>--keep</c>) beside the project: <c>.gilbench-&lt;name&gt;-&lt;id&gt;-before</c> or <c>-after</c>.</summary>
    private static string KeptFolder(string root, string variant, ChildRun bench)
    {
        string[] found = Directory.GetDirectories(root, ".gilbench-" + SampleName + "-*-" + variant);
        Assert.True(found.Length == 1, $"expected one kept {variant} folder in {root}, found {found.Length}.\n" + bench.Describe());
        return found[0];
    }

    /// <summary>
    /// A project folder outside the repository holding the sample's Program.cs, referencing GilAnalyzers.Processes (as the
    /// sample does, so the GIL006 code action is offered) and GilAnalyzers.Processes.Orleans (the backend the same
    /// binary switches to by configuration).
    /// </summary>
    private static string WriteSampleProject(string repository, string directory)
    {
        Directory.CreateDirectory(directory);
        string Reference(string name) => Path.Combine(repository, "src", name, name + ".csproj");
        File.WriteAllText(Path.Combine(Path.GetDirectoryName(directory)!, "Directory.Build.props"), "<Project />\n");
        File.WriteAllText(Path.Combine(Path.GetDirectoryName(directory)!, "Directory.Build.targets"), "<Project />\n");
        string project = Path.Combine(directory, SampleName + ".csproj");
        File.WriteAllText(project, $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <OutputType>Exe</OutputType>
                <TargetFramework>net10.0</TargetFramework>
                <LangVersion>latest</LangVersion>
                <Nullable>enable</Nullable>
                <ImplicitUsings>disable</ImplicitUsings>
              </PropertyGroup>
              <ItemGroup>
                <ProjectReference Include="{Reference("GilAnalyzers.Processes")}" />
                <ProjectReference Include="{Reference("GilAnalyzers.Processes.Orleans")}" />
              </ItemGroup>
            </Project>
            """);
        File.Copy(Path.Combine(repository, "samples", SampleName, "Program.cs"), Path.Combine(directory, "Program.cs"));
        return project;
    }

    /// <summary>This process's environment minus every pool setting, so a run is local unless the test says otherwise.</summary>
    private static Dictionary<string, string?> WithoutPoolSettings()
    {
        var environment = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach (string key in Environment.GetEnvironmentVariables().Keys.Cast<string>())
        {
            if (key.StartsWith("GILANALYZERS_POOL_", StringComparison.Ordinal))
            {
                environment[key] = null;
            }
        }

        environment["GILANALYZERS_POOL_BACKEND"] = null;
        environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        environment["DOTNET_NOLOGO"] = "1";
        return environment;
    }

    private static string Metadata(string key) =>
        typeof(LegacyCodecSampleTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == key).Value!;

    private static void TryDelete(string directory)
    {
        try
        {
            Directory.Delete(directory, recursive: true);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
