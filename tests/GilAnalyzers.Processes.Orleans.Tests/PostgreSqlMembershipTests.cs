using Xunit.Abstractions;

namespace GilAnalyzers.Processes.Orleans.Tests;

/// <summary>Silos and client that find each other through a membership table in a real PostgreSQL server.</summary>
[Collection("cluster")]
public sealed class PostgreSqlMembershipTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Silos_and_client_find_each_other_through_a_postgresql_membership_table_and_survive_a_lost_silo()
    {
        using PostgreSqlServer server = PostgreSqlServer.Start();
        await PostgreSqlMembership.EnsureCreatedAsync(server.ConnectionString);
        await PostgreSqlMembership.EnsureCreatedAsync(server.ConnectionString); // idempotent

        await using LocalCluster cluster = await LocalCluster.StartAsync(3, () => new ClusterSiloOptions
        {
            Membership = ClusterMembership.AdoNet,
            ConnectionString = server.ConnectionString,
            ListenAddress = System.Net.IPAddress.Loopback,
        });
        var options = new ClusterPoolOptions
        {
            Membership = ClusterMembership.AdoNet,
            ConnectionString = server.ConnectionString,
            ClusterId = cluster.ClusterId,
            ServiceId = cluster.ClusterId,
        };
        await using var pool = new ClusterPool(options);
        await cluster.WaitUntilSeenAsync(pool);

        int[] items = Enumerable.Range(0, 900).ToArray();
        Task<long[][]> map = pool.MapAsync<int, long[]>(ClusterWork.SlowMixOnSilo, items, chunkSize: 10);
        await Task.Delay(TimeSpan.FromSeconds(1.5));
        SiloProcess victim = cluster.Silos[1];
        victim.Kill();
        long[][] results = await map.WaitAsync(TimeSpan.FromSeconds(90));

        Assert.Equal(items.Select(ClusterWork.Mix).ToArray(), results.Select(r => r[0]).ToArray());
        var ranBy = results.GroupBy(r => (int)r[1]).ToDictionary(g => g.Key, g => g.Count());
        output.WriteLine("results per silo process: " + string.Join(", ", ranBy.Select(kv => $"{kv.Key}: {kv.Value}")) + $" (killed {victim.ProcessId})");
        Assert.Equal(2, ranBy.Keys.Count(pid => pid != victim.ProcessId)); // both survivors finished the map
    }
}
