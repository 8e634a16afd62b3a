using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Net;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Configuration;
using Orleans.Hosting;
using Orleans.Runtime;

namespace GilAnalyzers.Processes.Orleans;

/// <summary>How a silo of the pool's cluster is set up.</summary>
public sealed class ClusterSiloOptions
{
    /// <summary>How the silos keep their membership.</summary>
    public ClusterMembership Membership { get; set; } = ClusterMembership.Localhost;

    /// <summary>Port for silo-to-silo traffic. Default 11111.</summary>
    public int SiloPort { get; set; } = 11111;

    /// <summary>Port clients connect to. Default 30000.</summary>
    public int GatewayPort { get; set; } = ClusterPoolOptions.DefaultGatewayPort;

    /// <summary>With <see cref="ClusterMembership.Localhost"/>: the silo port of the primary silo (which holds the membership); null makes this silo the primary.</summary>
    public int? PrimarySiloPort { get; set; }

    /// <summary>The ADO.NET connection string of the membership database.</summary>
    public string? ConnectionString { get; set; }

    /// <summary>The ADO.NET provider invariant name; <c>Npgsql</c> by default.</summary>
    public string Invariant { get; set; } = "Npgsql";

    /// <summary>The Orleans cluster id.</summary>
    public string ClusterId { get; set; } = ClusterPoolOptions.DefaultClusterId;

    /// <summary>The Orleans service id.</summary>
    public string ServiceId { get; set; } = ClusterPoolOptions.DefaultClusterId;

    /// <summary>The address other silos and clients reach this silo at (ADO.NET membership); default: the first non-loopback IPv4 address of the machine.</summary>
    public IPAddress? AdvertisedAddress { get; set; }

    /// <summary>The address the silo and gateway ports bind to; default: any address (<c>0.0.0.0</c>) with ADO.NET membership, loopback with localhost membership.</summary>
    public IPAddress? ListenAddress { get; set; }

    /// <summary>Chunks the silo runs at once (its work threads); default <see cref="Environment.ProcessorCount"/>.</summary>
    public int? Workers { get; set; }

    /// <summary>When set, the silo exits as soon as this process is gone (tests and benchmarks start silos this way: no orphans).</summary>
    public int? ParentProcessId { get; set; }

    /// <summary>The cluster's TLS certificate (PKCS#12 with private key), or null for plain TCP; the same file on every silo and client.</summary>
    public string? TlsCertificatePath { get; set; }

    /// <summary>The password of <see cref="TlsCertificatePath"/>, if any.</summary>
    public string? TlsCertificatePassword { get; set; }

