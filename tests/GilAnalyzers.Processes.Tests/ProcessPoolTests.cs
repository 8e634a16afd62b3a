using System.Diagnostics;
using System.Reflection;
using Xunit;

namespace GilAnalyzers.Processes.Tests;

public sealed class ProcessPoolTests
{
    [Fact]
    public void Map_preserves_order_and_runs_in_other_processes()
    {
        using var pool = new ProcessPool(maxWorkers: 2);
        int[] input = Enumerable.Range(0, 300).Reverse().ToArray();

        int[] squares = pool.Map(Work.Square, input); // type arguments inferred from a method group, as GIL006's fix writes it

        Assert.Equal(input.Select(x => x * x), squares);
        int[] pids = pool.Map<int, int>(Work.Pid, Enumerable.Range(0, 20));
        Assert.DoesNotContain(Environment.ProcessId, pids);
        Assert.All(pids, p => Assert.Contains(p, pool.WorkerProcessIds));
    }

    [Fact]
    public async Task Records_tuples_doubles_and_nulls_round_trip()
    {
        using var pool = new ProcessPool(maxWorkers: 1);

        Frame[] frames = await pool.MapAsync<Frame, Frame>(Work.Encode, [new Frame("a", [1, 2]), new Frame("b", [])]);
        var tuples = await pool.MapAsync<(int A, int B), (int Sum, string Text)>(Work.Tuple, [(1, 2), (3, 4)]);
        double[] halves = await pool.MapAsync<double, double>(Work.Half, [1.0, double.NaN, double.PositiveInfinity, 0.1]);
        string?[] echoed = await pool.MapAsync<string?, string?>(Work.Echo, ["x", null, "ü\u0000\n"]);

        Assert.Equal("A", frames[0].Name);
        Assert.Equal(new[] { 2, 4 }, frames[0].Values);
        Assert.Empty(frames[1].Values);
        Assert.Equal(new[] { (3, "1+2"), (7, "3+4") }, tuples.Select(t => (t.Sum, t.Text)));
        Assert.Equal(new[] { 0.5, double.NaN, double.PositiveInfinity, 0.05 }, halves);
        Assert.Equal(new[] { "x", null, "ü\u0000\n" }, echoed);
    }

    [Fact]
    public void Worker_console_output_does_not_corrupt_the_transport()
    {
        using var pool = new ProcessPool(maxWorkers: 1);
        Assert.Equal(new[] { 2, 3, 4 }, pool.Map<int, int>(Work.WritesToConsole, [1, 2, 3]));
    }

    [Fact]
    public void Tuple_items_carry_per_call_values_to_a_non_capturing_lambda()
    {
        // The shape GIL006's fix writes for M(item, a, b): each item travels with the call's other arguments as a tuple.
        using var pool = new ProcessPool(maxWorkers: 2);
        int depth = 3;
        var items = System.Linq.Enumerable.Select<int, (int, int, DayOfWeek, string)>(System.Linq.Enumerable.Range(0, 5), item => (item, depth, DayOfWeek.Friday, "x"));

        var results = pool.Map(static input => $"{input.Item1 * input.Item2}:{input.Item3}:{input.Item4}", items);

        Assert.Equal(new[] { "0:Friday:x", "3:Friday:x", "6:Friday:x", "9:Friday:x", "12:Friday:x" }, results);
    }

    [Fact]
    public void Non_capturing_lambdas_run_capturing_ones_are_rejected_by_name()
    {
        using var pool = new ProcessPool(maxWorkers: 1);

        Assert.Equal(new[] { 2, 3 }, pool.Map((int x) => x + 1, [1, 2]));
        Assert.Equal(new[] { "1", "2" }, pool.Map(static (int x) => x.ToString(System.Globalization.CultureInfo.InvariantCulture), [1, 2]));

        int offset = 10;
        var captured = Assert.Throws<ArgumentException>(() => pool.Map((int x) => x + offset, [1]));
        Assert.Contains("captures variables", captured.Message);
        Assert.Contains(nameof(Non_capturing_lambdas_run_capturing_ones_are_rejected_by_name), captured.Message);
        Assert.Equal("work", captured.ParamName);

        var instance = new Instance(3);
        var bound = Assert.Throws<ArgumentException>(() => pool.Map<int, int>(instance.Add, [1]));
        Assert.Contains("instance method", bound.Message);
        Assert.Contains("Instance.Add", bound.Message);
        Assert.Empty(pool.WorkerProcessIds.Skip(1));
    }

