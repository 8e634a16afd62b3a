using System.Collections.Generic;
using System.IO;
using Microsoft.CodeAnalysis;

namespace GilAnalyzers.Harness.Fixing;

/// <summary>
/// Makes the Roslyn project the analyzers and fixes work on from the compiler command line that gil-bench's restore
/// step wrote (<see cref="Building.DotnetBuilder.RestoreAndDescribeAsync"/>): the facts an MSBuildWorkspace would get
/// from a design-time build, without its build host process and its second MSBuild evaluation.
/// </summary>
public static class ProjectLoader
{
    /// <summary>
    /// The project a compiler command line describes (one argument a line, as MSBuild's Csc task gives it: sources,
    /// references, analyzers and generators, analyzer config files, options), in an in-memory workspace, with the
    /// .csproj as its file path (fixes name files relative to it).
    /// </summary>
    public static (Workspace Workspace, Project Project) OpenFromCommandLine(string projectPath, IReadOnlyList<string> commandLine)
    {
        var workspace = new AdhocWorkspace();
        try
        {
            ProjectInfo info = CommandLineProject.CreateProjectInfo(
                Path.GetFileNameWithoutExtension(projectPath), LanguageNames.CSharp, commandLine, Path.GetDirectoryName(projectPath)!, workspace);
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
