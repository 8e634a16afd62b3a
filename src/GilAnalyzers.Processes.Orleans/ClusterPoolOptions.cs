using System;
using System.Collections.Generic;
using System.Globalization;
using System.Net;

namespace GilAnalyzers.Processes.Orleans;

/// <summary>How the silos of a cluster find each other, and how a client finds them.</summary>
public enum ClusterMembership
{
    /// <summary>
    /// One machine: silos on loopback, the first (primary) one holds the membership table in memory, the client knows
    /// the gateway ports. For trying the cluster out; the cluster ends with its primary silo.
    /// </summary>
    Localhost,

    /// <summary>A membership table in a database through ADO.NET (PostgreSQL through Npgsql): several machines, no primary.</summary>
    AdoNet,
}

/// <summary>Where a <see cref="ClusterPool"/> finds its cluster, and how it treats lost silos.</summary>
public sealed class ClusterPoolOptions
{
    /// <summary>The default cluster id and service id.</summary>
    public const string DefaultClusterId = "gilanalyzers";

    /// <summary>The default gateway port of the first localhost silo.</summary>
    public const int DefaultGatewayPort = 30000;

    /// <summary>How the cluster keeps its membership.</summary>
    public ClusterMembership Membership { get; set; } = ClusterMembership.Localhost;

    /// <summary>Gateways the client connects to with <see cref="ClusterMembership.Localhost"/> (default 127.0.0.1:30000). One live gateway is enough: work reaches every silo through it.</summary>
    public IList<IPEndPoint> Gateways { get; } = new List<IPEndPoint>();

    /// <summary>The ADO.NET connection string of the membership database (<see cref="ClusterMembership.AdoNet"/>).</summary>
    public string? ConnectionString { get; set; }

    /// <summary>The ADO.NET provider invariant name; <c>Npgsql</c> (PostgreSQL) by default.</summary>
    public string Invariant { get; set; } = "Npgsql";

    /// <summary>The Orleans cluster id (silos and client must agree).</summary>
    public string ClusterId { get; set; } = DefaultClusterId;

    /// <summary>The Orleans service id (silos and client must agree).</summary>
    public string ServiceId { get; set; } = DefaultClusterId;

