using GilAnalyzers.Testing.Processes;

namespace GilAnalyzers.IntegrationTests.Infrastructure;

/// <summary>A project of a <see cref="HostSolution"/>: one file per rule, named after it.</summary>
public sealed record HostProject(string Name, string Directory)
{
    public string ProjectFile => Path.Combine(Directory, Name + ".csproj");

    public string FileOf(RuleSites rule) => Path.Combine(Directory, rule.FileName);
}

/// <summary>
/// A two-project solution for one fix host: the first project holds, for every rule, only the site its fixer refuses; the
/// second holds every rule's fixable site. Both reference GilAnalyzers and GilAnalyzers.Processes from the test feed.
/// </summary>
public sealed record HostSolution(string Directory, HostProject Refused, HostProject Fixable)
{
    public string SolutionFile => Path.Combine(Directory, "hosts.slnx");

    public IEnumerable<HostProject> Projects => [Refused, Fixable];
}

/// <summary>
/// The solutions of the fix-host tests (FixHostTests), one copy per host so each host fixes pristine code: GilAnalyzers.Processes
/// is packed into the test feed (GIL006's fix calls it), then every project is restored by one <c>dotnet restore</c> and
/// built once by one <c>dotnet build</c>, whose diagnostics show what each site reports before any fix.
/// </summary>
public sealed class HostSolutions
{
    private HostSolutions(string directory, HostSolution format, HostSolution roslynator)
    {
        Directory = directory;
        Format = format;
        Roslynator = roslynator;
    }

    public string Directory { get; }

    /// <summary>The copy <c>dotnet format analyzers</c> fixes.</summary>
    public HostSolution Format { get; }

    /// <summary>The copy <c>roslynator fix</c> fixes.</summary>
    public HostSolution Roslynator { get; }

    /// <summary>The diagnostics of the build of both copies before any fix.</summary>
    public IReadOnlyList<BuildDiagnostic> Baseline { get; private set; } = [];

    public static async Task<HostSolutions> CreateRestoreAndBuildAsync(string directory, string feedDirectory, string packageVersion)
    {
        System.IO.Directory.CreateDirectory(directory);
        await PackProcessesAsync(directory, feedDirectory, packageVersion);

        ConsumerProject.WriteIsolationFiles(directory, feedDirectory);
        ConsumerProject.Write(directory, ".editorconfig", "root = true\n\n[*.cs]\nindent_style = space\n");
        var solutions = new HostSolutions(
            directory,
            CreateSolution(Path.Combine(directory, "format"), "Format", packageVersion),
            CreateSolution(Path.Combine(directory, "roslynator"), "Roslynator", packageVersion));

        var all = Path.Combine(directory, "all.slnx");
        var projects = new[] { solutions.Format, solutions.Roslynator }.SelectMany(s => s.Projects);
        File.WriteAllText(all, "<Solution>\n" + string.Concat(projects.Select(p =>
            $"  <Project Path=\"{Path.GetRelativePath(directory, p.ProjectFile).Replace('\\', '/')}\" />\n")) + "</Solution>\n");

        var restore = await DotNetCli.RunAsync(directory, ["restore", all, .. DotNetCli.QuietBuildArguments]);
        if (restore.ExitCode != 0)
        {
            throw new InvalidOperationException("Restoring the fix-host solutions from the temporary feed failed. " + restore.Describe());
        }

        var build = await DotNetCli.RunAsync(directory, ["build", all, "--no-restore", "--no-incremental", .. DotNetCli.QuietBuildArguments]);
        if (build.ExitCode != 0)
        {
            throw new InvalidOperationException("The fix-host solutions do not build before any fix. " + build.Describe());
        }

        solutions.Baseline = BuildDiagnostic.Parse(build.Output);
        return solutions;
    }

    /// <summary>
    /// Packs GilAnalyzers.Processes into the feed under <paramref name="packageVersion"/>. Its intermediate and output files go
    /// to an artifacts folder here, never to the repository's obj/ and bin/, which another fixture's pack of the same project
    /// may be writing at the same time; the ReadyToRun image is left out (a consumer compiles against lib/ only).
    /// </summary>
    private static async Task PackProcessesAsync(string directory, string feedDirectory, string packageVersion)
    {
        var project = Path.Combine(RepositoryPaths.Root, "src", "GilAnalyzers.Processes", "GilAnalyzers.Processes.csproj");
        var pack = await DotNetCli.RunAsync(
            RepositoryPaths.Root,
            ["pack", project, "-c", "Release", "-o", feedDirectory, "--artifacts-path", Path.Combine(directory, "processes-artifacts"),
             "-p:PackageVersion=" + packageVersion, "-p:GilReadyToRun=false", .. DotNetCli.QuietBuildArguments]);
        if (pack.ExitCode != 0)
        {
            throw new InvalidOperationException("Packing GilAnalyzers.Processes failed. " + pack.Describe());
        }
    }

    private static HostSolution CreateSolution(string directory, string prefix, string packageVersion)
    {
        // The refused sites' project comes first both in the solution and by name (hosts may order projects either way).
        var refused = CreateProject(directory, prefix + "1Refused", packageVersion, rule => rule.Refused);
        var fixable = CreateProject(directory, prefix + "2Fixable", packageVersion, rule => rule.Fixable);
        var solution = new HostSolution(directory, refused, fixable);
        File.WriteAllText(solution.SolutionFile, "<Solution>\n" + string.Concat(solution.Projects.Select(p =>
            $"  <Project Path=\"{p.Name}/{p.Name}.csproj\" />\n")) + "</Solution>\n");
        return solution;
    }

    private static HostProject CreateProject(string solutionDirectory, string name, string packageVersion, Func<RuleSites, Func<string, string>> source)
    {
        var project = new HostProject(name, Path.Combine(solutionDirectory, name));
        System.IO.Directory.CreateDirectory(project.Directory);
        ConsumerProject.Write(project.Directory, name + ".csproj", $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <TargetFramework>net10.0</TargetFramework>
                <LangVersion>latest</LangVersion>
                <OutputType>Library</OutputType>
                <ImplicitUsings>disable</ImplicitUsings>
              </PropertyGroup>
              <ItemGroup>
                <PackageReference Include="GilAnalyzers" Version="[{packageVersion}]" PrivateAssets="all" />
                <PackageReference Include="GilAnalyzers.Processes" Version="[{packageVersion}]" />
              </ItemGroup>
            </Project>
            """);
        foreach (var rule in FixHostSites.All)
        {
            ConsumerProject.Write(project.Directory, rule.FileName, source(rule)(name));
        }

        return project;
    }
}