    /// <summary>Probe period of the membership protocol: a silo that misses 3 probes in a row is voted dead. Default 1 s (Orleans' own default is 5 s).</summary>
    public TimeSpan ProbeTimeout { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// Reads the options from command-line arguments (<c>--membership localhost|postgres</c>, <c>--silo-port</c>,
    /// <c>--gateway-port</c>, <c>--primary-port</c>, <c>--connection</c>, <c>--invariant</c>, <c>--cluster-id</c>,
    /// <c>--service-id</c>, <c>--advertise</c>, <c>--listen</c>, <c>--workers</c>, <c>--parent-pid</c>, <c>--tls-cert</c>, <c>--tls-password</c>), with the environment
    /// variables <c>GILANALYZERS_POOL_MEMBERSHIP</c>, <c>_CONNECTION</c>, <c>_INVARIANT</c>, <c>_CLUSTER_ID</c>, <c>_SERVICE_ID</c>, <c>_TLS_CERT</c>, <c>_TLS_PASSWORD</c> as defaults,
    /// so one set of variables configures the client and the silos.
    /// </summary>
    /// <param name="args">The arguments after <c>silo</c>.</param>
    /// <returns>The options.</returns>
    /// <exception cref="ArgumentException">An unknown argument or an invalid value.</exception>
    public static ClusterSiloOptions Parse(IReadOnlyList<string> args)
    {
        ClusterPoolOptions shared = ClusterPoolOptions.FromSettings(name => name == "GATEWAYS" ? null : Environment.GetEnvironmentVariable(WorkerPoolBackend.SettingPrefix + name), validate: false);
        var options = new ClusterSiloOptions
        {
            Membership = shared.Membership,
            ConnectionString = shared.ConnectionString,
            Invariant = shared.Invariant,
            ClusterId = shared.ClusterId,
            ServiceId = shared.ServiceId,
            TlsCertificatePath = shared.TlsCertificatePath,
            TlsCertificatePassword = shared.TlsCertificatePassword,
        };
        for (int i = 0; i < args.Count; i++)
        {
            string name = args[i];
            string Value() => i + 1 < args.Count ? args[++i] : throw new ArgumentException($"{name} needs a value.");
            int Int() => int.Parse(Value(), NumberStyles.None, CultureInfo.InvariantCulture);
            switch (name)
            {
                case "--membership":
                    string m = Value();
                    options.Membership = m.ToLowerInvariant() switch
                    {
                        "localhost" => ClusterMembership.Localhost,
                        "postgres" or "postgresql" or "adonet" => ClusterMembership.AdoNet,
                        _ => throw new ArgumentException($"--membership '{m}' is not one of localhost, postgres, adonet."),
                    };
                    break;
                case "--silo-port": options.SiloPort = Int(); break;
                case "--gateway-port": options.GatewayPort = Int(); break;
                case "--primary-port": options.PrimarySiloPort = Int(); break;
                case "--connection": options.ConnectionString = Value(); break;
                case "--invariant": options.Invariant = Value(); break;
                case "--cluster-id": options.ClusterId = Value(); break;
                case "--service-id": options.ServiceId = Value(); break;
                case "--advertise": options.AdvertisedAddress = IPAddress.Parse(Value()); break;
                case "--listen": options.ListenAddress = IPAddress.Parse(Value()); break;
                case "--workers": options.Workers = Int(); break;
                case "--parent-pid": options.ParentProcessId = Int(); break;
                case "--probe-timeout-ms": options.ProbeTimeout = TimeSpan.FromMilliseconds(Int()); break;
                case "--tls-cert": options.TlsCertificatePath = Value(); break;
                case "--tls-password": options.TlsCertificatePassword = Value(); break;
                default: throw new ArgumentException($"Unknown argument '{name}'.");
            }
        }

        if (options.Membership == ClusterMembership.AdoNet && string.IsNullOrWhiteSpace(options.ConnectionString))
        {
            throw new ArgumentException("ADO.NET (PostgreSQL) membership needs --connection or GILANALYZERS_POOL_CONNECTION.");
        }

        return options;
    }
}

/// <summary>
/// A silo of the pool's cluster: the user's own application in worker mode. Start it with the application's own
/// deps.json and runtimeconfig.json so that the application's assemblies (the work methods) resolve as they do in the
/// application:
/// <c>dotnet exec --depsfile MyApp.deps.json --runtimeconfig MyApp.runtimeconfig.json GilAnalyzers.Processes.Orleans.dll silo [options]</c>,
/// or call <see cref="RunAsync"/> from the application's <c>Main</c> (e.g. behind a <c>--silo</c> switch).
/// </summary>
public static class ClusterSilo
{
    /// <summary>The line a silo writes to standard output once it has joined the cluster: <c>gilanalyzers-silo-ready &lt;address&gt; &lt;pid&gt;</c>.</summary>
    public const string ReadyLine = "gilanalyzers-silo-ready";

