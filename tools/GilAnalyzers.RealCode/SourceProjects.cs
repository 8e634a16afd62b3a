using System.Text.RegularExpressions;
using System.Xml.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Text;

namespace GilAnalyzers.RealCode;

/// <summary>A project found on disk: its .csproj, the .cs files it owns by folder, and what its MSBuild files say.</summary>
public sealed record SourceProject(
    string Name,
    string ProjectFile,
    IReadOnlyList<string> Files,
    LanguageVersion LanguageVersion,
    IReadOnlyList<string> PreprocessorSymbols,
    bool Nullable,
    bool ImplicitUsings,
    IReadOnlyList<string> ProjectReferences,
    OutputKind OutputKind = OutputKind.DynamicallyLinkedLibrary)
{
    /// <summary>
    /// The project targets only .NET Framework (an old-style project's <c>TargetFrameworkVersion</c> v2–v4.x, or an SDK
    /// project whose target frameworks are all net2x–net4x): it is compiled against .NET Framework 4.8's reference
    /// assemblies when the runner has them (see <see cref="FrameworkReferences"/>).
    /// </summary>
    public bool TargetsNetFramework { get; init; }

    /// <summary>The framework assemblies the project names in <c>&lt;Reference Include="…"/&gt;</c> (simple names: System.Drawing).</summary>
    public IReadOnlyList<string> AssemblyReferences { get; init; } = Array.Empty<string>();
}

/// <summary>
/// Finds projects under a folder without MSBuild: each *.csproj owns the *.cs files below its folder (bin/obj and
/// folders owned by a nested project excluded). Properties are read from the .csproj and the Directory.Build.props
/// above it, unconditional ones only. The project's NuGet dependencies are not available; unresolved symbols are expected.
/// </summary>
public static class SourceProjects
{
    private static readonly HashSet<string> SkippedFolders = new(StringComparer.OrdinalIgnoreCase) { "bin", "obj", ".git", "node_modules", ".vs" };

    /// <summary>Symbols a net10.0 Release build defines.</summary>
    public static readonly IReadOnlyList<string> FrameworkSymbols = new[]
    {
        "NET", "NETCOREAPP", "NET10_0", "RELEASE", "TRACE",
        "NETCOREAPP1_0_OR_GREATER", "NETCOREAPP1_1_OR_GREATER", "NETCOREAPP2_0_OR_GREATER", "NETCOREAPP2_1_OR_GREATER",
        "NETCOREAPP2_2_OR_GREATER", "NETCOREAPP3_0_OR_GREATER", "NETCOREAPP3_1_OR_GREATER", "NET5_0_OR_GREATER",
        "NET6_0_OR_GREATER", "NET7_0_OR_GREATER", "NET8_0_OR_GREATER", "NET9_0_OR_GREATER", "NET10_0_OR_GREATER",
    };

    /// <summary>The name of the project that holds the .cs files no .csproj owns.</summary>
    public const string LooseFilesName = "(loose files)";

    /// <summary>
    /// The loose files (see <see cref="LooseFilesName"/>) under <paramref name="folder"/> (relative to
    /// <paramref name="root"/>) as a project of their own: a folder of a repository whose projects a build tool
    /// generates is usually one project.
    /// </summary>
    public static SourceProject LooseFolder(SourceProject loose, string root, string folder)
    {
        var prefix = Path.Combine(root, folder) + Path.DirectorySeparatorChar;
        var files = loose.Files.Where(f => f.StartsWith(prefix, StringComparison.Ordinal)).ToList();
        var name = LooseFilesName + " " + folder;
        return loose with { Name = name, ProjectFile = Path.Combine(root, folder, LooseFilesName), Files = files };
    }

    /// <summary>
    /// The program of <paramref name="file"/> when the loose folder (see <see cref="LooseFolder"/>) holds several
    /// independent programs — two or more of its files declare a <c>Main</c> (benchmark variants, exercise solutions
    /// built one by one by a script): that file with the folder's files that declare none. Null when the folder is one
    /// program.
    /// </summary>
    public static SourceProject? LooseProgram(SourceProject folderProject, string file)
    {
        var entries = folderProject.Files.Where(DeclaresMain).ToList();
        if (entries.Count < 2 || !entries.Contains(file, StringComparer.Ordinal))
        {
            return null;
        }

        var files = folderProject.Files.Where(f => f == file || !entries.Contains(f, StringComparer.Ordinal)).ToList();
        var name = folderProject.Name + " " + Path.GetFileName(file);
        return folderProject with { Name = name, ProjectFile = folderProject.ProjectFile + " " + Path.GetFileName(file), Files = files, OutputKind = OutputKind.ConsoleApplication };
    }

