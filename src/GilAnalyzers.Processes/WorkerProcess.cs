using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Threading;
using System.Threading.Tasks;
using GilAnalyzers.Processes.Diagnostics;
using MessagePack;

namespace GilAnalyzers.Processes;

internal enum KillReason
{
    None,
    Timeout,
    Cancelled,
    Disposed,
    Retired,
    /// <summary>The pool is broken (an initializer failed): every worker is stopped.</summary>
    Broken,
}

/// <summary>The pool's handle on one worker process and its connection (<see cref="WorkerConnection"/>).</summary>
internal sealed class WorkerProcess : IDisposable
{
    private const int StderrTailLines = 100;
    private readonly Process _process;
    private readonly WorkerConnection _rpc;
    private readonly Queue<string> _stderrTail = new();
    /// <summary>
    /// Held around every look at <see cref="_process"/>'s exit (<see cref="Process.HasExited"/>, <see cref="Process.ExitCode"/>)
    /// and around its disposal. <see cref="Process"/> is not thread-safe: <c>HasExited</c> sets its "exited" flag before it
    /// stores the exit code, so a second thread could read the code in between and get 0; and two concurrent
    /// <see cref="Process.WaitForExitAsync"/> calls add their <c>Exited</c> handlers without synchronisation, so one can be
    /// lost (that wait then runs into its timeout). Several threads do ask: the failure of every chunk in flight on a worker
    /// that dies (<see cref="WorkerConnection"/> fails them all at once), the pool's checks, kills and releases.
    /// </summary>
    private readonly object _exitGate = new();
    /// <summary>Completed by the process's <c>Exited</c> event, subscribed before the process starts (so never missed), or by <see cref="Dispose"/>.</summary>
    private readonly TaskCompletionSource _exited;
    /// <summary>Completed when the worker's standard error reaches its end (its tail is complete then), or by <see cref="Dispose"/>.</summary>
    private readonly TaskCompletionSource _stderrClosed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    /// <summary>The exit code, read once under <see cref="_exitGate"/> once the process has exited.</summary>
    private int? _exitCode;
    private bool _disposed;
    /// <summary>Methods this worker has been sent, by their number in the protocol (see <see cref="RunChunkAsync"/>).</summary>
    private readonly Dictionary<WorkMethodIdentity, int> _methodIds = new(WorkMethodIdentity.SameMethod);
    private int _killReason;
    private int _timedOutIndex = -1;
    private int _traced;

    private WorkerProcess(Process process, TaskCompletionSource exited)
    {
        _process = process;
        _exited = exited;
        ProcessId = process.Id;
        _rpc = new WorkerConnection(process.StandardInput.BaseStream, process.StandardOutput.BaseStream, OnItemTimedOut);
    }

    public int ProcessId { get; }

    /// <summary>When the worker last went idle (<see cref="Environment.TickCount64"/>), for the idle timeout.</summary>
    public long IdleSince { get; set; }

    /// <summary>Items this worker has run (for <c>maxTasksPerWorker</c> recycling).</summary>
    public int ItemsRun { get; set; }

    public KillReason KillReason => (KillReason)Volatile.Read(ref _killReason);

    /// <summary>Position in the running chunk of the item the worker reported as past its timeout, or -1.</summary>
    public int TimedOutIndex => Volatile.Read(ref _timedOutIndex);

    public bool HasExited
    {
        get
        {
            lock (_exitGate)
            {
                return ExitedLocked();
            }
        }
    }

