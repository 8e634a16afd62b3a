using System.ComponentModel;
using System.Diagnostics;
using System.Text;

// The namespace is the one these had in the integration tests' infrastructure, so the tests that use them (there and in
// GilAnalyzers.Tests) compile unchanged.
namespace GilAnalyzers.Testing.Processes;

/// <summary>What a finished child process left behind.</summary>
public sealed record ProcessResult(string CommandLine, string WorkingDirectory, int ExitCode, string StandardOutput, string StandardError, TimeSpan Elapsed)
{
    /// <summary>The deadline passed: the process tree was killed (only the overload that does not throw returns this).</summary>
    public bool TimedOut { get; init; }

    /// <summary>The child's process id.</summary>
    public int ProcessId { get; init; }

    /// <summary>Standard output followed by standard error.</summary>
    public string Output => StandardError.Length == 0 ? StandardOutput : StandardOutput + Environment.NewLine + StandardError;

    /// <summary>A short account for assertion messages: the command, its exit code and its output.</summary>
    public string Describe() =>
        $"`{CommandLine}` in {WorkingDirectory} exited with {ExitCode} after {Elapsed.TotalSeconds:F1} s. Output:{Environment.NewLine}{Output}";
}

/// <summary>A child process that did not finish in time; it and its descendants have been killed.</summary>
public sealed class ProcessTimeoutException(string message) : TimeoutException(message);

