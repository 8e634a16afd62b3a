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
}
