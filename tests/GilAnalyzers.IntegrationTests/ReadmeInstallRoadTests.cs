using GilAnalyzers.IntegrationTests.Infrastructure;
using GilAnalyzers.Testing.Processes;
using Xunit;
using Xunit.Abstractions;

namespace GilAnalyzers.IntegrationTests;

/// <summary>
/// The README's install road, step by step, as a newcomer runs it with the real CLI: pack the whole solution into a
/// folder, make a fresh console app, add the folder as its package source, reference GilAnalyzers, build (a GIL
/// warning), install the <c>gil-bench</c> tool from the folder as a local tool, run <c>dotnet gil-bench</c> and
/// <c>dotnet gil-bench diagnose</c> from the app's own folder, then <c>dotnet format</c> fixes the code and the build is
/// clean. Every command the test runs must appear in README.md as written there (with <c>$GIL/artifacts</c> standing
/// for the packed folder), so the README and the test cannot drift apart.
/// The app's restores, the tool and its packages live in a temporary NuGet packages folder (NUGET_PACKAGES) and CLI home
/// (DOTNET_CLI_HOME: the local-tool resolver cache), so an earlier run's 0.1.0 can never be served in place of this run's
/// pack.
/// In the packed-consumer collection: its tests pack from the same repository folders, one at a time.
/// </summary>
[Collection(PackagedConsumerCollection.Name)]
public sealed class ReadmeInstallRoadTests(ITestOutputHelper output)
{
    private const string Version = "0.1.0";

    // A user's program with a lock around CPU-bound work inside Parallel.For (GIL001), about 0.1–0.3 s per run.
    private const string UserProgram = """
        using System.Threading.Tasks;

        namespace MyApp;

        public static class Program
        {
            private static readonly object Sync = new();

            public static void Main()
            {
                long checksum = 0;
                Parallel.For(0, 48, block =>
                {
                    lock (Sync)
                    {
                        long part = 0;
                        for (int n = 0; n < 1_500_000; n++)
                        {
                            part += (n * 31 + block) % 11;
                        }

                        checksum += part;
                    }
                });
                System.Console.WriteLine("checksum " + checksum);
            }
        }
        """;

