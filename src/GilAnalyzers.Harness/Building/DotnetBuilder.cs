using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using GilAnalyzers.Harness.Running;
using GilAnalyzers.Testing.Processes;

namespace GilAnalyzers.Harness.Building;

public sealed record BuildResult(bool Succeeded, string OutputDirectory, string Log, TimeSpan Elapsed)
{
    /// <summary>The error lines of the build log, or its tail when it has none.</summary>
    public string Errors
    {
        get
        {
            var lines = Log.Split('\n').Select(l => l.TrimEnd('\r'));
            var errors = lines.Where(l => l.Contains(": error ", StringComparison.Ordinal)).Distinct().Take(15).ToList();
            return errors.Count > 0 ? string.Join(Environment.NewLine, errors) : string.Join(Environment.NewLine, lines.TakeLast(15));
        }
    }
}

/// <summary>
/// `dotnet restore` / `dotnet build -c Release` of a work folder. No node reuse and no shared
/// compiler server, so the build leaves no process behind; analyzers off and warnings not errors,
/// since only the produced code matters for timing; startup hooks allowed for the measurement shim.
/// BEFORE and AFTER are restored together, in the MSBuild invocation that also writes BEFORE's compiler command line
/// (RestoreAndDescribeAsync), and built together in one more over a generated solution (BuildTogetherAsync): one MSBuild
/// start each, shared evaluation, a shared referenced project built once.
/// </summary>
public static class DotnetBuilder
{
    /// <summary>The properties gil-bench builds a program with (global: they reach the program's project only; see IsolationTargets).</summary>
    private static readonly string[] BuildProperties =
    {
        "-p:TreatWarningsAsErrors=false",
        "-p:RunAnalyzers=false",
        "-p:StartupHookSupport=true",
        "-p:UseAppHost=false",
        "-p:GenerateDocumentationFile=false",
        // Real source paths in the PDB: `diagnose` maps contended IL offsets to file:line and joins them with the
        // analyzers' diagnostics. A CI build (ContinuousIntegrationBuild) would otherwise map them to "/_/".
        "-p:DeterministicSourcePaths=false",
        "-p:ContinuousIntegrationBuild=false",
    };

