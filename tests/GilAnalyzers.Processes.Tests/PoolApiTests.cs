using System.Diagnostics;
using Xunit;

namespace GilAnalyzers.Processes.Tests;

/// <summary>What ProcessPoolExecutor / loky / joblib users rely on: submit, initializer, shutdown, streaming.</summary>
public sealed class PoolApiTests
{
    [Fact]
    public async Task SubmitAsync_returns_a_task_per_call_and_faults_only_the_failing_one()
    {
        using var pool = new ProcessPool(maxWorkers: 2);

        Task<int> seven = pool.SubmitAsync<int, int>(Work.ThrowOnSeven, 7);
        Task<int>[] squares = [.. Enumerable.Range(1, 4).Select(x => pool.SubmitAsync<int, int>(Work.Square, x))];
        Task<int> pid = pool.SubmitAsync<int, int>(Work.Pid, 0);

        Assert.Equal(new[] { 1, 4, 9, 16 }, await Task.WhenAll(squares));
        Assert.NotEqual(Environment.ProcessId, await pid);
        Assert.Contains(await pid, pool.WorkerProcessIds);
        var ex = await Assert.ThrowsAsync<RemoteWorkException>(() => seven);
        Assert.Equal(0, ex.ItemIndex);
        Assert.Equal("seven is not allowed", ex.RemoteMessage);
        Assert.Equal(25, await pool.RunAsync<int, int>(Work.Square, 5)); // the earlier name is the same call

        // Validation happens at the call, before a task exists (like MapAsync).
        int offset = 1;
        Task<int>? never = null;
        Assert.Throws<ArgumentException>(() => { never = pool.SubmitAsync((int x) => x + offset, 1); });
        Assert.Null(never);
    }

    [Fact]
    public void Initializer_runs_once_in_each_worker_before_its_items()
    {
        using var pool = new ProcessPool(maxWorkers: 1, maxTasksPerWorker: 2, initializer: Work.LoadModel);

        string[] seen = pool.Map<int, string>(Work.UseModel, [0, 1, 2, 3], chunkSize: 1);

        // Two workers (recycled after 2 items), each initialised once, before its first item.
        string[] models = [.. seen.Select(s => s.Split(':')[1]).Distinct()];
        Assert.Equal(2, models.Length);
        Assert.Equal(new[] { $"1:{models[0]}:0", $"1:{models[0]}:1", $"1:{models[1]}:2", $"1:{models[1]}:3" }, seen);
        Assert.DoesNotContain("model@" + Environment.ProcessId, models);
        Assert.Null(Work.ModelInThisProcess);

        int k = 1;
        var captured = Assert.Throws<ArgumentException>(() => new ProcessPool(initializer: () => Console.Write(k)));
        Assert.Equal("initializer", captured.ParamName);
        Assert.Contains("captures variables", captured.Message);
    }

    [Fact]
    public async Task Failing_initializer_breaks_the_pool_with_its_cause_and_later_calls_fail_fast()
    {
        string pids = Directory.CreateTempSubdirectory("gil-init-pids-").FullName;
        Environment.SetEnvironmentVariable(Work.InitPidFolderVariable, pids); // inherited by the workers started now
        try
        {
            using var pool = new ProcessPool(maxWorkers: 2, initializer: Work.InitFails);

            var ex = await Assert.ThrowsAsync<BrokenProcessPoolException>(() => pool.MapAsync<int, int>(Work.Square, Enumerable.Range(0, 20), chunkSize: 1));

            Assert.Contains("Work.InitFails", ex.Initializer);
            Assert.Equal("System.IO.FileNotFoundException", ex.RemoteType);
            Assert.Equal("model.bin was not found", ex.RemoteMessage);
            Assert.Contains("initializer 'GilAnalyzers.Processes.Tests.Work.InitFails' threw System.IO.FileNotFoundException", ex.Message);
            Assert.Contains("model.bin was not found", ex.Message);
            Assert.Contains(nameof(Work.InitFails), ex.RemoteDetail);
            Assert.True(pool.IsBroken);

            // Every worker that ran the initializer is gone (by PID), none is left in the pool.
            int[] started = [.. Directory.GetFiles(pids).Select(f => int.Parse(Path.GetFileName(f)))];
            Assert.Contains(ex.WorkerProcessId, started);
            Assert.True(await ProcessInfo.WaitUntilGoneAsync(started, TimeSpan.FromSeconds(5)), "workers of the broken pool are still alive");
            Assert.Empty(pool.WorkerProcessIds);

            // Later calls fail at once with the same cause, and start no process.
            var watch = Stopwatch.StartNew();
            var map = Assert.Throws<BrokenProcessPoolException>(() => pool.Map<int, int>(Work.Square, [1]));
            var submit = await Assert.ThrowsAsync<BrokenProcessPoolException>(() => pool.SubmitAsync<int, int>(Work.Square, 1));
            var warm = await Assert.ThrowsAsync<BrokenProcessPoolException>(() => pool.WarmUpAsync());
            Assert.True(watch.Elapsed < TimeSpan.FromSeconds(2), watch.Elapsed.ToString());
            Assert.All(new[] { map, submit, warm }, later =>
            {
                Assert.Equal(ex.Message, later.Message);
                Assert.Equal(ex.WorkerProcessId, later.WorkerProcessId);
            });
            Assert.Equal(started.Length, Directory.GetFiles(pids).Length);
        }
        finally
        {
            Environment.SetEnvironmentVariable(Work.InitPidFolderVariable, null);
            Directory.Delete(pids, recursive: true);
        }
    }

