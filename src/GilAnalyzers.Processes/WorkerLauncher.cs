using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Runtime.InteropServices;

namespace GilAnalyzers.Processes;

/// <summary>
/// Works out how to start a worker: <c>dotnet exec --runtimeconfig R --depsfile D GilAnalyzers.Processes.dll --gil-worker</c>,
/// where R and D are the running application's own files (the same trick the test platform uses to start
/// its test host), so the worker resolves exactly the assemblies the application resolves.
/// </summary>
internal sealed class WorkerLauncher
{
    private WorkerLauncher(string dotnetPath, IReadOnlyList<string> arguments)
    {
        DotnetPath = dotnetPath;
        Arguments = arguments;
    }

    public string DotnetPath { get; }

    public IReadOnlyList<string> Arguments { get; }

    public static WorkerLauncher Create()
    {
        string hostDll = typeof(ProcessPool).Assembly.Location;
        if (string.IsNullOrEmpty(hostDll) || !File.Exists(hostDll))
        {
            throw new ProcessPoolException(
                "GilAnalyzers.Processes.dll is not a file on disk (single-file or in-memory load), so it cannot be started as the worker host. " +
                "Publish the application framework-dependent and not as a single file.");
        }

        string hostDir = Path.GetDirectoryName(Path.GetFullPath(hostDll))!;
        string? depsFile = FindDepsFile(hostDir, hostDll);
        string runtimeConfig = FindRuntimeConfig(depsFile, hostDll);

        var args = new List<string> { "exec", "--runtimeconfig", runtimeConfig };
        if (depsFile is not null)
        {
            args.Add("--depsfile");
            args.Add(depsFile);
        }

        args.Add(hostDll);
        args.Add(Protocol.WorkerFlag);
        args.Add(Protocol.ParentPidFlag);
        args.Add(Environment.ProcessId.ToString(CultureInfo.InvariantCulture));
        return new WorkerLauncher(FindDotnet(), args);
    }

    public ProcessStartInfo CreateStartInfo()
    {
        var psi = new ProcessStartInfo(DotnetPath)
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            CreateNoWindow = true,
        };
        foreach (string arg in Arguments)
        {
            psi.ArgumentList.Add(arg);
        }

        // Tiered compilation tuned for a worker (each only unless the user set it): a worker runs a few long,
        // loop-heavy calls, so methods with loops are compiled optimised from the first call instead of starting
        // at tier 0 and waiting for on-stack replacement; and a method is recompiled at tier 1 after 1,000 calls
        // instead of 30, so the start-up and RPC code, called tens or hundreds of times, is not compiled twice
        // (hot work code passes 1,000 calls quickly and is optimised as usual).
        SetUnlessUserSet(psi, "DOTNET_TC_QuickJitForLoops", "0");
        SetUnlessUserSet(psi, "DOTNET_TC_CallCountThreshold", "1000");

