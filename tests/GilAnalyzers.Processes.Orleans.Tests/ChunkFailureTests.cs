namespace GilAnalyzers.Processes.Orleans.Tests;

/// <summary>
/// How a failure the silo's local pool cannot tie to one item travels and comes back (no cluster: the wire types and the
/// client's map directly). The real crash on a real cluster is in <see cref="ClusterPoolTests"/>.
/// </summary>
public sealed class ChunkFailureTests
{
    [Fact]
    public void A_local_failure_of_one_item_travels_as_that_item()
    {
        var late = new WorkItemTimeoutException("late", 3, 4242, TimeSpan.FromSeconds(1));

        ItemFailure failure = ItemFailure.FromPool(late, FailureKinds.Timeout, 10);

        Assert.Equal(3, failure.Index);
        Assert.Null(failure.LastIndex);
        Assert.Equal(4242, failure.WorkerProcessId);
    }

    [Fact]
    public void A_crash_inside_a_local_chunk_travels_as_its_items_with_the_workers_exit()
    {
        var crash = new WorkerCrashedException("local", -1, 4242, 134, "deliberate") { FirstItemIndex = 2, LastItemIndex = 6 };

        ItemFailure failure = ItemFailure.FromPool(crash, FailureKinds.Crash, 10);

        Assert.Equal(2, failure.Index);
        Assert.Equal(6, failure.LastIndex);
        Assert.Equal(FailureKinds.Crash, failure.Kind);
        Assert.Equal(4242, failure.WorkerProcessId);
        Assert.Equal(134, failure.ExitCode);
        Assert.Equal("deliberate", failure.StandardErrorTail);
    }

    [Fact]
    public void A_local_failure_that_gives_no_items_travels_as_the_whole_chunk()
    {
        var broken = new ProcessPoolException("the connection broke");

        ItemFailure failure = ItemFailure.FromPool(broken, FailureKinds.Pool, 8);

        Assert.Equal(0, failure.Index);
        Assert.Equal(7, failure.LastIndex);
    }

    [Fact]
    public void The_client_raises_the_local_pools_exception_with_the_items_in_the_maps_numbering()
    {
        int[] items = Enumerable.Range(0, 80).ToArray();
        var map = new OrderedClusterMap<int, int>(ClusterPool.Call.Create((Func<int, int>)ClusterWork.FailFastAt41), items, 40, null);
        var local = new WorkerCrashedException("local", -1, 4242, 134, "deliberate crash") { FirstItemIndex = 0, LastItemIndex = 4 };
        var outcome = new ChunkOutcome
        {
            Values = Payload.Nulls(40).ToArray(),
            Failures = [ItemFailure.FromPool(local, FailureKinds.Crash, 40)],
            ProcessId = 99,
            Silo = "S127.0.0.1:1:1",
        };

        Assert.False(map.Done(new ChunkJob(40, 40, []), outcome));

        var crash = Assert.IsType<WorkerCrashedException>(map.Errors.Error);
        Assert.Equal(-1, crash.ItemIndex);
        Assert.Equal(40, crash.FirstItemIndex);
        Assert.Equal(44, crash.LastItemIndex);
        Assert.Equal(4242, crash.WorkerProcessId);
        Assert.Equal(134, crash.ExitCode);
        Assert.Equal("deliberate crash", crash.StandardErrorTail);
        Assert.Contains("items 40–44 of", crash.Message);
        Assert.Contains("(process 99)", crash.Message);
        Assert.Equal(40, map.Errors.Index);
    }

    [Fact]
    public void A_crash_whose_exit_code_could_not_be_read_says_so_and_never_shows_code_0()
    {
        int[] items = Enumerable.Range(0, 80).ToArray();
        var map = new OrderedClusterMap<int, int>(ClusterPool.Call.Create((Func<int, int>)ClusterWork.FailFastAt41), items, 40, null);
        var local = new WorkerCrashedException("local", -1, 4242, null, "deliberate crash") { FirstItemIndex = 0, LastItemIndex = 4 };
        var outcome = new ChunkOutcome
        {
            Values = Payload.Nulls(40).ToArray(),
            Failures = [ItemFailure.FromPool(local, FailureKinds.Crash, 40)],
            ProcessId = 99,
            Silo = "S127.0.0.1:1:1",
        };

        Assert.False(map.Done(new ChunkJob(40, 40, []), outcome));

        var crash = Assert.IsType<WorkerCrashedException>(map.Errors.Error);
        Assert.Null(crash.ExitCode);
        Assert.Contains("exited (its exit code could not be read) while running items 40–44", crash.Message);
        Assert.DoesNotContain("code 0", crash.Message);
    }

    [Fact]
    public void A_whole_chunk_failure_names_no_item_unless_the_chunk_holds_one()
    {
        var many = new ChunkJob(40, 10, []);
        var one = new ChunkJob(7, 1, []);

        Assert.Equal(-1, many.KnownItem);
        Assert.Equal(49, many.Last);
        Assert.Contains("ItemIndex is -1, FirstItemIndex 40 and LastItemIndex 49", many.WhichUnknown());
        Assert.Equal(7, one.KnownItem);
        Assert.Equal("", one.WhichUnknown());
    }
}
