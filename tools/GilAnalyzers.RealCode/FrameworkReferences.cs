using System.Collections.Immutable;
using Microsoft.CodeAnalysis;

namespace GilAnalyzers.RealCode;

/// <summary>
/// The framework a project compiles against when its real references are not restored: the .NET reference assemblies
/// this machine's SDK ships (Microsoft.NETCore.App.Ref and, if present, Microsoft.AspNetCore.App.Ref), and for a
/// project that targets only .NET Framework, .NET Framework 4.8's reference assemblies (copied beside the runner from
/// the Microsoft.NETFramework.ReferenceAssemblies.net48 package at build time): the assemblies it names in
/// <c>&lt;Reference&gt;</c> items, the SDK's default .NET Framework references and the facades.
/// </summary>
public sealed class FrameworkReferences
{
    /// <summary>What an SDK-style .NET Framework project references without naming it (and mscorlib, which every one does).</summary>
    private static readonly string[] NetFrameworkDefaults =
    {
        "mscorlib", "System", "System.Core", "System.Data", "System.Drawing", "System.IO.Compression.FileSystem",
        "System.Numerics", "System.Runtime.Serialization", "System.Xml", "System.Xml.Linq", "Microsoft.CSharp",
    };

    private readonly IReadOnlyDictionary<string, MetadataReference>? netFramework;
    private readonly ImmutableArray<MetadataReference> netFrameworkFacades;

    private FrameworkReferences(
        ImmutableArray<MetadataReference> net, IReadOnlyDictionary<string, MetadataReference>? netFramework, ImmutableArray<MetadataReference> facades)
    {
        Net = net;
        this.netFramework = netFramework;
        netFrameworkFacades = facades;
    }

    /// <summary>The .NET 10 reference assemblies (and ASP.NET Core's).</summary>
    public ImmutableArray<MetadataReference> Net { get; }

    /// <summary>Whether .NET Framework 4.8's reference assemblies were found beside the runner.</summary>
    public bool HasNetFramework => netFramework is not null;

    /// <summary>The references <paramref name="project"/> compiles against.</summary>
    public IReadOnlyList<MetadataReference> For(SourceProject project)
    {
        if (!project.TargetsNetFramework || netFramework is null)
        {
            return Net;
        }

        var chosen = new List<MetadataReference>();
        foreach (var name in NetFrameworkDefaults.Concat(project.AssemblyReferences).Distinct(StringComparer.OrdinalIgnoreCase))
        {
            if (netFramework.TryGetValue(name, out var reference))
            {
                chosen.Add(reference);
            }
        }

        chosen.AddRange(netFrameworkFacades);
        return chosen;
    }

    /// <summary>One phrase for a report: which framework <paramref name="project"/> was compiled against.</summary>
    public string Describe(SourceProject project) =>
        project.TargetsNetFramework && netFramework is not null
            ? ".NET Framework 4.8 reference assemblies (the project targets .NET Framework)"
            : project.TargetsNetFramework
                ? ".NET reference assemblies (the project targets .NET Framework, whose reference assemblies were not found beside the runner)"
                : ".NET reference assemblies";

    public static FrameworkReferences Load(string? dotnetRoot = null)
    {
        var (framework, facades) = LoadNetFramework(Path.Combine(AppContext.BaseDirectory, "netfx48"));
        return new FrameworkReferences(LoadNet(dotnetRoot), framework, facades);
    }

    private static (IReadOnlyDictionary<string, MetadataReference>?, ImmutableArray<MetadataReference>) LoadNetFramework(string folder)
    {
        if (!File.Exists(Path.Combine(folder, "mscorlib.dll")))
        {
            return (null, ImmutableArray<MetadataReference>.Empty);
        }

        var byName = Directory.EnumerateFiles(folder, "*.dll")
            .ToDictionary(f => Path.GetFileNameWithoutExtension(f), f => (MetadataReference)MetadataReference.CreateFromFile(f), StringComparer.OrdinalIgnoreCase);
        var facadeFolder = Path.Combine(folder, "Facades");
        var facades = Directory.Exists(facadeFolder)
            ? Directory.EnumerateFiles(facadeFolder, "*.dll").OrderBy(f => f, StringComparer.Ordinal)
                .Select(f => (MetadataReference)MetadataReference.CreateFromFile(f)).ToImmutableArray()
            : ImmutableArray<MetadataReference>.Empty;
        return (byName, facades);
    }

    private static ImmutableArray<MetadataReference> LoadNet(string? dotnetRoot)
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
