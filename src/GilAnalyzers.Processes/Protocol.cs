using System;
using System.Buffers;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.IO;
using MessagePack;

namespace GilAnalyzers.Processes;

/// <summary>
/// The messages between the pool and a worker process, over the worker's stdin/stdout. Each message is one
/// frame: a 4-byte little-endian length, then one MessagePack value (written and read with MessagePack-CSharp's
/// <see cref="MessagePackWriter"/>/<see cref="MessagePackReader"/>). Items and results are embedded as MessagePack
/// arrays, so bytes travel as bytes. The shapes:
/// <list type="bullet">
/// <item>request, pool → worker: <c>[0, id, method, ...arguments]</c> (ping: none; initialize: identity; run chunk: identity, item timeout in ms or nil, items);</item>
/// <item>response, worker → pool: <c>[1, id, body]</c> (ping: pid; initialize: nil or error; run chunk: [values, nil or [[index, error]...]]);</item>
/// <item>notification, worker → pool: <c>[2, method, argument]</c> (item timed out: its position in the chunk);</item>
/// <item>failure, worker → pool: <c>[3, id, message]</c>, when the worker could not handle a request at all.</item>
/// </list>
/// A JSON-RPC connection (StreamJsonRpc) was used before; its start-up in every worker cost about two thirds of a
/// worker's cold start (docs/processes.md, "Start-up").
/// </summary>
internal static class Protocol
{
    public const int Request = 0;
    public const int Response = 1;
    public const int Notification = 2;
    public const int Failure = 3;

    public const int PingMethod = 1;
    /// <summary>Pool → worker, once, first: run the pool's initializer (on the work thread, before any chunk).</summary>
    public const int InitializeMethod = 2;
    public const int RunChunkMethod = 3;

    /// <summary>Notification worker → pool: the item at this position of the running chunk is past its timeout.</summary>
    public const int ItemTimedOutMethod = 1;

    public const string WorkerFlag = "--gil-worker";
    public const string ParentPidFlag = "--parent-pid";

    /// <summary>Largest frame accepted (a sanity bound against a corrupted stream, not a payload limit one meets).</summary>
    public const int MaxFrameLength = int.MaxValue - 64;

    public static void WriteIdentity(ref MessagePackWriter writer, WorkMethodIdentity id) => WriteIdentity(ref writer, id, 0);

    /// <summary>
    /// Writes a method's identity; with a <paramref name="number"/> (not 0) the worker remembers it under that number, and
    /// later requests name the method by the number alone (<see cref="ReadMethod"/>).
    /// </summary>
    public static void WriteIdentity(ref MessagePackWriter writer, WorkMethodIdentity id, int number)
    {
        writer.WriteArrayHeader(number == 0 ? 6 : 7);
        writer.Write(id.AssemblyPath);
        writer.Write(id.AssemblyName);
        writer.Write(id.TypeName);
        writer.Write(id.MethodName);
        writer.Write(id.MetadataToken);
        writer.Write(id.OnLambdaSingleton);
        if (number != 0)
        {
            writer.Write(number);
        }
    }

    /// <summary>
    /// Reads the method of a chunk request: an identity (remembered in <paramref name="known"/>, at its number − 1, when it
    /// carries a number), or the number of one sent before.
    /// </summary>
    /// <exception cref="InvalidDataException">A number no identity was sent for.</exception>
    public static WorkMethodIdentity ReadMethod(ref MessagePackReader reader, List<WorkMethodIdentity?> known)
    {
        if (reader.NextCode is not (>= MessagePackCode.MinFixArray and <= MessagePackCode.MaxFixArray) and not MessagePackCode.Array16 and not MessagePackCode.Array32)
        {
            int number = reader.ReadInt32();
            return number >= 1 && number <= known.Count && known[number - 1] is WorkMethodIdentity method
                ? method
                : throw new InvalidDataException($"The request names method number {number}, which this worker was never sent.");
        }

        MessagePackReader peek = reader;
        bool numbered = peek.ReadArrayHeader() > 6;
        WorkMethodIdentity id = ReadIdentityFields(ref reader, numbered, out int given);
        if (numbered && given >= 1)
        {
            // Numbers are given 1, 2, 3... in the order the pool sends them; a list indexed by them is enough.
            while (known.Count < given)
            {
                known.Add(null);
            }

            known[given - 1] = id;
        }

        return id;
    }

