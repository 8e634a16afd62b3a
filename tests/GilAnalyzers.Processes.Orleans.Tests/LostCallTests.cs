namespace GilAnalyzers.Processes.Orleans.Tests;

/// <summary>
/// When the client takes a chunk call for lost on the way (its request or answer went through a gateway that died) and
/// runs the chunk again. A loaded machine delays requests and answers by seconds; that alone must not make a chunk run
/// again, nor use up its attempts (CI once failed a map that way: "ran on 3 silos that were lost").
/// </summary>
public sealed class LostCallTests
{
    [Fact]
    public void A_call_is_lost_only_after_two_misses_spanning_two_seconds()
    {
        using var call = new CancellationTokenSource();
        var inFlight = new ChunkScheduler.InFlight(call);

        inFlight.Seen(false, 10_000);
        inFlight.Seen(false, 10_500);
        inFlight.Seen(false, 11_000);
        Assert.False(inFlight.Lost); // three misses within a second and a half: still on its way
        Assert.False(call.IsCancellationRequested);

        inFlight.Seen(true, 11_500);
        inFlight.Seen(false, 12_000);
        inFlight.Seen(false, 13_900);
        Assert.False(inFlight.Lost); // a hold in between starts the count again

        inFlight.Seen(false, 14_000);
        Assert.True(inFlight.Lost);
        Assert.True(call.IsCancellationRequested);
    }

    [Fact]
    public async Task A_silo_still_holds_a_call_whose_answer_has_left_so_a_slow_answer_is_not_taken_for_lost()
    {
        using var executor = new ChunkExecutor(1, "test");
        var work = new ChunkWork
        {
            // A method no silo can resolve: the executor answers at once with a failure per item, without a worker.
            Method = new WorkRef { AssemblyName = "NoSuchAssembly, Version=1.0.0.0", TypeName = "NoSuch.Type", MethodName = "Run" },
            Items = [],
            CallId = 4711,
        };

        Assert.Equal([false], executor.Holds([4711]));
        ChunkOutcome outcome = await executor.RunAsync(work, CancellationToken.None);

        Assert.NotNull(outcome);
        Assert.Equal([true, false], executor.Holds([4711, 4712]));
    }
}