    [Fact]
    public async Task Worker_dying_in_its_initializer_breaks_the_pool_with_exit_code_and_stderr()
    {
        using var pool = new ProcessPool(maxWorkers: 1, initializer: Work.InitFailsFast);

        var ex = await Assert.ThrowsAsync<BrokenProcessPoolException>(() => pool.SubmitAsync<int, int>(Work.Square, 3));

        Assert.Equal(134, ex.ExitCode);
        Assert.Null(ex.RemoteType);
        Assert.Contains("SIGABRT", ex.Message);
        Assert.Contains("Work.InitFailsFast", ex.Message);
        Assert.Contains("the initializer gave up", ex.StandardErrorTail);
        Assert.False(ProcessInfo.IsAlive(ex.WorkerProcessId));
        Assert.Throws<BrokenProcessPoolException>(() => pool.Map<int, int>(Work.Square, [1]));
    }

    [Fact]
    public async Task Dispose_waits_for_running_and_waiting_calls_then_no_worker_is_left()
    {
        var pool = new ProcessPool(maxWorkers: 1);
        int pid = (await pool.WarmUpAsync())[0];
        Task<int> running = pool.SubmitAsync<int, int>(Work.SleepMilliseconds, 700);
        Task<int[]> waiting = pool.MapAsync<int, int>(Work.Square, [2, 3]); // runs before or after it, on the only worker

        pool.Dispose();

        Assert.True(running.IsCompletedSuccessfully);
        Assert.Equal(pid, await running);
        Assert.True(waiting.IsCompletedSuccessfully);
        Assert.Equal(new[] { 4, 9 }, await waiting);
        Assert.False(ProcessInfo.IsAlive(pid), $"worker {pid} still alive after Dispose");
        Assert.Empty(pool.WorkerProcessIds);
        await Assert.ThrowsAsync<ObjectDisposedException>(() => pool.SubmitAsync<int, int>(Work.Square, 1));
    }

