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
}
