using System.Diagnostics;
using Xunit.Abstractions;

namespace GilAnalyzers.Processes.Orleans.Tests;

[CollectionDefinition("cluster", DisableParallelization = true)]
public sealed class ClusterCollection
{
}

/// <summary>Real silo processes of this test application on loopback (localhost membership).</summary>
[Collection("cluster")]
public sealed class ClusterPoolTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Three_silos_map_ten_thousand_items_equal_to_a_local_run_in_order_on_every_silo()
    {
        await using LocalCluster cluster = await LocalCluster.StartAsync(3);
        await using var pool = new ClusterPool(cluster.PoolOptions());
        await cluster.WaitUntilSeenAsync(pool);
        int[] items = Enumerable.Range(0, 10_000).ToArray();

        long[][] remote = await pool.MapAsync<int, long[]>(ClusterWork.MixOnSilo, items, chunkSize: 100);

        long[] local;
        await using (var processes = new ProcessPool(maxWorkers: 2))
        {
            local = await processes.MapAsync<int, long>(ClusterWork.Mix, items);
        }

        Assert.Equal(local, remote.Select(r => r[0]).ToArray());
        var ran = remote.Select(r => (int)r[1]).ToHashSet();
        output.WriteLine("silos that ran items: " + string.Join(", ", ran));
        Assert.Equal(cluster.Silos.Select(s => s.ProcessId).ToHashSet(), ran);
    }

    [Fact]
    public async Task A_silo_killed_mid_map_has_its_chunks_run_again_and_every_result_comes_back_once_in_order()
    {
        await using LocalCluster cluster = await LocalCluster.StartAsync(3);
        await using var pool = new ClusterPool(cluster.PoolOptions());
        await cluster.WaitUntilSeenAsync(pool);
        int[] items = Enumerable.Range(0, 1200).ToArray();
        SiloProcess victim = cluster.Silos[2]; // not the primary, which holds the localhost membership table

        var watch = Stopwatch.StartNew();
        Task<long[][]> map = pool.MapAsync<int, long[]>(ClusterWork.SlowMixOnSilo, items, chunkSize: 10);
        // Kill it once it is working: its local pool's worker processes have started and run for a moment.
        int[] victimWorkers = [];
        while (victimWorkers.Length == 0 && watch.Elapsed < TimeSpan.FromSeconds(30))
        {
            await Task.Delay(100);
            victimWorkers = LocalCluster.WorkerPidsOf(victim.ProcessId);
        }

        await Task.Delay(TimeSpan.FromSeconds(1));
        Assert.False(map.IsCompleted, "the map finished before the silo was killed; make it longer");
        victim.Kill(entireProcessTree: false); // SIGKILL of the silo alone: its worker processes must notice and exit
        output.WriteLine($"killed silo {victim.Address} (pid {victim.ProcessId}) at {watch.Elapsed.TotalSeconds:0.0} s");

        long[][] results = await map.WaitAsync(TimeSpan.FromSeconds(90));
        output.WriteLine($"map done at {watch.Elapsed.TotalSeconds:0.0} s");

        Assert.Equal(items.Length, results.Length);
        Assert.Equal(items.Select(ClusterWork.Mix).ToArray(), results.Select(r => r[0]).ToArray());
        var ranBy = results.GroupBy(r => (int)r[1]).ToDictionary(g => g.Key, g => g.Count());
        output.WriteLine("results per silo process: " + string.Join(", ", ranBy.Select(kv => $"{kv.Key}: {kv.Value}")));
        Assert.True(ranBy.Keys.Count(pid => pid != victim.ProcessId) == 2, "the two other silos finished the map");
        Assert.False(LocalCluster.IsRunning(victim.ProcessId));
        Assert.NotEmpty(victimWorkers);
        LocalCluster.AssertNoWorkersLeft(victim.ProcessId);
        Assert.All(victimWorkers, pid => Assert.False(LocalCluster.IsRunning(pid), $"worker {pid} of the killed silo is still running"));
    }

    [Fact]
    public async Task A_silo_that_joins_mid_map_receives_work()
    {
        await using LocalCluster cluster = await LocalCluster.StartAsync(1);
        await using var pool = new ClusterPool(cluster.PoolOptions());
        int[] items = Enumerable.Range(0, 2500).ToArray();

        Task<long[][]> map = pool.MapAsync<int, long[]>(ClusterWork.SlowMixOnSilo, items, chunkSize: 5);
        SiloProcess late = await cluster.AddSiloAsync();
        Assert.False(map.IsCompleted, "the map finished before the late silo joined; make it longer");
        long[][] results = await map.WaitAsync(TimeSpan.FromSeconds(120));

        Assert.Equal(items.Select(ClusterWork.Mix).ToArray(), results.Select(r => r[0]).ToArray());
        int byLate = results.Count(r => r[1] == late.ProcessId);
        output.WriteLine($"late silo {late.ProcessId} ran {byLate} of {items.Length} items");
        Assert.True(byLate > 0, "the late joiner ran items");
    }

    [Fact]
    public async Task Losing_every_silo_fails_the_map_with_a_clear_exception_not_a_hang()
    {
        await using LocalCluster cluster = await LocalCluster.StartAsync(2);
        await using var pool = new ClusterPool(cluster.PoolOptions(noSiloTimeout: TimeSpan.FromSeconds(5)));
        int[] items = Enumerable.Range(0, 5000).ToArray();

        Task<long[][]> map = pool.MapAsync<int, long[]>(ClusterWork.SlowMixOnSilo, items, chunkSize: 5);
        await Task.Delay(TimeSpan.FromSeconds(1));
        var watch = Stopwatch.StartNew();
        foreach (SiloProcess silo in cluster.Silos)
        {
            silo.Kill();
        }

        var error = await Assert.ThrowsAnyAsync<ProcessPoolException>(() => map.WaitAsync(TimeSpan.FromSeconds(60)));
        output.WriteLine($"after {watch.Elapsed.TotalSeconds:0.0} s: {error.GetType().Name}: {error.Message}");
        Assert.True(error is ClusterUnavailableException or ClusterWorkLostException, error.ToString());
        Assert.Contains("silo", error.Message, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Cancellation_stops_the_work_on_the_silos()
    {
        await using LocalCluster cluster = await LocalCluster.StartAsync(2);
        await using var pool = new ClusterPool(cluster.PoolOptions());
        string folder = Directory.CreateTempSubdirectory("gil-cancel-").FullName;
        try
        {
            string[] items = Enumerable.Range(0, 400).Select(i => folder + "|" + i).ToArray();
            using var cts = new CancellationTokenSource();
            Task<int[]> map = pool.MapAsync<string, int>(ClusterWork.SpinThenMark, items, chunkSize: 10, cancellationToken: cts.Token);
            // Cancel once items really run on the silos: a fixed delay (it was 2 s) can pass before a loaded machine has
            // started any worker process, and then the test proves nothing.
            var starting = Stopwatch.StartNew();
            while (Directory.GetFiles(folder).Length == 0 && !map.IsCompleted && starting.Elapsed < TimeSpan.FromSeconds(60))
            {
                await Task.Delay(50);
            }

            Assert.True(Directory.GetFiles(folder).Length > 0, "items ran before the cancellation (none within 60 s)");
            double waited = starting.Elapsed.TotalSeconds;
            cts.Cancel();
            var watch = Stopwatch.StartNew();
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => map);
            double ended = watch.Elapsed.TotalSeconds;
            int atCancel = Directory.GetFiles(folder).Length;
            // The cancellation travels to the silos as a message; each silo's local pool then stops the worker processes
            // running the chunk. Give that 1.5 s, then nothing may run any more: without it the silos would go on
            // finishing items (about 20 per second here) until all 400 are done.
            await Task.Delay(TimeSpan.FromSeconds(1.5));
            int settled = Directory.GetFiles(folder).Length;
            await Task.Delay(TimeSpan.FromSeconds(2));
            int later = Directory.GetFiles(folder).Length;
            output.WriteLine($"cancelled after {waited:0.00} s; the map ended {ended:0.00} s later; {atCancel} items done then, {settled} 1.5 s later, {later} 3.5 s later (of {items.Length})");
            Assert.True(ended < 10, $"the map ended soon after the cancellation (it took {ended:0.0} s)");
            Assert.True(atCancel < items.Length, "the cancellation came before the map finished");
            Assert.True(later - settled <= 1, $"work went on after the cancellation: {later - settled} more items between 1.5 s and 3.5 s after it");
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public async Task A_throwing_item_comes_back_with_its_type_message_and_remote_stack_the_first_in_input_order()
    {
        await using LocalCluster cluster = await LocalCluster.StartAsync(1);
        await using var pool = new ClusterPool(cluster.PoolOptions());

        var error = await Assert.ThrowsAsync<RemoteWorkException>(() => pool.MapAsync<int, int>(ClusterWork.FailAt37, Enumerable.Range(0, 200), chunkSize: 7));

        Assert.Equal(37, error.ItemIndex);
        Assert.Equal("System.InvalidOperationException", error.RemoteType);
        Assert.Equal("item 37 is bad", error.RemoteMessage);
        Assert.Contains(nameof(ClusterWork.FailAt37), error.RemoteStackTrace);
        Assert.Equal(cluster.Silos[0].ProcessId, error.WorkerProcessId);
        Assert.Equal(7, await pool.SubmitAsync<int, int>(ClusterWork.FailAt37, 7));
        var streamed = new List<(int Index, int Value)>();
        await foreach ((int Index, int Value) pair in pool.MapUnorderedAsync<int, int>(ClusterWork.FailAt37, Enumerable.Range(0, 30), chunkSize: 4))
        {
            streamed.Add(pair);
        }

        Assert.Equal(Enumerable.Range(0, 30), streamed.OrderBy(p => p.Index).Select(p => p.Value));

        // A late item: the silo's local pool kills the worker running it, and the map fails with that item's timeout.
        var watch = Stopwatch.StartNew();
        var late = await Assert.ThrowsAsync<WorkItemTimeoutException>(() => pool.MapAsync<int, int>(ClusterWork.StuckAt5, Enumerable.Range(0, 20), chunkSize: 10, itemTimeout: TimeSpan.FromSeconds(1)));
        output.WriteLine($"after {watch.Elapsed.TotalSeconds:0.0} s: {late.Message}");
        Assert.Equal(5, late.ItemIndex);
        Assert.Equal(TimeSpan.FromSeconds(1), late.Timeout);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(20));
    }

    [Fact]
    public async Task A_worker_that_dies_inside_a_chunk_gives_the_chunks_items_as_the_local_pool_does_never_an_innocent_item()
    {
        await using LocalCluster cluster = await LocalCluster.StartAsync(1);
        await using var pool = new ClusterPool(cluster.PoolOptions());
        int siloPid = cluster.Silos[0].ProcessId;

        // Cluster chunks of 40: item 41 is the second item of items 40–79, which the silo's local pool (2 worker processes)
        // runs in local chunks of several items. Before, this came back as a RemoteWorkException of item 40, an innocent item.
        var crash = await Assert.ThrowsAsync<WorkerCrashedException>(() => pool.MapAsync<int, int>(ClusterWork.FailFastAt41, Enumerable.Range(0, 80), chunkSize: 40));
        output.WriteLine(crash.Message);
        Assert.Equal(-1, crash.ItemIndex);
        Assert.InRange(41, crash.FirstItemIndex, crash.LastItemIndex);
        Assert.True(crash.FirstItemIndex >= 40 && crash.LastItemIndex <= 79, $"{crash.FirstItemIndex}–{crash.LastItemIndex} is not within the cluster chunk 40–79");
        Assert.True(crash.LastItemIndex > crash.FirstItemIndex, $"{crash.FirstItemIndex}–{crash.LastItemIndex}");
        Assert.Contains($"items {crash.FirstItemIndex}–{crash.LastItemIndex} of", crash.Message);
        Assert.Contains("which of these items it was running is not known", crash.Message);
        Assert.DoesNotContain($"item {crash.FirstItemIndex} ", crash.Message);
        Assert.Equal(134, crash.ExitCode);
        Assert.Contains("SIGABRT", crash.Message);
        Assert.Contains("deliberate crash for item 41", crash.StandardErrorTail);
        Assert.NotEqual(siloPid, crash.WorkerProcessId);
        Assert.True(crash.WorkerProcessId > 0);

        // The streaming map reports it the same way.
        var streamed = await Assert.ThrowsAsync<WorkerCrashedException>(async () =>
        {
            await foreach ((int Index, int Value) _ in pool.MapUnorderedAsync<int, int>(ClusterWork.FailFastAt41, Enumerable.Range(0, 80), chunkSize: 40))
            {
            }
        });
        Assert.Equal(-1, streamed.ItemIndex);
        Assert.InRange(41, streamed.FirstItemIndex, streamed.LastItemIndex);
        Assert.True(streamed.LastItemIndex > streamed.FirstItemIndex);

        // A cluster chunk of one item is a local chunk of one: the crash names its item.
        var alone = await Assert.ThrowsAsync<WorkerCrashedException>(() => pool.MapAsync<int, int>(ClusterWork.FailFastAt41, Enumerable.Range(0, 80), chunkSize: 1));
        Assert.Equal(41, alone.ItemIndex);
        Assert.Equal(41, alone.FirstItemIndex);
        Assert.Equal(41, alone.LastItemIndex);
        Assert.Contains("item 41 of", alone.Message);
        Assert.Equal(134, alone.ExitCode);

        // The silo replaced its worker processes: the next map runs.
        Assert.Equal(Enumerable.Range(0, 40), await pool.MapAsync<int, int>(ClusterWork.FailFastAt41, Enumerable.Range(0, 40), chunkSize: 10));
    }
}
