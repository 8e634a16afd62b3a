using System.Diagnostics;
using System.Text;

namespace GilAnalyzers.Processes.Orleans.Tests;

/// <summary>One finished run of a child process: what it printed, how it ended, how long it took.</summary>
internal sealed record ChildRun(string Name, string Command, int ProcessId, int ExitCode, bool TimedOut, TimeSpan Wall, string StandardOutput, string StandardError)
{
    /// <summary>Which run, how it ended, and the last lines of both streams: enough to see why a test failed.</summary>
    public string Describe(int tailLines = 40)
    {
        string ended = TimedOut ? $"timed out after {Wall.TotalSeconds:0.0} s (process tree killed)" : $"exit code {ExitCode} after {Wall.TotalSeconds:0.0} s";
        return $"""
            {Name}: {ended}, pid {ProcessId}
              command: {Command}
            --- stdout (last {tailLines} lines) ---
            {Tail(StandardOutput, tailLines)}
            --- stderr (last {tailLines} lines) ---
            {Tail(StandardError, tailLines)}
            """;
    }

    private static string Tail(string text, int lines)
    {
        string[] all = text.Split('\n');
        return string.Join('\n', all.Skip(Math.Max(0, all.Length - lines))).TrimEnd();
    }
}

/// <summary>Runs a child process to its end (or kills its whole tree at a timeout) and checks, by PID, that it is gone.</summary>
internal static class ChildProcess
{
    /// <summary>Runs <paramref name="fileName"/> with <paramref name="arguments"/>; a null value in <paramref name="environment"/> removes that variable.</summary>
    public static async Task<ChildRun> RunAsync(
        string name, string fileName, IReadOnlyList<string> arguments, string workingDirectory, IReadOnlyDictionary<string, string?> environment, TimeSpan timeout)
    {
        var psi = new ProcessStartInfo(fileName)
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            WorkingDirectory = workingDirectory,
        };
        foreach (string argument in arguments)
        {
            psi.ArgumentList.Add(argument);
        }

        foreach ((string key, string? value) in environment)
        {
            if (value is null)
            {
                psi.Environment.Remove(key);
            }
            else
            {
                psi.Environment[key] = value;
            }
        }

        string command = fileName + " " + string.Join(' ', arguments);
        var stdout = new StringBuilder();
        var stderr = new StringBuilder();
        var watch = Stopwatch.StartNew();
        using Process process = Process.Start(psi) ?? throw new InvalidOperationException("could not start " + command);
        int pid = process.Id;
        process.OutputDataReceived += (_, e) => Append(stdout, e.Data);
        process.ErrorDataReceived += (_, e) => Append(stderr, e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        process.StandardInput.Close();
        bool timedOut = false;
        try
        {
            using var cancel = new CancellationTokenSource(timeout);
            await process.WaitForExitAsync(cancel.Token);
        }
        catch (OperationCanceledException)
        {
            timedOut = true;
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }

            process.WaitForExit(); // also drains the redirected streams
        }

        watch.Stop();
        Assert.False(LocalCluster.IsRunning(pid), $"{name}: process {pid} is still running after it was waited for");
        string Text(StringBuilder b)
        {
            lock (b)
            {
                return b.ToString();
            }
        }

        return new ChildRun(name, command, pid, process.ExitCode, timedOut, watch.Elapsed, Text(stdout), Text(stderr));
    }

    private static void Append(StringBuilder text, string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (text)
        {
            // Keep the end of a long log (a build's), not its beginning.
            if (text.Length > 256 * 1024)
            {
                text.Remove(0, 64 * 1024);
            }

            text.AppendLine(line);
        }
    }
}
