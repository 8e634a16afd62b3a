using System;
using System.Collections.Generic;
using System.IO;
using System.Reflection;

namespace GilAnalyzers.Processes;

/// <summary>
/// Marks the class of an assembly that creates a <see cref="IWorkerPool"/> backend for <see cref="ProcessPool.Shared"/>
/// (see <see cref="WorkerPoolBackend"/>). The class implements <see cref="IWorkerPoolBackendFactory"/> and has a public
/// parameterless constructor.
/// </summary>
[AttributeUsage(AttributeTargets.Assembly, AllowMultiple = false)]
public sealed class WorkerPoolBackendAttribute : Attribute
{
    /// <summary>Names the factory class.</summary>
    /// <param name="factoryType">A class implementing <see cref="IWorkerPoolBackendFactory"/>.</param>
    public WorkerPoolBackendAttribute(Type factoryType) => FactoryType = factoryType;

    /// <summary>The factory class.</summary>
    public Type FactoryType { get; }
}

/// <summary>Creates the pool that <see cref="ProcessPool.Shared"/> delegates to when a backend is configured.</summary>
public interface IWorkerPoolBackendFactory
{
    /// <summary>Creates the backend's pool from its settings.</summary>
    /// <param name="setting">
    /// Reads one setting by its short name (e.g. <c>CLUSTERING</c>): the environment variable
    /// <c>GILANALYZERS_POOL_&lt;NAME&gt;</c>, or null when it is not set.
    /// </param>
    /// <returns>The pool; when it is <see cref="IDisposable"/> or <see cref="IAsyncDisposable"/> it is disposed at process exit.</returns>
    IWorkerPool Create(Func<string, string?> setting);
}

/// <summary>
/// Chooses what <see cref="ProcessPool.Shared"/> runs on, by configuration only, so code fixed by GIL006
/// (<c>ProcessPool.Shared.Map(...)</c>) moves from worker processes to a cluster without a code change or a rebuild:
/// the environment variable <c>GILANALYZERS_POOL_BACKEND</c> unset, empty, <c>local</c> or <c>processes</c> keeps the
/// local worker processes; <c>orleans</c> loads the assembly <c>GilAnalyzers.Processes.Orleans</c> (a package the
/// application references) and delegates to its cluster pool; any other value is taken as the name of an assembly
/// that carries a <see cref="WorkerPoolBackendAttribute"/>. The backend's own settings are the environment variables
/// <c>GILANALYZERS_POOL_*</c> (see docs/cluster.md).
/// </summary>
public static class WorkerPoolBackend
{
    /// <summary>The environment variable that selects the backend of <see cref="ProcessPool.Shared"/>.</summary>
    public const string EnvironmentVariable = "GILANALYZERS_POOL_BACKEND";

    /// <summary>The prefix of the backend's settings: <c>GILANALYZERS_POOL_</c> followed by the setting's name.</summary>
    public const string SettingPrefix = "GILANALYZERS_POOL_";

    /// <summary>The name of the local backend (worker processes on this machine).</summary>
    public const string Local = "local";

    private static readonly Dictionary<string, string> s_known = new(StringComparer.OrdinalIgnoreCase)
    {
        ["orleans"] = "GilAnalyzers.Processes.Orleans",
    };

    /// <summary>The backend the environment asks for: <see cref="Local"/>, or the name given in <see cref="EnvironmentVariable"/>.</summary>
    public static string Configured => Normalise(Environment.GetEnvironmentVariable(EnvironmentVariable)) ?? Local;

    /// <summary>
    /// Creates the pool that the environment asks for, or null for the local worker processes.
    /// </summary>
    /// <exception cref="PoolBackendException">A backend is asked for but its assembly cannot be loaded or has no usable factory.</exception>
    internal static IWorkerPool? CreateFromEnvironment() =>
        Create(Environment.GetEnvironmentVariable(EnvironmentVariable), name => Environment.GetEnvironmentVariable(SettingPrefix + name));

    /// <summary>Creates the pool for <paramref name="backend"/> (null for local), its settings read through <paramref name="setting"/>.</summary>
    internal static IWorkerPool? Create(string? backend, Func<string, string?> setting)
    {
        string? name = Normalise(backend);
        if (name is null)
        {
            return null;
        }

        string assemblyName = s_known.TryGetValue(name, out string? known) ? known : name;
        Assembly assembly;
        try
        {
            assembly = Assembly.Load(new AssemblyName(assemblyName));
        }
        catch (Exception ex) when (ex is FileNotFoundException or FileLoadException or BadImageFormatException or ArgumentException)
        {
            throw new PoolBackendException(
                $"{EnvironmentVariable}={backend} asks ProcessPool.Shared to run on the backend in assembly '{assemblyName}', but this application cannot load it ({ex.GetType().Name}: {ex.Message}). " +
                (s_known.ContainsKey(name)
                    ? $"Add a PackageReference to {assemblyName} (the same version as GilAnalyzers.Processes) to the application, or unset {EnvironmentVariable} to use local worker processes."
                    : $"Reference the assembly from the application, or unset {EnvironmentVariable} to use local worker processes."),
                ex);
        }

        WorkerPoolBackendAttribute? mark = assembly.GetCustomAttribute<WorkerPoolBackendAttribute>();
        if (mark is null || !typeof(IWorkerPoolBackendFactory).IsAssignableFrom(mark.FactoryType))
        {
            throw new PoolBackendException(
                $"{EnvironmentVariable}={backend}: assembly '{assembly.GetName().Name}' has no [assembly: WorkerPoolBackend(typeof(...))] naming an {nameof(IWorkerPoolBackendFactory)}, so it is not a pool backend.");
        }

        IWorkerPoolBackendFactory factory;
        try
        {
            factory = (IWorkerPoolBackendFactory)Activator.CreateInstance(mark.FactoryType)!;
        }
        catch (Exception ex)
        {
            throw new PoolBackendException($"{EnvironmentVariable}={backend}: the backend factory '{mark.FactoryType.FullName}' could not be created: {ex.Message}", ex);
        }

        try
        {
            return factory.Create(setting);
        }
        catch (Exception ex) when (ex is not PoolBackendException)
        {
            throw new PoolBackendException($"{EnvironmentVariable}={backend}: the backend could not be configured: {ex.Message}", ex);
        }
    }

    private static string? Normalise(string? value)
    {
        string? trimmed = value?.Trim();
        return string.IsNullOrEmpty(trimmed) || trimmed.Equals(Local, StringComparison.OrdinalIgnoreCase) || trimmed.Equals("processes", StringComparison.OrdinalIgnoreCase)
            ? null
            : trimmed;
    }
}

/// <summary>The configured backend of <see cref="ProcessPool.Shared"/> could not be loaded or configured.</summary>
public sealed class PoolBackendException : ProcessPoolException
{
    /// <summary>Creates the exception.</summary>
    public PoolBackendException(string message, Exception? inner = null)
        : base(message, -1, inner)
    {
    }
}
