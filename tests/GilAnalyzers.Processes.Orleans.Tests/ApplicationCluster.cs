using System.Diagnostics;
using System.Text;

namespace GilAnalyzers.Processes.Orleans.Tests;

/// <summary>
/// Silo processes of a built application (not of this test host): each runs that application's copy of
/// GilAnalyzers.Processes.Orleans.dll in worker mode with the application's deps.json and runtimeconfig.json — the
/// quick-start command of docs/cluster.md — on loopback with localhost membership. Every silo started is killed on
/// dispose and checked gone, with its worker processes, by PID.
/// </summary>
internal sealed class ApplicationCluster : IAsyncDisposable
{
    private readonly string _applicationDirectory;
    private readonly string _applicationName;
    private readonly List<Silo> _silos = new();
    private int? _primary;

    private ApplicationCluster(string applicationDirectory, string applicationName)
    {
        _applicationDirectory = applicationDirectory;
        _applicationName = applicationName;
    }

    public string ClusterId { get; } = "s" + Guid.NewGuid().ToString("N")[..12];

    public IReadOnlyList<Silo> Silos => _silos;

    /// <summary>Starts <paramref name="count"/> silos: the primary first, then the others at once.</summary>
    public static async Task<ApplicationCluster> StartAsync(string applicationDirectory, string applicationName, int count, TimeSpan readyTimeout)
    {
        var cluster = new ApplicationCluster(applicationDirectory, applicationName);
        try
        {
            await cluster.AddSiloAsync(readyTimeout);
            await Task.WhenAll(Enumerable.Range(1, count - 1).Select(_ => cluster.AddSiloAsync(readyTimeout)));
            return cluster;
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }
    }

    /// <summary>The environment that points the application's <c>ProcessPool.Shared</c> at this cluster.</summary>
    public Dictionary<string, string?> ClientEnvironment() => new()
    {
        ["GILANALYZERS_POOL_BACKEND"] = "orleans",
        ["GILANALYZERS_POOL_MEMBERSHIP"] = "localhost",
        ["GILANALYZERS_POOL_GATEWAYS"] = string.Join(",", _silos.Select(s => s.Options.GatewayPort)),
        ["GILANALYZERS_POOL_CLUSTER_ID"] = ClusterId,
        ["GILANALYZERS_POOL_SERVICE_ID"] = ClusterId,
    };

    private async Task AddSiloAsync(TimeSpan readyTimeout)
    {
        var options = new ClusterSiloOptions
        {
            SiloPort = LocalCluster.FreePort(),
            GatewayPort = LocalCluster.FreePort(),
            Workers = 2,
            ClusterId = ClusterId,
            ServiceId = ClusterId,
            ParentProcessId = Environment.ProcessId, // a silo exits by itself if this test host dies
        };
        lock (_silos)
        {
            _primary ??= options.SiloPort;
        }

        options.PrimarySiloPort = _primary;

        // The silo's own arguments as the package formats them; the host and its deps.json/runtimeconfig.json are the application's.
        (string dotnet, IReadOnlyList<string> hostCommand) = SiloProcess.Command(options);
        int siloVerb = hostCommand.ToList().IndexOf("silo");
        Assert.True(siloVerb > 0, "unexpected silo command: " + string.Join(' ', hostCommand));
        var arguments = new List<string>
        {
            "exec",
            "--depsfile", Path.Combine(_applicationDirectory, _applicationName + ".deps.json"),
            "--runtimeconfig", Path.Combine(_applicationDirectory, _applicationName + ".runtimeconfig.json"),
            Path.Combine(_applicationDirectory, "GilAnalyzers.Processes.Orleans.dll"),
        };
        arguments.AddRange(hostCommand.Skip(siloVerb));

        var silo = new Silo(dotnet, arguments, _applicationDirectory, options);
        lock (_silos)
        {
            _silos.Add(silo);
        }

        await silo.WaitUntilReadyAsync(readyTimeout);
    }

