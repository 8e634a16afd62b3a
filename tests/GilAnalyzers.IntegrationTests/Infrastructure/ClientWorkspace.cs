using GilAnalyzers.Testing.Processes;

namespace GilAnalyzers.IntegrationTests.Infrastructure;

/// <summary>One small consumer project of the <see cref="ClientWorkspace"/>.</summary>
public sealed record ClientProject(string Name, string Directory, string TargetFramework, string LangVersion, string? Mode, string SourceFile)
{
    public string ProjectFile => Path.Combine(Directory, Name + ".csproj");

    /// <summary>The compiled assembly a successful build leaves (the workspace is fresh, so nothing stale can stand in).</summary>
    public string OutputAssembly => Path.Combine(Directory, "bin", "Debug", TargetFramework, Name + ".dll");

    public override string ToString() => $"{Name} ({TargetFramework}, LangVersion {LangVersion}{(Mode is null ? "" : ", GilAnalyzersMode " + Mode)})";
}

/// <summary>
/// The consumers of the client tests (presets, compatibility, <c>dotnet format</c>, the language server), created
/// side by side under one folder and restored together by a single <c>dotnet restore</c> of <c>all.slnx</c>, so the
/// tests pay for one restore. Every later command runs with <c>--no-restore</c>.
/// <list type="bullet">
/// <item><c>matrix.slnx</c>: the preset projects (one per <c>GilAnalyzersMode</c>, plus an invalid mode) and the
/// compatibility projects (net10.0, net8.0, netstandard2.0 × LangVersion 7.3 and latest), built by one
/// <c>dotnet build</c>;</item>
/// <item><c>format.slnx</c>: two projects for <c>dotnet format analyzers</c> (net10.0/latest and net8.0/7.3);</item>
/// <item><c>lsp/</c>: the project the language server opens.</item>
/// </list>
/// </summary>
public sealed class ClientWorkspace
{
    public const string InvalidMode = "Everything";

    /// <summary>The README's per-project SARIF setting, in a folder that does not exist before the build.</summary>
    public const string StrictErrorLogProperty =
        "<ErrorLog>$(MSBuildProjectDirectory)/artifacts/sarif/$(MSBuildProjectName).sarif,version=2.1</ErrorLog>";

    private readonly Lazy<Task<MatrixBuild>> _matrixBuild;

    private ClientWorkspace(string directory)
    {
        Directory = directory;
        _matrixBuild = new Lazy<Task<MatrixBuild>>(BuildMatrixAsync);
    }

    public string Directory { get; }

    /// <summary>How long the one <c>dotnet restore</c> of every client consumer took.</summary>
    public TimeSpan RestoreElapsed { get; private set; }

    public IReadOnlyList<ClientProject> Presets { get; private set; } = [];

    public ClientProject InvalidModeProject { get; private set; } = null!;

    /// <summary>Strict, but the project's own <c>.globalconfig</c> sets GIL001 back to a warning.</summary>
    public ClientProject StrictWithUserOverride { get; private set; } = null!;

    public IReadOnlyList<ClientProject> Compatibility { get; private set; } = [];

    public IReadOnlyList<ClientProject> FormatProjects { get; private set; } = [];

    public ClientProject LanguageServerProject { get; private set; } = null!;

    public string MatrixSolution => Path.Combine(Directory, "matrix.slnx");

    public string FormatSolution => Path.Combine(Directory, "format.slnx");

    /// <summary>Two projects for <c>dotnet format</c> where a site without a code action comes first (see <see cref="MixedFormatProjects"/>).</summary>
    public IReadOnlyList<ClientProject> MixedFormatProjects { get; private set; } = [];

    public string MixedFormatSolution => Path.Combine(Directory, "mixed.slnx");

    public string AllSolution => Path.Combine(Directory, "all.slnx");

    /// <summary>Where GIL001 is reported in every file made from <see cref="ConsumerSources.AntiPattern"/>.</summary>
    public static SourcePosition AntiPatternWarning { get; } =
        SourcePosition.Of(ConsumerSources.AntiPattern("Any"), ConsumerSources.LockMarker);