    /// <summary>Runs a silo until the process is asked to stop (Ctrl+C, SIGTERM) or <paramref name="cancellationToken"/> fires.</summary>
    /// <param name="options">The silo's setup.</param>
    /// <param name="cancellationToken">Stops the silo.</param>
    /// <returns>Completes when the silo has stopped.</returns>
    public static async Task RunAsync(ClusterSiloOptions options, CancellationToken cancellationToken = default)
    {
        using IHost host = Build(options);
        if (options.ParentProcessId is int parent)
        {
            WatchParent(parent);
        }

        await host.StartAsync(cancellationToken).ConfigureAwait(false);
        SiloAddress address = host.Services.GetRequiredService<ILocalSiloDetails>().SiloAddress;
        Console.Out.WriteLine($"{ReadyLine} {address} {Environment.ProcessId}");
        Console.Out.Flush();
        await host.WaitForShutdownAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Builds the silo's host (not started).</summary>
    /// <param name="options">The silo's setup.</param>
    /// <returns>The host.</returns>
    public static IHost Build(ClusterSiloOptions options)
    {
        HostApplicationBuilder builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Logging.ClearProviders();
        builder.Logging.AddSimpleConsole(o => o.SingleLine = true);
        builder.Logging.Configure(o => o.ActivityTrackingOptions = ActivityTrackingOptions.None);
        builder.Services.Configure<Microsoft.Extensions.Logging.Console.ConsoleLoggerOptions>(o => o.LogToStandardErrorThreshold = LogLevel.Trace);
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(10));
        builder.UseOrleans(silo =>
        {
            if (options.Membership == ClusterMembership.Localhost)
            {
                var primary = new IPEndPoint(IPAddress.Loopback, options.PrimarySiloPort ?? options.SiloPort);
                silo.UseLocalhostClustering(options.SiloPort, options.GatewayPort, primary, options.ServiceId, options.ClusterId);
            }
            else
            {
                silo.UseAdoNetClustering(o =>
                {
                    o.Invariant = options.Invariant;
                    o.ConnectionString = options.ConnectionString;
                });
                silo.Configure<ClusterOptions>(o =>
                {
                    o.ClusterId = options.ClusterId;
                    o.ServiceId = options.ServiceId;
                });
                silo.Configure<EndpointOptions>(o =>
                {
                    IPAddress listen = options.ListenAddress ?? IPAddress.Any;
                    o.AdvertisedIPAddress = options.AdvertisedAddress ?? (IPAddress.IsLoopback(listen) ? listen : AdvertisedDefault());
                    o.SiloPort = options.SiloPort;
                    o.GatewayPort = options.GatewayPort;
                    o.SiloListeningEndpoint = new IPEndPoint(listen, options.SiloPort);
                    o.GatewayListeningEndpoint = new IPEndPoint(listen, options.GatewayPort);
                });
            }

            silo.Configure<ClusterMembershipOptions>(o =>
            {
                // A lost silo is voted dead within a few seconds (Orleans' defaults take tens of seconds); its chunks
                // then run again elsewhere. Work runs on the executor's own threads, so busy silos still answer probes.
                o.ProbeTimeout = options.ProbeTimeout;
                o.NumMissedProbesLimit = 3;
                o.TableRefreshTimeout = TimeSpan.FromSeconds(2);
                o.IAmAliveTablePublishTimeout = TimeSpan.FromSeconds(5);
                o.DeathVoteExpirationTimeout = TimeSpan.FromSeconds(30);
            });
            silo.Configure<SiloMessagingOptions>(o =>
            {
                o.ResponseTimeout = TimeSpan.FromMinutes(30);
                o.ResponseTimeoutWithDebugger = TimeSpan.FromMinutes(30);
            });
            if (options.TlsCertificatePath is string certificatePath)
            {
                var certificate = ClusterTls.Load(certificatePath, options.TlsCertificatePassword);
                silo.UseTls(o => ClusterTls.Configure(o, certificate));
            }

            silo.Services.AddPlacementDirector<SiloPinnedPlacement, SiloPinnedPlacementDirector>();
            silo.Services.AddSingleton(sp => new ChunkExecutor(options.Workers, sp.GetRequiredService<ILocalSiloDetails>().SiloAddress.ToString()));
        });
        return builder.Build();
    }

    private static IPAddress AdvertisedDefault()
    {
        foreach (IPAddress address in Dns.GetHostAddresses(Dns.GetHostName()))
        {
            if (address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork && !IPAddress.IsLoopback(address))
            {
                return address;
            }
        }

        return IPAddress.Loopback;
    }

    private static void WatchParent(int parentPid)
    {
        var thread = new Thread(() =>
        {
            while (true)
            {
                Thread.Sleep(250);
                if (!IsAlive(parentPid))
                {
                    Environment.Exit(3);
                }
            }
        })
        { IsBackground = true, Name = "GilAnalyzers.Processes.Orleans parent watch" };
        thread.Start();
    }

    private static bool IsAlive(int pid)
    {
        if (OperatingSystem.IsLinux())
        {
            try
            {
                // Re-parented (the parent is gone even if its pid was reused) or no such process.
                string stat = File.ReadAllText("/proc/self/stat");
                string[] fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
                return int.Parse(fields[1], CultureInfo.InvariantCulture) == pid;
            }
            catch (Exception ex) when (ex is IOException or FormatException or IndexOutOfRangeException)
            {
            }
        }

        try
        {
            using var process = System.Diagnostics.Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }
}
