using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Security;
using System.Text;
using GilAnalyzers.Harness.Cli;

namespace GilAnalyzers.Harness.Inputs;

/// <summary>
/// The two copies of the user's program the harness works on: BEFORE (the input as it is) and AFTER
/// (the input with fixes applied). A project is copied as a sibling of its own folder, so relative
/// paths (ProjectReference ..\..\src\X.csproj) and Directory.Build.props / Directory.Packages.props
/// up the tree still resolve; a single-file program gets a generated project in a temp folder.
/// The user's own files are never written.
/// </summary>
public sealed class Workbench : IDisposable
{
    private static readonly HashSet<string> SkippedFolders = new(StringComparer.OrdinalIgnoreCase)
    {
        "bin", "obj", ".git", ".vs", ".idea", "node_modules", "TestResults",
    };

    private readonly string _root;
    private readonly bool _rootIsOurs;

    private Workbench(InputKind kind, string originalPath, string originalDir, string root, bool rootIsOurs, string beforeDir, string afterDir, string projectFileName, string? singleFileName)
    {
        Kind = kind;
        OriginalPath = originalPath;
        OriginalDir = originalDir;
        _root = root;
        _rootIsOurs = rootIsOurs;
        BeforeDir = beforeDir;
        AfterDir = afterDir;
        ProjectFileName = projectFileName;
        SingleFileName = singleFileName;
    }

    public InputKind Kind { get; }

    /// <summary>The input as given (full path of the .csproj or .cs).</summary>
    public string OriginalPath { get; }

    /// <summary>The folder the input's files are relative to.</summary>
    public string OriginalDir { get; }

    public string BeforeDir { get; }

    public string AfterDir { get; }

    public string ProjectFileName { get; }

    /// <summary>For a single-file input, the name of the .cs file inside the work folders.</summary>
    public string? SingleFileName { get; }

    public string BeforeProject => Path.Combine(BeforeDir, ProjectFileName);

    public string AfterProject => Path.Combine(AfterDir, ProjectFileName);

    public bool Keep { get; set; }

    private string? _solutionDir;

    /// <summary>A folder of our own, outside the user's tree, for the generated solution that builds the copies together.</summary>
    public string SolutionDir => _solutionDir ??= NewTempRoot();