    private static WorkMethodIdentity ReadIdentityFields(ref MessagePackReader reader, bool numbered, out int number)
    {
        int count = reader.ReadArrayHeader();
        var id = new WorkMethodIdentity
        {
            AssemblyPath = reader.ReadString() ?? "",
            AssemblyName = reader.ReadString() ?? "",
            TypeName = reader.ReadString() ?? "",
            MethodName = reader.ReadString() ?? "",
            MetadataToken = reader.ReadInt32(),
            OnLambdaSingleton = reader.ReadBoolean(),
        };
        number = numbered ? reader.ReadInt32() : 0;
        int read = numbered ? 7 : 6;
        if (count > read)
        {
            SkipRest(ref reader, count - read);
        }

        return id;
    }

    public static WorkMethodIdentity ReadIdentity(ref MessagePackReader reader) => ReadIdentityFields(ref reader, numbered: false, out _);

    public static void WriteError(ref MessagePackWriter writer, RemoteError? error)
    {
        if (error is null)
        {
            writer.WriteNil();
            return;
        }

        writer.WriteArrayHeader(5);
        writer.Write(error.Kind);
        writer.Write(error.Type);
        writer.Write(error.Message);
        writer.Write(error.StackTrace);
        writer.Write(error.Detail);
    }

    public static RemoteError? ReadError(ref MessagePackReader reader)
    {
        if (reader.TryReadNil())
        {
            return null;
        }

        int count = reader.ReadArrayHeader();
        var error = new RemoteError
        {
            Kind = reader.ReadString() ?? RemoteErrorKinds.Exception,
            Type = reader.ReadString() ?? "",
            Message = reader.ReadString() ?? "",
            StackTrace = reader.ReadString(),
            Detail = reader.ReadString() ?? "",
        };
        if (count > 5)
        {
            SkipRest(ref reader, count - 5);
        }

        return error;
    }

    public static void WriteChunkResponse(ref MessagePackWriter writer, ChunkResponse response)
    {
        writer.WriteArrayHeader(2);
        writer.WriteRaw(response.Values.Span);
        if (response.Errors is null)
        {
            writer.WriteNil();
        }
        else
        {
            writer.WriteArrayHeader(response.Errors.Length);
            foreach (ItemError e in response.Errors)
            {
                writer.WriteArrayHeader(2);
                writer.Write(e.Index);
                WriteError(ref writer, e.Error);
            }
        }
    }

    public static ChunkResponse ReadChunkResponse(ref MessagePackReader reader)
    {
        int count = reader.ReadArrayHeader();
        var response = new ChunkResponse { Values = Raw(ref reader) };
        if (!reader.TryReadNil())
        {
            var errors = new ItemError[reader.ReadArrayHeader()];
            for (int i = 0; i < errors.Length; i++)
            {
                reader.ReadArrayHeader();
                errors[i] = new ItemError { Index = reader.ReadInt32(), Error = ReadError(ref reader) ?? new RemoteError() };
            }

            response.Errors = errors;
        }

        if (count > 2)
        {
            SkipRest(ref reader, count - 2);
        }

        return response;
    }

    /// <summary>
    /// Skips <paramref name="extra"/> values a newer peer appended to a message. Kept out of the readers, so that they have
    /// no loop: a method with a loop is compiled fully optimised on its first call in a worker (its JIT settings), which
    /// costs milliseconds of start-up, where a loop-free one is compiled at tier 0 in microseconds.
    /// </summary>
    private static void SkipRest(ref MessagePackReader reader, int extra)
    {
        for (int i = 0; i < extra; i++)
        {
            reader.Skip();
        }
    }

    /// <summary>The next MessagePack value as its own bytes (no copy when the frame is one buffer).</summary>
    public static ReadOnlyMemory<byte> Raw(ref MessagePackReader reader)
    {
        ReadOnlySequence<byte> raw = reader.ReadRaw();
        return raw.IsSingleSegment ? raw.First : raw.ToArray();
    }

    /// <summary>
    /// Starts one frame in a rented buffer: room for the length prefix; the message is written after it. Dispose the
    /// writer once the frame has been written out.
    /// </summary>
    public static PooledBufferWriter StartFrame(int sizeHint = 256)
    {
        var buffer = new PooledBufferWriter(sizeHint + 4);
        buffer.GetSpan(4);
        buffer.Advance(4);
        return buffer;
    }

    /// <summary>Fills in the length prefix of a frame built with <see cref="StartFrame"/> and returns its bytes.</summary>
    public static ReadOnlySpan<byte> EndFrame(PooledBufferWriter buffer)
    {
        Span<byte> frame = buffer.WrittenSpanForUpdate;
        BinaryPrimitives.WriteInt32LittleEndian(frame, frame.Length - 4);
        return frame;
    }