    /// <summary>How long a map waits for at least one silo (at the start, or after losing every silo) before it fails with <see cref="ClusterUnavailableException"/>. Default 30 s.</summary>
    public TimeSpan NoSiloTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How often a running map looks at the cluster's membership for lost and new silos. Default 500 ms.</summary>
    public TimeSpan MembershipPollInterval { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>Times one chunk may be started on silos that were then lost before it fails the map with <see cref="ClusterWorkLostException"/>. Default 3.</summary>
    public int MaxAttemptsPerChunk { get; set; } = 3;

    /// <summary>Chunks in flight per work thread of a silo (the next one travels while one runs). Default 2.</summary>
    public int ChunksInFlightPerWorker { get; set; } = 2;

    /// <summary>The cluster's TLS certificate (PKCS#12 file with its private key), or null for plain TCP. Silos and clients must all use the same one (see docs/cluster.md, "TLS").</summary>
    public string? TlsCertificatePath { get; set; }

    /// <summary>The password of <see cref="TlsCertificatePath"/>, if any.</summary>
    public string? TlsCertificatePassword { get; set; }

    /// <summary>Longest time the client waits for one chunk's answer when no item timeout is given. Default 30 minutes (a lost silo is noticed through membership much sooner).</summary>
    public TimeSpan ResponseTimeout { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>
    /// Reads the options from settings by short name (<see cref="IWorkerPoolBackendFactory"/> passes the environment
    /// variables <c>GILANALYZERS_POOL_&lt;NAME&gt;</c>): <c>MEMBERSHIP</c> (<c>localhost</c>, or <c>postgres</c>/<c>adonet</c>),
    /// <c>GATEWAYS</c> (comma-separated <c>port</c> or <c>host:port</c>), <c>CONNECTION</c>, <c>INVARIANT</c>,
    /// <c>CLUSTER_ID</c>, <c>SERVICE_ID</c>, <c>NO_SILO_TIMEOUT</c> (seconds), <c>TLS_CERT</c>, <c>TLS_PASSWORD</c>.
    /// </summary>
    /// <param name="setting">Reads one setting, null when unset.</param>
    /// <returns>The options.</returns>
    /// <exception cref="ArgumentException">A setting has an invalid value.</exception>
    public static ClusterPoolOptions FromSettings(Func<string, string?> setting) => FromSettings(setting, validate: true);

    internal static ClusterPoolOptions FromSettings(Func<string, string?> setting, bool validate)
    {
        var options = new ClusterPoolOptions();
        string? membership = setting("MEMBERSHIP");
        options.Membership = membership?.Trim().ToLowerInvariant() switch
        {
            null or "" or "localhost" => ClusterMembership.Localhost,
            "postgres" or "postgresql" or "adonet" => ClusterMembership.AdoNet,
            _ => throw new ArgumentException($"GILANALYZERS_POOL_MEMBERSHIP='{membership}' is not one of localhost, postgres, adonet."),
        };
        if (setting("GATEWAYS") is string gateways)
        {
            foreach (string part in gateways.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                options.Gateways.Add(ParseEndpoint(part));
            }
        }

        options.ConnectionString = setting("CONNECTION") ?? options.ConnectionString;
        options.Invariant = setting("INVARIANT") ?? options.Invariant;
        options.ClusterId = setting("CLUSTER_ID") ?? options.ClusterId;
        options.ServiceId = setting("SERVICE_ID") ?? options.ServiceId;
        options.TlsCertificatePath = setting("TLS_CERT") ?? options.TlsCertificatePath;
        options.TlsCertificatePassword = setting("TLS_PASSWORD") ?? options.TlsCertificatePassword;
        if (setting("NO_SILO_TIMEOUT") is string seconds)
        {
            options.NoSiloTimeout = TimeSpan.FromSeconds(double.Parse(seconds, CultureInfo.InvariantCulture));
        }

        if (validate && options.Membership == ClusterMembership.AdoNet && string.IsNullOrWhiteSpace(options.ConnectionString))
        {
            throw new ArgumentException("GILANALYZERS_POOL_MEMBERSHIP=postgres needs GILANALYZERS_POOL_CONNECTION (the membership database's connection string).");
        }

        return options;
    }

    /// <summary>Parses <c>port</c> (on 127.0.0.1) or <c>host:port</c>.</summary>
    /// <param name="text">The text.</param>
    /// <returns>The endpoint.</returns>
    public static IPEndPoint ParseEndpoint(string text)
    {
        if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out int port))
        {
            return new IPEndPoint(IPAddress.Loopback, port);
        }

        if (IPEndPoint.TryParse(text, out IPEndPoint? endpoint) && endpoint.Port != 0)
        {
            return endpoint;
        }

        int colon = text.LastIndexOf(':');
        if (colon > 0 && int.TryParse(text[(colon + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out port))
        {
            IPAddress[] addresses = Dns.GetHostAddresses(text[..colon]);
            if (addresses.Length > 0)
            {
                return new IPEndPoint(addresses[0], port);
            }
        }

        throw new ArgumentException($"'{text}' is not a gateway endpoint (port, or host:port).");
    }

    internal IReadOnlyList<IPEndPoint> GatewaysOrDefault() =>
        Gateways.Count > 0 ? (IReadOnlyList<IPEndPoint>)Gateways : new[] { new IPEndPoint(IPAddress.Loopback, DefaultGatewayPort) };
}

/// <summary>No silo of the cluster could be reached for <see cref="ClusterPoolOptions.NoSiloTimeout"/>: the map cannot go on.</summary>
public sealed class ClusterUnavailableException : ProcessPoolException
{
    /// <summary>Creates the exception.</summary>
    public ClusterUnavailableException(string message, int itemIndex = -1, Exception? inner = null)
        : base(message, itemIndex, inner)
    {
    }
}

/// <summary>A chunk was started <see cref="ClusterPoolOptions.MaxAttemptsPerChunk"/> times on silos that were then lost (a chunk that kills its silo, or a cluster losing silos faster than it finishes).</summary>
public sealed class ClusterWorkLostException : ProcessPoolException
{
    /// <summary>Creates the exception.</summary>
    public ClusterWorkLostException(string message, int itemIndex, Exception? inner = null)
        : base(message, itemIndex, inner)
    {
    }
}