    private static readonly Regex MainDeclaration = new(@"\bstatic\s+(?:async\s+)?(?:void|int|Task(?:<int>)?)\s+Main\s*\(", RegexOptions.Compiled);

    private static bool DeclaresMain(string file) => MainDeclaration.IsMatch(File.ReadAllText(file));

    public static IReadOnlyList<SourceProject> Discover(string root, Regex? exclude, TextWriter log)
    {
        var projectFiles = EnumerateFiles(root, "*.csproj")
            .Where(p => exclude is null || !exclude.IsMatch(Path.GetRelativePath(root, p)))
            .OrderBy(p => p, StringComparer.Ordinal)
            .ToList();

        // One owner per folder: the .csproj named like the folder, else the first by name.
        var owners = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var group in projectFiles.GroupBy(p => Path.GetDirectoryName(p)!, StringComparer.Ordinal))
        {
            var folderName = Path.GetFileName(group.Key);
            var chosen = group.FirstOrDefault(p => Path.GetFileNameWithoutExtension(p) == folderName) ?? group.First();
            owners[group.Key] = chosen;
            foreach (var skipped in group.Where(p => p != chosen))
            {
                log.WriteLine($"  skipping {Path.GetRelativePath(root, skipped)}: {Path.GetFileName(chosen)} owns the same folder (use --exclude to choose)");
            }
        }

        var filesByOwner = owners.Values.ToDictionary(p => p, _ => new List<string>(), StringComparer.Ordinal);
        var loose = new List<string>();
        foreach (var file in EnumerateFiles(root, "*.cs"))
        {
            var owner = FindOwner(Path.GetDirectoryName(file)!, root, owners);
            (owner is null ? loose : filesByOwner[owner]).Add(file);
        }

        var projects = new List<SourceProject>();
        foreach (var (projectFile, files) in filesByOwner.OrderBy(kv => kv.Key, StringComparer.Ordinal))
        {
            if (files.Count == 0)
            {
                continue;
            }

            projects.Add(Read(projectFile, root, files));
        }

        if (loose.Count > 0)
        {
            log.WriteLine($"  {loose.Count} .cs files belong to no project; analysing them as one '(loose files)' compilation");
            projects.Add(new SourceProject(
                LooseFilesName, Path.Combine(root, LooseFilesName), loose.OrderBy(f => f, StringComparer.Ordinal).ToList(),
                LanguageVersion.Preview, FrameworkSymbols, Nullable: true, ImplicitUsings: false, Array.Empty<string>()));
        }

