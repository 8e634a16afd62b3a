using System.Globalization;
using System.IO.Compression;
using System.Text.Json;
using System.Xml.Linq;
using GilAnalyzers.IntegrationTests.Infrastructure;
using GilAnalyzers.Testing.Processes;
using Xunit;

namespace GilAnalyzers.IntegrationTests;

/// <summary>
/// Packs GilAnalyzers.Processes with the real <c>dotnet pack</c> into a temporary feed under a run-unique version, then
/// builds one throwaway consumer for net8.0 (RollForward Major: only the .NET 10 runtime is installed) and net10.0
/// that installs it from the feed, and runs both: <c>ProcessPool.Shared.Map</c> must return the right results in
/// order, computed in worker processes other than the consumer's own.
/// </summary>
public sealed class ProcessesPackageFixture : IAsyncLifetime
{
    public string PackageVersion { get; } = string.Create(
        CultureInfo.InvariantCulture, $"0.1.0-it{DateTime.UtcNow:yyyyMMddHHmmssfff}p{Environment.ProcessId}");

    public string PackagePath { get; private set; } = "";

    public string ConsumerDirectory { get; private set; } = "";

    public ProcessResult Build { get; private set; } = null!;

    private string? _workRoot;

    public async Task InitializeAsync()
    {
        _workRoot = Directory.CreateTempSubdirectory("gil-it-procs-").FullName;
        var feed = Path.Combine(_workRoot, "feed");
        var project = Path.Combine(RepositoryPaths.Root, "src", "GilAnalyzers.Processes", "GilAnalyzers.Processes.csproj");
        var restore = await DotNetCli.RunAsync(RepositoryPaths.Root, ["restore", project, .. DotNetCli.QuietBuildArguments]);
        if (restore.ExitCode != 0)
        {
            throw new InvalidOperationException("Restoring GilAnalyzers.Processes failed. " + restore.Describe());
        }

        var pack = await DotNetCli.RunAsync(
            RepositoryPaths.Root,
            ["pack", project, "--no-restore", "-c", "Release", "-o", feed, "-p:PackageVersion=" + PackageVersion, .. DotNetCli.QuietBuildArguments]);
        if (pack.ExitCode != 0)
        {
            throw new InvalidOperationException("Packing GilAnalyzers.Processes failed. " + pack.Describe());
        }

        PackagePath = Path.Combine(feed, $"GilAnalyzers.Processes.{PackageVersion}.nupkg");
        if (!File.Exists(PackagePath))
        {
            throw new InvalidOperationException($"`dotnet pack` succeeded but {PackagePath} is missing.");
        }

        ConsumerDirectory = Path.Combine(_workRoot, "consumer");
        Directory.CreateDirectory(ConsumerDirectory);
        Write("Directory.Build.props", """
            <Project>
              <PropertyGroup>
                <ImportDirectoryPackagesProps>false</ImportDirectoryPackagesProps>
                <ManagePackageVersionsCentrally>false</ManagePackageVersionsCentrally>
              </PropertyGroup>
            </Project>
            """);
        Write("Directory.Build.targets", "<Project />\n");
        Write("nuget.config", $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <packageSources>
                <add key="gilanalyzers-processes-under-test" value="{feed}" />
              </packageSources>
            </configuration>
            """);
        Write("PoolConsumer.csproj", $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <OutputType>Exe</OutputType>
                <TargetFrameworks>net8.0;net10.0</TargetFrameworks>
                <RollForward>Major</RollForward>
                <Nullable>enable</Nullable>
                <ImplicitUsings>disable</ImplicitUsings>
              </PropertyGroup>
              <ItemGroup>
                <PackageReference Include="GilAnalyzers.Processes" Version="[{PackageVersion}]" />
              </ItemGroup>
            </Project>
            """);
        Write("Program.cs", """
            using System;
            using System.Linq;
            using GilAnalyzers.Processes;

            public static class Work
            {
                private static long s_calls;

                // Returns the item's square and the worker's process id, packed in one number.
                public static long SquareWithPid(int x)
                {
                    s_calls++;
                    return (long)x * x * 1_000_000_000L + Environment.ProcessId;
                }
            }

            public static class Program
            {
                public static void Main()
                {
                    long[] results = ProcessPool.Shared.Map(Work.SquareWithPid, Enumerable.Range(1, 40), chunkSize: 3);
                    Console.WriteLine("squares: " + string.Join(",", results.Select(r => r / 1_000_000_000L)));
                    var pids = results.Select(r => r % 1_000_000_000L).Distinct().ToList();
                    Console.WriteLine("own pid among workers: " + pids.Contains(Environment.ProcessId));
                    Console.WriteLine("worker pids: " + pids.Count);
                    Console.WriteLine("runtime: " + Environment.Version.Major);
                }
            }
            """);
        Build = await DotNetCli.RunAsync(ConsumerDirectory, ["build", "PoolConsumer.csproj", "-c", "Release", .. DotNetCli.QuietBuildArguments]);
    }

