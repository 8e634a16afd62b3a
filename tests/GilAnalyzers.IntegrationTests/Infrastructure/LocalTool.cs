using System.Text.Json;
using System.Xml.Linq;
using GilAnalyzers.Testing.Processes;

namespace GilAnalyzers.IntegrationTests.Infrastructure;

/// <summary>
/// A tool pinned in the repository's <c>.config/dotnet-tools.json</c>, restored with <c>dotnet tool restore</c> and
/// found in the NuGet global-packages folder that restore wrote it to.
/// <para>
/// Not through <c>dotnet tool run</c>: the SDK answers that from its per-user resolver cache
/// (<c>~/.dotnet/toolResolverCache</c>), which <c>dotnet tool restore</c> does not rewrite when an entry for the same
/// version already exists, even when that entry points into a packages folder that has since been deleted (a CI run
/// with its own <c>NUGET_PACKAGES</c> leaves exactly that). Then <c>dotnet tool run</c> fails with "Run dotnet tool
/// restore" right after a successful restore.
/// </para>
/// <para>
/// The same cache also makes <c>dotnet tool restore</c> a no-op when its entry points into another packages folder
/// that still exists (an earlier clone's <c>NUGET_PACKAGES</c>): restore reports success and writes nothing to this
/// run's folder. Then the tool is installed with <c>dotnet tool install --tool-path</c> into a folder of this
/// machine's temp directory, which no resolver cache is consulted for.
/// </para>
/// </summary>
public sealed record LocalTool(string Command, string Version, string EntryPoint)
{
    /// <summary>Restores the repository's tools and returns where <paramref name="command"/>'s entry point is.</summary>
    public static async Task<LocalTool> RestoreAsync(string command)
    {
        var restore = await DotNetCli.RunAsync(RepositoryPaths.Root, "tool", "restore");
        if (restore.ExitCode != 0)
        {
            throw new InvalidOperationException("`dotnet tool restore` failed. " + restore.Describe());
        }

        var (packageId, version) = FromManifest(command);
        var packages = await GlobalPackagesFolderAsync();
        var packageFolder = Path.Combine(packages, packageId.ToLowerInvariant(), version.ToLowerInvariant(), "tools");
        if (FindEntryPoint(packageFolder, command) is { } restored)
        {
            return new LocalTool(command, version, restored);
        }

        // Restore was answered from a resolver-cache entry that points elsewhere: install into a folder of our own.
        var toolPath = Path.Combine(Path.GetTempPath(), "gilanalyzers-tools", packageId.ToLowerInvariant(), version.ToLowerInvariant());
        var store = Path.Combine(toolPath, ".store", packageId.ToLowerInvariant(), version.ToLowerInvariant());
        if (FindEntryPoint(store, command) is { } installedBefore)
        {
            return new LocalTool(command, version, installedBefore);
        }

        var install = await DotNetCli.RunAsync(
            RepositoryPaths.Root, "tool", "install", packageId, "--version", version, "--tool-path", toolPath);
        if (install.ExitCode == 0 && FindEntryPoint(store, command) is { } installed)
        {
            return new LocalTool(command, version, installed);
        }

        throw new InvalidOperationException(
            $"`dotnet tool restore` succeeded but no '{command}' entry point of {packageId} {version} is under {packageFolder} " +
            $"(global packages folder {packages}), and installing it with --tool-path {toolPath} did not give one either. " +
            restore.Describe() + " " + install.Describe());
    }

    /// <summary>The entry point a <c>DotnetToolSettings.xml</c> under <paramref name="folder"/> names for <paramref name="command"/>, if its file exists.</summary>
    private static string? FindEntryPoint(string folder, string command)
    {
        var settings = Directory.Exists(folder)
            ? Directory.GetFiles(folder, "DotnetToolSettings.xml", SearchOption.AllDirectories)
            : [];
        foreach (var file in settings.OrderByDescending(f => f, StringComparer.Ordinal))
        {
            var entry = XDocument.Load(file).Descendants("Command")
                .FirstOrDefault(c => (string?)c.Attribute("Name") == command && (string?)c.Attribute("Runner") == "dotnet");
            var entryPoint = (string?)entry?.Attribute("EntryPoint");
            var path = entryPoint is null ? null : Path.Combine(Path.GetDirectoryName(file)!, entryPoint);
            if (path is not null && File.Exists(path))
            {
                return path;
            }
        }

        return null;
    }

    /// <summary>The arguments that start the tool with the <c>dotnet</c> host.</summary>
    public IReadOnlyList<string> HostArguments => [EntryPoint];

    private static (string PackageId, string Version) FromManifest(string command)
    {
        var manifest = Path.Combine(RepositoryPaths.Root, ".config", "dotnet-tools.json");
        using var json = JsonDocument.Parse(File.ReadAllText(manifest));
        foreach (var tool in json.RootElement.GetProperty("tools").EnumerateObject())
        {
            if (tool.Value.GetProperty("commands").EnumerateArray().Any(c => c.GetString() == command))
            {
                return (tool.Name, tool.Value.GetProperty("version").GetString()!);
            }
        }

        throw new InvalidOperationException($"{manifest} pins no tool with the command '{command}'.");
    }

    private static async Task<string> GlobalPackagesFolderAsync()
    {
        var list = await DotNetCli.RunAsync(RepositoryPaths.Root, "nuget", "locals", "global-packages", "--list");
        const string Prefix = "global-packages:";
        var line = list.StandardOutput.Split('\n').Select(l => l.Trim()).FirstOrDefault(l => l.StartsWith(Prefix, StringComparison.Ordinal));
        if (list.ExitCode != 0 || line is null)
        {
            throw new InvalidOperationException("`dotnet nuget locals global-packages --list` did not name the folder. " + list.Describe());
        }

        return line[Prefix.Length..].Trim();
    }
}