        return projects;
    }

    private static string? FindOwner(string directory, string root, Dictionary<string, string> owners)
    {
        for (var dir = directory; dir is not null && dir.Length >= root.Length; dir = Path.GetDirectoryName(dir))
        {
            if (owners.TryGetValue(dir, out var owner))
            {
                return owner;
            }
        }

        return null;
    }

    private static IEnumerable<string> EnumerateFiles(string root, string pattern)
    {
        var pending = new Stack<string>();
        pending.Push(root);
        while (pending.Count > 0)
        {
            var dir = pending.Pop();
            IEnumerable<string> files, subdirs;
            try
            {
                files = Directory.EnumerateFiles(dir, pattern).ToList();
                subdirs = Directory.EnumerateDirectories(dir).ToList();
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                continue;
            }

            foreach (var f in files)
            {
                yield return f;
            }

            foreach (var d in subdirs.Where(d => !SkippedFolders.Contains(Path.GetFileName(d))))
            {
                pending.Push(d);
            }
        }
    }

    private static SourceProject Read(string projectFile, string root, List<string> files)
    {
        // Directory.Build.props from the root down to the project, then the project: later wins.
        var chain = new List<string>();
        for (var dir = Path.GetDirectoryName(projectFile); dir is not null && dir.Length >= root.Length; dir = Path.GetDirectoryName(dir))
        {
            var props = Path.Combine(dir, "Directory.Build.props");
            if (File.Exists(props))
            {
                chain.Insert(0, props);
            }
        }

        chain.Add(projectFile);
        var properties = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        var symbols = new List<string>(FrameworkSymbols);
        var references = new List<string>();
        var assemblyReferences = new List<string>();
        string? conditionalLangVersion = null;
        foreach (var file in chain)
        {
            XDocument document;
            try
            {
                document = XDocument.Load(file);
            }
            catch (Exception e) when (e is System.Xml.XmlException or IOException)
            {
                continue;
            }

            foreach (var element in document.Descendants())
            {
                if (element.Attribute("Condition") is not null || element.Parent?.Attribute("Condition") is not null)
                {
                    // Project property pages write LangVersion into each configuration's group: take the Release one.
                    if (element.Name.LocalName == "LangVersion"
                        && (conditionalLangVersion is null || (element.Attribute("Condition") ?? element.Parent?.Attribute("Condition"))!.Value.Contains("Release", StringComparison.OrdinalIgnoreCase)))
                    {
                        conditionalLangVersion = element.Value.Trim();
                    }

                    continue;
                }

                var name = element.Name.LocalName;
                if (element.Parent?.Name.LocalName == "PropertyGroup")
                {
                    if (name == "DefineConstants")
                    {
                        symbols.AddRange(element.Value.Split(';', ',').Select(s => s.Trim()).Where(s => s.Length > 0 && !s.Contains("$(")));
                    }
                    else
                    {
                        properties[name] = element.Value.Trim();
                    }
                }
                else if (name == "Reference" && file == projectFile && element.Attribute("Include")?.Value is { } assembly)
                {
                    // "System.Drawing" or "System.Drawing, Version=4.0.0.0, Culture=neutral, …": the simple name.
                    assemblyReferences.Add(assembly.Split(',')[0].Trim());
                }
                else if (name == "ProjectReference" && file == projectFile && element.Attribute("Include")?.Value is { } include)
                {
                    var path = Path.GetFullPath(Path.Combine(Path.GetDirectoryName(projectFile)!, include.Replace('\\', '/')));
                    references.Add(path);
                }
            }
        }

        var netFramework = TargetsOnlyNetFramework(properties);
        if (netFramework)
        {
            // A .NET Framework build defines NETFRAMEWORK and NET4x symbols, not the .NET (Core) ones.
            symbols.RemoveAll(FrameworkSymbols.Contains);
            symbols.InsertRange(0, NetFrameworkSymbols);
        }

        // C# 7.3 is the default language version of a .NET Framework target; newer syntax there needs an explicit LangVersion.
        var languageVersion = netFramework ? LanguageVersion.CSharp7_3 : LanguageVersion.Preview;
        if ((properties.TryGetValue("LangVersion", out var lang) || (lang = conditionalLangVersion) is not null)
            && LanguageVersionFacts.TryParse(lang, out var parsed))
        {
            languageVersion = parsed;
        }

        // An application (OutputType Exe or WinExe) is compiled as one: top-level statements bind, and the code fixes see
        // that no other assembly can implement its types.
        var outputKind = properties.TryGetValue("OutputType", out var outputType)
            ? outputType.ToLowerInvariant() switch
            {
                "exe" => OutputKind.ConsoleApplication,
                "winexe" => OutputKind.WindowsApplication,
                _ => OutputKind.DynamicallyLinkedLibrary,
            }
            : OutputKind.DynamicallyLinkedLibrary;
        var projectName = properties.TryGetValue("AssemblyName", out var assemblyName) && !assemblyName.Contains("$(")
            ? assemblyName
            : Path.GetFileNameWithoutExtension(projectFile);
        return new SourceProject(
            projectName,
            projectFile,
            files.OrderBy(f => f, StringComparer.Ordinal).ToList(),
            languageVersion,
            symbols.Distinct(StringComparer.Ordinal).ToList(),
            // A nullable context needs C# 8 (CS8630 under the 7.3 a .NET Framework target defaults to): there it is opt-in.
            Nullable: properties.TryGetValue("Nullable", out var nullable)
                ? !nullable.Equals("disable", StringComparison.OrdinalIgnoreCase)
                : !netFramework,
            ImplicitUsings: properties.TryGetValue("ImplicitUsings", out var usings)
                && (usings.Equals("enable", StringComparison.OrdinalIgnoreCase) || usings.Equals("true", StringComparison.OrdinalIgnoreCase)),
            references,
            outputKind)
        {
            TargetsNetFramework = netFramework,
            AssemblyReferences = assemblyReferences.Distinct(StringComparer.OrdinalIgnoreCase).ToList(),
        };
    }

    /// <summary>Symbols a .NET Framework 4.8 Release build defines.</summary>
    public static readonly IReadOnlyList<string> NetFrameworkSymbols = new[]
    {
        "NETFRAMEWORK", "NET48", "RELEASE", "TRACE",
        "NET20_OR_GREATER", "NET30_OR_GREATER", "NET35_OR_GREATER", "NET40_OR_GREATER", "NET45_OR_GREATER",
        "NET451_OR_GREATER", "NET452_OR_GREATER", "NET46_OR_GREATER", "NET461_OR_GREATER", "NET462_OR_GREATER",
        "NET47_OR_GREATER", "NET471_OR_GREATER", "NET472_OR_GREATER", "NET48_OR_GREATER",
    };

    private static readonly Regex NetFrameworkMoniker = new(@"^net[234][0-9]*$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant);

    /// <summary>
    /// Whether the project's unconditional properties say it builds for .NET Framework only: an old-style project's
    /// <c>TargetFrameworkVersion</c> (v2.0–v4.8.1) without an SDK target framework, or target frameworks that are all
    /// net20–net481. A project that also targets .NET (Core) or .NET Standard is compiled as .NET.
    /// </summary>
    public static bool TargetsOnlyNetFramework(IReadOnlyDictionary<string, string> properties)
    {
        var monikers = (properties.TryGetValue("TargetFrameworks", out var many) ? many : properties.TryGetValue("TargetFramework", out var one) ? one : "")
            .Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (monikers.Length > 0)
        {
            return monikers.All(m => NetFrameworkMoniker.IsMatch(m));
        }

        return properties.TryGetValue("TargetFrameworkVersion", out var version)
            && Regex.IsMatch(version, @"^v[234](\.[0-9]+)*$", RegexOptions.CultureInvariant);
    }

    private const string ImplicitUsingsSource =
        "global using global::System;\nglobal using global::System.Collections.Generic;\nglobal using global::System.IO;\n" +
        "global using global::System.Linq;\nglobal using global::System.Net.Http;\nglobal using global::System.Threading;\n" +
        "global using global::System.Threading.Tasks;\n";

    /// <summary>
    /// One AdhocWorkspace solution holding every project, with project references between them, so compilations see
    /// each other's symbols. Reading the files happens here; unreadable files are reported and skipped.
    /// </summary>
    public static Solution BuildSolution(AdhocWorkspace workspace, IReadOnlyList<SourceProject> projects, FrameworkReferences frameworkReferences, TextWriter log)
    {
        var ids = projects.ToDictionary(p => p.ProjectFile, _ => ProjectId.CreateNewId(), StringComparer.Ordinal);
        var solution = workspace.CurrentSolution;
        foreach (var project in projects)
        {
            var id = ids[project.ProjectFile];
            var parseOptions = new CSharpParseOptions(project.LanguageVersion, DocumentationMode.Parse, SourceCodeKind.Regular, project.PreprocessorSymbols);
            var compilationOptions = new CSharpCompilationOptions(
                project.OutputKind,
                allowUnsafe: true,
                nullableContextOptions: project.Nullable ? NullableContextOptions.Enable : NullableContextOptions.Disable,
                concurrentBuild: false);
            var projectReferences = project.ProjectReferences
                .Where(r => ids.ContainsKey(r) && r != project.ProjectFile)
                .Distinct(StringComparer.Ordinal)
                .Select(r => new ProjectReference(ids[r]))
                .ToList();
            solution = solution.AddProject(ProjectInfo.Create(
                id, VersionStamp.Create(), project.Name, project.Name, LanguageNames.CSharp,
                filePath: project.ProjectFile,
                compilationOptions: compilationOptions,
                parseOptions: parseOptions,
                metadataReferences: frameworkReferences.For(project),
                projectReferences: projectReferences));
            foreach (var file in project.Files)
            {
                SourceText text;
                try
                {
                    using var stream = File.OpenRead(file);
                    text = SourceText.From(stream);
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidDataException)
                {
                    log.WriteLine($"  cannot read {file}: {e.Message}");
                    continue;
                }

                solution = solution.AddDocument(DocumentId.CreateNewId(id), Path.GetFileName(file), text, filePath: file);
            }

            if (project.ImplicitUsings)
            {
                solution = solution.AddDocument(DocumentId.CreateNewId(id), "ImplicitUsings.g.cs", SourceText.From(ImplicitUsingsSource), filePath: Path.Combine(Path.GetDirectoryName(project.ProjectFile)!, "obj", "ImplicitUsings.g.cs"));
            }
        }

        return RemoveReferenceCycles(solution);
    }

    private static Solution RemoveReferenceCycles(Solution solution)
    {
        // AdhocWorkspace refuses cycles when adding; AddProject with references does not check, so check here.
        foreach (var project in solution.Projects.ToList())
        {
            foreach (var reference in solution.GetProject(project.Id)!.ProjectReferences.ToList())
            {
                if (Reaches(solution, reference.ProjectId, project.Id, new HashSet<ProjectId>()))
                {
                    solution = solution.RemoveProjectReference(project.Id, reference);
                }
            }
        }

        return solution;
    }

    private static bool Reaches(Solution solution, ProjectId from, ProjectId target, HashSet<ProjectId> seen)
    {
        if (from == target)
        {
            return true;
        }

        if (!seen.Add(from) || solution.GetProject(from) is not { } project)
        {
            return false;
        }

        return project.ProjectReferences.Any(r => Reaches(solution, r.ProjectId, target, seen));
    }
}