/// <summary>
/// Runs a real child process with a time limit, capturing its output, standard input closed. On timeout or
/// cancellation the whole process tree is killed and waited for (no orphans). Every child still running is listed in
/// <see cref="ActiveProcesses"/>, so a host that is interrupted can kill them all.
/// </summary>
public static class ProcessRunner
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromMinutes(5);

    /// <summary>How long the output of a finished child is awaited: a grandchild that inherited its pipes may keep them open.</summary>
    private static readonly TimeSpan OutputGrace = TimeSpan.FromSeconds(5);

    /// <summary>
    /// For tests: a child that misses its deadline is killed with its descendants and a <see cref="ProcessTimeoutException"/>
    /// says which command hung and what it printed; a program that cannot start throws <see cref="InvalidOperationException"/>.
    /// </summary>
    public static async Task<ProcessResult> RunAsync(
        string fileName,
        IEnumerable<string> arguments,
        string workingDirectory,
        IReadOnlyDictionary<string, string?>? environment = null,
        TimeSpan? timeout = null)
    {
        var limit = timeout ?? DefaultTimeout;
        var result = await RunAsync(fileName, arguments, workingDirectory, environment, limit, CancellationToken.None).ConfigureAwait(false);
        if (result.TimedOut)
        {
            throw new ProcessTimeoutException(
                $"`{result.CommandLine}` in {workingDirectory} did not finish within {limit.TotalSeconds:F0} s; "
                + $"it and its child processes were killed. Output so far:{Environment.NewLine}{Tail(result.Output)}");
        }

        return result;
    }

    /// <summary>
    /// For hosts that report timeouts themselves (the harness): past <paramref name="timeout"/> the tree is killed and the
    /// result says <see cref="ProcessResult.TimedOut"/>; when <paramref name="cancellationToken"/> is cancelled the tree is
    /// killed and <see cref="OperationCanceledException"/> thrown. <paramref name="onStarted"/> sees the process once it
    /// runs (e.g. to attach a diagnostics session). A program that cannot start throws <see cref="InvalidOperationException"/>.
    /// </summary>
    public static async Task<ProcessResult> RunAsync(
        string fileName,
        IEnumerable<string> arguments,
        string workingDirectory,
        IReadOnlyDictionary<string, string?>? environment,
        TimeSpan timeout,
        CancellationToken cancellationToken,
        Action<Process>? onStarted = null)
    {
        var startInfo = CreateStartInfo(fileName, arguments, workingDirectory, environment);
        startInfo.StandardOutputEncoding = Encoding.UTF8;
        startInfo.StandardErrorEncoding = Encoding.UTF8;
        var commandLine = string.Join(" ", new[] { fileName }.Concat(startInfo.ArgumentList.Select(Quote)));
        using var process = new Process { StartInfo = startInfo };
        var clock = Stopwatch.StartNew();
        try
        {
            process.Start();
        }
        catch (Win32Exception e)
        {
            throw new InvalidOperationException($"Could not start `{commandLine}` in {workingDirectory}: {e.Message}", e);
        }

        ActiveProcesses.Add(process);
        try
        {
            // No child may wait for input that never comes.
            process.StandardInput.Close();
            onStarted?.Invoke(process);
            var stdout = process.StandardOutput.ReadToEndAsync(CancellationToken.None);
            var stderr = process.StandardError.ReadToEndAsync(CancellationToken.None);
            var timedOut = false;
            using (var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
            {
                deadline.CancelAfter(timeout);
                try
                {
                    await process.WaitForExitAsync(deadline.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    timedOut = !cancellationToken.IsCancellationRequested;
                    KillTree(process);
                    await process.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false);
                }
            }

            var standardOutput = await WithGrace(stdout).ConfigureAwait(false);
            var standardError = await WithGrace(stderr).ConfigureAwait(false);
            cancellationToken.ThrowIfCancellationRequested();
            return new ProcessResult(commandLine, workingDirectory, process.ExitCode, standardOutput, standardError, clock.Elapsed)
            {
                TimedOut = timedOut,
                ProcessId = process.Id,
            };
        }
        finally
        {
            if (!process.HasExited)
            {
                KillTree(process);
            }

            ActiveProcesses.Remove(process);
        }
    }

    /// <summary>
    /// The start of a child with every standard stream redirected (no shell): <paramref name="arguments"/> one by one, and
    /// <paramref name="environment"/>'s variables set, or removed where the value is null. Also for children that live
    /// longer than one run (a language server).
    /// </summary>
    public static ProcessStartInfo CreateStartInfo(
        string fileName, IEnumerable<string> arguments, string workingDirectory, IReadOnlyDictionary<string, string?>? environment = null)
    {
        var startInfo = new ProcessStartInfo(fileName)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }

        foreach (var (name, value) in environment ?? new Dictionary<string, string?>())
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

        return startInfo;
    }

    /// <summary>Kills a process and all its descendants; nothing happens when it is already gone.</summary>
    public static void KillTree(Process process)
    {
        try
        {
            process.Kill(entireProcessTree: true);
        }
        catch (Exception e) when (e is InvalidOperationException or Win32Exception or NotSupportedException)
        {
            // It exited before the kill.
        }
    }

    private static async Task<string> WithGrace(Task<string> read)
    {
        var done = await Task.WhenAny(read, Task.Delay(OutputGrace)).ConfigureAwait(false);
        return done == read ? await read.ConfigureAwait(false) : "";
    }

    private static string Tail(string text)
    {
        const int Keep = 8000;
        return text.Length <= Keep ? text : "..." + text[^Keep..];
    }

    private static string Quote(string argument) =>
        argument.Length > 0 && !argument.Any(c => char.IsWhiteSpace(c) || c == '"') ? argument : "\"" + argument.Replace("\"", "\\\"") + "\"";

    /// <summary>The children started here that are still running; <see cref="KillAll"/> when the host is interrupted.</summary>
    public static class ActiveProcesses
    {
        private static readonly HashSet<Process> Running = new();

        public static void Add(Process process)
        {
            lock (Running)
            {
                Running.Add(process);
            }
        }

        public static void Remove(Process process)
        {
            lock (Running)
            {
                Running.Remove(process);
            }
        }

        public static void KillAll()
        {
            Process[] all;
            lock (Running)
            {
                all = Running.ToArray();
            }

            foreach (var process in all)
            {
                KillTree(process);
            }
        }
    }
}