    [Fact]
    public async Task A_newcomer_follows_the_README_from_pack_to_gil_bench_in_their_own_folder()
    {
        string readme = File.ReadAllText(Path.Combine(RepositoryPaths.Root, "README.md"));
        string root = Directory.CreateTempSubdirectory("gil-readme-").FullName;
        try
        {
            string artifacts = Path.Combine(root, "artifacts");
            string app = Path.Combine(root, "MyApp");

            // The app's side of the road gets its own NuGet packages folder and its own CLI home (where `dotnet` caches
            // which folder a local tool's command runs from): a fresh install every run, never an earlier run's copy.
            var userEnvironment = new Dictionary<string, string?>(DotNetCli.Environment, StringComparer.Ordinal)
            {
                ["NUGET_PACKAGES"] = Path.Combine(root, "nuget-packages"),
                ["DOTNET_CLI_HOME"] = Path.Combine(root, "cli-home"),
                // MSBuild reads environment variables as properties: no compiler server outlives the test.
                ["UseSharedCompilation"] = "false",
            };

            async Task<ProcessResult> Step(string directory, string readmeCommand, IReadOnlyDictionary<string, string?> environment, TimeSpan timeout, params string[] extra)
            {
                Assert.True(readme.Contains(readmeCommand, StringComparison.Ordinal), $"README.md no longer shows `{readmeCommand}`; keep this test and the README's install road in step.");
                string[] words = readmeCommand.Replace("$GIL/artifacts", artifacts, StringComparison.Ordinal).Replace("./artifacts", artifacts, StringComparison.Ordinal).Split(' ', StringSplitOptions.RemoveEmptyEntries);
                Assert.Equal("dotnet", words[0]);
                ProcessResult result = await ProcessRunner.RunAsync(DotNetCli.DotNetPath, [.. words[1..], .. extra], directory, environment, timeout);
                output.WriteLine($"{result.Elapsed.TotalSeconds,6:0.0} s  {readmeCommand} {string.Join(' ', extra)} -> {result.ExitCode}");
                return result;
            }

            // 1. Pack, in the repository (README: `-o ./artifacts`; here the folder is the temporary one).
            ProcessResult pack = await Step(RepositoryPaths.Root, "dotnet pack GilAnalyzers.sln -c Release -o ./artifacts", DotNetCli.Environment, TimeSpan.FromMinutes(10), DotNetCli.QuietBuildArguments);
            Assert.True(pack.ExitCode == 0, "Packing the solution failed. " + pack.Describe());
            foreach (string package in new[] { "GilAnalyzers", "GilAnalyzers.Processes", "GilAnalyzers.Processes.Orleans", "gil-bench" })
            {
                Assert.True(File.Exists(Path.Combine(artifacts, $"{package}.{Version}.nupkg")),
                    $"`dotnet pack GilAnalyzers.sln` did not pack {package} {Version}; the folder holds: {string.Join(", ", Directory.EnumerateFiles(artifacts).Select(Path.GetFileName))}");
            }

            // A newcomer's own project (not a README step: they already have one).
            ProcessResult create = await ProcessRunner.RunAsync(DotNetCli.DotNetPath, ["new", "console", "-n", "MyApp", "-o", app], root, userEnvironment);
            Assert.True(create.ExitCode == 0, create.Describe());
            File.WriteAllText(Path.Combine(app, "Program.cs"), UserProgram);
            var minutes = TimeSpan.FromMinutes(5);

            // 2. The packed folder as the project's package source.
            ProcessResult config = await Step(app, "dotnet new nugetconfig", userEnvironment, minutes);
            Assert.True(config.ExitCode == 0, config.Describe());
            ProcessResult source = await Step(app, "dotnet nuget add source $GIL/artifacts -n gil --configfile nuget.config", userEnvironment, minutes);
            Assert.True(source.ExitCode == 0, source.Describe());

            // 3. The analyzers, and the warning in a plain build.
            ProcessResult add = await Step(app, $"dotnet add package GilAnalyzers --version {Version}", userEnvironment, minutes);
            Assert.True(add.ExitCode == 0, "Adding the package from the packed folder failed. " + add.Describe());
            Assert.Contains("PrivateAssets", File.ReadAllText(Path.Combine(app, "MyApp.csproj")), StringComparison.Ordinal);
            ProcessResult build = await ProcessRunner.RunAsync(DotNetCli.DotNetPath, ["build", "-tl:off"], app, userEnvironment, minutes);
            Assert.True(build.ExitCode == 0, build.Describe());
            Assert.Contains(BuildDiagnostic.Parse(build.Output), d => d.Id == "GIL001" && d.File.EndsWith("Program.cs", StringComparison.Ordinal));

            // 4. gil-bench as a local tool, from the same folder.
            ProcessResult manifest = await Step(app, "dotnet new tool-manifest", userEnvironment, minutes);
            Assert.True(manifest.ExitCode == 0, manifest.Describe());
            ProcessResult install = await Step(app, "dotnet tool install gil-bench --add-source $GIL/artifacts", userEnvironment, minutes);
            Assert.True(install.ExitCode == 0, "Installing the gil-bench tool from the packed folder failed. " + install.Describe());

            // 5. The bench and diagnose on the user's own project, from its folder, with no path.
            ProcessResult bench = await Step(app, "dotnet gil-bench", userEnvironment, minutes);
            Assert.True(bench.ExitCode == 0, "`dotnet gil-bench` failed in the user's folder. " + bench.Describe());
            Assert.Contains("fixed GIL001 at Program.cs", bench.Output, StringComparison.Ordinal);
            Assert.Contains("│ BEFORE", bench.Output, StringComparison.Ordinal);
            Assert.Contains("│ AFTER", bench.Output, StringComparison.Ordinal);
            Assert.Contains("speedup ×", bench.Output, StringComparison.Ordinal);
            Assert.Contains("results: equal", bench.Output, StringComparison.Ordinal);

            ProcessResult diagnose = await Step(app, "dotnet gil-bench diagnose", userEnvironment, minutes);
            Assert.True(diagnose.ExitCode == 0, "`dotnet gil-bench diagnose` failed in the user's folder. " + diagnose.Describe());
            Assert.Contains("GIL001 at Program.cs", diagnose.Output, StringComparison.Ordinal);
            Assert.Contains("core usage:", diagnose.Output, StringComparison.Ordinal);
            Assert.Contains("contended locks", diagnose.Output, StringComparison.Ordinal);

            // gil-bench worked on copies: the user's file is as they wrote it, and no work folder is left beside it.
            Assert.Equal(UserProgram, File.ReadAllText(Path.Combine(app, "Program.cs")));
            Assert.Empty(Directory.GetDirectories(root, ".gilbench-*"));

            // 6. dotnet format applies the fix to the user's code; the build is then free of GIL001.
            ProcessResult format = await Step(app, "dotnet format analyzers --diagnostics GIL001 --severity warn", userEnvironment, minutes);
            Assert.True(format.ExitCode == 0, format.Describe());
            Assert.NotEqual(UserProgram, File.ReadAllText(Path.Combine(app, "Program.cs")));
            ProcessResult rebuild = await ProcessRunner.RunAsync(DotNetCli.DotNetPath, ["build", "-tl:off"], app, userEnvironment, minutes);
            Assert.True(rebuild.ExitCode == 0, "The code dotnet format fixed does not build. " + rebuild.Describe());
            Assert.DoesNotContain(BuildDiagnostic.Parse(rebuild.Output), d => d.Id.StartsWith("GIL", StringComparison.Ordinal));
        }
        finally
        {
            try
            {
                Directory.Delete(root, recursive: true);
            }
            catch (IOException)
            {
                // Best effort: a leftover temp folder must not fail the run.
            }
        }
    }
}
