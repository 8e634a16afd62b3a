using System;
using System.Threading;
using System.Threading.Tasks;
using Npgsql;

namespace GilAnalyzers.Processes.Orleans;

/// <summary>
/// The PostgreSQL tables and queries that Orleans' ADO.NET clustering provider (Microsoft.Orleans.Clustering.AdoNet)
/// reads its membership through. The provider takes its SQL from a table named <c>OrleansQuery</c> (key, text) and
/// reads results by column name; this schema fills it with our own statements (single statements with CTEs, so each
/// versioned write is atomic without stored procedures). Run <see cref="EnsureCreatedAsync"/> once per database (it
/// does nothing when the tables exist), or apply <see cref="Script"/> with psql.
/// </summary>
public static class PostgreSqlMembership
{
    /// <summary>The schema: two tables for the membership, the query table, and the queries.</summary>
    public const string Script = """
        CREATE TABLE IF NOT EXISTS OrleansQuery (
            QueryKey  varchar(64)   NOT NULL PRIMARY KEY,
            QueryText varchar(8000) NOT NULL
        );

        CREATE TABLE IF NOT EXISTS gil_membership_version (
            deploymentid varchar(150)   NOT NULL PRIMARY KEY,
            timestamp    timestamptz(3) NOT NULL DEFAULT now(),
            version      integer        NOT NULL DEFAULT 0
        );

        CREATE TABLE IF NOT EXISTS gil_membership (
            deploymentid varchar(150)   NOT NULL REFERENCES gil_membership_version (deploymentid),
            address      varchar(45)    NOT NULL,
            port         integer        NOT NULL,
            generation   integer        NOT NULL,
            siloname     varchar(150)   NOT NULL,
            hostname     varchar(150)   NOT NULL,
            status       integer        NOT NULL,
            proxyport    integer        NULL,
            suspecttimes varchar(8000)  NULL,
            starttime    timestamptz(3) NOT NULL,
            iamalivetime timestamptz(3) NOT NULL,
            PRIMARY KEY (deploymentid, address, port, generation)
        );

        INSERT INTO OrleansQuery (QueryKey, QueryText) VALUES
        ('UpdateIAmAlivetimeKey',
         'UPDATE gil_membership SET iamalivetime = @IAmAliveTime
           WHERE deploymentid = @DeploymentId AND address = @Address AND port = @Port AND generation = @Generation;'),

        ('InsertMembershipVersionKey',
         'WITH created AS (
              INSERT INTO gil_membership_version (deploymentid) VALUES (@DeploymentId)
              ON CONFLICT (deploymentid) DO NOTHING RETURNING 1)
          SELECT count(*)::integer FROM created;'),

        ('InsertMembershipKey',
         'WITH bumped AS (
              UPDATE gil_membership_version SET version = version + 1, timestamp = now()
               WHERE deploymentid = @DeploymentId AND version = @Version
                 AND NOT EXISTS (SELECT 1 FROM gil_membership
                                  WHERE deploymentid = @DeploymentId AND address = @Address AND port = @Port AND generation = @Generation)
              RETURNING 1),
          added AS (
              INSERT INTO gil_membership (deploymentid, address, port, generation, siloname, hostname, status, proxyport, starttime, iamalivetime)
              SELECT @DeploymentId, @Address, @Port, @Generation, @SiloName, @HostName, @Status, @ProxyPort, @StartTime, @IAmAliveTime FROM bumped
              RETURNING 1)
          SELECT count(*)::integer FROM added;'),

        ('UpdateMembershipKey',
         'WITH bumped AS (
              UPDATE gil_membership_version SET version = version + 1, timestamp = now()
               WHERE deploymentid = @DeploymentId AND version = @Version
                 AND EXISTS (SELECT 1 FROM gil_membership
                              WHERE deploymentid = @DeploymentId AND address = @Address AND port = @Port AND generation = @Generation)
              RETURNING 1),
          changed AS (
              UPDATE gil_membership SET status = @Status, suspecttimes = @SuspectTimes, iamalivetime = @IAmAliveTime
               WHERE deploymentid = @DeploymentId AND address = @Address AND port = @Port AND generation = @Generation
                 AND EXISTS (SELECT 1 FROM bumped)
              RETURNING 1)
          SELECT count(*)::integer FROM changed;'),

        ('MembershipReadRowKey',
         'SELECT v.deploymentid AS DeploymentId, m.address AS Address, m.port AS Port, m.generation AS Generation,
                 m.siloname AS SiloName, m.hostname AS HostName, m.status AS Status, m.proxyport AS ProxyPort,
                 m.suspecttimes AS SuspectTimes, m.starttime AS StartTime, m.iamalivetime AS IAmAliveTime, v.version AS Version
            FROM gil_membership_version v
            LEFT JOIN gil_membership m
              ON m.deploymentid = v.deploymentid AND m.address = @Address AND m.port = @Port AND m.generation = @Generation
           WHERE v.deploymentid = @DeploymentId;'),

        ('MembershipReadAllKey',
         'SELECT v.deploymentid AS DeploymentId, m.address AS Address, m.port AS Port, m.generation AS Generation,
                 m.siloname AS SiloName, m.hostname AS HostName, m.status AS Status, m.proxyport AS ProxyPort,
                 m.suspecttimes AS SuspectTimes, m.starttime AS StartTime, m.iamalivetime AS IAmAliveTime, v.version AS Version
            FROM gil_membership_version v
            LEFT JOIN gil_membership m ON m.deploymentid = v.deploymentid
           WHERE v.deploymentid = @DeploymentId;'),

        ('DeleteMembershipTableEntriesKey',
         'DELETE FROM gil_membership WHERE deploymentid = @DeploymentId;
          DELETE FROM gil_membership_version WHERE deploymentid = @DeploymentId;'),

        ('GatewaysQueryKey',
         'SELECT address AS Address, proxyport AS ProxyPort, generation AS Generation
            FROM gil_membership
           WHERE deploymentid = @DeploymentId AND status = @Status AND proxyport > 0;'),

        ('CleanupDefunctSiloEntriesKey',
         'DELETE FROM gil_membership
           WHERE deploymentid = @DeploymentId AND iamalivetime < @IAmAliveTime AND status <> 3;')
        ON CONFLICT (QueryKey) DO UPDATE SET QueryText = EXCLUDED.QueryText;
        """;

    /// <summary>Creates the membership tables and queries in the database if they are missing (and refreshes the queries).</summary>
    /// <param name="connectionString">An Npgsql connection string to the membership database.</param>
    /// <param name="cancellationToken">Cancels the work.</param>
    /// <returns>Completes when the schema is in place.</returns>
    public static async Task EnsureCreatedAsync(string connectionString, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(connectionString);
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using NpgsqlTransaction transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await using (var command = new NpgsqlCommand("SELECT pg_advisory_xact_lock(7419001)", connection, transaction))
        {
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        await using (var command = new NpgsqlCommand(Script, connection, transaction))
        {
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
    }
}
