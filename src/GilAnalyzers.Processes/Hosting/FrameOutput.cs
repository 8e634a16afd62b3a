using System;
using System.Buffers;
using System.IO;
using MessagePack;

namespace GilAnalyzers.Processes.Hosting;

/// <summary>The worker's stdout: whole frames (responses and notifications), one writer at a time.</summary>
internal sealed class FrameOutput
{
    private readonly Stream _stream;
    private readonly object _gate = new();

    public FrameOutput(Stream stream) => _stream = stream;

    /// <summary>Sends a response: <c>[1, id, body]</c>, the body written by <paramref name="writeBody"/>.</summary>
    public void Respond<T>(int id, T body, WriteArguments<T> writeBody, int sizeHint = 256)
    {
        using PooledBufferWriter buffer = Protocol.StartFrame(sizeHint);
        var writer = new MessagePackWriter(buffer);
        writer.WriteArrayHeader(3);
        writer.Write(Protocol.Response);
        writer.Write(id);
        writeBody(ref writer, body);
        writer.Flush();
        Send(buffer);
    }

    /// <summary>Sends <c>[3, id, message]</c>: the request could not be handled at all.</summary>
    public void Fail(int id, string message)
    {
        using PooledBufferWriter buffer = Protocol.StartFrame();
        var writer = new MessagePackWriter(buffer);
        writer.WriteArrayHeader(3);
        writer.Write(Protocol.Failure);
        writer.Write(id);
        writer.Write(message);
        writer.Flush();
        Send(buffer);
    }

    public void NotifyItemTimedOut(int index)
    {
        using PooledBufferWriter buffer = Protocol.StartFrame(16);
        var writer = new MessagePackWriter(buffer);
        writer.WriteArrayHeader(3);
        writer.Write(Protocol.Notification);
        writer.Write(Protocol.ItemTimedOutMethod);
        writer.Write(index);
        writer.Flush();
        Send(buffer);
    }

    private void Send(PooledBufferWriter buffer)
    {
        lock (_gate)
        {
            _stream.Write(Protocol.EndFrame(buffer));
            _stream.Flush();
        }
    }
}
