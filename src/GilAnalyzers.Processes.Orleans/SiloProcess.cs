using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Text;
using System.Threading;
using System.Threading.Tasks;

namespace GilAnalyzers.Processes.Orleans;

/// <summary>
/// A silo started as a child process of this application — the same application in worker mode: the silo runs
/// <c>GilAnalyzers.Processes.Orleans.dll silo</c> with this application's deps.json and runtimeconfig.json, so it resolves
/// the application's assemblies (the work methods) as the application does. For a one-machine cluster (try-outs, tests,
/// benchmarks); it exits when this process exits. On other machines, start silos with the command in docs/cluster.md.
/// </summary>
public sealed class SiloProcess : IDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _stderr = new();
    private readonly TaskCompletionSource<string> _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private SiloProcess(Process process, ClusterSiloOptions options)
    {
        _process = process;
        Options = options;
        ProcessId = process.Id;
    }

    /// <summary>The silo's setup.</summary>
    public ClusterSiloOptions Options { get; }

    /// <summary>The silo's process id.</summary>
    public int ProcessId { get; }

    /// <summary>The silo's address (known once it is ready).</summary>
    public string? Address { get; private set; }

    /// <summary>True once the process has exited.</summary>
    public bool HasExited
    {
        get
        {
            try
            {
                return _process.HasExited;
            }
            catch (InvalidOperationException)
            {
                return true;
            }
        }
    }

    /// <summary>What the silo wrote to standard error so far.</summary>
    public string StandardError
    {
        get
        {
            lock (_stderr)
            {
                return _stderr.ToString();
            }
        }
    }

    /// <summary>The command that starts a silo of this application: the dotnet host and its arguments.</summary>
    /// <param name="options">The silo's setup.</param>
    /// <returns>The host's path and the arguments.</returns>
    public static (string FileName, IReadOnlyList<string> Arguments) Command(ClusterSiloOptions options)
    {
        string hostDll = typeof(SiloProcess).Assembly.Location;
        string hostDir = Path.GetDirectoryName(Path.GetFullPath(hostDll))!;
        string? deps = null;
        if (AppContext.GetData("APP_CONTEXT_DEPS_FILES") is string depsFiles)
        {
            foreach (string candidate in depsFiles.Split(';', StringSplitOptions.RemoveEmptyEntries))
            {
                if (File.Exists(candidate) && string.Equals(Path.GetDirectoryName(Path.GetFullPath(candidate)), hostDir, StringComparison.Ordinal))
                {
                    deps = candidate;
                    break;
                }
            }
        }

        deps ??= File.Exists(Path.ChangeExtension(hostDll, ".deps.json")) ? Path.ChangeExtension(hostDll, ".deps.json") : null;
        string runtimeConfig = deps is not null && File.Exists(deps[..^".deps.json".Length] + ".runtimeconfig.json")
            ? deps[..^".deps.json".Length] + ".runtimeconfig.json"
            : Path.ChangeExtension(hostDll, ".runtimeconfig.json");

        var args = new List<string> { "exec", "--runtimeconfig", runtimeConfig };
        if (deps is not null)
        {
            args.Add("--depsfile");
            args.Add(deps);
        }

        args.Add(hostDll);
        args.Add("silo");
        args.Add("--membership");
        args.Add(options.Membership == ClusterMembership.Localhost ? "localhost" : "adonet");
        Add("--silo-port", options.SiloPort.ToString(CultureInfo.InvariantCulture));
        Add("--gateway-port", options.GatewayPort.ToString(CultureInfo.InvariantCulture));
        Add("--primary-port", options.PrimarySiloPort?.ToString(CultureInfo.InvariantCulture));
        Add("--connection", options.ConnectionString);
        Add("--invariant", options.Invariant);
        Add("--cluster-id", options.ClusterId);
        Add("--service-id", options.ServiceId);
        Add("--advertise", options.AdvertisedAddress?.ToString());
        Add("--listen", options.ListenAddress?.ToString());
        Add("--workers", options.Workers?.ToString(CultureInfo.InvariantCulture));
        Add("--parent-pid", options.ParentProcessId?.ToString(CultureInfo.InvariantCulture));
        Add("--tls-cert", options.TlsCertificatePath);
        Add("--tls-password", options.TlsCertificatePassword);
        Add("--probe-timeout-ms", ((int)options.ProbeTimeout.TotalMilliseconds).ToString(CultureInfo.InvariantCulture));
        return (WorkerLauncher.FindDotnet(), args);

        void Add(string name, string? value)
        {
            if (value is not null)
            {
                args.Add(name);
                args.Add(value);
            }
        }
    }

    /// <summary>Starts a silo process and waits until it has joined the cluster.</summary>
    /// <param name="options">The silo's setup; <see cref="ClusterSiloOptions.ParentProcessId"/> is set to this process when unset.</param>
    /// <param name="timeout">How long to wait for the silo to be ready (default 60 s).</param>
    /// <param name="cancellationToken">Cancels the wait (the process is killed).</param>
    /// <returns>The running silo.</returns>
    /// <exception cref="ProcessPoolException">The silo exited or did not become ready in time.</exception>
    public static async Task<SiloProcess> StartAsync(ClusterSiloOptions options, TimeSpan? timeout = null, CancellationToken cancellationToken = default)
    {
        options.ParentProcessId ??= Environment.ProcessId;
        (string fileName, IReadOnlyList<string> arguments) = Command(options);
        var psi = new ProcessStartInfo(fileName)
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
        };
        foreach (string a in arguments)
        {
            psi.ArgumentList.Add(a);
        }

        Process process = Process.Start(psi) ?? throw new ProcessPoolException("The silo process could not be started.");
        var silo = new SiloProcess(process, options);
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is string line && line.StartsWith(ClusterSilo.ReadyLine + " ", StringComparison.Ordinal))
            {
                silo._ready.TrySetResult(line.Split(' ')[1]);
            }
        };
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is string line)
            {
                lock (silo._stderr)
                {
                    if (silo._stderr.Length < 64 * 1024)
                    {
                        silo._stderr.AppendLine(line);
                    }
                }
            }
        };
        // The handler first: a silo that has already exited raises Exited as soon as events are enabled.
        process.Exited += (_, _) => silo._ready.TrySetException(new ProcessPoolException("The silo process exited before it was ready."));
        process.EnableRaisingEvents = true;
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            silo.Address = await silo._ready.Task.WaitAsync(timeout ?? TimeSpan.FromSeconds(60), cancellationToken).ConfigureAwait(false);
            return silo;
        }
        catch (Exception ex)
        {
            silo.Kill();
            string why = ex is TimeoutException ? "did not join the cluster in time" : "exited before it joined the cluster";
            throw new ProcessPoolException($"The silo process {silo.ProcessId} {why}. Its standard error:{Environment.NewLine}{silo.StandardError}", -1, ex);
        }
    }

    /// <summary>Kills the silo at once (SIGKILL on Linux) and waits for it to be gone.</summary>
    /// <param name="entireProcessTree">Also kill its worker processes at once (otherwise they notice their silo is gone and exit within about half a second).</param>
    public void Kill(bool entireProcessTree = true)
    {
        try
        {
            _process.Kill(entireProcessTree);
            _process.WaitForExit(10_000);
        }
        catch (InvalidOperationException)
        {
        }
    }

    /// <summary>Kills the silo if it still runs.</summary>
    public void Dispose()
    {
        Kill();
        _process.Dispose();
    }
}