    public Task DisposeAsync()
    {
        if (_workRoot is null)
        {
            return Task.CompletedTask;
        }

        // The run-unique version would otherwise pile up in the global packages folder.
        foreach (var folder in PackageFolders())
        {
            TryDelete(Path.Combine(folder, "gilanalyzers.processes", PackageVersion.ToLowerInvariant()));
        }

        TryDelete(_workRoot);
        return Task.CompletedTask;
    }

    private IEnumerable<string> PackageFolders()
    {
        var assets = Path.Combine(ConsumerDirectory, "obj", "project.assets.json");
        if (!File.Exists(assets))
        {
            return [];
        }

        using var document = JsonDocument.Parse(File.ReadAllText(assets));
        return document.RootElement.TryGetProperty("packageFolders", out var folders)
            ? folders.EnumerateObject().Select(f => f.Name).ToList()
            : [];
    }

    private void Write(string name, string text) => File.WriteAllText(Path.Combine(ConsumerDirectory, name), text.ReplaceLineEndings("\n"));

    private static void TryDelete(string directory)
    {
        try
        {
            if (Directory.Exists(directory))
            {
                Directory.Delete(directory, recursive: true);
            }
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}

public sealed class ProcessesPackageTests(ProcessesPackageFixture fixture) : IClassFixture<ProcessesPackageFixture>
{
    [Fact]
    public void Package_holds_the_net8_library_its_docs_and_the_linux_x64_image_and_depends_on_MessagePack_only()
    {
        using var package = ZipFile.OpenRead(fixture.PackagePath);
        var lib = package.Entries.Select(e => e.FullName).Where(n => n.StartsWith("lib/", StringComparison.Ordinal)).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(new[] { "lib/net8.0/GilAnalyzers.Processes.dll", "lib/net8.0/GilAnalyzers.Processes.xml" }, lib);
        Assert.DoesNotContain(package.Entries, e => e.FullName.EndsWith(".runtimeconfig.json", StringComparison.Ordinal));
        // The ReadyToRun image (issue 18) ships for linux-x64 beside the IL, never in lib/ (another platform would reject it).
        Assert.Contains(package.Entries, e => e.FullName == "runtimes/linux-x64/lib/net8.0/GilAnalyzers.Processes.dll");

        var nuspec = Assert.Single(package.Entries, e => e.FullName.EndsWith(".nuspec", StringComparison.Ordinal));
        using var stream = nuspec.Open();
        var metadata = XDocument.Load(stream).Root!.Elements().Single(e => e.Name.LocalName == "metadata");
        Assert.Equal("GilAnalyzers.Processes", metadata.Elements().Single(e => e.Name.LocalName == "id").Value);
        Assert.Equal(fixture.PackageVersion, metadata.Elements().Single(e => e.Name.LocalName == "version").Value);
        var dependencies = metadata.Descendants().Where(e => e.Name.LocalName == "dependency").Select(e => e.Attribute("id")?.Value).ToList();
        // Frames and payloads are MessagePack since issue 18; the JSON-RPC stack is no longer a dependency.
        Assert.Contains("MessagePack", dependencies);
        Assert.DoesNotContain("StreamJsonRpc", dependencies);
    }

    [Theory]
    [InlineData("net8.0")]
    [InlineData("net10.0")]
    public async Task Consumer_maps_over_worker_processes_from_the_package(string targetFramework)
    {
        Assert.True(fixture.Build.ExitCode == 0, fixture.Build.Describe());
        var output = Path.Combine(fixture.ConsumerDirectory, "bin", "Release", targetFramework);
        Assert.True(File.Exists(Path.Combine(output, "GilAnalyzers.Processes.dll")), "The package's DLL was not copied to " + output);

        var run = await DotNetCli.RunAsync(fixture.ConsumerDirectory, Path.Combine(output, "PoolConsumer.dll"));
        Assert.True(run.ExitCode == 0, run.Describe());
        var lines = run.StandardOutput.Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        Assert.Contains("squares: " + string.Join(",", Enumerable.Range(1, 40).Select(x => x * x)), lines);
        Assert.Contains("own pid among workers: False", lines);
        Assert.Contains(lines, l => l.StartsWith("worker pids: ", StringComparison.Ordinal) && int.Parse(l["worker pids: ".Length..], CultureInfo.InvariantCulture) >= 1);
        Assert.Contains("runtime: 10", lines);
    }
}