    public static WorkerProcess Start(WorkerLauncher launcher)
    {
        var process = new Process { StartInfo = launcher.CreateStartInfo(), EnableRaisingEvents = true };
        var exited = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        process.Exited += (_, _) => exited.TrySetResult();
        long spawn = Stopwatch.GetTimestamp();
        try
        {
            process.Start();
            if (StartupTrace.Enabled)
            {
                StartupTrace.MarkWorker(process.Id, "spawn", spawn);
                StartupTrace.MarkWorker(process.Id, "spawned", Stopwatch.GetTimestamp());
            }
        }
        catch (Exception ex)
        {
            process.Dispose();
            throw new ProcessPoolException($"Could not start a worker process ('{launcher.DotnetPath}'): {ex.Message}", inner: ex);
        }

        var worker = new WorkerProcess(process, exited);
        process.ErrorDataReceived += (_, e) => worker.OnStderr(e.Data);
        process.BeginErrorReadLine();
        worker._rpc.StartReading(worker.ProcessId);
        return worker;
    }

    public Task<ChunkResponse> RunChunkAsync(ChunkRequest request)
    {
        // The method's identity (four strings) goes to a worker once, with a number; later chunks name it by the number.
        // Decided and written under one lock, so a chunk that names a method never reaches the worker before the one
        // that defines it.
        // (Reference types only in the generic code here: the ReadyToRun image holds their shared code, where a value-tuple
        // key or state would be jitted in every application on its first chunk.)
        Task<ChunkResponse> response;
        lock (_methodIds)
        {
            bool known = _methodIds.TryGetValue(request.Method, out int methodId);
            if (!known)
            {
                methodId = _methodIds.Count + 1;
            }

            request.MethodNumber = methodId;
            request.MethodKnown = known;
            response = _rpc.InvokeAsync(
                Protocol.RunChunkMethod,
                3,
                request,
                static (ref MessagePackWriter w, ChunkRequest r) =>
                {
                    if (r.MethodKnown)
                    {
                        w.Write(r.MethodNumber);
                    }
                    else
                    {
                        Protocol.WriteIdentity(ref w, r.Method, r.MethodNumber);
                    }

                    if (r.ItemTimeoutMilliseconds is double timeout)
                    {
                        w.Write(timeout);
                    }
                    else
                    {
                        w.WriteNil();
                    }

                    w.WriteRaw(r.Items.Span);
                },
                static (ref MessagePackReader r) => Protocol.ReadChunkResponse(ref r),
                request.Items.Length + 512);
            if (!known)
            {
                _methodIds[request.Method] = methodId;
            }
        }

        if (StartupTrace.Enabled && Interlocked.Exchange(ref _traced, 1) == 0)
        {
            _ = response.ContinueWith(static (_, pid) => StartupTrace.MarkWorker((int)pid!, "answered", Stopwatch.GetTimestamp()), ProcessId, TaskScheduler.Default);
        }

        return response;
    }

    private void OnItemTimedOut(int index)
    {
        Interlocked.CompareExchange(ref _timedOutIndex, index, -1);
        Kill(KillReason.Timeout);
    }

    /// <summary>The answer to the initializer request, or null when the pool has no initializer.</summary>
    public Task<InitializeResponse>? Initialization { get; private set; }

    /// <summary>Sends the initializer request; the worker runs it before any chunk sent after it.</summary>
    public void StartInitialize(WorkMethodIdentity initializer) =>
        Initialization = _rpc.InvokeAsync(
            Protocol.InitializeMethod,
            1,
            initializer,
            static (ref MessagePackWriter w, WorkMethodIdentity id) => Protocol.WriteIdentity(ref w, id),
            static (ref MessagePackReader r) => new InitializeResponse { Error = Protocol.ReadError(ref r) });

    public Task<int> PingAsync() => _rpc.InvokeAsync(
        Protocol.PingMethod,
        0,
        0,
        static (ref MessagePackWriter w, int _) => { },
        static (ref MessagePackReader r) => r.ReadInt32());

    /// <summary>Kills the worker (and anything it started); the first reason given wins.</summary>
    public void Kill(KillReason reason)
    {
        Interlocked.CompareExchange(ref _killReason, (int)reason, (int)KillReason.None);
        try
        {
            // Not once it has exited: its pid may belong to another process by now.
            if (!HasExited && !ProcessTree.TryKill(ProcessId))
            {
                _process.Kill(entireProcessTree: true);
            }
        }
        catch (Exception ex) when (ex is InvalidOperationException or System.ComponentModel.Win32Exception or NotSupportedException)
        {
            // Already gone.
        }
    }

