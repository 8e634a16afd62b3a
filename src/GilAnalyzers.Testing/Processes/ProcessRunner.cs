using System.ComponentModel;
using System.Diagnostics;
using System.Text;

// The namespace is the one these had in the integration tests' infrastructure, so the tests that use them (there and in
// GilAnalyzers.Tests) compile unchanged.
namespace GilAnalyzers.IntegrationTests.Infrastructure;

/// <summary>What a finished child process left behind.</summary>
public sealed record ProcessResult(string CommandLine, string WorkingDirectory, int ExitCode, string StandardOutput, string StandardError, TimeSpan Elapsed)
{
    /// <summary>Standard output followed by standard error.</summary>
    public string Output => StandardError.Length == 0 ? StandardOutput : StandardOutput + Environment.NewLine + StandardError;

    /// <summary>A short account for assertion messages: the command, its exit code and its output.</summary>
    public string Describe() =>
        $"`{CommandLine}` in {WorkingDirectory} exited with {ExitCode} after {Elapsed.TotalSeconds:F1} s. Output:{Environment.NewLine}{Output}";
}

/// <summary>A child process that did not finish in time; it and its descendants have been killed.</summary>
public sealed class ProcessTimeoutException(string message) : TimeoutException(message);

/// <summary>
/// Runs a real child process with a time limit, capturing its output. On timeout the whole process tree is
/// killed (no orphans) and a <see cref="ProcessTimeoutException"/> says which command hung and what it printed.
/// </summary>
public static class ProcessRunner
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromMinutes(5);

    public static async Task<ProcessResult> RunAsync(
        string fileName,
        IEnumerable<string> arguments,
        string workingDirectory,
        IReadOnlyDictionary<string, string?>? environment = null,
        TimeSpan? timeout = null)
    {
        var startInfo = new ProcessStartInfo(fileName)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
        };
        foreach (var argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }

        if (environment is not null)
        {
            foreach (var (name, value) in environment)
            {
                if (value is null)
                {
                    startInfo.Environment.Remove(name);
                }
                else
                {
                    startInfo.Environment[name] = value;
                }
            }
        }

        var commandLine = string.Join(" ", new[] { fileName }.Concat(startInfo.ArgumentList.Select(Quote)));
        var limit = timeout ?? DefaultTimeout;
        var stdout = new StringBuilder();
        var stderr = new StringBuilder();
        using var process = new Process { StartInfo = startInfo };
        process.OutputDataReceived += (_, e) => Append(stdout, e.Data);
        process.ErrorDataReceived += (_, e) => Append(stderr, e.Data);

        var clock = Stopwatch.StartNew();
        try
        {
            process.Start();
        }
        catch (Win32Exception e)
        {
            throw new InvalidOperationException($"Could not start `{commandLine}` in {workingDirectory}: {e.Message}", e);
        }

        // No child of a test may wait for input that never comes.
        process.StandardInput.Close();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        using var deadline = new CancellationTokenSource(limit);
        try
        {
            await process.WaitForExitAsync(deadline.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested)
        {
            KillTree(process);
            throw new ProcessTimeoutException(
                $"`{commandLine}` in {workingDirectory} did not finish within {limit.TotalSeconds:F0} s; "
                + $"it and its child processes were killed. Output so far:{Environment.NewLine}{Tail(stdout, stderr)}");
        }

        // The parameterless wait also drains the asynchronous output readers.
        process.WaitForExit();
        return new ProcessResult(commandLine, workingDirectory, process.ExitCode, Snapshot(stdout), Snapshot(stderr), clock.Elapsed);
    }

    private static void KillTree(Process process)
    {
        try
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit(TimeSpan.FromSeconds(30));
        }
        catch (InvalidOperationException)
        {
            // It exited between the timeout and the kill.
        }
    }

    private static void Append(StringBuilder buffer, string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (buffer)
        {
            buffer.AppendLine(line);
        }
    }

    private static string Snapshot(StringBuilder buffer)
    {
        lock (buffer)
        {
            return buffer.ToString();
        }
    }

    private static string Tail(StringBuilder stdout, StringBuilder stderr)
    {
        const int Keep = 8000;
        var text = Snapshot(stdout) + Snapshot(stderr);
        return text.Length <= Keep ? text : "..." + text[^Keep..];
    }

    private static string Quote(string argument) =>
        argument.Length > 0 && !argument.Any(c => char.IsWhiteSpace(c) || c == '"') ? argument : "\"" + argument.Replace("\"", "\\\"") + "\"";
}
