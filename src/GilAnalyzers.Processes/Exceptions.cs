using System;

namespace GilAnalyzers.Processes;

/// <summary>Base class of the failures a <see cref="ProcessPool"/> reports for one work item.</summary>
public class ProcessPoolException : Exception
{
    /// <summary>Creates the exception.</summary>
    public ProcessPoolException(string message, int itemIndex = -1, Exception? inner = null)
        : base(message, inner)
    {
        ItemIndex = itemIndex;
        FirstItemIndex = itemIndex;
        LastItemIndex = itemIndex;
    }

    /// <summary>
    /// Index of the failed item in the input sequence, or -1 when the failure is not tied to one known item: not to an
    /// item at all, or to a chunk of several items of which the pool cannot tell the one at fault (a worker that died
    /// while running them; then <see cref="FirstItemIndex"/> and <see cref="LastItemIndex"/> give the chunk).
    /// </summary>
    public int ItemIndex { get; }

    /// <summary>
    /// The first of the items the failure may belong to: <see cref="ItemIndex"/> when that is known, the first item of the
    /// chunk when only the chunk is (see <see cref="ItemIndex"/>), or -1.
    /// </summary>
    public int FirstItemIndex { get; init; }

    /// <summary>The last of the items the failure may belong to (see <see cref="FirstItemIndex"/>), or -1.</summary>
    public int LastItemIndex { get; init; }
}

/// <summary>The work method threw in the worker process. Carries the remote type, message and stack trace.</summary>
public sealed class RemoteWorkException : ProcessPoolException
{
    /// <summary>Creates the exception.</summary>
    public RemoteWorkException(string message, int itemIndex, string remoteType, string remoteMessage, string? remoteStackTrace, string remoteDetail, int workerProcessId)
        : base(message, itemIndex)
    {
        RemoteType = remoteType;
        RemoteMessage = remoteMessage;
        RemoteStackTrace = remoteStackTrace;
        RemoteDetail = remoteDetail;
        WorkerProcessId = workerProcessId;
    }

    /// <summary>Full name of the exception type thrown in the worker, e.g. <c>System.InvalidOperationException</c>.</summary>
    public string RemoteType { get; }

    /// <summary>Message of the exception thrown in the worker.</summary>
    public string RemoteMessage { get; }

    /// <summary>Stack trace of the exception in the worker process.</summary>
    public string? RemoteStackTrace { get; }

    /// <summary><c>ToString()</c> of the remote exception, including inner exceptions.</summary>
    public string RemoteDetail { get; }

    /// <summary>Process id of the worker that ran the item.</summary>
    public int WorkerProcessId { get; }

    /// <inheritdoc/>
    public override string ToString() =>
        base.ToString() + Environment.NewLine + "--- remote exception in worker process " + WorkerProcessId + " ---" +
        Environment.NewLine + RemoteDetail;
}

/// <summary>
/// The worker process died (crash, <c>Environment.FailFast</c>, killed from outside) while running the item — or, when it
/// was running a chunk of several items, while running one of them: a chunk's results come back together, so which one is
/// not known; <see cref="ProcessPoolException.ItemIndex"/> is then -1 and <see cref="ProcessPoolException.FirstItemIndex"/>
/// and <see cref="ProcessPoolException.LastItemIndex"/> give the chunk.
/// </summary>
public sealed class WorkerCrashedException : ProcessPoolException
{
    /// <summary>Creates the exception.</summary>
    public WorkerCrashedException(string message, int itemIndex, int workerProcessId, int? exitCode, string standardErrorTail, Exception? inner = null)
        : base(message, itemIndex, inner)
    {
        WorkerProcessId = workerProcessId;
        ExitCode = exitCode;
        StandardErrorTail = standardErrorTail;
    }

    /// <summary>Process id of the worker that died.</summary>
    public int WorkerProcessId { get; }

    /// <summary>Exit code of the worker, when it could be read (on Linux 128+N means killed by signal N).</summary>
    public int? ExitCode { get; }

    /// <summary>The last lines the worker wrote to its standard error before it died.</summary>
    public string StandardErrorTail { get; }
}

/// <summary>The item ran past its timeout; its worker process was killed and will be replaced.</summary>
public sealed class WorkItemTimeoutException : ProcessPoolException
{
    /// <summary>Creates the exception.</summary>
    public WorkItemTimeoutException(string message, int itemIndex, int workerProcessId, TimeSpan timeout)
        : base(message, itemIndex)
    {
        WorkerProcessId = workerProcessId;
        Timeout = timeout;
    }

    /// <summary>Process id of the worker that was killed.</summary>
    public int WorkerProcessId { get; }

    /// <summary>The time the item (or its chunk) was allowed.</summary>
    public TimeSpan Timeout { get; }
}

/// <summary>An argument or a result could not be serialised or deserialised.</summary>
public sealed class WorkSerializationException : ProcessPoolException
{
    /// <summary>Creates the exception.</summary>
    public WorkSerializationException(string message, int itemIndex, Type? type, Exception? inner = null)
        : base(message, itemIndex, inner)
    {
        Type = type;
    }

    /// <summary>The type that could not be serialised, when known in this process.</summary>
    public Type? Type { get; }
}

/// <summary>
/// The pool is broken: the initializer given to its constructor failed in a worker process (it threw, or
/// the worker died while running it). Like Python's <c>concurrent.futures.process.BrokenProcessPool</c>: the
/// calls running or waiting fail with it, every worker is stopped, and every later call fails at once with
/// the same cause. Dispose the pool and create a new one.
/// </summary>
public sealed class BrokenProcessPoolException : ProcessPoolException
{
    /// <summary>Creates the exception.</summary>
    public BrokenProcessPoolException(string message, string initializer, int workerProcessId, string? remoteType, string? remoteMessage, string? remoteDetail, int? exitCode, string standardErrorTail)
        : base(message)
    {
        Initializer = initializer;
        WorkerProcessId = workerProcessId;
        RemoteType = remoteType;
        RemoteMessage = remoteMessage;
        RemoteDetail = remoteDetail;
        ExitCode = exitCode;
        StandardErrorTail = standardErrorTail;
    }

    /// <summary>The initializer that failed, as <c>Namespace.Type.Method</c>.</summary>
    public string Initializer { get; }

    /// <summary>Process id of the worker in which it failed.</summary>
    public int WorkerProcessId { get; }

    /// <summary>Full name of the exception the initializer threw (e.g. <c>System.IO.FileNotFoundException</c>), or null when the worker died instead.</summary>
    public string? RemoteType { get; }

    /// <summary>Message of the exception the initializer threw, or null when the worker died instead.</summary>
    public string? RemoteMessage { get; }

    /// <summary><c>ToString()</c> of the initializer's exception in the worker (type, message, stack trace, inner exceptions), or null.</summary>
    public string? RemoteDetail { get; }

    /// <summary>Exit code of the worker when it died running the initializer (on Linux 128+N means signal N), otherwise null.</summary>
    public int? ExitCode { get; }

    /// <summary>The last lines the worker wrote to its standard error.</summary>
    public string StandardErrorTail { get; }

    /// <summary>A new exception with the same cause, so each failing call throws its own instance.</summary>
    internal BrokenProcessPoolException Copy() =>
        new(Message, Initializer, WorkerProcessId, RemoteType, RemoteMessage, RemoteDetail, ExitCode, StandardErrorTail);

    /// <inheritdoc/>
    public override string ToString() =>
        RemoteDetail is null
            ? base.ToString()
            : base.ToString() + Environment.NewLine + "--- initializer exception in worker process " + WorkerProcessId + " ---" + Environment.NewLine + RemoteDetail;
}