    /// <summary>Kills every silo with its worker processes and asserts, by PID, that none of them is left.</summary>
    public ValueTask DisposeAsync()
    {
        Silo[] all;
        lock (_silos)
        {
            all = _silos.ToArray();
        }

        foreach (Silo silo in all)
        {
            silo.Kill();
        }

        foreach (Silo silo in all)
        {
            Assert.False(LocalCluster.IsRunning(silo.ProcessId), $"silo process {silo.ProcessId} is still running");
            LocalCluster.AssertNoWorkersLeft(silo.ProcessId);
        }

        return ValueTask.CompletedTask;
    }

    /// <summary>One silo process of the application.</summary>
    internal sealed class Silo
    {
        private readonly Process _process;
        private readonly StringBuilder _output = new();
        private readonly TaskCompletionSource<string> _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Silo(string dotnet, IReadOnlyList<string> arguments, string workingDirectory, ClusterSiloOptions options)
        {
            Options = options;
            Command = dotnet + " " + string.Join(' ', arguments);
            var psi = new ProcessStartInfo(dotnet)
            {
                UseShellExecute = false,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                RedirectStandardInput = true,
                WorkingDirectory = workingDirectory,
            };
            foreach (string argument in arguments)
            {
                psi.ArgumentList.Add(argument);
            }

            // The silo reads GILANALYZERS_POOL_* as defaults; only its command line configures it here.
            foreach (string key in psi.Environment.Keys.Where(k => k.StartsWith("GILANALYZERS_POOL_", StringComparison.Ordinal)).ToList())
            {
                psi.Environment.Remove(key);
            }

            _process = Process.Start(psi) ?? throw new InvalidOperationException("could not start " + Command);
            ProcessId = _process.Id;
            _process.OutputDataReceived += (_, e) =>
            {
                if (e.Data is not string line)
                {
                    return;
                }

                Append(line);
                if (line.StartsWith(ClusterSilo.ReadyLine + " ", StringComparison.Ordinal))
                {
                    _ready.TrySetResult(line.Split(' ')[1]);
                }
            };
            _process.ErrorDataReceived += (_, e) =>
            {
                if (e.Data is string line)
                {
                    Append("stderr: " + line);
                }
            };
            _process.EnableRaisingEvents = true;
            _process.Exited += (_, _) => _ready.TrySetException(new InvalidOperationException("the silo exited before it was ready"));
            _process.BeginOutputReadLine();
            _process.BeginErrorReadLine();
        }

        public ClusterSiloOptions Options { get; }

        public int ProcessId { get; }

        public string Command { get; }

        public string? Address { get; private set; }

        /// <summary>The last lines the silo printed (both streams).</summary>
        public string OutputTail
        {
            get
            {
                lock (_output)
                {
                    string[] lines = _output.ToString().Split('\n');
                    return string.Join('\n', lines.Skip(Math.Max(0, lines.Length - 30))).TrimEnd();
                }
            }
        }

        public async Task WaitUntilReadyAsync(TimeSpan timeout)
        {
            try
            {
                Address = await _ready.Task.WaitAsync(timeout);
            }
            catch (Exception ex) when (ex is TimeoutException or InvalidOperationException)
            {
                Kill();
                Assert.Fail($"silo {ProcessId} of the application did not join the cluster ({ex.Message}).\n  command: {Command}\n--- its output ---\n{OutputTail}");
            }
        }

        public void Kill()
        {
            try
            {
                if (!_process.HasExited)
                {
                    _process.Kill(entireProcessTree: true);
                }

                _process.WaitForExit(10_000);
            }
            catch (InvalidOperationException)
            {
            }
        }

        private void Append(string line)
        {
            lock (_output)
            {
                if (_output.Length < 64 * 1024)
                {
                    _output.AppendLine(line);
                }
            }
        }
    }
}
