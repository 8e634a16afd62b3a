using System;
using System.Buffers;
using System.Collections.Generic;
using System.Reflection;
using System.Runtime.CompilerServices;
using System.IO;
using MessagePack;
using System.Threading;
using System.Threading.Tasks;
using GilAnalyzers.Processes.Diagnostics;

namespace GilAnalyzers.Processes.Hosting;

/// <summary>
/// The RPC target in the worker: runs chunks of items through the user's method, one at a time, on one
/// dedicated thread. The pool may queue the next chunk while one runs; the user's code (the reason it runs
/// in a worker process) never runs twice at once here, and it never occupies a thread-pool thread, which
/// the RPC needs to read the next request and write the last answer while the work runs.
/// </summary>
internal sealed class WorkerService
{
    // Both used on the work thread only, apart from the queue's hand-over (under its own lock). Plain collections:
    // the concurrent ones would load System.Collections.Concurrent and jit their code in every worker's start-up.
    private readonly Dictionary<string, ChunkRunner> _runners = new(StringComparer.Ordinal);
    private readonly Queue<Action> _queue = new();
    // The methods the pool has numbered (read on the request thread only).
    private readonly List<WorkMethodIdentity?> _methods = new();
    private readonly FrameOutput _output;

    public WorkerService(FrameOutput output)
    {
        _output = output;
        var thread = new Thread(RunQueue) { IsBackground = true, Name = "GilAnalyzers.Processes work" };
        thread.Start();
    }

    /// <summary>Reports items that run past their timeout (set by the host before it reads requests).</summary>
    public ItemWatchdog? Watchdog { get; set; }

    /// <summary>
    /// Handles one request frame: answers a ping at once, queues the initializer and chunks for the work thread.
    /// <paramref name="frame"/> is rented from <see cref="ArrayPool{T}.Shared"/> (its first <paramref name="length"/>
    /// bytes are the frame); it goes back to the pool here, or once its chunk has run.
    /// </summary>
    public void Dispatch(byte[] frame, int length)
    {
        StartupTrace.MarkOnce("request", 0);
        int id = -1;
        bool kept = false;
        try
        {
            var reader = new MessagePackReader(frame.AsMemory(0, length));
            int count = reader.ReadArrayHeader();
            if (count < 3 || reader.ReadInt32() != Protocol.Request)
            {
                return;
            }

            id = reader.ReadInt32();
            int method = reader.ReadInt32();
            switch (method)
            {
                case Protocol.PingMethod:
                    _output.Respond(id, Environment.ProcessId, static (ref MessagePackWriter w, int pid) => w.Write(pid));
                    break;
                case Protocol.InitializeMethod:
                {
                    WorkMethodIdentity initializer = Protocol.ReadIdentity(ref reader);
                    int requestId = id;
                    Enqueue(() => _output.Respond(requestId, Initialize(initializer), static (ref MessagePackWriter w, RemoteError? e) => Protocol.WriteError(ref w, e)));
                    break;
                }

                case Protocol.RunChunkMethod:
                {
                    var request = new ChunkRequest { Method = Protocol.ReadMethod(ref reader, _methods) };
                    request.ItemTimeoutMilliseconds = reader.TryReadNil() ? null : reader.ReadDouble();
                    // The items are the request's last element: the rest of the frame, taken as it is (no
                    // skipping through it to find its end).
                    int consumed = checked((int)reader.Consumed);
                    request.Items = frame.AsMemory(consumed, length - consumed);
                    int requestId = id;
                    kept = true;
                    Enqueue(() =>
                    {
                        ChunkResponse response;
                        try
                        {
                            response = RunChunkAlone(request);
                        }
                        finally
                        {
                            ArrayPool<byte>.Shared.Return(frame);
                        }

                        using IDisposable? values = response.ValuesLease;
                        _output.Respond(requestId, response, static (ref MessagePackWriter w, ChunkResponse r) => Protocol.WriteChunkResponse(ref w, r), response.Values.Length + 256);
                    });
                    break;
                }

                default:
                    _output.Fail(id, "unknown method " + method.ToString(System.Globalization.CultureInfo.InvariantCulture));
                    break;
            }
        }
        catch (Exception ex) when (ex is not IOException)
        {
            if (id >= 0)
            {
                _output.Fail(id, ex.ToString());
            }
        }
        finally
        {
            if (!kept)
            {
                ArrayPool<byte>.Shared.Return(frame);
            }
        }
    }

