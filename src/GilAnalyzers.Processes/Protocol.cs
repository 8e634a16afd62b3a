using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using StreamJsonRpc;

namespace GilAnalyzers.Processes;

/// <summary>
/// The messages exchanged between the pool and a worker process. They travel as JSON-RPC 2.0 requests
/// (StreamJsonRpc, Content-Length framing, System.Text.Json formatter) over the worker's stdin/stdout.
/// </summary>
internal static class Protocol
{
    public const string RunChunkMethod = "gil/runChunk";
    public const string PingMethod = "gil/ping";
    /// <summary>Pool → worker, once, first: run the pool's initializer (on the work thread, before any chunk).</summary>
    public const string InitializeMethod = "gil/initialize";
    /// <summary>Notification worker → pool: the item at this position of the running chunk is past its timeout.</summary>
    public const string ItemTimedOutMethod = "gil/itemTimedOut";
    public const string WorkerFlag = "--gil-worker";
    public const string ParentPidFlag = "--parent-pid";

    public static IJsonRpcMessageHandler CreateHandler(System.IO.Stream writer, System.IO.Stream reader)
    {
        // The message types' contracts come from the source generator: no reflection and no emitted accessors to
        // compile while a worker starts (the parent and every worker would otherwise build them at run time).
        var formatter = new SystemTextJsonFormatter
        {
            JsonSerializerOptions = new JsonSerializerOptions
            {
                TypeInfoResolver = JsonTypeInfoResolver.Combine(ProtocolJsonContext.Default, new DefaultJsonTypeInfoResolver()),
            },
        };
        return new HeaderDelimitedMessageHandler(writer, reader, formatter);
    }
}

[JsonSerializable(typeof(ChunkRequest))]
[JsonSerializable(typeof(ChunkResponse))]
[JsonSerializable(typeof(int))]
[JsonSerializable(typeof(WorkMethodIdentity))]
[JsonSerializable(typeof(InitializeResponse))]
internal sealed partial class ProtocolJsonContext : JsonSerializerContext
{
}

/// <summary>Which static method to run, identified so that the worker can find exactly the same one.</summary>
internal sealed class WorkMethodIdentity
{
    public string AssemblyPath { get; set; } = "";
    public string AssemblyName { get; set; } = "";
    public string TypeName { get; set; } = "";
    public string MethodName { get; set; } = "";
    public int MetadataToken { get; set; }
    /// <summary>True for a non-capturing lambda: an instance method on the compiler's stateless singleton class.</summary>
    public bool OnLambdaSingleton { get; set; }

    public string Display => TypeName + "." + MethodName;
}

internal sealed class ChunkRequest
{
    public WorkMethodIdentity Method { get; set; } = new();

    /// <summary>The chunk's items as one JSON array, each element serialised as the method's parameter type.</summary>
    public JsonElement Items { get; set; }

    /// <summary>Per-item timeout; the worker reports an item that runs past it, and the pool kills the worker.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public double? ItemTimeoutMilliseconds { get; set; }
}

internal sealed class ChunkResponse
{
    /// <summary>One JSON array element per item: the result, or null where the item failed.</summary>
    public JsonElement Values { get; set; }

    /// <summary>The items that failed, by position in the chunk.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public ItemError[]? Errors { get; set; }
}

internal sealed class InitializeResponse
{
    /// <summary>Null when the initializer ran; otherwise why it failed (kind exception or resolve).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public RemoteError? Error { get; set; }
}

internal sealed class ItemError
{
    public int Index { get; set; }

    public RemoteError Error { get; set; } = new();
}

internal static class RemoteErrorKinds
{
    /// <summary>The user's method threw.</summary>
    public const string Exception = "exception";
    /// <summary>The worker could not turn the JSON argument back into the parameter type.</summary>
    public const string Argument = "argument";
    /// <summary>The worker could not serialise the method's result.</summary>
    public const string Result = "result";
    /// <summary>The worker could not load the assembly or find the method.</summary>
    public const string Resolve = "resolve";
}

internal sealed class RemoteError
{
    public string Kind { get; set; } = RemoteErrorKinds.Exception;
    public string Type { get; set; } = "";
    public string Message { get; set; } = "";
    public string? StackTrace { get; set; }
    public string Detail { get; set; } = "";

    public static RemoteError From(string kind, System.Exception ex) => new()
    {
        Kind = kind,
        Type = ex.GetType().FullName ?? ex.GetType().Name,
        Message = ex.Message,
        StackTrace = ex.StackTrace,
        Detail = ex.ToString(),
    };
}
