using System;
using System.Collections.Generic;
using System.IO;
using System.Reflection;
using System.Runtime.Loader;

namespace GilAnalyzers.Processes.Hosting;

/// <summary>
/// Loads the user's assembly in the worker. The worker runs with the application's own deps.json, so the
/// application's assemblies are normally already resolvable from the default context. An assembly that
/// the application's deps.json does not list (a plugin loaded at run time) gets its own
/// <see cref="AssemblyLoadContext"/> that resolves its dependencies through its own deps.json
/// (<see cref="AssemblyDependencyResolver"/>) and shares everything the default context already has.
/// </summary>
internal static class UserAssemblies
{
    private static readonly Dictionary<string, Assembly> s_loaded = new(PathComparer);
    private static readonly Lazy<Dictionary<string, string>> s_tpa = new(ReadTrustedPlatformAssemblies);

    private static StringComparer PathComparer => OperatingSystem.IsWindows() ? StringComparer.OrdinalIgnoreCase : StringComparer.Ordinal;

    private static StringComparison PathComparison => OperatingSystem.IsWindows() ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal;

    public static Assembly Load(string path, string fullName)
    {
        string full = Path.GetFullPath(path);
        lock (s_loaded)
        {
            if (!s_loaded.TryGetValue(full, out Assembly? assembly))
            {
                assembly = LoadCore(full, fullName);
                s_loaded.Add(full, assembly);
            }

            return assembly;
        }
    }

    private static Assembly LoadCore(string path, string fullName)
    {
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"The assembly of the work method was not found at '{path}'.", path);
        }

        var name = new AssemblyName(fullName);
        foreach (Assembly loaded in AssemblyLoadContext.Default.Assemblies)
        {
            if (!loaded.IsDynamic && PathComparer.Equals(loaded.Location, path))
            {
                return loaded;
            }
        }

        // The usual case: the application's deps.json lists the assembly (the worker runs with it), so it is on
        // the trusted platform assemblies list at this very path: a plain search of the list first, no parsing;
        // then by name, for a listed path written another way.
        if (IsTrustedPlatformAssembly(path) ||
            (name.Name is string simple && s_tpa.Value.TryGetValue(simple, out string? tpaPath) && PathComparer.Equals(Path.GetFullPath(tpaPath), path)))
        {
            return AssemblyLoadContext.Default.LoadFromAssemblyName(name);
        }

        var context = new WorkLoadContext(path, s_tpa.Value);
        return context.LoadFromAssemblyPath(path);
    }

    private static bool IsTrustedPlatformAssembly(string path)
    {
        if (AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES") is not string tpa)
        {
            return false;
        }

        for (int at = tpa.IndexOf(path, PathComparison); at >= 0; at = tpa.IndexOf(path, at + 1, PathComparison))
        {
            int end = at + path.Length;
            if ((at == 0 || tpa[at - 1] == Path.PathSeparator) && (end == tpa.Length || tpa[end] == Path.PathSeparator))
            {
                return true;
            }
        }

        return false;
    }

    private static Dictionary<string, string> ReadTrustedPlatformAssemblies()
    {
        var map = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        if (AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES") is string tpa)
        {
            foreach (string file in tpa.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
            {
                map[Path.GetFileNameWithoutExtension(file)] = file;
            }
        }

        return map;
    }

    private sealed class WorkLoadContext : AssemblyLoadContext
    {
        private readonly AssemblyDependencyResolver? _resolver;
        private readonly Dictionary<string, string> _shared;

        public WorkLoadContext(string mainAssemblyPath, Dictionary<string, string> shared)
            : base("GilAnalyzers.Processes work: " + Path.GetFileName(mainAssemblyPath), isCollectible: false)
        {
            _shared = shared;
            try
            {
                _resolver = new AssemblyDependencyResolver(mainAssemblyPath);
            }
            catch (InvalidOperationException)
            {
                _resolver = null;
            }
        }

        protected override Assembly? Load(AssemblyName assemblyName)
        {
            // Share what the worker already has (the framework, this library, MessagePack...), so types
            // and statics of those are the same as the host's.
            if (assemblyName.Name is string simple && _shared.ContainsKey(simple))
            {
                return null;
            }

            string? path = _resolver?.ResolveAssemblyToPath(assemblyName);
            return path is null ? null : LoadFromAssemblyPath(path);
        }

        protected override IntPtr LoadUnmanagedDll(string unmanagedDllName)
        {
            string? path = _resolver?.ResolveUnmanagedDllToPath(unmanagedDllName);
            return path is null ? IntPtr.Zero : LoadUnmanagedDllFromPath(path);
        }
    }
}
