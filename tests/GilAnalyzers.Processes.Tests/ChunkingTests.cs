using System.Diagnostics;
using Xunit;

namespace GilAnalyzers.Processes.Tests;

/// <summary>
/// Automatic chunks shrink toward the end of a map (guided scheduling), so workers finish together; chunks the caller
/// sizes stay that size. Chunk buffers are rented and reused from chunk to chunk and map to map.
/// </summary>
public sealed class ChunkingTests
{
    [Fact]
    public void Guided_chunks_start_at_the_automatic_size_and_shrink_to_a_sixteenth_of_it()
    {
        ChunkPlan plan = ChunkPlan.Guided(288, 2);
        var sizes = new List<int>();
        int expectedStart = 0;
        while (plan.TryTake(false, out int start, out int count))
        {
            Assert.Equal(expectedStart, start);
            expectedStart += count;
            sizes.Add(count);
        }

        Assert.Equal(288, expectedStart);
        Assert.Equal(new[] { 36, 36, 36, 36, 36, 27, 21, 15, 12, 9, 6, 5, 4, 3, 3, 3 }, sizes);

        // A bridge (a chunk queued behind a running full one) is a quarter of the chunk, at least the minimum.
        ChunkPlan bridged = ChunkPlan.Guided(288, 2);
        Assert.True(bridged.TryTake(false, out _, out int full) && full == 36);
        Assert.True(bridged.TryTake(true, out int bridgeStart, out int bridge) && bridgeStart == 36 && bridge == 9);
        Assert.True(bridged.TryTake(true, out _, out int small));
        Assert.Equal(9, small);

        // A million tiny items still go in a few dozen round trips.
        ChunkPlan tiny = ChunkPlan.Guided(1_000_000, 2);
        int chunks = 0;
        while (tiny.TryTake(false, out _, out _))
        {
            chunks++;
        }

        Assert.InRange(chunks, 8, 24);
    }

    [Fact]
    public void Fixed_chunks_keep_the_callers_size()
    {
        ChunkPlan plan = ChunkPlan.Fixed(10, 4);
        var sizes = new List<int>();
        while (plan.TryTake(true, out _, out int count))
        {
            sizes.Add(count);
        }

        Assert.Equal(new[] { 4, 4, 2 }, sizes); // bridges too: the caller's size is the size
        Assert.False(ChunkPlan.Fixed(10, 4).MoreChunksLeftThan(3));
        Assert.True(ChunkPlan.Fixed(10, 4).MoreChunksLeftThan(2));
    }

    [Fact]
    public async Task With_automatic_chunks_a_slower_worker_does_not_hold_up_the_end_of_the_map()
    {
        // The worker that runs the first chunk (items 0–11: 96 ÷ (4 × 2)) runs every item twice as slowly as the other.
        // With fixed chunks of 12 it still had a whole chunk queued behind its first one, and finished 190–350 ms after
        // the fast worker (four runs); shrinking chunks and small chunks queued behind running ones let both finish
        // within about one slow item (0–53 ms in four runs).
        using var pool = new ProcessPool(maxWorkers: 2);
        await pool.WarmUpAsync();

        (int Pid, long Finished)[] runs = (await pool.MapAsync<int, string>(ChunkingWork.FirstChunkWorkerIsSlow, Enumerable.Range(0, 96)))
            .Select(r => r.Split(' '))
            .Select(p => (int.Parse(p[0]), long.Parse(p[1])))
            .ToArray();

        var lastByWorker = runs.GroupBy(r => r.Pid).ToDictionary(g => g.Key, g => g.Max(r => r.Finished));
        Assert.Equal(2, lastByWorker.Count);
        double gapMs = Stopwatch.GetElapsedTime(lastByWorker.Values.Min(), lastByWorker.Values.Max()).TotalMilliseconds;

        // One slow item is 30 ms; a fixed chunk of slow items 360 ms.
        Assert.True(gapMs < 100, $"the workers finished {gapMs:0} ms apart");
    }

