using System.Diagnostics;
using Xunit;

namespace GilAnalyzers.Processes.Tests;

/// <summary>A worker is killed with the processes it started, found by one light pass over /proc (Linux).</summary>
public sealed class ProcessTreeTests
{
    [Fact]
    public async Task Descendants_are_found_from_the_parent_pids_in_proc()
    {
        using Process shell = Process.Start(new ProcessStartInfo("sh", ["-c", "sleep 30 & sleep 30 & wait"]) { UseShellExecute = false })!;
        try
        {
            List<int>? found = null;
            for (int i = 0; i < 100 && found is not { Count: 2 }; i++)
            {
                await Task.Delay(20);
                found = ProcessTree.Descendants(shell.Id);
            }

            Assert.NotNull(found);
            Assert.Equal(2, found!.Count);
            Assert.All(found, pid => Assert.Contains("sleep", File.ReadAllText($"/proc/{pid}/cmdline")));
            Assert.Empty(ProcessTree.Descendants(found[0])!);

            Assert.True(ProcessTree.TryKill(shell.Id));
            Assert.True(shell.WaitForExit(5000));
            Assert.True(await ProcessInfo.WaitUntilGoneAsync(found, TimeSpan.FromSeconds(5)), "a sleep outlived the kill");
        }
        finally
        {
            if (!shell.HasExited)
            {
                shell.Kill(entireProcessTree: true);
            }
        }
    }

    [Fact]
    public async Task Cancelling_a_map_kills_the_processes_its_work_started()
    {
        string marker = Path.Combine(Path.GetTempPath(), "gil-tree-" + Guid.NewGuid().ToString("N"));
        try
        {
            using var pool = new ProcessPool(maxWorkers: 1);
            using var cts = new CancellationTokenSource();
            Task<int[]> map = pool.MapAsync<string, int>(TreeWork.StartSleepThenWait, [marker], cancellationToken: cts.Token);

            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
            while (!File.Exists(marker) || new FileInfo(marker).Length == 0)
            {
                Assert.True(DateTime.UtcNow < deadline, "the work never started its child");
                await Task.Delay(20);
            }

            int sleep = int.Parse(File.ReadAllText(marker));
            int worker = pool.WorkerProcessIds.Single();
            Assert.True(ProcessInfo.IsAlive(sleep));

            cts.Cancel();
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => map);

            Assert.True(await ProcessInfo.WaitUntilGoneAsync([worker, sleep], TimeSpan.FromSeconds(5)), "the worker or the process its work started outlived the cancellation");
        }
        finally
        {
            File.Delete(marker);
        }
    }
}

public static class TreeWork
{
    /// <summary>Starts <c>sleep 60</c>, writes its pid to <paramref name="marker"/>, then waits for it.</summary>
    public static int StartSleepThenWait(string marker)
    {
        using Process sleep = Process.Start(new ProcessStartInfo("sleep", "60") { UseShellExecute = false })!;
        File.WriteAllText(marker + ".tmp", sleep.Id.ToString(System.Globalization.CultureInfo.InvariantCulture));
        File.Move(marker + ".tmp", marker);
        sleep.WaitForExit();
        return sleep.Id;
    }
}
