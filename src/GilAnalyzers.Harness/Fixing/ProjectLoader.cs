using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace GilAnalyzers.Harness.Fixing;

/// <summary>
/// Makes the Roslyn project the analyzers and fixes work on from the compiler command line that gil-bench's restore
/// step wrote (<see cref="Building.DotnetBuilder.RestoreAndDescribeAsync"/>): the facts an MSBuildWorkspace would get
/// from a design-time build, without its build host process and its second MSBuild evaluation.
/// </summary>
public static class ProjectLoader
{
    /// <summary>At most this much C# is parsed by <see cref="WarmUpAsync"/>: enough to JIT-compile the parser, cheap on any project.</summary>
    private const long WarmUpBytes = 256 * 1024;

    /// <summary>
    /// Prepares what opening will need while the restore step runs (an MSBuild process that leaves a core free): the
    /// workspace's composition and the C# parser, by making a workspace and parsing the project folder's own sources (its
    /// top folder, up to <see cref="WarmUpBytes"/>). Nothing it makes is kept; it never fails.
    /// </summary>
    public static Task WarmUpAsync(string projectDirectory, CancellationToken cancellationToken) => Task.Run(() =>
    {
        try
        {
            using var workspace = new AdhocWorkspace();
            long budget = WarmUpBytes;
            foreach (string file in Directory.EnumerateFiles(projectDirectory, "*.cs").OrderBy(f => f, StringComparer.Ordinal))
            {
                long length = new FileInfo(file).Length;
                if (length > budget || cancellationToken.IsCancellationRequested)
                {
                    break;
                }

                budget -= length;
                CSharpSyntaxTree.ParseText(File.ReadAllText(file), path: file, cancellationToken: cancellationToken).GetDiagnostics();
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or OperationCanceledException)
        {
        }
    }, CancellationToken.None);

    /// <summary>
    /// The project a compiler command line describes (one argument a line, as MSBuild's Csc task gives it: sources,
    /// references, analyzers and generators, analyzer config files, options), in an in-memory workspace, with the
    /// .csproj as its file path (fixes name files relative to it).
    /// </summary>
    /// <remarks>
    /// Without <paramref name="withGenerators"/>, the project's analyzer references (the source generators the command
    /// line names; gil-bench runs its own analyzers, never the project's) are left out: the workspace then neither loads
    /// nor runs them. Only right when the generators produce nothing for this project (see
    /// <see cref="Building.InProcessAfterBuild.GeneratedNothingAsync"/>).
    /// </remarks>
    public static (Workspace Workspace, Project Project) OpenFromCommandLine(string projectPath, IReadOnlyList<string> commandLine, bool withGenerators = true)
    {
        var workspace = new AdhocWorkspace();
        try
        {
            ProjectInfo info = CommandLineProject.CreateProjectInfo(
                Path.GetFileNameWithoutExtension(projectPath), LanguageNames.CSharp, commandLine, Path.GetDirectoryName(projectPath)!, workspace);
            if (!withGenerators)
            {
                info = info.WithAnalyzerReferences(Array.Empty<Microsoft.CodeAnalysis.Diagnostics.AnalyzerReference>());
            }

            Project project = workspace.AddProject(info.WithFilePath(projectPath));
            return (workspace, project);
        }
        catch
        {
            workspace.Dispose();
            throw;
        }
    }
}