    [Fact]
    public async Task Several_methods_on_the_same_workers_each_run_the_right_one()
    {
        // A worker is sent a method's identity with its first chunk and a number after that: maps of different
        // methods, one after the other and at the same time, must each still run their own method.
        using var pool = new ProcessPool(maxWorkers: 2);
        int[] input = [.. Enumerable.Range(-50, 100)];

        for (int round = 0; round < 3; round++)
        {
            Task<int[]> squares = pool.MapAsync<int, int>(Work.Square, input, chunkSize: 3);
            Task<int[]> odd = pool.MapAsync<int, int>(Work.ThrowOnSeven, input.Where(x => x != 7).ToArray(), chunkSize: 5);
            Task<string[]> names = pool.MapAsync<int, string>(x => "n" + x, input, chunkSize: 7);

            Assert.Equal(input.Select(x => x * x), await squares);
            Assert.Equal(input.Where(x => x != 7), await odd);
            Assert.Equal(input.Select(x => "n" + x), await names);
        }

        var failed = await Assert.ThrowsAsync<RemoteWorkException>(() => pool.MapAsync<int, int>(Work.ThrowOnSeven, [1, 7], chunkSize: 1));
        Assert.Equal(1, failed.ItemIndex);
    }

    [Fact]
    public async Task Large_items_of_changing_sizes_round_trip_through_reused_buffers()
    {
        using var pool = new ProcessPool(maxWorkers: 2);
        var random = new Random(1818);

        // Several maps, chunks of falling and rising sizes: a rented buffer that held a larger chunk before must carry
        // exactly the bytes of the next one.
        foreach (int[] sizes in new[] { new[] { 300_000, 70_000, 5, 0, 120_000 }, new[] { 9, 1, 250_000 }, new[] { 48 * 1024 } })
        {
            byte[][] frames = [.. Enumerable.Range(0, 40).Select(i => { var b = new byte[sizes[i % sizes.Length]]; random.NextBytes(b); return b; })];

            byte[][] back = await pool.MapAsync<byte[], byte[]>(BinaryWork.Reverse, frames);
            byte[][] single = await pool.MapAsync<byte[], byte[]>(BinaryWork.Reverse, frames, chunkSize: 1);
            byte[][] whole = await pool.MapAsync<byte[], byte[]>(BinaryWork.Reverse, frames, chunkSize: 40);

            for (int i = 0; i < frames.Length; i++)
            {
                byte[] expected = [.. frames[i].Reverse()];
                Assert.Equal(expected, back[i]);
                Assert.Equal(expected, single[i]);
                Assert.Equal(expected, whole[i]);
            }
        }
    }
}

public static class ChunkingWork
{
    private static bool s_slow;

    /// <summary>Sleeps 15 ms, or 30 ms in the worker that ran items 0–11; returns "pid finished-timestamp".</summary>
    public static string FirstChunkWorkerIsSlow(int index)
    {
        s_slow |= index < 12;
        Thread.Sleep(s_slow ? 30 : 15);
        return Environment.ProcessId + " " + Stopwatch.GetTimestamp();
    }
}

/// <summary>
/// MapUnorderedAsync cuts its chunks with the planner MapAsync uses (ChunkPlan): shrinking automatic chunks for an input
/// that says its length, the caller's size when given, one item per chunk for a lazy sequence; its input stays lazy.
/// </summary>
public sealed class UnorderedChunkingTests
{
    private static List<int> Sizes(ChunkPlan plan, int most = 10_000)
    {
        var sizes = new List<int>();
        while (sizes.Count < most && plan.TryTake(false, out _, out int count))
        {
            sizes.Add(count);
        }

        return sizes;
    }

    private static IEnumerable<int> Lazy(int count)
    {
        for (int i = 0; i < count; i++)
        {
            yield return i;
        }
    }

