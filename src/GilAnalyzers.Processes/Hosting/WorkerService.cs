using System;
using System.Collections.Concurrent;
using System.Reflection;
using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using StreamJsonRpc;

namespace GilAnalyzers.Processes.Hosting;

/// <summary>
/// The RPC target in the worker: runs chunks of items through the user's method, one at a time, on one
/// dedicated thread. The pool may queue the next chunk while one runs; the user's code (the reason it runs
/// in a worker process) never runs twice at once here, and it never occupies a thread-pool thread, which
/// the RPC needs to read the next request and write the last answer while the work runs.
/// </summary>
internal sealed class WorkerService
{
    private readonly ConcurrentDictionary<string, ChunkRunner> _runners = new(StringComparer.Ordinal);
    private readonly BlockingCollection<Action> _queue = new();

    public WorkerService()
    {
        var thread = new Thread(RunQueue) { IsBackground = true, Name = "GilAnalyzers.Processes work" };
        thread.Start();
    }

    /// <summary>Reports items that run past their timeout (set by the host before listening).</summary>
    public ItemWatchdog? Watchdog { get; set; }

    /// <summary>Answers the worker's process id once it is ready to serve.</summary>
    [JsonRpcMethod(Protocol.PingMethod)]
    public int Ping() => Environment.ProcessId;

    [JsonRpcMethod(Protocol.RunChunkMethod)]
    public Task<ChunkResponse> RunChunkAsync(ChunkRequest request) => Enqueue(() => RunChunkAlone(request));

    /// <summary>
    /// Runs the pool's initializer on the work thread, before any chunk (the pool sends it first and waits
    /// for its answer before it sends a chunk), so thread-affine state it sets up is the work's.
    /// </summary>
    [JsonRpcMethod(Protocol.InitializeMethod)]
    public Task<InitializeResponse> InitializeAsync(WorkMethodIdentity method) => Enqueue(() =>
    {
        Action initializer;
        try
        {
            (MethodInfo resolved, object? target) = ResolveMethod(method);
            initializer = resolved.CreateDelegate<Action>(target);
        }
        catch (Exception ex)
        {
            return new InitializeResponse { Error = RemoteError.From(RemoteErrorKinds.Resolve, ex) };
        }

        try
        {
            initializer();
            return new InitializeResponse();
        }
        catch (Exception ex)
        {
            return new InitializeResponse { Error = RemoteError.From(RemoteErrorKinds.Exception, ex) };
        }
    });

    private Task<T> Enqueue<T>(Func<T> run)
    {
        var done = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
        _queue.Add(() =>
        {
            try
            {
                done.SetResult(run());
            }
            catch (Exception ex)
            {
                done.SetException(ex);
            }
        });
        return done.Task;
    }

    private void RunQueue()
    {
        foreach (Action run in _queue.GetConsumingEnumerable())
        {
            run();
        }
    }

    private ChunkResponse RunChunkAlone(ChunkRequest request)
    {
        ChunkRunner runner;
        try
        {
            string key = request.Method.AssemblyPath + "|" + request.Method.MetadataToken.ToString(System.Globalization.CultureInfo.InvariantCulture);
            runner = _runners.GetOrAdd(key, _ => Resolve(request.Method));
        }
        catch (Exception ex)
        {
            int count = request.Items.ValueKind == JsonValueKind.Array ? request.Items.GetArrayLength() : 0;
            var error = RemoteError.From(RemoteErrorKinds.Resolve, ex);
            var errors = new ItemError[count];
            for (int i = 0; i < count; i++)
            {
                errors[i] = new ItemError { Index = i, Error = error };
            }

            return new ChunkResponse { Values = Payload.Nulls(count), Errors = errors };
        }

        return runner.Run(request, Watchdog);
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