    [Fact]
    public void Unserialisable_types_are_rejected_before_anything_runs_naming_the_type()
    {
        using var pool = new ProcessPool(maxWorkers: 1);

        var action = Assert.Throws<ArgumentException>(() => pool.Map<Action, int>(Work.TakesAction, [() => { }]));
        Assert.Contains("'System.Action'", action.Message);
        Assert.Contains("Work.TakesAction", action.Message);

        var opaque = Assert.Throws<ArgumentException>(() => pool.Map<Opaque, int>(Work.TakesOpaque, [new Opaque()]));
        Assert.Contains("'GilAnalyzers.Processes.Tests.Opaque'", opaque.Message);
        Assert.Contains("no public properties or fields", opaque.Message);

        var result = Assert.Throws<ArgumentException>(() => pool.Map<int, Opaque>(Work.ReturnsOpaque, [1]));
        Assert.Contains("result type 'GilAnalyzers.Processes.Tests.Opaque'", result.Message);

        var task = Assert.Throws<ArgumentException>(() => pool.Map<int, Task<int>>(Work.Async, [1]));
        Assert.Contains("'System.Threading.Tasks.Task`1", task.Message);
        Assert.Contains("synchronous", task.Message);

        var handle = Assert.Throws<ArgumentException>(() => pool.Map<IntPtr, int>(Work.TakesHandle, [IntPtr.Zero]));
        Assert.Contains("'System.IntPtr'", handle.Message);

        Assert.Empty(pool.WorkerProcessIds);
    }

    [Fact]
    public async Task Values_that_fail_to_serialise_at_run_time_fail_their_item_naming_the_type()
    {
        using var pool = new ProcessPool(maxWorkers: 1);

        var result = await Assert.ThrowsAsync<WorkSerializationException>(() => pool.MapAsync<int, Node>(Work.Cyclic, [0, 1, 2, 3]));
        Assert.Equal(2, result.ItemIndex);
        Assert.Contains("'GilAnalyzers.Processes.Tests.Node'", result.Message);

        var argument = await Assert.ThrowsAsync<WorkSerializationException>(() => pool.MapAsync<Tricky, int>(Work.ReadsTricky, [new Tricky(1), new Tricky(-1)]));
        Assert.Equal(1, argument.ItemIndex);
        Assert.Contains("'GilAnalyzers.Processes.Tests.Tricky'", argument.Message);
        Assert.Contains("no negative values", argument.Message);

        Assert.Equal(new[] { 5 }, await pool.MapAsync<Tricky, int>(Work.ReadsTricky, [new Tricky(5)]));
    }

    [Fact]
    public async Task User_exception_comes_back_with_type_message_and_remote_stack()
    {
        using var pool = new ProcessPool(maxWorkers: 2);

        var ex = await Assert.ThrowsAsync<RemoteWorkException>(() => pool.MapAsync<int, int>(Work.ThrowOnSeven, Enumerable.Range(0, 20)));

        Assert.Equal(7, ex.ItemIndex);
        Assert.Equal("System.InvalidOperationException", ex.RemoteType);
        Assert.Equal("seven is not allowed", ex.RemoteMessage);
        Assert.Contains(nameof(Work.ThrowOnSeven), ex.RemoteStackTrace);
        Assert.Contains("seven is not allowed", ex.Message);
        Assert.NotEqual(Environment.ProcessId, ex.WorkerProcessId);

        // The worker survives a user exception and the pool keeps working.
        Assert.Contains(ex.WorkerProcessId, pool.WorkerProcessIds);
        Assert.Equal(new[] { 1, 2 }, pool.Map<int, int>(Work.ThrowOnSeven, [1, 2]));
    }