        return psi;
    }

    private static void SetUnlessUserSet(ProcessStartInfo psi, string variable, string value)
    {
        if (Environment.GetEnvironmentVariable(variable) is null)
        {
            psi.Environment[variable] = value;
        }
    }

    /// <summary>
    /// The application's deps.json, when it describes the directory this library was loaded from: the application's
    /// own directory, or below it the runtime-specific folder the host chose the library from (the package's
    /// ReadyToRun image, <c>runtimes/linux-x64/lib/net8.0/</c>).
    /// </summary>
    private static string? FindDepsFile(string hostDir, string hostDll)
    {
        if (AppContext.GetData("APP_CONTEXT_DEPS_FILES") is string depsFiles)
        {
            foreach (string candidate in depsFiles.Split(';', StringSplitOptions.RemoveEmptyEntries))
            {
                if (File.Exists(candidate) && DescribesDirectory(Path.GetDirectoryName(Path.GetFullPath(candidate))!, hostDir))
                {
                    return candidate;
                }
            }
        }

        // Our own deps.json (present when the library's project output is used directly).
        string own = Path.ChangeExtension(hostDll, ".deps.json");
        return File.Exists(own) ? own : null;
    }

    internal static bool DescribesDirectory(string appDir, string hostDir)
    {
        if (SameDirectory(appDir, hostDir))
        {
            return true;
        }

        string runtimes = Path.Combine(Path.TrimEndingDirectorySeparator(Path.GetFullPath(appDir)), "runtimes") + Path.DirectorySeparatorChar;
        return Path.GetFullPath(hostDir).StartsWith(runtimes, OperatingSystem.IsWindows() ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal);
    }

    private static string FindRuntimeConfig(string? depsFile, string hostDll)
    {
        if (depsFile is not null && depsFile.EndsWith(".deps.json", StringComparison.OrdinalIgnoreCase))
        {
            string candidate = depsFile[..^".deps.json".Length] + ".runtimeconfig.json";
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        string own = Path.ChangeExtension(hostDll, ".runtimeconfig.json");
        if (File.Exists(own))
        {
            return own;
        }

        // Last resort: the runtime this process runs on, which is installed by definition.
        string version = Environment.Version.ToString(3);
        string dir = Path.Combine(Path.GetTempPath(), "GilAnalyzers.Processes");
        Directory.CreateDirectory(dir);
        string path = Path.Combine(dir, "worker-" + version + ".runtimeconfig.json");
        if (!File.Exists(path))
        {
            string json = "{\"runtimeOptions\":{\"tfm\":\"net8.0\",\"rollForward\":\"LatestPatch\",\"framework\":{\"name\":\"Microsoft.NETCore.App\",\"version\":\"" + version + "\"}}}";
            string tmp = path + "." + Environment.ProcessId.ToString(CultureInfo.InvariantCulture) + ".tmp";
            File.WriteAllText(tmp, json);
            File.Move(tmp, path, overwrite: true);
        }

        return path;
    }

    /// <summary>The dotnet host (muxer): this process when it is dotnet, else the host of the running runtime.</summary>
    internal static string FindDotnet()
    {
        string exe = OperatingSystem.IsWindows() ? "dotnet.exe" : "dotnet";
        string? processPath = Environment.ProcessPath;
        if (processPath is not null && string.Equals(Path.GetFileName(processPath), exe, StringComparison.OrdinalIgnoreCase))
        {
            return processPath;
        }

        var candidates = new List<string?>
        {
            Environment.GetEnvironmentVariable("DOTNET_HOST_PATH"),
        };

        // <root>/shared/Microsoft.NETCore.App/<version>/ → <root>/dotnet
        string runtimeDir = RuntimeEnvironment.GetRuntimeDirectory();
        DirectoryInfo? root = new DirectoryInfo(runtimeDir.TrimEnd(Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar)).Parent?.Parent?.Parent;
        if (root is not null)
        {
            candidates.Add(Path.Combine(root.FullName, exe));
        }

        foreach (string variable in new[] { "DOTNET_ROOT", "DOTNET_ROOT_X64", "DOTNET_ROOT_ARM64" })
        {
            if (Environment.GetEnvironmentVariable(variable) is string dotnetRoot && dotnetRoot.Length > 0)
            {
                candidates.Add(Path.Combine(dotnetRoot, exe));
            }
        }

        foreach (string dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            candidates.Add(Path.Combine(dir, exe));
        }

        foreach (string? candidate in candidates)
        {
            if (!string.IsNullOrEmpty(candidate) && File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new ProcessPoolException(
            "Cannot find the 'dotnet' host to start worker processes: looked next to the running runtime, in DOTNET_HOST_PATH, DOTNET_ROOT and PATH. Set DOTNET_ROOT.");
    }

    private static bool SameDirectory(string a, string b) =>
        string.Equals(
            Path.TrimEndingDirectorySeparator(Path.GetFullPath(a)),
            Path.TrimEndingDirectorySeparator(Path.GetFullPath(b)),
            OperatingSystem.IsWindows() ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal);
}