    /// <summary>
    /// Imported into the programs' builds (CustomAfterMicrosoftCommonTargets). With analyzers off, a project reference
    /// that only supplies an analyzer (OutputItemType Analyzer, ReferenceOutputAssembly false: the samples' reference to
    /// GilAnalyzers itself) is not needed, so it is dropped rather than built; every other reference is built with the
    /// global properties it would get from a plain build of the user's project, so gil-bench's properties never make
    /// it rebuild (and never leave it rebuilt for the user's next build).
    /// </summary>
    internal const string IsolationTargets = """
        <Project>
          <Target Name="_GilBenchTrimProjectReferences" BeforeTargets="AssignProjectConfiguration;_SplitProjectReferencesByFileExistence" Condition="'$(GilBenchBuild)' == 'true'">
            <ItemGroup>
              <ProjectReference Remove="@(ProjectReference)" Condition="'%(ProjectReference.OutputItemType)' == 'Analyzer' and '%(ProjectReference.ReferenceOutputAssembly)' == 'false'" />
              <ProjectReference>
                <GlobalPropertiesToRemove>%(ProjectReference.GlobalPropertiesToRemove);GilBenchBuild;OutDir;ShouldUnsetParentConfigurationAndPlatform;CustomAfterMicrosoftCommonTargets;TreatWarningsAsErrors;RunAnalyzers;StartupHookSupport;UseAppHost;GenerateDocumentationFile;DeterministicSourcePaths;ContinuousIntegrationBuild;GilBenchCommandLineProject;GilBenchCommandLineFile;GilBenchBuildProject;GilBenchRealBuild;GilBenchAfterProject;GilBenchAfterCommandLineFile</GlobalPropertiesToRemove>
              </ProjectReference>
            </ItemGroup>
          </Target>
          <Target Name="_GilBenchSkipCompiler">
            <PropertyGroup>
              <SkipCompilerExecution>true</SkipCompilerExecution>
              <ProvideCommandLineArgs>true</ProvideCommandLineArgs>
            </PropertyGroup>
          </Target>
          <Target Name="GilBenchCommandLine" DependsOnTargets="_GilBenchDescribeBefore;_GilBenchDescribeAfter" />
          <Target Name="_GilBenchDescribeBefore" Condition="'$(MSBuildProjectFullPath)' == '$(GilBenchCommandLineProject)'" DependsOnTargets="_GilBenchSkipCompiler;PrepareResources;Compile">
            <WriteLinesToFile File="$(GilBenchCommandLineFile).tmp" Lines="@(CscCommandLineArgs)" Overwrite="true" />
            <WriteLinesToFile Condition="'$(GilBenchBuildProject)' == 'true'" File="$(GilBenchCommandLineFile).compiler" Lines="$(CSharpCoreTargetsPath)|$(CscToolPath)|$(CscToolExe)" Overwrite="true" />
            <Move SourceFiles="$(GilBenchCommandLineFile).tmp" DestinationFiles="$(GilBenchCommandLineFile)" />
            <MSBuild Condition="'$(GilBenchBuildProject)' == 'true'" Projects="$(MSBuildProjectFullPath)" Targets="Build" Properties="GilBenchRealBuild=true">
              <Output TaskParameter="TargetOutputs" ItemName="_GilBenchBuilt" />
            </MSBuild>
            <WriteLinesToFile Condition="'$(GilBenchBuildProject)' == 'true'" File="$(GilBenchCommandLineFile).built.done" Lines="@(_GilBenchBuilt->'%(FullPath)')" Overwrite="true" />
          </Target>
          <Target Name="_GilBenchDescribeAfter" Condition="'$(GilBenchAfterProject)' != '' and '$(MSBuildProjectFullPath)' == '$(GilBenchAfterProject)'" DependsOnTargets="_GilBenchSkipCompiler;PrepareResources;Compile">
            <WriteLinesToFile File="$(GilBenchAfterCommandLineFile)" Lines="@(CscCommandLineArgs)" Overwrite="true" />
          </Target>
          <PropertyGroup Condition="'$(GilBenchRealBuild)' == 'true'">
            <ProvideCommandLineArgs>true</ProvideCommandLineArgs>
          </PropertyGroup>
          <Target Name="_GilBenchWriteBuiltCommandLine" AfterTargets="CoreCompile" Condition="'$(GilBenchRealBuild)' == 'true'">
            <WriteLinesToFile File="$(GilBenchCommandLineFile).built" Lines="@(CscCommandLineArgs)" Overwrite="true" />
          </Target>
        </Project>
        """;

    private static readonly TimeSpan BuildTimeout = TimeSpan.FromMinutes(10);

    private static readonly string[] CommonProperties =
    {
        "-nologo",
        "-nodeReuse:false",
        "-p:UseSharedCompilation=false",
    };

