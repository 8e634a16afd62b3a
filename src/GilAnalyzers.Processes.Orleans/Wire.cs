using System;
using Orleans;

namespace GilAnalyzers.Processes.Orleans;

/// <summary>Which static method a silo runs: the same description the local pool sends its workers, plus the build (MVID).</summary>
[GenerateSerializer, Immutable]
public sealed class WorkRef
{
    /// <summary>Full name of the assembly that declares the method.</summary>
    [Id(0)] public string AssemblyName { get; init; } = "";

    /// <summary>Where the assembly was loaded from in the client (tried last on the silo: other machines have other paths).</summary>
    [Id(1)] public string AssemblyPath { get; init; } = "";

    /// <summary>The module version id of the client's build: a silo running another build of the assembly refuses the work.</summary>
    [Id(2)] public Guid ModuleVersionId { get; init; }

    /// <summary>Full name of the declaring type.</summary>
    [Id(3)] public string TypeName { get; init; } = "";

    /// <summary>The method's name.</summary>
    [Id(4)] public string MethodName { get; init; } = "";

    /// <summary>The method's metadata token in its module.</summary>
    [Id(5)] public int MetadataToken { get; init; }

    /// <summary>True for a non-capturing lambda: an instance method of the compiler's stateless singleton.</summary>
    [Id(6)] public bool OnLambdaSingleton { get; init; }

    /// <summary><c>Namespace.Type.Method</c>.</summary>
    public string Display => TypeName + "." + MethodName;
}

/// <summary>One chunk of items for a silo: the items as one MessagePack array, each serialised as the method's parameter type.</summary>
[GenerateSerializer, Immutable]
public sealed class ChunkWork
{
    /// <summary>The work method.</summary>
    [Id(0)] public WorkRef Method { get; init; } = new();

    /// <summary>The chunk's items (the bytes the local pool sends its workers).</summary>
    [Id(1)] public byte[] Items { get; init; } = [];

    /// <summary>Index of the chunk's first item in the map, for messages.</summary>
    [Id(2)] public int Start { get; init; }

    /// <summary>Identifies this call of the chunk, so the client can ask the silo whether it still holds it.</summary>
    [Id(3)] public long CallId { get; init; }

    /// <summary>Time allowed per item, in milliseconds, or null: the silo's local pool kills the worker running a late item.</summary>
    [Id(4)] public double? ItemTimeoutMilliseconds { get; init; }
}

/// <summary>A silo's answer for one chunk.</summary>
[GenerateSerializer, Immutable]
public sealed class ChunkOutcome
{
    /// <summary>One MessagePack array element per item: the result, or nil where the item failed.</summary>
    [Id(0)] public byte[] Values { get; init; } = [];

    /// <summary>The items that failed, by position in the chunk; null when none did.</summary>
    [Id(1)] public ItemFailure[]? Failures { get; init; }

    /// <summary>Process id of the silo that ran the chunk.</summary>
    [Id(2)] public int ProcessId { get; init; }

    /// <summary>The silo's address.</summary>
    [Id(3)] public string Silo { get; init; } = "";
}

/// <summary>
/// One failed item of a chunk, with the remote exception — or, when the silo's local pool cannot tell which item failed
/// (a worker process that died while running a local chunk of several items), the items it may be, from
/// <see cref="Index"/> to <see cref="LastIndex"/>.
/// </summary>
[GenerateSerializer, Immutable]
public sealed class ItemFailure
{
    /// <summary>Position of the item in its chunk; with <see cref="LastIndex"/>, the first of the items the failure may belong to.</summary>
    [Id(0)] public int Index { get; init; }

    /// <summary>
    /// exception (the method threw), argument / result (serialisation), resolve (method not found on the silo), timeout
    /// (an item ran late), crash (a worker process of the silo died), pool (another failure of the silo's local pool).
    /// </summary>
    [Id(1)] public string Kind { get; init; } = "";

    /// <summary>Full name of the exception type.</summary>
    [Id(2)] public string Type { get; init; } = "";