    [Fact]
    public void The_unordered_map_plans_its_chunks_as_Map_does()
    {
        using var pool = new ProcessPool(maxWorkers: 2); // starts no process

        // An input that says its length: the guided chunks of MapAsync, item for item.
        List<int> guided = Sizes(ChunkPlan.Guided(288, 2));
        Assert.Equal(guided, Sizes(pool.PlanUnordered(Enumerable.Range(0, 288).ToArray(), null)));
        Assert.Equal(guided, Sizes(pool.PlanUnordered(Enumerable.Range(0, 288), null)));
        Assert.Equal(guided, Sizes(pool.PlanUnordered(new List<int>(Enumerable.Range(0, 288)), null)));
        Assert.Equal(new[] { 36, 36, 36, 36, 36, 27, 21, 15, 12, 9, 6, 5, 4, 3, 3, 3 }, guided);

        // The caller's size is the size.
        Assert.Equal(new[] { 100, 100, 88 }, Sizes(pool.PlanUnordered(new int[288], 100)));

        // A lazy sequence: its length is known at its end only; chunks of one (or the caller's size) until then.
        ChunkPlan open = pool.PlanUnordered(Lazy(5), null);
        Assert.Equal(new[] { 1, 1, 1 }, Sizes(open, most: 3));
        open.End(5);
        Assert.Equal(new[] { 1, 1 }, Sizes(open));
        ChunkPlan openSized = pool.PlanUnordered(Lazy(25), 10);
        Assert.True(openSized.TryTake(false, out int s0, out int c0) && s0 == 0 && c0 == 10);
        Assert.True(openSized.TryTake(false, out int s1, out int c1) && s1 == 10 && c1 == 10);
        Assert.True(openSized.TryTake(false, out int s2, out int c2) && s2 == 20 && c2 == 10); // the reader finds 5
        openSized.End(25);
        Assert.False(openSized.TryTake(false, out _, out _));

        // A chunk is never larger than the buffer the caller allows.
        ChunkPlan plan = ChunkPlan.Guided(1_000, 2);
        Assert.True(plan.TryTake(false, most: 40, out int start, out int count) && start == 0 && count == 40);
    }

    [Fact]
    public async Task Automatic_chunks_return_every_result_once_and_a_slower_worker_does_not_hold_up_the_end()
    {
        using var pool = new ProcessPool(maxWorkers: 2);
        await pool.WarmUpAsync();

        // Every index exactly once, with its own result.
        var squares = new Dictionary<int, int>();
        int[] input = [.. Enumerable.Range(0, 5_000)];
        await foreach ((int index, int value) in pool.MapUnorderedAsync<int, int>(Work.Square, input))
        {
            squares.Add(index, value);
        }

        Assert.Equal(input.Length, squares.Count);
        Assert.All(squares, r => Assert.Equal(input[r.Key] * input[r.Key], r.Value));

        // The worker that ran items 0–11 runs every later item twice as slowly; with shrinking chunks (and small ones
        // queued behind running ones) both workers finish within about one slow item of each other, as in MapAsync.
        var finished = new List<(int Pid, long At)>();
        await foreach ((_, string result) in pool.MapUnorderedAsync<int, string>(ChunkingWork.FirstChunkWorkerIsSlow, Enumerable.Range(0, 96)))
        {
            string[] p = result.Split(' ');
            finished.Add((int.Parse(p[0]), long.Parse(p[1])));
        }

        Assert.Equal(96, finished.Count);
        var lastByWorker = finished.GroupBy(r => r.Pid).ToDictionary(g => g.Key, g => g.Max(r => r.At));
        Assert.Equal(2, lastByWorker.Count);
        double gapMs = Stopwatch.GetElapsedTime(lastByWorker.Values.Min(), lastByWorker.Values.Max()).TotalMilliseconds;
        Assert.True(gapMs < 100, $"the workers finished {gapMs:0} ms apart");
    }

