using System.Diagnostics;
using System.Reflection;
using Xunit;

namespace GilAnalyzers.Processes.Tests;

public sealed class ParentExitTests
{
    [Fact]
    public async Task Workers_exit_when_their_parent_is_killed()
    {
        using Process parent = StartParent("workers");
        var stderr = new System.Text.StringBuilder();
        parent.ErrorDataReceived += (_, e) => { lock (stderr) { stderr.AppendLine(e.Data); } };
        parent.BeginErrorReadLine();
        int[] workers;
        try
        {
            var lineTask = ReadWorkersLineAsync(parent);
            if (await Task.WhenAny(lineTask, Task.Delay(TimeSpan.FromSeconds(30))) != lineTask)
            {
                throw new TimeoutException("the parent did not report its workers; stderr: " + stderr);
            }

            workers = await lineTask;
        }
        catch
        {
            parent.Kill(entireProcessTree: true);
            throw;
        }

        Assert.Equal(2, workers.Length);
        Assert.All(workers, w => Assert.True(ProcessInfo.IsAlive(w)));

        parent.Kill(); // SIGKILL to the parent alone: no chance to clean up.
        await parent.WaitForExitAsync();

        bool gone = await ProcessInfo.WaitUntilGoneAsync(workers, TimeSpan.FromSeconds(5));
        if (!gone)
        {
            foreach (int w in workers.Where(ProcessInfo.IsAlive))
            {
                Process.GetProcessById(w).Kill();
            }
        }

        Assert.True(gone, "worker processes outlived their killed parent");
    }

    [Fact]
    public async Task Workers_exit_when_their_parent_returns_from_Main_without_Dispose()
    {
        using Process parent = StartParent("exit-without-dispose");
        parent.BeginErrorReadLine();
        Task<int[]> line = ReadWorkersLineAsync(parent);
        Assert.True(await Task.WhenAny(line, Task.Delay(TimeSpan.FromSeconds(30))) == line, "the parent did not report its workers");
        int[] workers = await line;
        Assert.Equal(2, workers.Length);

        await parent.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(0, parent.ExitCode);

        bool gone = await ProcessInfo.WaitUntilGoneAsync(workers, TimeSpan.FromSeconds(5));
        foreach (int w in workers.Where(ProcessInfo.IsAlive))
        {
            Process.GetProcessById(w).Kill();
        }

        Assert.True(gone, "worker processes outlived their parent's normal exit");
    }

    /// <summary>
    /// Starts the helper through its apphost: Environment.ProcessPath is then not 'dotnet', which is how a
    /// normal application runs (the test host itself runs under 'dotnet exec').
    /// </summary>
    private static Process StartParent(string mode)
    {
        string dir = typeof(ParentExitTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .Single(a => a.Key == "TestParentDirectory").Value!;
        var psi = new ProcessStartInfo(Path.Combine(dir, "GilAnalyzers.Processes.TestParent"))
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        psi.ArgumentList.Add(mode);
        psi.ArgumentList.Add("2");
        return Process.Start(psi)!;
    }

    private static async Task<int[]> ReadWorkersLineAsync(Process parent)
    {
        while (await parent.StandardOutput.ReadLineAsync() is string line)
        {
            if (line.StartsWith("WORKERS ", StringComparison.Ordinal))
            {
                return [.. line["WORKERS ".Length..].Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(int.Parse)];
            }
        }

        throw new InvalidOperationException("the parent exited without reporting its workers (exit code " + (parent.HasExited ? parent.ExitCode : -1) + ")");
    }
}