    /// <summary>
    /// Reads one frame's body into an array rented from <see cref="ArrayPool{T}.Shared"/> (longer than the body; its
    /// <paramref name="length"/> says how much is the body), or null at the end of the stream. The caller returns the array.
    /// </summary>
    public static byte[]? ReadFramePooled(Stream stream, out int length)
    {
        length = 0;
        Span<byte> header = stackalloc byte[4];
        if (!ReadHeader(stream, header))
        {
            return null;
        }

        length = BinaryPrimitives.ReadInt32LittleEndian(header);
        if (length < 0 || length > MaxFrameLength)
        {
            throw new InvalidDataException($"Corrupted frame length {length}.");
        }

        byte[] body = ArrayPool<byte>.Shared.Rent(Math.Max(1, length));
        try
        {
            stream.ReadExactly(body, 0, length);
        }
        catch
        {
            ArrayPool<byte>.Shared.Return(body);
            throw;
        }

        return body;
    }

    private static bool ReadHeader(Stream stream, Span<byte> header)
    {
        int got = 0;
        while (got < 4)
        {
            int n = stream.Read(header[got..]);
            if (n == 0)
            {
                if (got == 0)
                {
                    return false;
                }

                throw new EndOfStreamException("The stream ended inside a frame header.");
            }

            got += n;
        }

        return true;
    }

    /// <summary>Reads one frame's body, or null at the end of the stream.</summary>
    public static byte[]? ReadFrame(Stream stream)
    {
        Span<byte> header = stackalloc byte[4];
        if (!ReadHeader(stream, header))
        {
            return null;
        }

        int length = BinaryPrimitives.ReadInt32LittleEndian(header);
        if (length < 0 || length > MaxFrameLength)
        {
            throw new InvalidDataException($"Corrupted frame length {length}.");
        }

        byte[] body = new byte[length];
        stream.ReadExactly(body);
        return body;
    }
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

    /// <summary>Equal when they name the same method of the same assembly file (what a worker resolves).</summary>
    public static IEqualityComparer<WorkMethodIdentity> SameMethod { get; } = new SameMethodComparer();

    private sealed class SameMethodComparer : IEqualityComparer<WorkMethodIdentity>
    {
        public bool Equals(WorkMethodIdentity? x, WorkMethodIdentity? y) =>
            ReferenceEquals(x, y) ||
            (x is not null && y is not null && x.MetadataToken == y.MetadataToken && x.OnLambdaSingleton == y.OnLambdaSingleton &&
             string.Equals(x.AssemblyPath, y.AssemblyPath, StringComparison.Ordinal));

        public int GetHashCode(WorkMethodIdentity obj) => HashCode.Combine(obj.MetadataToken, obj.AssemblyPath.Length);
    }
}

internal sealed class ChunkRequest
{
    public WorkMethodIdentity Method { get; set; } = new();

    /// <summary>The chunk's items as one MessagePack array, each element serialised as the method's parameter type.</summary>
    public ReadOnlyMemory<byte> Items { get; set; }

    /// <summary>The rented buffer that holds <see cref="Items"/>, if any: returned once the request has been written out (pool) or run (worker).</summary>
    public IDisposable? ItemsLease { get; set; }

    /// <summary>Per-item timeout; the worker reports an item that runs past it, and the pool kills the worker.</summary>
    public double? ItemTimeoutMilliseconds { get; set; }

    /// <summary>The number the worker knows <see cref="Method"/> by (set when the request is sent).</summary>
    public int MethodNumber { get; set; }

    /// <summary>Whether the worker already has <see cref="Method"/> under <see cref="MethodNumber"/> (else the identity is sent).</summary>
    public bool MethodKnown { get; set; }
}

internal sealed class ChunkResponse
{
    /// <summary>One MessagePack array element per item: the result, or nil where the item failed.</summary>
    public ReadOnlyMemory<byte> Values { get; set; }

    /// <summary>The items that failed, by position in the chunk.</summary>
    public ItemError[]? Errors { get; set; }

    /// <summary>The rented buffer that holds <see cref="Values"/> in the worker, if any: returned once the answer has been written out.</summary>
    public IDisposable? ValuesLease { get; set; }
}

internal sealed class InitializeResponse
{
    /// <summary>Null when the initializer ran; otherwise why it failed (kind exception or resolve).</summary>
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
    /// <summary>The worker could not turn the bytes back into the parameter type.</summary>
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

/// <summary>The worker's side of the connection broke the protocol or failed a request outright.</summary>
internal sealed class WorkerProtocolException : Exception
{
    public WorkerProtocolException(string message, Exception? inner = null)
        : base(message, inner)
    {
    }
}
