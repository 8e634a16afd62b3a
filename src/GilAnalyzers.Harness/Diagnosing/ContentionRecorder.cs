using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Diagnostics.Tracing;
using System.IO;
using System.Threading;
using System.Threading.Tasks;
using GilAnalyzers.Testing.Processes;
using Microsoft.Diagnostics.NETCore.Client;

namespace GilAnalyzers.Harness.Diagnosing;

/// <summary>
/// Records the runtime's contention, loader and JIT events of a child process into a .nettrace file.
/// The child is started with DOTNET_DefaultDiagnosticPortSuspend=1, so its runtime waits at start-up
/// on its default diagnostic port; we connect (DiagnosticsClient by PID), start the EventPipe session
/// and only then resume it, so no event of the program is missed.
/// </summary>
public sealed class ContentionRecorder
{
    /// <summary>Clr keywords: Loader | Jit | NGen | Contention | JittedMethodILToNativeMap.</summary>
    public const long Keywords = 0x8 | 0x10 | 0x20 | 0x4000 | 0x20000;

    public static readonly IReadOnlyDictionary<string, string?> Environment = new Dictionary<string, string?>
    {
        ["DOTNET_DefaultDiagnosticPortSuspend"] = "1",
    };

    /// <summary>How long the runtime's diagnostic port may take to appear.</summary>
    public static readonly TimeSpan AttachTimeout = TimeSpan.FromSeconds(15);

    private readonly string _tracePath;

    public ContentionRecorder(string tracePath)
    {
        _tracePath = tracePath;
    }

    /// <summary>Null while recording or when it worked; otherwise why no trace could be recorded.</summary>
    public string? Problem { get; private set; }

    /// <summary>True when attaching failed and the (possibly suspended) program was killed for it.</summary>
    public bool KilledProcess { get; private set; }

    /// <summary>Completes when the session is running and the program was resumed (or attaching failed).</summary>
    public Task Attached => _attached.Task;

    private readonly TaskCompletionSource _attached = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>The diagnostics switch of the environment the child inherits, if it turns them off.</summary>
    public static string? DisabledBy()
    {
        foreach (string name in new[] { "DOTNET_EnableDiagnostics", "COMPlus_EnableDiagnostics", "DOTNET_EnableDiagnostics_IPC", "COMPlus_EnableDiagnostics_IPC" })
        {
            if (System.Environment.GetEnvironmentVariable(name) == "0")
            {
                return name + "=0";
            }
        }

        return null;
    }

    /// <summary>Whether the program has exited (a disposed Process object means the runner saw it exit).</summary>
    private static bool HasEnded(Process process)
    {
        try
        {
            return process.HasExited;
        }
        catch (InvalidOperationException)
        {
            return true;
        }
    }

    /// <summary>Attaches, resumes the runtime, and copies the event stream to the trace file until the process exits.</summary>
    /// <param name="process">The running program; it may exit (and its object be disposed) at any time.</param>
    /// <param name="pid">Its id, read while it was known to run.</param>
    /// <param name="cancellationToken">Stops the recording.</param>
    public async Task RecordAsync(Process process, int pid, CancellationToken cancellationToken)
    {
        EventPipeSession? session = null;
        try
        {
            var client = new DiagnosticsClient(pid);
            var providers = new[]
            {
                new EventPipeProvider("Microsoft-Windows-DotNETRuntime", EventLevel.Verbose, Keywords),
            };
            var clock = Stopwatch.StartNew();
            while (session is null)
            {
                cancellationToken.ThrowIfCancellationRequested();
                try
                {
                    session = await client.StartEventPipeSessionAsync(providers, requestRundown: true, circularBufferMB: 256, cancellationToken).ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is ServerNotAvailableException or IOException or TimeoutException)
                {
                    if (HasEnded(process))
                    {
                        Problem = "the program ended without opening its diagnostic port: the runtime's diagnostics are turned off for it (DOTNET_EnableDiagnostics=0, or a runtime built without EventPipe), so no lock contention could be recorded";
                        return;
                    }

                    if (clock.Elapsed > AttachTimeout)
                    {
                        Problem = $"the program's diagnostic port did not appear within {AttachTimeout.TotalSeconds:0} s: the runtime's diagnostics look turned off (DOTNET_EnableDiagnostics=0?), so no lock contention could be recorded";
                        // It may be waiting for us at start-up: do not leave it suspended until the run's timeout.
                        KilledProcess = true;
                        ProcessRunner.KillTree(process);
                        return;
                    }

                    await Task.Delay(10, cancellationToken).ConfigureAwait(false);
                }
            }

            client.ResumeRuntime();
            _attached.TrySetResult();
            await using (var file = File.Create(_tracePath))
            {
                // The stream ends when the program exits and the runtime closes the session.
                await session.EventStream.CopyToAsync(file, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            Problem ??= "recording the runtime's events failed: " + ex.Message;
        }
        finally
        {
            _attached.TrySetResult();
            session?.Dispose();
        }
    }
}