    [Fact]
    public async Task A_crash_in_an_automatic_chunk_is_reported_by_its_chunk_and_no_worker_is_left()
    {
        var pool = new ProcessPool(maxWorkers: 2);
        int[] started = await pool.WarmUpAsync();
        int[] input = [.. Enumerable.Range(0, 400).Select(i => i == 250 ? -1 : i)];
        var seen = new HashSet<int>();

        var crash = await Assert.ThrowsAsync<WorkerCrashedException>(async () =>
        {
            await foreach ((int index, int value) in pool.MapUnorderedAsync<int, int>(Work.FailFastOnNegative, input))
            {
                Assert.Equal(input[index], value);
                Assert.True(seen.Add(index), $"item {index} came back twice");
            }
        });

        // Item 250 ran in a chunk of several: the crash names the chunk, not an item of it.
        Assert.Equal(-1, crash.ItemIndex);
        Assert.InRange(250, crash.FirstItemIndex, crash.LastItemIndex);
        Assert.True(crash.LastItemIndex > crash.FirstItemIndex, $"{crash.FirstItemIndex}–{crash.LastItemIndex}");
        Assert.Contains("is not known", crash.Message);
        Assert.Contains("deliberate crash for item -1", crash.StandardErrorTail);
        Assert.DoesNotContain(250, seen);

        // The pool goes on, and after Dispose no worker it ever started is alive (by PID).
        int[] after = pool.Map<int, int>(Work.Pid, [0, 1, 2, 3], chunkSize: 1);
        int[] all = [.. started, .. after, crash.WorkerProcessId];
        pool.Dispose();
        Assert.True(await ProcessInfo.WaitUntilGoneAsync(all, TimeSpan.FromSeconds(5)), "workers still alive: " + string.Join(",", all.Where(ProcessInfo.IsAlive)));
    }
}

/// <summary>A worker that dies inside a chunk of several items: the failure must not name an item that did not crash it.</summary>
public sealed class ChunkCrashTests
{
    [Fact]
    public async Task A_crash_in_the_middle_of_a_chunk_does_not_name_the_chunks_first_item()
    {
        using var pool = new ProcessPool(maxWorkers: 2);
        int[] input = [.. Enumerable.Range(0, 200).Select(i => i == 137 ? -1 : i)];

        // Chunks of 50: item 137 is in the middle of items 100–149. Before, this was "ItemIndex 100".
        var crash = await Assert.ThrowsAsync<WorkerCrashedException>(() => pool.MapAsync<int, int>(Work.FailFastOnNegative, input, chunkSize: 50));
        Assert.Equal(-1, crash.ItemIndex);
        Assert.Equal(100, crash.FirstItemIndex);
        Assert.Equal(149, crash.LastItemIndex);
        Assert.Equal(134, crash.ExitCode);
        Assert.Contains("items 100–149", crash.Message);
        Assert.Contains("which of these items it was running is not known", crash.Message);
        Assert.DoesNotContain("item 100 ", crash.Message);

        // Automatic chunks: whatever chunk it fell in, the crash gives that chunk and no item of it.
        var automatic = await Assert.ThrowsAsync<WorkerCrashedException>(() => pool.MapAsync<int, int>(Work.FailFastOnNegative, input));
        Assert.Equal(-1, automatic.ItemIndex);
        Assert.InRange(137, automatic.FirstItemIndex, automatic.LastItemIndex);
        Assert.True(automatic.LastItemIndex > automatic.FirstItemIndex);

        // A chunk of one item names it (chunkSize: 1, SubmitAsync).
        var alone = await Assert.ThrowsAsync<WorkerCrashedException>(() => pool.MapAsync<int, int>(Work.FailFastOnNegative, input, chunkSize: 1));
        Assert.Equal(137, alone.ItemIndex);
        Assert.Equal(137, alone.FirstItemIndex);
        Assert.Equal(137, alone.LastItemIndex);
        Assert.Contains("item 137 of", alone.Message);

        // The pool has replaced its workers.
        Assert.Equal(input.Where(x => x >= 0).Take(10), await pool.MapAsync<int, int>(Work.FailFastOnNegative, input.Take(10)));
    }
}

