using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using GilAnalyzers.Harness.Cli;
using GilAnalyzers.Harness.Reporting;

namespace GilAnalyzers.Harness.Inputs;

/// <summary>The files AFTER differs in: the user's own version (--after), and the diff of any such set against BEFORE.</summary>
internal static class AfterVersion
{
    /// <summary>The files of --after FILE|DIR, by path relative to the project folder.</summary>
    public static Dictionary<string, string> Read(Workbench bench, string after)
    {
        if (Directory.Exists(after))
        {
            if (bench.Kind == InputKind.SingleFile)
            {
                throw new HarnessException(ExitCodes.BadUsage, "--after must be a .cs file when the input is a single-file program");
            }

            return ReadFolder(after);
        }

        var changed = new Dictionary<string, string>(StringComparer.Ordinal);
        string text = File.ReadAllText(after);
        if (bench.Kind == InputKind.SingleFile)
        {
            changed[bench.SingleFileName!] = FileBasedProgram.ToProject(text, Path.GetDirectoryName(Path.GetFullPath(after))!).Source;
            return changed;
        }

        string name = Path.GetFileName(after);
        var matches = Directory.EnumerateFiles(bench.BeforeDir, name, SearchOption.AllDirectories)
            .Where(f => !f.Contains(Path.DirectorySeparatorChar + "obj" + Path.DirectorySeparatorChar, StringComparison.Ordinal)
                     && !f.Contains(Path.DirectorySeparatorChar + "bin" + Path.DirectorySeparatorChar, StringComparison.Ordinal))
            .ToList();
        if (matches.Count != 1)
        {
            throw new HarnessException(ExitCodes.BadUsage, matches.Count == 0
                ? $"--after '{after}': the project has no file named {name} to replace (pass a folder to add files)"
                : $"--after '{after}': the project has {matches.Count} files named {name}; pass a folder laid out like the project");
        }

        changed[Path.GetRelativePath(bench.BeforeDir, matches[0])] = text;
        return changed;
    }

    /// <summary>A folder laid over the project folder: every file but bin/, obj/ and hidden folders.</summary>
    private static Dictionary<string, string> ReadFolder(string after)
    {
        var changed = new Dictionary<string, string>(StringComparer.Ordinal);
        string root = Path.GetFullPath(after);
        foreach (string file in Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories))
        {
            string relative = Path.GetRelativePath(root, file);
            string first = relative.Split(Path.DirectorySeparatorChar)[0];
            if (first is "bin" or "obj" || first.StartsWith('.'))
            {
                continue;
            }

            changed[relative] = File.ReadAllText(file);
        }

        return changed;
    }

    /// <summary>The unified diff of the changed files against BEFORE as built (for a single file, its text as the user wrote it).</summary>
    public static string Diff(Workbench bench, Dictionary<string, string> changed)
    {
        var sb = new StringBuilder();
        foreach (var (relative, text) in changed.OrderBy(c => c.Key, StringComparer.Ordinal))
        {
            string beforePath = Path.Combine(bench.BeforeDir, relative);
            string old = File.Exists(beforePath) ? File.ReadAllText(beforePath) : "";
            string name = bench.DisplayName(relative);
            sb.Append(UnifiedDiff.Create("a/" + name, "b/" + name, old, text));
        }

        return sb.ToString();
    }
}
