using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace GilAnalyzers.Processes.Orleans.Tests;

/// <summary>Silo processes of this test application on loopback; every one started is killed and checked gone (by PID).</summary>
internal sealed class LocalCluster : IAsyncDisposable
{
    private readonly List<SiloProcess> _silos = new();
    private readonly string _clusterId = "t" + Guid.NewGuid().ToString("N")[..12];
    private readonly Func<ClusterSiloOptions>? _template;
    private int? _primary;

    private LocalCluster(Func<ClusterSiloOptions>? template) => _template = template;

    public IReadOnlyList<SiloProcess> Silos => _silos;

    public string ClusterId => _clusterId;

    /// <summary>Starts <paramref name="count"/> silos (localhost membership unless a template says otherwise): the first, then the rest at once.</summary>
    public static async Task<LocalCluster> StartAsync(int count, Func<ClusterSiloOptions>? template = null)
    {
        var cluster = new LocalCluster(template);
        try
        {
            await cluster.AddSiloAsync();
            await Task.WhenAll(Enumerable.Range(1, count - 1).Select(_ => cluster.AddSiloAsync()));
            return cluster;
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }
    }

    public async Task<SiloProcess> AddSiloAsync()
    {
        ClusterSiloOptions options = _template?.Invoke() ?? new ClusterSiloOptions();
        options.SiloPort = FreePort();
        options.GatewayPort = FreePort();
        options.Workers ??= 2;
        options.ClusterId = _clusterId;
        options.ServiceId = _clusterId;
        if (options.Membership == ClusterMembership.Localhost)
        {
            lock (_silos)
            {
                _primary ??= options.SiloPort;
            }

            options.PrimarySiloPort = _primary;
        }

        SiloProcess silo = await SiloProcess.StartAsync(options, TimeSpan.FromSeconds(90));
        lock (_silos)
        {
            _silos.Add(silo);
        }

        return silo;
    }

    public ClusterPoolOptions PoolOptions(TimeSpan? noSiloTimeout = null)
    {
        var options = new ClusterPoolOptions { ClusterId = _clusterId, ServiceId = _clusterId, NoSiloTimeout = noSiloTimeout ?? TimeSpan.FromSeconds(20) };
        lock (_silos)
        {
            foreach (SiloProcess silo in _silos)
            {
                options.Gateways.Add(new IPEndPoint(IPAddress.Loopback, silo.Options.GatewayPort));
            }
        }

        return options;
    }

    /// <summary>Waits until the pool's view of the membership has every silo of this cluster that is still running.</summary>
    public async Task WaitUntilSeenAsync(ClusterPool pool)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (true)
        {
            HashSet<int> expected;
            lock (_silos)
            {
                expected = _silos.Where(s => !s.HasExited).Select(s => s.ProcessId).ToHashSet();
            }

            IReadOnlyList<ClusterSiloStatus> seen = await pool.GetSilosAsync();
            if (expected.IsSubsetOf(seen.Select(s => s.ProcessId)))
            {
                return;
            }

            Assert.True(DateTime.UtcNow < deadline, $"the cluster shows {seen.Count} silos, expected {expected.Count}");
            await Task.Delay(200);
        }
    }

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>Kills every silo and asserts, by PID, that none is left.</summary>
    public ValueTask DisposeAsync()
    {
        SiloProcess[] all;
        lock (_silos)
        {
            all = _silos.ToArray();
        }

        foreach (SiloProcess silo in all)
        {
            silo.Dispose();
        }

        foreach (SiloProcess silo in all)
        {
            Assert.False(IsRunning(silo.ProcessId), $"silo process {silo.ProcessId} is still running");
            AssertNoWorkersLeft(silo.ProcessId);
        }

        return ValueTask.CompletedTask;
    }

    /// <summary>The worker processes a silo's local pool started (they carry <c>--parent-pid &lt;silo&gt;</c>).</summary>
    public static int[] WorkerPidsOf(int siloPid)
    {
        var found = new List<int>();
        string marker = "--parent-pid\0" + siloPid.ToString(System.Globalization.CultureInfo.InvariantCulture) + "\0";
        foreach (string dir in Directory.GetDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out int pid))
            {
                continue;
            }

            try
            {
                string cmdline = File.ReadAllText(Path.Combine(dir, "cmdline"));
                if (cmdline.Contains("--gil-worker", StringComparison.Ordinal) && (cmdline + "\0").Contains(marker, StringComparison.Ordinal) && IsRunning(pid))
                {
                    found.Add(pid);
                }
            }
            catch (IOException)
            {
            }
            catch (UnauthorizedAccessException)
            {
            }
        }

        return found.ToArray();
    }

    /// <summary>Asserts that no worker process of the silo is left (waiting up to 5 s for them to notice).</summary>
    public static void AssertNoWorkersLeft(int siloPid)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(5);
        int[] left;
        while ((left = WorkerPidsOf(siloPid)).Length > 0 && DateTime.UtcNow < deadline)
        {
            Thread.Sleep(100);
        }

        Assert.True(left.Length == 0, $"worker processes of silo {siloPid} are still running: {string.Join(", ", left)}");
    }

    public static bool IsRunning(int pid)
    {
        try
        {
            using Process p = Process.GetProcessById(pid);
            return !p.HasExited && !File.ReadAllText($"/proc/{pid}/stat").Contains(") Z ", StringComparison.Ordinal);
        }
        catch (Exception ex) when (ex is ArgumentException or InvalidOperationException or IOException)
        {
            return false;
        }
    }
}