    [Fact]
    public async Task Shutdown_with_cancelPending_finishes_running_work_and_cancels_what_has_not_started()
    {
        var pool = new ProcessPool(maxWorkers: 1);
        string marker = Path.Combine(Path.GetTempPath(), "gil-pool-shutdown-" + Guid.NewGuid().ToString("N"));
        try
        {
            Task<int> running = pool.SubmitAsync<string, int>(Work.MarkThenSleep, marker + "|1000");
            await WaitForFileAsync(marker, running);
            Task<int[]> waitingMap = pool.MapAsync<int, int>(Work.Square, [1, 2, 3]); // wait for the only worker
            Task<int> waitingCall = pool.SubmitAsync<int, int>(Work.Square, 4);
            int pid = Assert.Single(pool.WorkerProcessIds);

            await pool.ShutdownAsync(cancelPending: true);

            Assert.Equal(pid, await running);
            Assert.True(waitingMap.IsCanceled, waitingMap.Status + " " + waitingMap.Exception);
            Assert.True(waitingCall.IsCanceled);
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waitingCall);
            Assert.False(ProcessInfo.IsAlive(pid), $"worker {pid} still alive after Shutdown");
            Assert.Throws<ObjectDisposedException>(() => pool.Map<int, int>(Work.Square, [1]));
        }
        finally
        {
            File.Delete(marker);
        }
    }

    [Fact]
    public async Task Terminate_kills_running_work_now_and_no_worker_is_left()
    {
        var pool = new ProcessPool(maxWorkers: 2);
        Task<int>[] running = [pool.SubmitAsync<int, int>(Work.SleepMilliseconds, 60_000), pool.SubmitAsync<int, int>(Work.SleepMilliseconds, 60_000)];
        while (pool.WorkerProcessIds.Count < 2)
        {
            await Task.Delay(20);
        }

        Task<int> waiting = pool.SubmitAsync<int, int>(Work.Square, 5); // both workers are taken: it waits

        int[] pids = [.. pool.WorkerProcessIds];
        Task disposing = Task.Run(pool.Dispose); // waits for the 60 s items...
        await Task.Delay(100);
        Assert.False(disposing.IsCompleted);
        var watch = Stopwatch.StartNew();
        pool.Terminate();

        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(5), watch.Elapsed.ToString());
        await disposing.WaitAsync(TimeSpan.FromSeconds(10)); // ...until Terminate ends them
        Assert.All(pids, p => Assert.False(ProcessInfo.IsAlive(p), $"worker {p} still alive after Terminate"));
        foreach (Task<int> call in running.Append(waiting))
        {
            await Assert.ThrowsAsync<ObjectDisposedException>(() => call);
        }

        Assert.Empty(pool.WorkerProcessIds);
        pool.Dispose(); // harmless afterwards
        Assert.Throws<ObjectDisposedException>(() => pool.Map<int, int>(Work.Square, [1]));
    }

    [Fact]
    public void The_shared_pool_cannot_be_shut_down_or_terminated()
    {
        Assert.Throws<InvalidOperationException>(() => ProcessPool.Shared.Shutdown(cancelPending: true));
        Assert.Throws<InvalidOperationException>(() => ProcessPool.Shared.Terminate());
    }

    [Fact]
    public async Task MapUnorderedAsync_yields_results_as_they_complete_with_their_index()
    {
        using var pool = new ProcessPool(maxWorkers: 2);
        await pool.WarmUpAsync();
        int[] input = [1500, 1, 2, 3, 4, 5, 6];

        var seen = new List<(int Index, int Value)>();
        await foreach ((int Index, int Value) result in pool.MapUnorderedAsync<int, int>(Work.SleepAndEcho, input))
        {
            seen.Add(result);
        }

        Assert.Equal(Enumerable.Range(0, input.Length), seen.Select(r => r.Index).Order());
        Assert.All(seen, r => Assert.Equal(input[r.Index], r.Value));
        // The slow first item comes back after the quick ones the other worker ran meanwhile (its own worker
        // has at most the next item queued behind it).
        Assert.True(seen.FindIndex(r => r.Index == 0) >= 4, string.Join(" ", seen));
    }

    [Fact]
    public async Task MapUnorderedAsync_reads_a_million_item_input_lazily_within_bufferSize()
    {
        using var pool = new ProcessPool(maxWorkers: 2);
        var input = new CountingInput(1_000_000);
        const int bufferSize = 100;

        int received = 0;
        await foreach ((int index, int value) in pool.MapUnorderedAsync<int, int>(Work.Square, input, chunkSize: 10, bufferSize: bufferSize))
        {
            Assert.Equal(index * index, value);
            // Before this result was handed over, `received` results had been; each gave one place back.
            Assert.True(input.Pulled <= received + bufferSize, $"pulled {input.Pulled} items with {received} results received");
            if (++received == 300)
            {
                break;
            }
        }

        Assert.True(input.Pulled <= 300 + bufferSize, $"pulled {input.Pulled}");
        Assert.True(input.Disposed, "the input enumerator was not disposed");
        Assert.Equal(new[] { 4 }, await pool.MapAsync<int, int>(Work.Square, [2]));
    }

    [Fact]
    public async Task MapUnorderedAsync_ends_with_the_failing_items_exception_after_the_results_before_it()
    {
        using var pool = new ProcessPool(maxWorkers: 2);
        var seen = new List<int>();

        var ex = await Assert.ThrowsAsync<RemoteWorkException>(async () =>
        {
            // Enough items that the other worker cannot finish them all while the failing one reports (a worker's first
            // exception takes milliseconds to describe; a ReadyToRun worker runs ~20 µs items meanwhile).
            await foreach ((int index, int value) in pool.MapUnorderedAsync<int, int>(Work.ThrowOnSeven, Enumerable.Range(0, 10_000)))
            {
                Assert.Equal(index, value);
                seen.Add(index);
            }
        });

        Assert.Equal(7, ex.ItemIndex);
        Assert.Equal("seven is not allowed", ex.RemoteMessage);
        Assert.DoesNotContain(7, seen);
        Assert.True(seen.Count < 9_999, $"{seen.Count} results: the map went on past the failure");
        Assert.Equal(new[] { 1, 2 }, await pool.MapAsync<int, int>(Work.ThrowOnSeven, [1, 2]));

        // An exception from the input itself ends the stream with that exception; an empty input yields nothing.
        var fromInput = await Assert.ThrowsAsync<InvalidOperationException>(async () =>
        {
            await foreach (var _ in pool.MapUnorderedAsync<int, int>(Work.Square, ThrowsAfter(3)))
            {
            }
        });
        Assert.Equal("the input failed after 3 items", fromInput.Message);
        await foreach (var _ in pool.MapUnorderedAsync<int, int>(Work.Square, []))
        {
            Assert.Fail("an empty input yielded a result");
        }
    }

    private static IEnumerable<int> ThrowsAfter(int count)
    {
        for (int i = 0; i < count; i++)
        {
            yield return i;
        }

        throw new InvalidOperationException($"the input failed after {count} items");
    }

    [Fact]
    public async Task MapUnorderedAsync_cancelled_through_WithCancellation_kills_the_running_worker()
    {
        using var pool = new ProcessPool(maxWorkers: 1);
        int pid = (await pool.WarmUpAsync())[0];
        using var cts = new CancellationTokenSource();
        var watch = Stopwatch.StartNew();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
        {
            await foreach ((int index, _) in pool.MapUnorderedAsync<int, int>(Work.SleepAndEcho, [5, 60_000, 60_000]).WithCancellation(cts.Token))
            {
                Assert.Equal(0, index);
                cts.Cancel();
            }
        });

        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(15), watch.Elapsed.ToString());
        Assert.True(await ProcessInfo.WaitUntilGoneAsync([pid], TimeSpan.FromSeconds(5)), $"worker {pid} still runs the cancelled item");
        Assert.Equal(new[] { 9 }, await pool.MapAsync<int, int>(Work.Square, [3]));
    }

    /// <summary>0, 1, 2, … counting how far it has been enumerated.</summary>
    private sealed class CountingInput(int count) : IEnumerable<int>
    {
        private int _pulled;

        public int Pulled => Volatile.Read(ref _pulled);

        public bool Disposed { get; private set; }

        public IEnumerator<int> GetEnumerator()
        {
            try
            {
                for (int i = 0; i < count; i++)
                {
                    Interlocked.Increment(ref _pulled);
                    yield return i;
                }
            }
            finally
            {
                Disposed = true;
            }
        }

        System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
    }

    private static async Task WaitForFileAsync(string path, Task running)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (!File.Exists(path) && DateTime.UtcNow < deadline && !running.IsCompleted)
        {
            await Task.Delay(20);
        }

        Assert.True(File.Exists(path), "the item never started");
    }

    [Fact]
    public async Task Idle_workers_exit_after_the_idle_timeout_and_the_next_call_starts_new_ones()
    {
        using var pool = new ProcessPool(maxWorkers: 2, idleTimeout: TimeSpan.FromMilliseconds(300));
        Assert.Equal(TimeSpan.FromMilliseconds(300), pool.IdleTimeout);

        int[] first = pool.Map<int, int>(Work.Pid, [0, 1, 2, 3], chunkSize: 1);
        int[] started = [.. first.Distinct()];
        Assert.True(await ProcessInfo.WaitUntilGoneAsync(started, TimeSpan.FromSeconds(10)), "idle workers still alive: " + string.Join(",", started));
        Assert.Empty(pool.WorkerProcessIds);

        // The next call starts new workers on demand. (No timeout from here on: with 300 ms, a loaded machine could retire
        // them before the check below. The test failed once in a full run at load ~22, within 1 s; its message was not
        // kept, and this is the one check that a delay of 300 ms can break.)
        pool.IdleTimeout = null;
        int[] second = pool.Map<int, int>(Work.Pid, [0, 1], chunkSize: 1);
        Assert.Empty(second.Intersect(started));
        Assert.All(second, pid => Assert.True(ProcessInfo.IsAlive(pid)));

        // No timeout: idle workers stay.
        await Task.Delay(700);
        Assert.All(second.Distinct(), pid => Assert.True(ProcessInfo.IsAlive(pid)));
        Assert.Throws<ArgumentOutOfRangeException>(() => pool.IdleTimeout = TimeSpan.Zero);
    }

    [Fact]
    public async Task Shared_pool_workers_exit_when_idle_and_are_recreated_on_demand()
    {
        TimeSpan? before = ProcessPool.Shared.IdleTimeout;
        Assert.Equal(ProcessPool.SharedIdleTimeoutDefault, before);
        Assert.Equal(TimeSpan.FromMinutes(5), before);
        try
        {
            ProcessPool.Shared.IdleTimeout = TimeSpan.FromMilliseconds(300);
            int[] first = [.. ProcessPool.Shared.Map<int, int>(Work.Pid, [0, 1], chunkSize: 1).Distinct()];
            Assert.True(await ProcessInfo.WaitUntilGoneAsync(first, TimeSpan.FromSeconds(10)), "shared idle workers still alive: " + string.Join(",", first));

            int[] again = ProcessPool.Shared.Map<int, int>(Work.Pid, [0], chunkSize: 1);
            Assert.DoesNotContain(again[0], first);
            Assert.Equal(new[] { 81 }, ProcessPool.Shared.Map<int, int>(Work.Square, [9]));
        }
        finally
        {
            ProcessPool.Shared.IdleTimeout = before;
        }
    }
}