    /// <summary>
    /// Waits up to <paramref name="timeout"/> for the process to end, and for its standard error to reach its end (so that
    /// <see cref="StandardErrorTail"/> is complete), and returns its exit code: null while it is still running, or when it
    /// cannot be known (the worker was disposed before its exit was seen). Safe to call from several threads at once.
    /// </summary>
    public async Task<int?> WaitForExitAsync(TimeSpan timeout)
    {
        long start = Stopwatch.GetTimestamp();
        if (!HasExited)
        {
            try
            {
                await _exited.Task.WaitAsync(timeout).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
                return ExitCode();
            }
        }

        TimeSpan left = timeout - Stopwatch.GetElapsedTime(start);
        if (left > TimeSpan.Zero)
        {
            try
            {
                await _stderrClosed.Task.WaitAsync(left).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
                // Something the worker started still holds its standard error: the exit code is known all the same.
            }
        }

        return ExitCode();
    }

    /// <summary>The exit code once the process has exited, else null.</summary>
    private int? ExitCode()
    {
        lock (_exitGate)
        {
            ExitedLocked();
            return _exitCode;
        }
    }

    /// <summary>Whether the process has exited (true once disposed); reads and keeps the exit code when it has. Under <see cref="_exitGate"/>.</summary>
    private bool ExitedLocked()
    {
        if (_exitCode is not null || _disposed)
        {
            return true;
        }

        try
        {
            if (!_process.HasExited)
            {
                return false;
            }

            _exitCode = _process.ExitCode;
            return true;
        }
        catch (InvalidOperationException)
        {
            return true;
        }
    }

    public bool WaitForExit(TimeSpan timeout)
    {
        try
        {
            return _process.WaitForExit(timeout);
        }
        catch (InvalidOperationException)
        {
            return true;
        }
    }

    public string StandardErrorTail()
    {
        lock (_stderrTail)
        {
            return string.Join(Environment.NewLine, _stderrTail);
        }
    }

    /// <summary>Closes the worker's input (it exits by itself), then kills it if it has not exited in time.</summary>
    public void Shutdown(TimeSpan grace, KillReason reason)
    {
        Interlocked.CompareExchange(ref _killReason, (int)reason, (int)KillReason.None);
        try
        {
            _rpc.Dispose();
        }
        catch (Exception)
        {
            // The pipe may already be broken; the kill below settles it.
        }

        try
        {
            if (!_process.WaitForExit(grace))
            {
                Kill(reason);
                _process.WaitForExit(TimeSpan.FromSeconds(5));
            }
        }
        catch (InvalidOperationException)
        {
        }
    }

    public void Dispose()
    {
        Kill(KillReason.Disposed);
        _rpc.Dispose();
        lock (_exitGate)
        {
            if (!_disposed)
            {
                ExitedLocked(); // keeps the exit code if it is known by now: a disposed Process no longer gives it
                _disposed = true;
                _process.Dispose();
            }
        }

        // A disposed Process raises no Exited event and reads no more standard error: release the waits.
        _exited.TrySetResult();
        _stderrClosed.TrySetResult();
    }

    private void OnStderr(string? line)
    {
        if (line is null)
        {
            _stderrClosed.TrySetResult();
            return;
        }

        lock (_stderrTail)
        {
            _stderrTail.Enqueue(line);
            while (_stderrTail.Count > StderrTailLines)
            {
                _stderrTail.Dequeue();
            }
        }

        // Keep the user's diagnostics visible: the worker's stderr (and its Console.Out) goes to ours.
        try
        {
            Console.Error.WriteLine("[worker " + ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture) + "] " + line);
        }
        catch (Exception ex) when (ex is System.IO.IOException or ObjectDisposedException)
        {
        }
    }
}
