using System.Collections.Immutable;
using Microsoft.CodeAnalysis;

namespace GilAnalyzers.RealCode;

/// <summary>The .NET reference assemblies this machine's SDK ships (Microsoft.NETCore.App.Ref and, if present, Microsoft.AspNetCore.App.Ref).</summary>
public static class FrameworkReferences
{
    public static ImmutableArray<MetadataReference> Load(string? dotnetRoot = null)
    {
        var roots = new[] { dotnetRoot, Environment.GetEnvironmentVariable("DOTNET_ROOT"), "/usr/share/dotnet", "/usr/lib/dotnet", Path.GetDirectoryName(Environment.ProcessPath) }
            .Where(r => !string.IsNullOrEmpty(r))
            .Select(r => Path.Combine(r!, "packs"))
            .Where(Directory.Exists)
            .ToList();
        foreach (var packs in roots)
        {
            var core = NewestRef(packs, "Microsoft.NETCore.App.Ref");
            if (core is null)
            {
                continue;
            }

            var dlls = Directory.EnumerateFiles(core, "*.dll").ToList();
            var asp = NewestRef(packs, "Microsoft.AspNetCore.App.Ref");
            if (asp is not null)
            {
                dlls.AddRange(Directory.EnumerateFiles(asp, "*.dll"));
            }

            return dlls.OrderBy(d => d, StringComparer.Ordinal)
                .Select(d => (MetadataReference)MetadataReference.CreateFromFile(d))
                .ToImmutableArray();
        }

        throw new InvalidOperationException(
            "Could not find the .NET 10 reference assemblies (packs/Microsoft.NETCore.App.Ref/<version>/ref/net10.0) under "
            + string.Join(", ", roots.DefaultIfEmpty("any known dotnet root")) + ". Set DOTNET_ROOT to the SDK's folder.");
    }

    private static string? NewestRef(string packs, string pack)
    {
        var dir = Path.Combine(packs, pack);
        if (!Directory.Exists(dir))
        {
            return null;
        }

        return Directory.EnumerateDirectories(dir)
            .Select(v => (Version: Version.TryParse(Path.GetFileName(v).Split('-')[0], out var parsed) ? parsed : null, Path: Path.Combine(v, "ref", "net10.0")))
            .Where(v => v.Version is not null && Directory.Exists(v.Path))
            .OrderByDescending(v => v.Version)
            .Select(v => v.Path)
            .FirstOrDefault();
    }
}
