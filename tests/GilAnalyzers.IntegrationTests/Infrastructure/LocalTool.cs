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
        var settings = Directory.Exists(packageFolder)
            ? Directory.GetFiles(packageFolder, "DotnetToolSettings.xml", SearchOption.AllDirectories)
            : [];
        foreach (var file in settings.OrderByDescending(f => f, StringComparer.Ordinal))
        {
            var entry = XDocument.Load(file).Descendants("Command")
                .FirstOrDefault(c => (string?)c.Attribute("Name") == command && (string?)c.Attribute("Runner") == "dotnet");
            var entryPoint = (string?)entry?.Attribute("EntryPoint");
            if (entryPoint is not null && File.Exists(Path.Combine(Path.GetDirectoryName(file)!, entryPoint)))
            {
                return new LocalTool(command, version, Path.Combine(Path.GetDirectoryName(file)!, entryPoint));
            }
        }

        throw new InvalidOperationException(
            $"`dotnet tool restore` succeeded but no '{command}' entry point of {packageId} {version} is under {packageFolder} " +
            $"(global packages folder {packages}). " + restore.Describe());
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
