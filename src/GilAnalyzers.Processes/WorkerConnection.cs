using System;
using System.Buffers;
using System.Collections.Concurrent;
using System.IO;
using System.Threading;
using System.Threading.Tasks;
using MessagePack;

namespace GilAnalyzers.Processes;

/// <summary>Writes a request's arguments.</summary>
internal delegate void WriteArguments<TState>(ref MessagePackWriter writer, TState state);

/// <summary>Reads a response's body.</summary>
internal delegate T ReadBody<T>(ref MessagePackReader reader);

/// <summary>
/// The pool's end of a worker's pipes (see <see cref="Protocol"/>): requests are written whole, one frame at a
/// time; a reader thread matches responses to their requests by id and raises notifications.
/// </summary>
internal sealed class WorkerConnection : IDisposable
{
    private readonly Stream _toWorker;
    private readonly Stream _fromWorker;
    private readonly object _writeGate = new();
    private readonly ConcurrentDictionary<int, Pending> _pending = new();
    private readonly Action<int> _itemTimedOut;
    private int _nextId;
    private Exception? _closed;

    public WorkerConnection(Stream toWorker, Stream fromWorker, Action<int> itemTimedOut)
    {
        _toWorker = toWorker;
        _fromWorker = fromWorker;
        _itemTimedOut = itemTimedOut;
    }

    public void StartReading(int workerPid)
    {
        var thread = new Thread(ReadLoop)
        {
            IsBackground = true,
            Name = "GilAnalyzers.Processes reader " + workerPid.ToString(System.Globalization.CultureInfo.InvariantCulture),
        };
        thread.Start();
    }

    public Task<T> InvokeAsync<TState, T>(int method, int argumentCount, TState state, WriteArguments<TState> write, ReadBody<T> read, int sizeHint = 256)
    {
        var pending = new Pending<T>(read);
        int id = Interlocked.Increment(ref _nextId);
        using PooledBufferWriter buffer = Protocol.StartFrame(sizeHint);
        var writer = new MessagePackWriter(buffer);
        try
        {
            writer.WriteArrayHeader(3 + argumentCount);
            writer.Write(Protocol.Request);
            writer.Write(id);
            writer.Write(method);
            write(ref writer, state);
            writer.Flush();
        }
        catch (Exception ex)
        {
            return Task.FromException<T>(ex);
        }

        _pending[id] = pending;
        try
        {
            lock (_writeGate)
            {
                if (Volatile.Read(ref _closed) is Exception closed)
                {
                    throw new IOException("The connection to the worker is closed: " + closed.Message, closed);
                }

                _toWorker.Write(Protocol.EndFrame(buffer));
                _toWorker.Flush();
            }
        }
        catch (Exception ex)
        {
            if (_pending.TryRemove(id, out _))
            {
                pending.Fail(ex);
            }
        }

        // The frame has been written out (or failed): its buffer goes back to the pool here.
        return pending.Task;
    }

    /// <summary>Closes the worker's input (it exits when it reads the end); pending calls fail.</summary>
    public void Dispose()
    {
        lock (_writeGate)
        {
            Interlocked.CompareExchange(ref _closed, new ObjectDisposedException(nameof(WorkerConnection), "The connection was closed by the pool."), null);
            try
            {
                _toWorker.Dispose();
            }
            catch (IOException)
            {
                // Broken pipe: the worker is gone already.
            }
        }

        FailAll();
    }

    private void ReadLoop()
    {
        Exception? end = null;
        try
        {
            while (Protocol.ReadFrame(_fromWorker) is byte[] frame)
            {
                Dispatch(frame);
            }
        }
        catch (Exception ex)
        {
            end = ex;
        }

        Interlocked.CompareExchange(ref _closed, end ?? new EndOfStreamException("The worker closed its output."), null);
        FailAll();
    }

    private void Dispatch(byte[] frame)
    {
        var reader = new MessagePackReader(frame);
        int count = reader.ReadArrayHeader();
        int kind = reader.ReadInt32();
        switch (kind)
        {
            case Protocol.Response when count >= 3:
            {
                int id = reader.ReadInt32();
                if (_pending.TryRemove(id, out Pending? pending))
                {
                    pending.Complete(ref reader);
                }

                break;
            }

            case Protocol.Failure when count >= 3:
            {
                int id = reader.ReadInt32();
                string message = reader.ReadString() ?? "";
                if (_pending.TryRemove(id, out Pending? pending))
                {
                    pending.Fail(new WorkerProtocolException("The worker could not handle the request: " + message));
                }

                break;
            }

            case Protocol.Notification when count >= 3:
                if (reader.ReadInt32() == Protocol.ItemTimedOutMethod)
                {
                    _itemTimedOut(reader.ReadInt32());
                }

                break;
        }
    }

    private void FailAll()
    {
        Exception reason = Volatile.Read(ref _closed) ?? new EndOfStreamException("The connection to the worker was lost.");
        foreach (int id in _pending.Keys)
        {
            if (_pending.TryRemove(id, out Pending? pending))
            {
                pending.Fail(new IOException("The connection to the worker was lost: " + reason.Message, reason));
            }
        }
    }

    private abstract class Pending
    {
        public abstract void Complete(ref MessagePackReader reader);

        public abstract void Fail(Exception ex);
    }

    private sealed class Pending<T> : Pending
    {
        private readonly TaskCompletionSource<T> _done = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly ReadBody<T> _read;

        public Pending(ReadBody<T> read) => _read = read;

        public Task<T> Task => _done.Task;

        public override void Complete(ref MessagePackReader reader)
        {
            try
            {
                _done.TrySetResult(_read(ref reader));
            }
            catch (Exception ex)
            {
                _done.TrySetException(new WorkerProtocolException("The worker's answer could not be read: " + ex.Message, ex));
            }
        }

        public override void Fail(Exception ex) => _done.TrySetException(ex);
    }
}
