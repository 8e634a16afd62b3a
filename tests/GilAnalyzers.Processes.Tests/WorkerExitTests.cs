using System.Diagnostics;
using System.Globalization;
using Xunit;

namespace GilAnalyzers.Processes.Tests;

/// <summary>How the pool learns that a worker process ended and with which exit code.</summary>
public sealed class WorkerExitTests
{
    /// <summary>
    /// When a worker dies, every chunk in flight on it fails at the same moment, and each failure asks how the worker
    /// ended, on its own thread, while the pool asks whether it has exited. All of them must get the real exit code:
    /// <see cref="Process"/> is not thread-safe (its exited flag is set before its exit code, and its Exited handlers are
    /// added without synchronisation), so the worker reads it for them, once, under one lock.
    /// </summary>
    [Fact]
    public async Task Every_caller_asking_at_once_gets_the_dead_workers_exit_code()
    {
        WorkerLauncher launcher = WorkerLauncher.Create();
        for (int round = 0; round < 5; round++)
        {
            using WorkerProcess worker = WorkerProcess.Start(launcher);
            Assert.Equal(worker.ProcessId, await worker.PingAsync());
            var go = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            Task<int?>[] waiting = [.. Enumerable.Range(0, 8).Select(_ => Task.Run(async () =>
            {
                await go.Task;
                return await worker.WaitForExitAsync(TimeSpan.FromSeconds(30));
            }))];
            Task<int?>[] polling = [.. Enumerable.Range(0, 4).Select(_ => Task.Run(async () =>
            {
                await go.Task;
                while (!worker.HasExited)
                {
                    await Task.Yield();
                }

                return await worker.WaitForExitAsync(TimeSpan.FromSeconds(30));
            }))];
            go.SetResult();

            using (Process process = Process.GetProcessById(worker.ProcessId))
            {
                process.Kill(); // SIGKILL: exit code 137
            }

            int?[] codes = await Task.WhenAll(waiting.Concat(polling)).WaitAsync(TimeSpan.FromSeconds(60));
            Assert.All(codes, code => Assert.Equal(137, code));
            Assert.True(worker.HasExited);
        }
    }

    /// <summary>
    /// A worker that dies while something it started still holds its standard error: the pool cannot wait for the end of
    /// that stream, but the exit code is known and reported (before, the crash said only "exited", with no exit code).
    /// </summary>
    [Fact]
    public async Task A_crash_is_reported_with_its_exit_code_while_a_child_still_holds_the_workers_standard_error()
    {
        string pidFile = Path.Combine(Path.GetTempPath(), "gil-exit-test-" + Guid.NewGuid().ToString("N"));
        try
        {
            using var pool = new ProcessPool(maxWorkers: 1);

            var crash = await Assert.ThrowsAsync<WorkerCrashedException>(() => pool.SubmitAsync<string, int>(Work.FailFastLeavingAChildOnStandardError, pidFile));

            Assert.True(File.Exists(pidFile), "the child was not started");
            Assert.True(ProcessInfo.IsAlive(ChildPid(pidFile)), "the child holding the worker's standard error is gone: the test would prove nothing");
            Assert.Equal(134, crash.ExitCode);
            Assert.Contains("SIGABRT", crash.Message);
            Assert.Contains("deliberate crash with a child holding standard error", crash.StandardErrorTail);
        }
        finally
        {
            if (File.Exists(pidFile))
            {
                try
                {
                    using Process child = Process.GetProcessById(ChildPid(pidFile));
                    child.Kill();
                }
                catch (ArgumentException)
                {
                    // Already gone.
                }

                File.Delete(pidFile);
            }
        }
    }

    [Fact]
    public void An_exit_code_that_could_not_be_read_is_said_so_never_shown_as_code_0()
    {
        Assert.Equal("exited (its exit code could not be read)", ProcessPool.DescribeExit((int?)null));
        Assert.Equal("exited with code 0", ProcessPool.DescribeExit((int?)0));
        Assert.StartsWith("died with exit code 134 (SIGABRT", ProcessPool.DescribeExit((int?)134), StringComparison.Ordinal);
    }

    private static int ChildPid(string pidFile) => int.Parse(File.ReadAllText(pidFile), CultureInfo.InvariantCulture);
}