    /// <summary>Creates the projects and restores them all with one <c>dotnet restore</c>.</summary>
    public static async Task<ClientWorkspace> CreateAndRestoreAsync(string directory, string feedDirectory, string packageVersion)
    {
        var workspace = new ClientWorkspace(directory);
        System.IO.Directory.CreateDirectory(directory);
        ConsumerProject.WriteIsolationFiles(directory, feedDirectory);
        ConsumerProject.Write(directory, ".editorconfig", "root = true\n\n[*.cs]\nindent_style = space\n");

        ClientProject Add(string group, string name, string tfm, string langVersion, string? mode, string fileName, string source, string extraProperties = "")
        {
            var projectDirectory = Path.Combine(directory, group, name);
            System.IO.Directory.CreateDirectory(projectDirectory);
            var modeProperty = (mode is null ? "" : $"\n    <GilAnalyzersMode>{mode}</GilAnalyzersMode>") + extraProperties;
            ConsumerProject.Write(projectDirectory, name + ".csproj", $"""
                <Project Sdk="Microsoft.NET.Sdk">
                  <PropertyGroup>
                    <TargetFramework>{tfm}</TargetFramework>
                    <LangVersion>{langVersion}</LangVersion>
                    <OutputType>Library</OutputType>
                    <ImplicitUsings>disable</ImplicitUsings>{modeProperty}
                  </PropertyGroup>
                  <ItemGroup>
                    <PackageReference Include="GilAnalyzers" Version="[{packageVersion}]" PrivateAssets="all" />
                  </ItemGroup>
                </Project>
                """);
            ConsumerProject.Write(projectDirectory, fileName, source);
            return new ClientProject(name, projectDirectory, tfm, langVersion, mode, Path.Combine(projectDirectory, fileName));
        }

        ClientProject AddAntiPattern(string group, string name, string tfm, string langVersion, string? mode = null, string extraProperties = "") =>
            Add(group, name, tfm, langVersion, mode, "AntiPattern.cs", ConsumerSources.AntiPattern(name), extraProperties);

        workspace.Presets =
        [
            AddAntiPattern("presets", "PresetRecommended", "net10.0", "latest", "Recommended"),
            AddAntiPattern("presets", "PresetAll", "net10.0", "latest", "All"),
            AddAntiPattern("presets", "PresetStrict", "net10.0", "latest", "Strict", "\n    " + StrictErrorLogProperty),
            AddAntiPattern("presets", "PresetNone", "net10.0", "latest", "None"),
        ];
        workspace.StrictWithUserOverride = AddAntiPattern("presets", "PresetStrictUserOverride", "net10.0", "latest", "Strict");
        ConsumerProject.Write(workspace.StrictWithUserOverride.Directory, ".globalconfig", "is_global = true\ndotnet_diagnostic.GIL001.severity = warning\n");
        workspace.InvalidModeProject = AddAntiPattern("presets", "PresetInvalid", "net10.0", "latest", InvalidMode);
        workspace.Compatibility =
        [
            AddAntiPattern("compat", "Net10Latest", "net10.0", "latest"),
            AddAntiPattern("compat", "Net10CSharp73", "net10.0", "7.3"),
            AddAntiPattern("compat", "Net8Latest", "net8.0", "latest"),
            AddAntiPattern("compat", "Net8CSharp73", "net8.0", "7.3"),
            AddAntiPattern("compat", "NetStandard20Latest", "netstandard2.0", "latest"),
            AddAntiPattern("compat", "NetStandard20CSharp73", "netstandard2.0", "7.3"),
        ];
        workspace.FormatProjects =
        [
            Add("format", "FormatNet10Latest", "net10.0", "latest", null, "HeavyCallUnderLock.cs", ConsumerSources.HeavyCallUnderLock("FormatNet10Latest")),
            Add("format", "FormatNet8CSharp73", "net8.0", "7.3", null, "HeavyCallUnderLock.cs", ConsumerSources.HeavyCallUnderLock("FormatNet8CSharp73")),
        ];
        // An unfixable GIL001 site in every project, the only one in the first: dotnet format meets a site with no action
        // before the fixable one in the second project.
        workspace.MixedFormatProjects =
        [
            Add("mixed", "MixedA", "net10.0", "latest", null, "Refused.cs", ConsumerSources.RefusedGil001("MixedA")),
            Add("mixed", "MixedB", "net10.0", "latest", null, "Refused.cs", ConsumerSources.RefusedGil001("MixedB")),
        ];
        ConsumerProject.Write(workspace.MixedFormatProjects[1].Directory, "HeavyCallUnderLock.cs", ConsumerSources.HeavyCallUnderLock("MixedB"));
        workspace.LanguageServerProject = AddAntiPattern("lsp", "LspConsumer", "net10.0", "latest");

        var matrix = workspace.Presets.Append(workspace.StrictWithUserOverride).Append(workspace.InvalidModeProject).Concat(workspace.Compatibility).ToList();
        WriteSolution(directory, workspace.MatrixSolution, matrix);
        WriteSolution(directory, workspace.FormatSolution, workspace.FormatProjects);
        WriteSolution(directory, workspace.MixedFormatSolution, workspace.MixedFormatProjects);
        WriteSolution(directory, workspace.AllSolution, matrix.Concat(workspace.FormatProjects).Concat(workspace.MixedFormatProjects).Append(workspace.LanguageServerProject));

        var restore = await DotNetCli.RunAsync(directory, ["restore", workspace.AllSolution, .. DotNetCli.QuietBuildArguments]);
        if (restore.ExitCode != 0)
        {
            throw new InvalidOperationException("Restoring the client consumer projects from the temporary feed failed. " + restore.Describe());
        }

        workspace.RestoreElapsed = restore.Elapsed;

        return workspace;
    }

    /// <summary>One <c>dotnet build matrix.slnx</c> (presets and compatibility projects), run once on first use.</summary>
    public Task<MatrixBuild> GetMatrixBuildAsync() => _matrixBuild.Value;

    private async Task<MatrixBuild> BuildMatrixAsync()
    {
        // The Strict and invalid-mode projects fail by design; MSBuild still builds the others (no project depends on them).
        var result = await DotNetCli.RunAsync(
            Directory,
            ["build", MatrixSolution, "--no-restore", "--no-incremental", .. DotNetCli.QuietBuildArguments]);
        return new MatrixBuild(result, BuildDiagnostic.Parse(result.Output));
    }

    private static void WriteSolution(string directory, string path, IEnumerable<ClientProject> projects)
    {
        var lines = projects.Select(p => $"  <Project Path=\"{Path.GetRelativePath(directory, p.ProjectFile).Replace('\\', '/')}\" />");
        File.WriteAllText(path, "<Solution>\n" + string.Join("\n", lines) + "\n</Solution>\n");
    }
}

/// <summary>The result of building <c>matrix.slnx</c>, with its diagnostics parsed.</summary>
public sealed record MatrixBuild(ProcessResult Result, IReadOnlyList<BuildDiagnostic> Diagnostics)
{
    /// <summary>The diagnostics reported in <paramref name="project"/>'s source file.</summary>
    public IReadOnlyList<BuildDiagnostic> In(ClientProject project) =>
        Diagnostics.Where(d => string.Equals(d.File, project.SourceFile, StringComparison.Ordinal)).ToList();
}
