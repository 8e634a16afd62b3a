using System.Globalization;
using System.Text.Json;
using GilAnalyzers.IntegrationTests.Infrastructure;
using GilAnalyzers.Testing.Processes;
using Xunit;

namespace GilAnalyzers.IntegrationTests;

/// <summary>
/// Shared by every integration test, set up once per run: packs GilAnalyzers with the real <c>dotnet pack</c>
/// into a temporary folder feed under a version unique to this run (so no copy cached in the global packages
/// folder can stand in for the freshly built one), then creates and restores one consumer project from it.
/// The consumer's default build (with a SARIF error log) runs once, on first use, and several tests read it.
/// </summary>
public sealed class PackagedConsumerFixture : IAsyncLifetime
{
    private readonly Lazy<Task<DefaultBuild>> _defaultBuild;
    private readonly Lazy<Task<ClientWorkspace>> _clients;
    private readonly Lazy<Task<HostSolutions>> _hosts;
    private string? _workRoot;
    private string? _feed;

    public PackagedConsumerFixture()
    {
        _defaultBuild = new Lazy<Task<DefaultBuild>>(RunDefaultBuildAsync);
        _clients = new Lazy<Task<ClientWorkspace>>(
            () => ClientWorkspace.CreateAndRestoreAsync(Path.Combine(_workRoot!, "clients"), _feed!, PackageVersion));
        _hosts = new Lazy<Task<HostSolutions>>(
            () => HostSolutions.CreateRestoreAndBuildAsync(Path.Combine(_workRoot!, "hosts"), _feed!, PackageVersion));
    }

    /// <summary>The version this run packed: <c>0.1.0-it</c> + UTC timestamp + process id.</summary>
    public string PackageVersion { get; } = string.Create(
        CultureInfo.InvariantCulture, $"0.1.0-it{DateTime.UtcNow:yyyyMMddHHmmssfff}p{Environment.ProcessId}");

    public string PackagePath { get; private set; } = "";

    public ConsumerProject Consumer { get; private set; } = null!;

    public string SarifPath => Path.Combine(Consumer.Directory, "obj", "gil.sarif");

    public Task<DefaultBuild> GetDefaultBuildAsync() => _defaultBuild.Value;

    /// <summary>The consumers of the client tests (presets, compatibility, dotnet format, language server), restored once on first use.</summary>
    public Task<ClientWorkspace> GetClientWorkspaceAsync() => _clients.Value;

    /// <summary>The fix-host solutions (every rule's refused and fixable sites), with GilAnalyzers.Processes packed into the same feed, restored and built once on first use.</summary>
    public Task<HostSolutions> GetHostSolutionsAsync() => _hosts.Value;

    public async Task InitializeAsync()
    {
        _workRoot = Directory.CreateTempSubdirectory("gil-it-").FullName;
        var feed = _feed = Path.Combine(_workRoot, "feed");

        // Restore as a plain build would (a no-op after one), so the run-unique version never reaches the
        // repository's restore outputs, which a concurrent build of the solution may be reading.
        var restore = await DotNetCli.RunAsync(RepositoryPaths.Root, ["restore", RepositoryPaths.PackageProject, .. DotNetCli.QuietBuildArguments]);
        if (restore.ExitCode != 0)
        {
            throw new InvalidOperationException("Restoring the GilAnalyzers package project failed. " + restore.Describe());
        }

        var pack = await DotNetCli.RunAsync(
            RepositoryPaths.Root,
            ["pack", RepositoryPaths.PackageProject, "--no-restore", "-c", "Release", "-o", feed, "-p:PackageVersion=" + PackageVersion, .. DotNetCli.QuietBuildArguments]);
        if (pack.ExitCode != 0)
        {
            throw new InvalidOperationException("Packing GilAnalyzers failed. " + pack.Describe());
        }

        PackagePath = Path.Combine(feed, $"GilAnalyzers.{PackageVersion}.nupkg");
        if (!File.Exists(PackagePath))
        {
            throw new InvalidOperationException($"`dotnet pack` succeeded but {PackagePath} is missing; the feed holds: "
                + string.Join(", ", Directory.EnumerateFiles(feed).Select(Path.GetFileName)));
        }

        Consumer = ConsumerProject.Create(Path.Combine(_workRoot, "consumer"), feed, PackageVersion);
        var consumerRestore = await Consumer.RestoreAsync();
        if (consumerRestore.ExitCode != 0)
        {
            throw new InvalidOperationException("Restoring the consumer project from the temporary feed failed. " + consumerRestore.Describe());
        }
    }

    public Task DisposeAsync()
    {
        if (_workRoot is null)
        {
            return Task.CompletedTask;
        }

        // The run-unique version would otherwise pile up in the global packages folder.
        foreach (var id in new[] { "gilanalyzers", "gilanalyzers.processes" })
        {
            var globalCopy = GlobalPackagesCopy(id);
            TryDelete(globalCopy);
            if (globalCopy is not null)
            {
                TryDelete(Path.GetDirectoryName(globalCopy), recursive: false);
            }
        }

        TryDelete(_workRoot);
        return Task.CompletedTask;
    }

    private async Task<DefaultBuild> RunDefaultBuildAsync()
    {
        File.Delete(SarifPath);
        var result = await Consumer.BuildAsync("-p:ErrorLog=" + SarifPath + "%2Cversion%3D2.1");
        return new DefaultBuild(result, BuildDiagnostic.Parse(result.Output));
    }

    /// <summary>The folder NuGet extracted this run's package <paramref name="id"/> to, in the global packages folder the consumer's restore used.</summary>
    private string? GlobalPackagesCopy(string id)
    {
        var assets = Path.Combine(Consumer?.Directory ?? "", "obj", "project.assets.json");
        if (Consumer is null || !File.Exists(assets))
        {
            return null;
        }

        using var document = JsonDocument.Parse(File.ReadAllText(assets));
        if (!document.RootElement.TryGetProperty("packageFolders", out var folders))
        {
            return null;
        }

        foreach (var folder in folders.EnumerateObject())
        {
            var copy = Path.Combine(folder.Name, id, PackageVersion.ToLowerInvariant());
            if (Directory.Exists(copy))
            {
                return copy;
            }
        }

        return null;
    }

    private static void TryDelete(string? directory, bool recursive = true)
    {
        if (directory is null || !Directory.Exists(directory))
        {
            return;
        }

        try
        {
            Directory.Delete(directory, recursive);
        }
        catch (IOException)
        {
            // Best effort (and a non-empty folder is kept when not recursive): leftovers must not fail the run.
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}

/// <summary>The consumer's default build: <c>dotnet build</c> with <c>-p:ErrorLog=…,version=2.1</c>.</summary>
public sealed record DefaultBuild(ProcessResult Result, IReadOnlyList<BuildDiagnostic> Diagnostics);

[CollectionDefinition(Name)]
public sealed class PackagedConsumerCollection : ICollectionFixture<PackagedConsumerFixture>
{
    public const string Name = "Packed GilAnalyzers in a consumer build";
}