/// <summary>FindCrashingItem: a crash inside a chunk is looked for item by item on a fresh worker (opt-in).</summary>
public sealed class FindCrashingItemTests
{
    [Fact]
    public async Task The_chunk_is_rerun_one_item_at_a_time_and_the_crash_names_its_item()
    {
        var pool = new ProcessPool(maxWorkers: 2) { FindCrashingItem = true };
        var pids = new HashSet<int>(await pool.WarmUpAsync());
        int[] input = [.. Enumerable.Range(0, 200).Select(i => i == 137 ? -1 : i)];

        var crash = await Assert.ThrowsAsync<WorkerCrashedException>(() => pool.MapAsync<int, int>(Work.FailFastOnNegative, input, chunkSize: 50));
        Assert.Equal(137, crash.ItemIndex);
        Assert.Equal(137, crash.FirstItemIndex);
        Assert.Equal(137, crash.LastItemIndex);
        Assert.Equal(134, crash.ExitCode);
        Assert.Contains("Item 137 crashes the worker: found by re-running items 100–149 one at a time on a fresh worker (items 100–136 ran a second time)", crash.Message);
        Assert.Contains("deliberate crash for item -1", crash.StandardErrorTail);
        // The chunk's own crash is kept as the inner exception.
        var chunk = Assert.IsType<WorkerCrashedException>(crash.InnerException);
        Assert.Equal(-1, chunk.ItemIndex);
        Assert.Equal(100, chunk.FirstItemIndex);
        Assert.Equal(149, chunk.LastItemIndex);
        Assert.NotEqual(chunk.WorkerProcessId, crash.WorkerProcessId); // found on another (fresh) worker
        pids.Add(chunk.WorkerProcessId);
        pids.Add(crash.WorkerProcessId);

        // The same for an unordered map with automatic chunks.
        var unordered = await Assert.ThrowsAsync<WorkerCrashedException>(async () =>
        {
            await foreach ((int index, int value) in pool.MapUnorderedAsync<int, int>(Work.FailFastOnNegative, input))
            {
                Assert.Equal(input[index], value);
            }
        });
        Assert.Equal(137, unordered.ItemIndex);
        Assert.Contains("Item 137 crashes the worker: found by re-running items ", unordered.Message);
        pids.Add(unordered.WorkerProcessId);
        pids.Add(((WorkerCrashedException)unordered.InnerException!).WorkerProcessId);

        // Off (the default), the chunk is reported.
        pool.FindCrashingItem = false;
        var off = await Assert.ThrowsAsync<WorkerCrashedException>(() => pool.MapAsync<int, int>(Work.FailFastOnNegative, input, chunkSize: 50));
        Assert.Equal(-1, off.ItemIndex);
        Assert.Equal(100, off.FirstItemIndex);

        // The pool works on, and no worker it started is left after Dispose.
        foreach (int pid in pool.Map<int, int>(Work.Pid, [0, 1, 2, 3], chunkSize: 1))
        {
            pids.Add(pid);
        }

        pool.Dispose();
        Assert.True(await ProcessInfo.WaitUntilGoneAsync(pids, TimeSpan.FromSeconds(5)), "workers still alive: " + string.Join(",", pids.Where(ProcessInfo.IsAlive)));
    }

    [Fact]
    public async Task A_crash_that_does_not_repeat_is_reported_by_its_chunk_saying_so()
    {
        string file = Path.Combine(Path.GetTempPath(), "gil-crash-once-" + Guid.NewGuid().ToString("N"));
        Environment.SetEnvironmentVariable(Work.CrashOnceFileVariable, file); // inherited by the workers started now
        try
        {
            using var pool = new ProcessPool(maxWorkers: 1) { FindCrashingItem = true };
            int[] input = [.. Enumerable.Range(0, 40).Select(i => i == 25 ? -1 : i)];

            var crash = await Assert.ThrowsAsync<WorkerCrashedException>(() => pool.MapAsync<int, int>(Work.FailFastOnceOnNegative, input, chunkSize: 20));
            Assert.Equal(-1, crash.ItemIndex);
            Assert.Equal(20, crash.FirstItemIndex);
            Assert.Equal(39, crash.LastItemIndex);
            Assert.Contains("Re-running items 20–39 one at a time on a fresh worker did not crash it again", crash.Message);
            Assert.True(File.Exists(file));

            // The item no longer crashes: the pool (one worker, re-started) maps everything.
            Assert.Equal(input, await pool.MapAsync<int, int>(Work.FailFastOnceOnNegative, input, chunkSize: 20));
        }
        finally
        {
            Environment.SetEnvironmentVariable(Work.CrashOnceFileVariable, null);
            File.Delete(file);
        }
    }
}