    /// <summary>True when <paramref name="folder"/> is an input on its own: it holds one .csproj, or no .csproj and one .cs file.</summary>
    public static bool HoldsInput(string folder)
    {
        try
        {
            int projects = Directory.GetFiles(folder, "*.csproj").Length;
            return projects == 1 || (projects == 0 && Directory.GetFiles(folder, "*.cs").Length == 1);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    public static Workbench Create(string input)
    {
        string full = Path.GetFullPath(input);
        if (Directory.Exists(full))
        {
            string[] projects = Directory.GetFiles(full, "*.csproj");
            if (projects.Length == 1)
            {
                return ForProject(projects[0]);
            }

            if (projects.Length > 1)
            {
                throw new HarnessException(ExitCodes.BadUsage, $"'{input}' holds {projects.Length} projects ({string.Join(", ", projects.Select(Path.GetFileName))}): name the .csproj");
            }

            string[] sources = Directory.GetFiles(full, "*.cs");
            if (sources.Length == 1)
            {
                return ForSingleFile(sources[0]);
            }

            throw new HarnessException(ExitCodes.BadUsage, $"'{input}' holds no .csproj and not exactly one .cs file: pass a .csproj, an app.cs or a sample folder");
        }

        if (!File.Exists(full))
        {
            throw new HarnessException(ExitCodes.BadUsage, $"input '{input}' does not exist");
        }

        return Path.GetExtension(full).ToLowerInvariant() switch
        {
            ".csproj" => ForProject(full),
            ".cs" => ForSingleFile(full),
            _ => throw new HarnessException(ExitCodes.BadUsage, $"input '{input}' is neither a .csproj, a .cs file nor a folder"),
        };
    }

    private static Workbench ForProject(string projectPath)
    {
        string dir = Path.GetDirectoryName(projectPath)!;
        string parent = Path.GetDirectoryName(dir) ?? dir;
        string tag = ".gilbench-" + Path.GetFileName(dir) + "-" + Guid.NewGuid().ToString("N").Substring(0, 8);
        string before = Path.Combine(parent, tag + "-before");
        string after = Path.Combine(parent, tag + "-after");
        string root = parent;
        bool rootIsOurs = false;
        try
        {
            CopyTree(dir, before);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Not writable beside the project: a temp folder works unless the project points outside itself.
            TryDelete(before);
            root = NewTempRoot();
            rootIsOurs = true;
            before = Path.Combine(root, "before");
            after = Path.Combine(root, "after");
            CopyTree(dir, before);
        }

        return new Workbench(InputKind.Project, projectPath, dir, root, rootIsOurs, before, after, Path.GetFileName(projectPath), null);
    }

    private static Workbench ForSingleFile(string file)
    {
        string root = NewTempRoot();
        string before = Path.Combine(root, "before");
        Directory.CreateDirectory(before);
        string name = Path.GetFileName(file);
        string projectName = Path.GetFileNameWithoutExtension(file) + ".csproj";
        string text = File.ReadAllText(file);
        var (source, project) = FileBasedProgram.ToProject(text, Path.GetDirectoryName(file)!);
        File.WriteAllText(Path.Combine(before, name), source, new UTF8Encoding(false));
        File.WriteAllText(Path.Combine(before, projectName), project, new UTF8Encoding(false));
        return new Workbench(InputKind.SingleFile, file, Path.GetDirectoryName(file)!, root, true, before, Path.Combine(root, "after"), projectName, name);
    }

    /// <summary>Makes the AFTER folder: a copy of BEFORE with the given files (relative path → text) written over it.</summary>
    public void CreateAfter(IReadOnlyDictionary<string, string> changedFiles)
    {
        CopyTree(BeforeDir, AfterDir);
        WriteAfterFiles(changedFiles);
    }

    /// <summary>Writes the given files (relative path → text) over the AFTER folder made earlier by CreateAfter.</summary>
    public void WriteAfterFiles(IReadOnlyDictionary<string, string> changedFiles)
    {
        foreach (var (relative, text) in changedFiles)
        {
            string target = Path.GetFullPath(Path.Combine(AfterDir, relative));
            if (!target.StartsWith(AfterDir, StringComparison.Ordinal))
            {
                throw new HarnessException(ExitCodes.BadUsage, $"a changed file lies outside the project folder: {relative}");
            }

            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.WriteAllText(target, text, new UTF8Encoding(false));
        }
    }

    /// <summary>A build log's paths into the work folders, shown as BEFORE/… and AFTER/….</summary>
    public string Relativise(string text) =>
        text.Replace(BeforeDir + Path.DirectorySeparatorChar, "BEFORE/", StringComparison.Ordinal)
            .Replace(AfterDir + Path.DirectorySeparatorChar, "AFTER/", StringComparison.Ordinal);

    /// <summary>The name a user recognises for a file of the work folders.</summary>
    public string DisplayName(string relativePath) =>
        Kind == InputKind.SingleFile && string.Equals(relativePath, SingleFileName, StringComparison.Ordinal)
            ? Path.GetFileName(OriginalPath)
            : relativePath.Replace('\\', '/');

    public void Dispose()
    {
        if (_solutionDir is not null)
        {
            TryDelete(_solutionDir);
        }

        if (Keep)
        {
            return;
        }

        if (_rootIsOurs)
        {
            TryDelete(_root);
        }
        else
        {
            TryDelete(BeforeDir);
            TryDelete(AfterDir);
        }
    }

    private static string NewTempRoot()
    {
        string root = Path.Combine(Path.GetTempPath(), "gil-bench-" + Guid.NewGuid().ToString("N").Substring(0, 12));
        Directory.CreateDirectory(root);
        return root;
    }

    internal static void CopyTree(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (string file in Directory.GetFiles(from))
        {
            File.Copy(file, Path.Combine(to, Path.GetFileName(file)), overwrite: true);
        }

        foreach (string dir in Directory.GetDirectories(from))
        {
            string name = Path.GetFileName(dir);
            if (SkippedFolders.Contains(name) || name.StartsWith(".gilbench-", StringComparison.Ordinal))
            {
                continue;
            }

            CopyTree(dir, Path.Combine(to, name));
        }
    }

    private static void TryDelete(string dir)
    {
        try
        {
            if (Directory.Exists(dir))
            {
                Directory.Delete(dir, recursive: true);
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or SecurityException)
        {
            // Best effort: a leftover temp folder is not worth failing the run for.
        }
    }
}

public enum InputKind
{
    Project,
    SingleFile,
}
