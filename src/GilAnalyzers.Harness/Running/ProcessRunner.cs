using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Text;
using System.Threading;
using System.Threading.Tasks;

namespace GilAnalyzers.Harness.Running;

public sealed record ProcessResult(int ExitCode, string StandardOutput, string StandardError, bool TimedOut, TimeSpan Elapsed, int ProcessId);

/// <summary>
/// Runs a child process with captured output and a hard timeout. On timeout or cancellation the
/// whole process tree is killed and waited for, so nothing is left behind.
/// </summary>
public static class ProcessRunner
{
    /// <summary>The `dotnet` host: the one running us if we run under it, else DOTNET_HOST_PATH, else PATH.</summary>
    public static string DotnetHost
    {
        get
        {
            string? self = Environment.ProcessPath;
            if (self is not null && Path.GetFileNameWithoutExtension(self).Equals("dotnet", StringComparison.OrdinalIgnoreCase))
            {
                return self;
            }

            string? hostPath = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH");
            return !string.IsNullOrEmpty(hostPath) && File.Exists(hostPath) ? hostPath : "dotnet";
        }
    }

    public static async Task<ProcessResult> RunAsync(
        string fileName,
        IEnumerable<string> arguments,
        string workingDirectory,
        IReadOnlyDictionary<string, string?> environment,
        TimeSpan timeout,
        CancellationToken cancellationToken,
        Action<Process>? onStarted = null)
    {
        var psi = new ProcessStartInfo(fileName)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
        };
        foreach (string a in arguments)
        {
            psi.ArgumentList.Add(a);
        }

        foreach (var (key, value) in environment)
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

        using var process = new Process { StartInfo = psi };
        var stopwatch = Stopwatch.StartNew();
        try
        {
            process.Start();
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            throw new Cli.HarnessException(Cli.ExitCodes.BadUsage, $"could not start '{fileName}': {ex.Message}");
        }

        ActiveProcesses.Add(process);
        try
        {
            process.StandardInput.Close();
            onStarted?.Invoke(process);
            Task<string> stdout = process.StandardOutput.ReadToEndAsync(CancellationToken.None);
            Task<string> stderr = process.StandardError.ReadToEndAsync(CancellationToken.None);
            bool timedOut = false;
            using (var timeoutCts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
            {
                timeoutCts.CancelAfter(timeout);
                try
                {
                    await process.WaitForExitAsync(timeoutCts.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    timedOut = !cancellationToken.IsCancellationRequested;
                    KillTree(process);
                    await process.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false);
                }
            }

            // Grandchildren that inherited the pipes could keep them open: do not wait forever.
            string outText = await WithGrace(stdout).ConfigureAwait(false);
            string errText = await WithGrace(stderr).ConfigureAwait(false);
            cancellationToken.ThrowIfCancellationRequested();
            return new ProcessResult(process.ExitCode, outText, errText, timedOut, stopwatch.Elapsed, process.Id);
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

    private static async Task<string> WithGrace(Task<string> read)
    {
        Task done = await Task.WhenAny(read, Task.Delay(TimeSpan.FromSeconds(5))).ConfigureAwait(false);
        return done == read ? await read.ConfigureAwait(false) : "";
    }

    public static void KillTree(Process process)
    {
        try
        {
            process.Kill(entireProcessTree: true);
        }
        catch (Exception ex) when (ex is InvalidOperationException or System.ComponentModel.Win32Exception or NotSupportedException)
        {
            // Already gone.
        }
    }

    /// <summary>Processes we started that are still running; killed if the harness is interrupted.</summary>
    public static class ActiveProcesses
    {
        private static readonly HashSet<Process> Set = new();

        public static void Add(Process p)
        {
            lock (Set)
            {
                Set.Add(p);
            }
        }

        public static void Remove(Process p)
        {
            lock (Set)
            {
                Set.Remove(p);
            }
        }

        public static void KillAll()
        {
            Process[] all;
            lock (Set)
            {
                all = new Process[Set.Count];
                Set.CopyTo(all);
            }

            foreach (Process p in all)
            {
                KillTree(p);
            }
        }
    }
}
