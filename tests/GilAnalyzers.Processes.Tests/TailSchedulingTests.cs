using Xunit;

namespace GilAnalyzers.Processes.Tests;

/// <summary>
/// A map keeps a second chunk queued at a busy worker only while more chunks are left than workers: the last chunks go
/// to whichever worker is free, never behind a running chunk while another worker waits.
/// </summary>
public sealed class TailSchedulingTests
{
    [Fact]
    public async Task As_many_slow_items_as_workers_run_on_different_workers()
    {
        using var pool = new ProcessPool(maxWorkers: 2);
        await pool.WarmUpAsync();

        for (int round = 0; round < 3; round++)
        {
            int[] pids = await pool.MapAsync<int, int>(TailWork.SleepThenPid, [300, 300]);
            Assert.True(pids[0] != pids[1], $"round {round}: both items ran in worker {pids[0]}, one after the other");
        }
    }

    [Fact]
    public async Task The_last_chunks_go_to_the_worker_that_is_free()
    {
        using var pool = new ProcessPool(maxWorkers: 2);
        await pool.WarmUpAsync();

        for (int round = 0; round < 3; round++)
        {
            // Three chunks for two workers: the long one holds its worker; both short ones must go to the other worker
            // as it frees up, not be queued behind the long one.
            int[] pids = await pool.MapAsync<int, int>(TailWork.SleepThenPid, [800, 50, 50], chunkSize: 1);
            Assert.True(pids[1] != pids[0] && pids[2] != pids[0], $"round {round}: a short item waited behind the long one in worker {pids[0]}");
        }
    }
}

public static class TailWork
{
    public static int SleepThenPid(int milliseconds)
    {
        Thread.Sleep(milliseconds);
        return Environment.ProcessId;
    }
}