    [Fact]
    public async Task FailFast_mid_item_fails_only_that_item_and_the_worker_is_replaced()
    {
        using var pool = new ProcessPool(maxWorkers: 2);
        await pool.MapAsync<int, int>(Work.Pid, [0, 1]);

        Task<int>[] submitted = [.. new[] { 1, 2, -1, 3, 4, 5 }.Select(x => pool.RunAsync<int, int>(Work.FailFastOnMinusOne, x))];
        await Task.WhenAll(submitted.Select(t => t.ContinueWith(_ => { })));

        var crash = await Assert.ThrowsAsync<WorkerCrashedException>(() => submitted[2]);
        Assert.Equal(134, crash.ExitCode);
        Assert.Contains("SIGABRT", crash.Message);
        Assert.Contains("deliberate failure for item -1", crash.StandardErrorTail);
        Assert.Equal(new[] { 1, 2, 3, 4, 5 }, new[] { 0, 1, 3, 4, 5 }.Select(i => submitted[i].Result));

        Assert.True(await ProcessInfo.WaitUntilGoneAsync([crash.WorkerProcessId], TimeSpan.FromSeconds(5)));
        int[] after = pool.Map<int, int>(Work.Pid, Enumerable.Range(0, 10));
        Assert.DoesNotContain(crash.WorkerProcessId, after);
    }

    [Fact]
    public async Task Worker_killed_from_outside_fails_its_item_clearly_and_pool_recovers()
    {
        using var pool = new ProcessPool(maxWorkers: 1);
        int pid = (await pool.MapAsync<int, int>(Work.Pid, [0]))[0];

        string marker = Path.Combine(Path.GetTempPath(), "gil-pool-test-" + Guid.NewGuid().ToString("N"));
        Task<int> running = pool.RunAsync<string, int>(Work.SignalThenSleep, marker);
        try
        {
            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
            while (!File.Exists(marker) && DateTime.UtcNow < deadline && !running.IsCompleted)
            {
                await Task.Delay(20);
            }

            Assert.True(File.Exists(marker), "the item never started");
        }
        finally
        {
            File.Delete(marker);
        }

        Process.GetProcessById(pid).Kill();

        var crash = await Assert.ThrowsAsync<WorkerCrashedException>(() => running);
        Assert.Equal(pid, crash.WorkerProcessId);
        Assert.Equal(137, crash.ExitCode);
        Assert.Contains("SIGKILL", crash.Message);
        Assert.Equal(0, crash.ItemIndex);

        int next = (await pool.MapAsync<int, int>(Work.Pid, [0]))[0];
        Assert.NotEqual(pid, next);
    }

    [Fact]
    public async Task Hung_item_past_its_timeout_kills_and_replaces_the_worker()
    {
        using var pool = new ProcessPool(maxWorkers: 1);
        int pid = (await pool.MapAsync<int, int>(Work.Pid, [0]))[0];
        var watch = Stopwatch.StartNew();

        var ex = await Assert.ThrowsAsync<WorkItemTimeoutException>(
            () => pool.MapAsync<int, int>(Work.SleepMilliseconds, [10, 60_000, 10], itemTimeout: TimeSpan.FromMilliseconds(700)));

        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(20), watch.Elapsed.ToString());
        Assert.Equal(1, ex.ItemIndex);
        Assert.Equal(pid, ex.WorkerProcessId);
        Assert.Contains("was killed and will be replaced", ex.Message);
        Assert.True(await ProcessInfo.WaitUntilGoneAsync([pid], TimeSpan.FromSeconds(5)));