    /// <summary>
    /// Runs the pool's initializer on the work thread, before any chunk (the pool sends it first and waits
    /// for its answer before it sends a chunk), so thread-affine state it sets up is the work's.
    /// </summary>
    private static RemoteError? Initialize(WorkMethodIdentity method)
    {
        Action initializer;
        try
        {
            (MethodInfo resolved, object? target) = ResolveMethod(method);
            initializer = resolved.CreateDelegate<Action>(target);
        }
        catch (Exception ex)
        {
            return RemoteError.From(RemoteErrorKinds.Resolve, ex);
        }

        try
        {
            initializer();
            return null;
        }
        catch (Exception ex)
        {
            return RemoteError.From(RemoteErrorKinds.Exception, ex);
        }
    }

    private void Enqueue(Action run)
    {
        lock (_queue)
        {
            _queue.Enqueue(run);
            Monitor.Pulse(_queue);
        }
    }

    private void RunQueue()
    {
        while (true)
        {
            Action run;
            lock (_queue)
            {
                while (_queue.Count == 0)
                {
                    Monitor.Wait(_queue);
                }

                run = _queue.Dequeue();
            }

            try
            {
                run();
            }
            catch (IOException)
            {
                // The pool closed the pipe: the reader sees the end and the worker exits.
            }
        }
    }

    private ChunkResponse RunChunkAlone(ChunkRequest request)
    {
        ChunkRunner runner;
        try
        {
            string key = request.Method.AssemblyPath + "|" + request.Method.MetadataToken.ToString(System.Globalization.CultureInfo.InvariantCulture);
            if (!_runners.TryGetValue(key, out runner!))
            {
                runner = Resolve(request.Method);
                _runners.Add(key, runner);
            }
        }
        catch (Exception ex)
        {
            int count = Payload.ArrayLength(request.Items);
            var error = RemoteError.From(RemoteErrorKinds.Resolve, ex);
            var errors = new ItemError[count];
            for (int i = 0; i < count; i++)
            {
                errors[i] = new ItemError { Index = i, Error = error };
            }

            return new ChunkResponse { Values = Payload.Nulls(count), Errors = errors };
        }

        StartupTrace.MarkOnce("resolved", 1);
        ChunkResponse response = runner.Run(request, Watchdog);
        StartupTrace.MarkOnce("ran", 2);
        return response;
    }

    private static ChunkRunner Resolve(WorkMethodIdentity id)
    {
        (MethodInfo method, object? target) = ResolveMethod(id);
        return ChunkRunner.Create(method, target);
    }

    private static (MethodInfo Method, object? Target) ResolveMethod(WorkMethodIdentity id)
    {
        Assembly assembly = UserAssemblies.Load(id.AssemblyPath, id.AssemblyName);
        MethodBase? resolved = null;
        foreach (Module module in assembly.GetModules())
        {
            try
            {
                resolved = module.ResolveMethod(id.MetadataToken);
            }
            catch (ArgumentException)
            {
                continue;
            }

            if (resolved is not null && resolved.Name == id.MethodName && resolved.DeclaringType?.FullName == id.TypeName)
            {
                break;
            }

            resolved = null;
        }

        if (resolved is not MethodInfo method)
        {
            throw new MissingMethodException(
                $"Method '{id.Display}' was not found in '{id.AssemblyPath}' (was the assembly rebuilt after the pool started?).");
        }

        object? target = null;
        if (id.OnLambdaSingleton)
        {
            Type type = method.DeclaringType!;
            RuntimeHelpers.RunClassConstructor(type.TypeHandle);
            FieldInfo field = WorkMethod.FindSingletonField(type)
                ?? throw new MissingFieldException($"The lambda singleton of '{type.FullName}' was not found.");
            target = field.GetValue(null);
        }

        return (method, target);
    }
}
