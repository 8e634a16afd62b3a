using System;
using System.Collections.Concurrent;
using System.Reflection;
using System.Runtime.CompilerServices;
using System.Text.Json;
using StreamJsonRpc;

namespace GilAnalyzers.Processes.Hosting;

/// <summary>The RPC target in the worker: runs one chunk of items through the user's method.</summary>
internal sealed class WorkerService
{
    private readonly ConcurrentDictionary<string, ChunkRunner> _runners = new(StringComparer.Ordinal);

    /// <summary>
    /// Chunks run one at a time: the pool may queue the next chunk while one runs, and the user's code (the
    /// reason it runs in a worker process) must never run twice at once here.
    /// </summary>
    private readonly object _runGate = new();

    /// <summary>Reports items that run past their timeout (set by the host before listening).</summary>
    public ItemWatchdog? Watchdog { get; set; }

    /// <summary>Answers the worker's process id once it is ready to serve.</summary>
    [JsonRpcMethod(Protocol.PingMethod)]
    public int Ping() => Environment.ProcessId;

    [JsonRpcMethod(Protocol.RunChunkMethod)]
    public ChunkResponse RunChunk(ChunkRequest request)
    {
        lock (_runGate)
        {
            return RunChunkAlone(request);
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

        return ChunkRunner.Create(method, target);
    }
}