        int[] after = await pool.MapAsync<int, int>(Work.SleepMilliseconds, [1, 1], itemTimeout: TimeSpan.FromSeconds(30));
        Assert.DoesNotContain(pid, after);
    }

    [Fact]
    public async Task Hung_item_inside_a_chunk_is_named_exactly()
    {
        using var pool = new ProcessPool(maxWorkers: 1);
        await pool.WarmUpAsync();
        var watch = Stopwatch.StartNew();

        int[] items = [.. Enumerable.Repeat(1, 40)];
        items[3] = 60_000;

        var ex = await Assert.ThrowsAsync<WorkItemTimeoutException>(
            () => pool.MapAsync<int, int>(Work.SleepMilliseconds, items, chunkSize: 40, itemTimeout: TimeSpan.FromMilliseconds(500)));

        // Reported by the worker's watchdog, well before the chunk's backstop (40 × 0.5 s + 2 s = 22 s).
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(15), watch.Elapsed.ToString());
        Assert.Equal(3, ex.ItemIndex);
        Assert.Equal(TimeSpan.FromMilliseconds(500), ex.Timeout);
        Assert.Contains("did not finish item 3 within 500 ms", ex.Message);
        Assert.Equal(new[] { 2, 3 }, await pool.MapAsync<int, int>(Work.ThrowOnSeven, [2, 3], chunkSize: 2, itemTimeout: TimeSpan.FromSeconds(30)));
    }

    [Fact]
    public void Ten_thousand_tiny_items_with_chunking()
    {
        using var pool = new ProcessPool(maxWorkers: 2);
        int[] input = Enumerable.Range(-5000, 10_000).ToArray();

        int[] chunked = pool.Map<int, int>(Work.Square, input, chunkSize: 250);
        int[] odd = pool.Map<int, int>(Work.Square, input, chunkSize: 333);

        Assert.Equal(input.Select(x => x * x), chunked);
        Assert.Equal(input.Select(x => x * x), odd);
    }

    [Fact]
    public void Default_chunking_starts_at_about_four_chunks_per_worker()
    {
        using var pool = new ProcessPool(maxWorkers: 2);

        // 80 items, 2 workers: the first chunk is 80 / (4 × 2) = 10 items, run by one worker; later chunks shrink
        // (ChunkingTests has the sizes).
        int[] pids = pool.Map<int, int>(Work.Pid, Enumerable.Range(0, 80));

        Assert.Single(pids.Take(10).Distinct());
        Assert.Equal(2, pids.Distinct().Count());
        Assert.Equal(new[] { 1, 1, 1, 2, 3, 13 }, new[] { 0, 1, 8, 9, 24, 100 }.Select(n => ProcessPool.AutomaticChunkSize(n, 2)));
    }

    [Fact]
    public async Task Dispose_leaves_no_child_process()
    {
        var pool = new ProcessPool(maxWorkers: 2);
        await pool.MapAsync<int, int>(Work.SleepMilliseconds, [200, 200, 200, 200]);
        int[] pids = [.. pool.WorkerProcessIds];
        Assert.Equal(2, pids.Length);
        Assert.All(pids, p => Assert.True(ProcessInfo.IsAlive(p)));

        pool.Dispose();

        Assert.All(pids, p => Assert.False(ProcessInfo.IsAlive(p), $"worker {p} still alive after Dispose"));
        Assert.Empty(pool.WorkerProcessIds);
        Assert.Throws<ObjectDisposedException>(() => pool.Map<int, int>(Work.Square, [1]));
    }

    [Fact]
    public async Task Cancellation_stops_the_map_and_its_workers()
    {
        using var pool = new ProcessPool(maxWorkers: 2);
        using var cts = new CancellationTokenSource();
        Task<int[]> map = pool.MapAsync<int, int>(Work.SleepMilliseconds, Enumerable.Repeat(60_000, 10), cancellationToken: cts.Token);
        while (pool.WorkerProcessIds.Count < 2)
        {
            await Task.Delay(20);
        }

        int[] pids = [.. pool.WorkerProcessIds];
        var watch = Stopwatch.StartNew();
        cts.Cancel();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => map);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(10), watch.Elapsed.ToString());
        Assert.True(await ProcessInfo.WaitUntilGoneAsync(pids, TimeSpan.FromSeconds(5)));

        Assert.Equal(new[] { 4, 9 }, pool.Map<int, int>(Work.Square, [2, 3]));
    }

    [Fact]
    public void A_worker_runs_one_chunk_at_a_time_while_the_next_waits_queued()
    {
        using var pool = new ProcessPool(maxWorkers: 1);

        // Chunks of one item: the pool keeps the next chunk queued at the worker while one runs.
        int[] running = pool.Map<int, int>(Work.RunningAtEntry, Enumerable.Repeat(30, 12), chunkSize: 1);

        Assert.All(running, r => Assert.Equal(1, r));
    }

    [Fact]
    public async Task Workers_are_recycled_after_maxTasksPerWorker()
    {
        using var pool = new ProcessPool(maxWorkers: 1, maxTasksPerWorker: 2);

        int[] pids = await pool.MapAsync<int, int>(Work.Pid, Enumerable.Range(0, 6));

        int[] distinct = [.. pids.Distinct()];
        Assert.Equal(3, distinct.Length);
        Assert.Equal(new[] { distinct[0], distinct[0], distinct[1], distinct[1], distinct[2], distinct[2] }, pids);
        Assert.True(await ProcessInfo.WaitUntilGoneAsync(distinct.Take(2), TimeSpan.FromSeconds(5)));
    }

    [Fact]
    public void Statics_are_per_worker_process()
    {
        using var pool = new ProcessPool(maxWorkers: 1);

        int[] counts = pool.Map<int, int>(Work.IncrementStatic, [0, 0, 0, 0]);

        Assert.Equal(new[] { 1, 2, 3, 4 }, counts);
        Assert.Equal(0, Work.CounterInThisProcess);
    }

    [Fact]
    public void Method_from_an_assembly_outside_the_apps_deps_json_loads_in_its_own_context()
    {
        string dir = typeof(ProcessPoolTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .Single(a => a.Key == "TestParentDirectory").Value!;
        Assembly plugin = Assembly.LoadFrom(Path.Combine(dir, "GilAnalyzers.Processes.TestParent.dll"));
        var describe = plugin.GetType("GilAnalyzers.Processes.TestParent.Program")!.GetMethod("Describe")!.CreateDelegate<Func<int, string>>();
        using var pool = new ProcessPool(maxWorkers: 1);

        string[] described = pool.Map(describe, [1, 2]);

        Assert.All(described, d => Assert.Contains(":GilAnalyzers.Processes.TestParent:", d));
        Assert.StartsWith("1:", described[0]);
        Assert.StartsWith("2:", described[1]);
    }

    [Fact]
    public async Task WarmUp_starts_every_worker_and_maps_reuse_them()
    {
        using var pool = new ProcessPool(maxWorkers: 2);

        int[] ready = await pool.WarmUpAsync();

        Assert.Equal(2, ready.Distinct().Count());
        Assert.Equal(ready.Order(), pool.WorkerProcessIds.Order());
        int[] used = await pool.MapAsync<int, int>(Work.SleepMilliseconds, [100, 100, 100, 100]);
        Assert.All(used, p => Assert.Contains(p, ready));
    }

    [Fact]
    public void Shared_pool_works()
    {
        Assert.Equal(Environment.ProcessorCount, ProcessPool.Shared.MaxWorkers);
        Assert.Equal(new[] { 1, 4, 9 }, ProcessPool.Shared.Map<int, int>(Work.Square, [1, 2, 3], chunkSize: 2));
        Assert.Same(ProcessPool.Shared, ProcessPool.Shared);
        Assert.Throws<InvalidOperationException>(() => ProcessPool.Shared.Dispose());
        Assert.Equal(new[] { 16 }, ProcessPool.Shared.Map<int, int>(Work.Square, [4]));
    }

    private sealed class Instance(int k)
    {
        public int Add(int x) => x + k;
    }
}