    /// <summary>The exception's message.</summary>
    [Id(3)] public string Message { get; init; } = "";

    /// <summary>The remote stack trace.</summary>
    [Id(4)] public string? StackTrace { get; init; }

    /// <summary><c>ToString()</c> of the remote exception.</summary>
    [Id(5)] public string Detail { get; init; } = "";

    /// <summary>
    /// Null when the failure is of the item at <see cref="Index"/>. Otherwise the last position of the items the failure
    /// may belong to: which of <see cref="Index"/>–<see cref="LastIndex"/> is at fault is not known. (A client that does not
    /// read this field puts the failure on <see cref="Index"/>, as before it existed.)
    /// </summary>
    [Id(6)] public int? LastIndex { get; init; }

    /// <summary>For crash, timeout and pool failures: the silo's worker process that died or was killed.</summary>
    [Id(7)] public int? WorkerProcessId { get; init; }

    /// <summary>For a crash: the worker process's exit code, when it could be read (on Linux 128+N means signal N).</summary>
    [Id(8)] public int? ExitCode { get; init; }

    /// <summary>For a crash: the last lines the worker process wrote to its standard error.</summary>
    [Id(9)] public string? StandardErrorTail { get; init; }

    internal static ItemFailure From(int index, string kind, Exception ex) => new()
    {
        Index = index,
        Kind = kind,
        Type = ex.GetType().FullName ?? ex.GetType().Name,
        Message = ex.Message,
        StackTrace = ex.StackTrace,
        Detail = ex.ToString(),
    };

    /// <summary>
    /// A failure of the silo's local pool for a chunk of <paramref name="count"/> items: of its item when the local pool
    /// names one, otherwise of the items it gives (<see cref="ProcessPoolException.FirstItemIndex"/>–<see cref="ProcessPoolException.LastItemIndex"/>),
    /// or of the whole chunk when it gives none — never of an item it does not name.
    /// </summary>
    internal static ItemFailure FromPool(ProcessPoolException ex, string kind, int count)
    {
        int last = Math.Max(0, count - 1);
        bool known = ex.ItemIndex >= 0 && ex.ItemIndex <= last;
        int first = known ? ex.ItemIndex : ex.FirstItemIndex >= 0 && ex.FirstItemIndex <= last ? ex.FirstItemIndex : 0;
        int? through = known ? null : ex.FirstItemIndex >= 0 && ex.LastItemIndex >= first && ex.LastItemIndex <= last ? ex.LastItemIndex : last;
        return new ItemFailure
        {
            Index = first,
            LastIndex = through == first ? null : through,
            Kind = kind,
            Type = ex.GetType().FullName ?? ex.GetType().Name,
            Message = ex.Message,
            StackTrace = ex.StackTrace,
            Detail = ex.ToString(),
            WorkerProcessId = ex switch
            {
                WorkerCrashedException crash => crash.WorkerProcessId,
                WorkItemTimeoutException late => late.WorkerProcessId,
                _ => null,
            },
            ExitCode = (ex as WorkerCrashedException)?.ExitCode,
            StandardErrorTail = (ex as WorkerCrashedException)?.StandardErrorTail,
        };
    }
}

/// <summary>What a silo offers the pool.</summary>
[GenerateSerializer, Immutable]
public sealed class SiloInfo
{
    /// <summary>Chunks the silo runs at once (its work threads).</summary>
    [Id(0)] public int Workers { get; init; }

    /// <summary>The silo's process id.</summary>
    [Id(1)] public int ProcessId { get; init; }

    /// <summary>The silo's host name.</summary>
    [Id(2)] public string MachineName { get; init; } = "";
}

internal static class FailureKinds
{
    public const string Exception = "exception";
    public const string Argument = "argument";
    public const string Result = "result";
    public const string Resolve = "resolve";
    public const string Timeout = "timeout";
    public const string Crash = "crash";
    public const string Pool = "pool";
}
