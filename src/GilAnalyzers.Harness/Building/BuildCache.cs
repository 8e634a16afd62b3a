using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Security.Cryptography;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using GilAnalyzers.Testing.Processes;

namespace GilAnalyzers.Harness.Building;

/// <summary>
/// Opt-in (--build-cache DIR): reuse the Release output of a work folder whose files are byte-for-byte
/// the same as an earlier run's. The key covers every file of the folder (not bin/obj), the SDK host
/// and the harness version; it does not cover files outside the folder (a ProjectReference to
/// ../Lib), so use it only for self-contained programs.
/// </summary>
public static class BuildCache
{
    public static async Task<BuildResult> BuildAsync(string projectPath, string? cacheDir, CancellationToken cancellationToken)
    {
        if (cacheDir is null)
        {
            return await DotnetBuilder.BuildAsync(projectPath, cancellationToken).ConfigureAwait(false);
        }

        string key = Key(projectPath);
        string entry = Path.Combine(Path.GetFullPath(cacheDir), key);
        if (File.Exists(Path.Combine(entry, ".complete")))
        {
            return new BuildResult(true, entry, "(from the build cache)", TimeSpan.Zero);
        }

        BuildResult built = await DotnetBuilder.BuildAsync(projectPath, cancellationToken).ConfigureAwait(false);
        if (!built.Succeeded)
        {
            return built;
        }

        string staging = entry + ".tmp-" + Guid.NewGuid().ToString("N").Substring(0, 8);
        try
        {
            Inputs.Workbench.CopyTree(built.OutputDirectory, staging);
            File.WriteAllText(Path.Combine(staging, ".complete"), projectPath);
            Directory.CreateDirectory(Path.GetDirectoryName(entry)!);
            Directory.Move(staging, entry);
        }
        catch (IOException)
        {
            // Another run stored the same key first, or the cache is not writable: the build stands.
            TryDelete(staging);
        }
        catch (UnauthorizedAccessException)
        {
            TryDelete(staging);
        }

        return built;
    }

    private static string Key(string projectPath)
    {
        string root = Path.GetDirectoryName(projectPath)!;
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        void Add(string s) => sha.AppendData(Encoding.UTF8.GetBytes(s + "\0"));
        Add(Path.GetFileName(projectPath));
        Add(typeof(BuildCache).Assembly.ManifestModule.ModuleVersionId.ToString());
        string host = DotNetCli.DotNetPath;
        Add(host + (File.Exists(host) ? File.GetLastWriteTimeUtc(host).Ticks.ToString(System.Globalization.CultureInfo.InvariantCulture) : ""));
        foreach (string file in Files(root).OrderBy(f => f, StringComparer.Ordinal))
        {
            Add(Path.GetRelativePath(root, file).Replace('\\', '/'));
            sha.AppendData(File.ReadAllBytes(file));
        }

        return Convert.ToHexString(sha.GetHashAndReset()).Substring(0, 24).ToLowerInvariant();
    }

    private static IEnumerable<string> Files(string dir)
    {
        foreach (string file in Directory.GetFiles(dir))
        {
            yield return file;
        }

        foreach (string sub in Directory.GetDirectories(dir))
        {
            string name = Path.GetFileName(sub);
            if (name is "bin" or "obj" || name.StartsWith('.'))
            {
                continue;
            }

            foreach (string file in Files(sub))
            {
                yield return file;
            }
        }
    }

    private static void TryDelete(string dir)
    {
        try
        {
            Directory.Delete(dir, recursive: true);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