    private static IReadOnlyDictionary<string, string?> Environment => new Dictionary<string, string?>
    {
        ["MSBUILDDISABLENODEREUSE"] = "1",
        ["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1",
        ["DOTNET_NOLOGO"] = "1",
        ["DOTNET_SKIP_FIRST_TIME_EXPERIENCE"] = "1",
        // Never let the harness's own measurement variables leak into a build.
        ["DOTNET_STARTUP_HOOKS"] = null,
        ["GILBENCH_OUT"] = null,
        ["GILBENCH_ENTRY"] = null,
    };

    public static async Task<BuildResult> BuildAsync(string projectPath, CancellationToken cancellationToken)
    {
        string output = Path.Combine(Path.GetDirectoryName(projectPath)!, "bin", "gil-bench");
        var args = new List<string> { "build", projectPath, "-c", "Release", "-o", output, "-v:q" };
        args.AddRange(BuildProperties);
        args.AddRange(CommonProperties);
        return await RunAsync(args, projectPath, output, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Writes the solution of the given projects (and the isolation targets) into <paramref name="workDir"/>; returns its
    /// path. Each project sits in its own solution folder, so two copies of one project (same name) can stand side by side.
    /// </summary>
    public static string WriteSolution(IReadOnlyList<string> projects, string workDir)
    {
        Directory.CreateDirectory(workDir);
        var sb = new System.Text.StringBuilder("<Solution>\n");
        for (int i = 0; i < projects.Count; i++)
        {
            sb.Append("  <Folder Name=\"/v").Append(i).Append("/\">\n    <Project Path=\"")
              .Append(System.Security.SecurityElement.Escape(Path.GetFullPath(projects[i]))).Append("\" />\n  </Folder>\n");
        }

        sb.Append("</Solution>\n");
        string solution = Path.Combine(workDir, "gil-bench.slnx");
        File.WriteAllText(solution, sb.ToString());
        File.WriteAllText(Path.Combine(workDir, "gil-bench.isolation.targets"), IsolationTargets);
        return solution;
    }

    /// <summary>
    /// One `dotnet build -t:GilBenchCommandLine` of the solution: restores every project of it (so the build later runs
    /// with --no-restore) and, for <paramref name="project"/> only, runs the compile targets without the compiler (as an
    /// IDE's design-time build does: SkipCompilerExecution, ProvideCommandLineArgs) to write the compiler's command line
    /// into <paramref name="commandLineFile"/>, one argument a line: the sources, references, options and analyzer
    /// config files that the workspace is made from (<see cref="Fixing.ProjectLoader.OpenFromCommandLine"/>). One
    /// process instead of a restore and a workspace build host. Projects it references are built, with the properties
    /// gil-bench's build gives them, so that build finds them up to date.
    /// </summary>
    /// <remarks>
    /// With <paramref name="buildProject"/>, the same MSBuild process then builds <paramref name="project"/> for real
    /// (`Build` in an instance of its own, with the properties of <see cref="BuildTogetherAsync"/>): the command line file
    /// appears (moved into place whole) while the compiler still runs, so the caller can open and analyse the project
    /// while BEFORE is built. The result is then that build's, split out for <paramref name="project"/> (its output folder).
    /// </remarks>
    public static async Task<BuildResult> RestoreAndDescribeAsync(string solution, string project, string commandLineFile, bool buildProject, CancellationToken cancellationToken, string? afterProject = null)
    {
        var args = new List<string> { "build", solution, "-t:GilBenchCommandLine", "-c", "Release", buildProject ? "-v:m" : "-v:q", "-tl:off", "-m:1" };
        args.AddRange(BuildProperties);
        args.AddRange(SolutionProperties(solution));
        args.Add("-p:GilBenchCommandLineProject=" + Path.GetFullPath(project));
        args.Add("-p:GilBenchCommandLineFile=" + Path.GetFullPath(commandLineFile));
        if (buildProject)
        {
            args.Add("-p:GilBenchBuildProject=true");
        }

        if (afterProject is not null)
        {
            args.Add("-p:GilBenchAfterProject=" + Path.GetFullPath(afterProject));
            args.Add("-p:GilBenchAfterCommandLineFile=" + AfterCommandLineFile(commandLineFile));
        }

        args.AddRange(CommonProperties);
        BuildResult result = await RunAsync(args, project, outputDirectory: "", cancellationToken).ConfigureAwait(false);
        return buildProject ? Split(result, new[] { project })[0] : result;
    }

    /// <summary>Where the restore step writes the command line BEFORE's real build compiled with (buildProject).</summary>
    public static string BuiltCommandLineFile(string commandLineFile) => Path.GetFullPath(commandLineFile) + ".built";

    /// <summary>Where the restore step writes AFTER's compiler command line (afterProject).</summary>
    public static string AfterCommandLineFile(string commandLineFile) => Path.GetFullPath(commandLineFile) + ".after";

    /// <summary>The properties of a build of gil-bench's solution (see <see cref="BuildTogetherAsync"/>).</summary>
    private static IEnumerable<string> SolutionProperties(string solution) => new[]
    {
        // Relative: each program lands in its own folder's bin/gil-bench, as with `-o` for one project (--keep users rely on it).
        "-p:OutDir=bin/gil-bench/",
        "-p:GilBenchBuild=true",
        // A solution build unsets Configuration for references outside the solution (they would build in Debug): a
        // referenced library must be built in Release, as with `dotnet build -c Release` of the program alone.
        "-p:ShouldUnsetParentConfigurationAndPlatform=false",
        "-p:CustomAfterMicrosoftCommonTargets=" + Path.Combine(Path.GetDirectoryName(solution)!, "gil-bench.isolation.targets"),
    };

    /// <summary>
    /// One `dotnet restore` for every project of the solution, run from the first project's folder: the SDK is the one
    /// the user's global.json picks, as for their own builds (the solution itself lives in a temp folder).
    /// </summary>
    public static async Task<BuildResult> RestoreSolutionAsync(string solution, string workingProject, CancellationToken cancellationToken)
    {
        var args = new List<string> { "restore", solution, "-v:q" };
        args.AddRange(CommonProperties);
        return await RunAsync(args, workingProject, outputDirectory: "", cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// One `dotnet build` of the solution (MSBuild builds its projects in parallel; a project they share is built
    /// once): a result per project, in order, each with its own output folder and the errors that name its folder.
    /// </summary>
    public static async Task<IReadOnlyList<BuildResult>> BuildTogetherAsync(string solution, IReadOnlyList<string> projects, bool restore, CancellationToken cancellationToken)
    {
        var args = new List<string> { "build", solution, "-c", "Release", "-v:m", "-tl:off", "-m:1" };
        if (!restore)
        {
            args.Add("--no-restore");
        }

        args.AddRange(BuildProperties);
        args.AddRange(SolutionProperties(solution));
        args.AddRange(CommonProperties);
        // From the first project's folder, so the user's global.json picks the SDK.
        BuildResult all = await RunAsync(args, projects[0], "", cancellationToken).ConfigureAwait(false);
        return Split(all, projects);
    }

    /// <summary>Each project's share of one build of several: its "Name -> path.dll" line and the error lines that name its folder.</summary>
    internal static IReadOnlyList<BuildResult> Split(BuildResult all, IReadOnlyList<string> projects)
    {
        string[] lines = all.Log.Split('\n').Select(l => l.TrimEnd('\r')).ToArray();
        string[] folders = projects.Select(p => Path.GetDirectoryName(Path.GetFullPath(p))! + Path.DirectorySeparatorChar).ToArray();
        var errors = lines.Where(l => l.Contains(": error ", StringComparison.Ordinal)).ToList();
        bool unattributed = errors.Any(e => !folders.Any(f => e.Contains(f, StringComparison.Ordinal)));
        var results = new List<BuildResult>();
        foreach (string folder in folders)
        {
            string? output = null;
            foreach (string line in lines)
            {
                int arrow = line.IndexOf(" -> ", StringComparison.Ordinal);
                if (arrow > 0)
                {
                    string path = line.Substring(arrow + 4).Trim();
                    if (path.StartsWith(folder, StringComparison.Ordinal) && path.EndsWith(".dll", StringComparison.OrdinalIgnoreCase))
                    {
                        output = Path.GetDirectoryName(path);
                    }
                }
            }

            bool mine = errors.Any(e => e.Contains(folder, StringComparison.Ordinal));
            bool succeeded = output is not null && !mine && !unattributed && (all.Succeeded || errors.Count > 0);
            string log = succeeded || errors.Count == 0 ? all.Log : string.Join("\n", errors.Where(e => e.Contains(folder, StringComparison.Ordinal) || !folders.Any(f => e.Contains(f, StringComparison.Ordinal))));
            results.Add(new BuildResult(succeeded, output ?? "", log.Length > 0 ? log : all.Log, all.Elapsed));
        }

        return results;
    }

    private static async Task<BuildResult> RunAsync(List<string> args, string projectPath, string outputDirectory, CancellationToken cancellationToken)
    {
        var stopwatch = Stopwatch.StartNew();
        ProcessResult result = await ProcessRunner.RunAsync(
            DotNetCli.DotNetPath, args, Path.GetDirectoryName(projectPath)!, Environment, BuildTimeout, cancellationToken).ConfigureAwait(false);
        string log = result.StandardOutput + result.StandardError;
        if (result.TimedOut)
        {
            log += $"\nerror: the build did not finish within {BuildTimeout.TotalMinutes} minutes and was stopped";
        }

        return new BuildResult(result.ExitCode == 0 && !result.TimedOut, outputDirectory, log, stopwatch.Elapsed);
    }
}
