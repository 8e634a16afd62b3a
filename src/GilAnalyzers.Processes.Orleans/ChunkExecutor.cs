using System;
using System.Buffers;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.IO;
using System.Reflection;
using System.Runtime.CompilerServices;
using System.Threading;
using System.Threading.Tasks;
using MessagePack;

namespace GilAnalyzers.Processes.Orleans;

/// <summary>
/// Runs the silo's chunks in a local <see cref="ProcessPool"/>: worker processes of the application, each with its own
/// statics and native libraries, one item at a time per process — the same isolation GIL006's fix relies on, so work
/// that is not thread-safe stays correct on a silo, and a silo uses every core of its machine. Cancelling a chunk stops
/// the worker processes running it (the local pool's cancellation); a silo that dies takes its workers with it (they
/// watch their parent).
/// </summary>
public sealed class ChunkExecutor : IDisposable
{
    private readonly ConcurrentDictionary<(string Assembly, Guid Mvid, int Token), PoolChunkRunner> _runners = new();
    // Chunk calls this silo received: 0 while running, then the tick count at which the answer left. An answered call
    // is still reported as held for a while, so a client whose answer is slow on the way (a loaded machine) does not
    // take the call for lost and run the chunk again.
    private readonly ConcurrentDictionary<long, long> _held = new();
    private const long AnsweredMemoryMilliseconds = 10_000;
    private readonly ProcessPool _pool;
    private readonly string _silo;

    /// <summary>Creates the executor with a local pool of <paramref name="workers"/> worker processes.</summary>
    /// <param name="workers">Worker processes; defaults to <see cref="Environment.ProcessorCount"/>.</param>
    /// <param name="silo">The silo's address, reported with each outcome.</param>
    public ChunkExecutor(int? workers, string silo)
    {
        Workers = Math.Max(1, workers ?? Environment.ProcessorCount);
        _silo = silo;
        _pool = new ProcessPool(maxWorkers: Workers);
        Info = new SiloInfo { Workers = Workers, ProcessId = Environment.ProcessId, MachineName = Environment.MachineName };
    }

    /// <summary>Worker processes of the silo.</summary>
    public int Workers { get; }

    /// <summary>What this silo offers.</summary>
    public SiloInfo Info { get; }

    /// <summary>Runs the chunk in the silo's worker processes.</summary>
    /// <param name="work">The chunk.</param>
    /// <param name="cancellationToken">Stops the chunk (its worker processes are stopped and replaced).</param>
    /// <returns>The outcome.</returns>
    public async Task<ChunkOutcome> RunAsync(ChunkWork work, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        _held[work.CallId] = 0;
        try
        {
            PoolChunkRunner runner;
            try
            {
                WorkRef m = work.Method;
                runner = _runners.GetOrAdd((m.AssemblyName, m.ModuleVersionId, m.MetadataToken), _ => PoolChunkRunner.Create(WorkResolver.Resolve(m)));
            }
            catch (Exception ex)
            {
                int count = Math.Max(0, Payload.ArrayLength(work.Items));
                var failures = new ItemFailure[count];
                for (int i = 0; i < count; i++)
                {
                    failures[i] = ItemFailure.From(i, FailureKinds.Resolve, ex);
                }

                return new ChunkOutcome { Values = Payload.Nulls(count).ToArray(), Failures = failures, ProcessId = Environment.ProcessId, Silo = _silo };
            }

            TimeSpan? itemTimeout = work.ItemTimeoutMilliseconds is double ms ? TimeSpan.FromMilliseconds(ms) : null;
            (byte[] values, ItemFailure[]? errors) = await runner.RunAsync(_pool, work.Items, itemTimeout, cancellationToken).ConfigureAwait(false);
            return new ChunkOutcome { Values = values, Failures = errors, ProcessId = Environment.ProcessId, Silo = _silo };
        }
        finally
        {
            _held[work.CallId] = Math.Max(1, Environment.TickCount64);
        }
    }

    /// <summary>For each call id: true while the chunk call is running here, or its answer left less than 10 s ago.</summary>
    /// <param name="callIds">The ids.</param>
    /// <returns>One flag per id.</returns>
    public bool[] Holds(long[] callIds)
    {
        long now = Environment.TickCount64;
        foreach (KeyValuePair<long, long> call in _held)
        {
            if (call.Value != 0 && now - call.Value > AnsweredMemoryMilliseconds)
            {
                _held.TryRemove(call.Key, out _);
            }
        }

        var held = new bool[callIds.Length];
        for (int i = 0; i < callIds.Length; i++)
        {
            held[i] = _held.TryGetValue(callIds[i], out long answered) && (answered == 0 || now - answered <= AnsweredMemoryMilliseconds);
        }

        return held;
    }

    /// <summary>Stops the worker processes.</summary>
    public void Dispose() => _pool.Terminate();
}

/// <summary>Finds the work method in the silo: the application's own assembly (loaded, or resolved through its deps.json), checked to be the client's build.</summary>
internal static class WorkResolver
{
    public static (MethodInfo Method, object? Target) Resolve(WorkRef id)
    {
        Assembly assembly = LoadAssembly(id);
        if (assembly.ManifestModule.ModuleVersionId != id.ModuleVersionId)
        {
            throw new InvalidOperationException(
                $"This silo runs another build of '{assembly.GetName().Name}' (module version {assembly.ManifestModule.ModuleVersionId}, loaded from '{assembly.Location}') than the client that sent '{id.Display}' (module version {id.ModuleVersionId}). " +
                "Deploy the same build of the application to every silo and the client.");
        }

        MethodBase? resolved = null;
        try
        {
            resolved = assembly.ManifestModule.ResolveMethod(id.MetadataToken);
        }
        catch (ArgumentException)
        {
        }

        if (resolved is not MethodInfo method || method.Name != id.MethodName || method.DeclaringType?.FullName != id.TypeName)
        {
            throw new MissingMethodException($"Method '{id.Display}' was not found in '{assembly.FullName}'.");
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

    private static Assembly LoadAssembly(WorkRef id)
    {
        foreach (Assembly loaded in AppDomain.CurrentDomain.GetAssemblies())
        {
            if (!loaded.IsDynamic && loaded.FullName == id.AssemblyName && loaded.ManifestModule.ModuleVersionId == id.ModuleVersionId)
            {
                return loaded;
            }
        }

        try
        {
            // The silo runs with the application's deps.json: the application's assemblies resolve by name.
            return Assembly.Load(new AssemblyName(id.AssemblyName));
        }
        catch (Exception ex) when (ex is FileNotFoundException or FileLoadException)
        {
            if (File.Exists(id.AssemblyPath))
            {
                return Hosting.UserAssemblies.Load(id.AssemblyPath, id.AssemblyName);
            }

            throw new FileNotFoundException(
                $"The silo cannot load '{id.AssemblyName}' (the assembly of '{id.Display}'): it is not part of the application this silo runs, and '{id.AssemblyPath}' does not exist here. " +
                "Start the silo with the application's deps.json and runtimeconfig.json (docs/cluster.md).", ex);
        }
    }
}

/// <summary>Runs chunks (the local pool's item bytes) through one resolved work method in the silo's local process pool.</summary>
internal abstract class PoolChunkRunner
{
    public abstract Task<(byte[] Values, ItemFailure[]? Failures)> RunAsync(ProcessPool pool, byte[] items, TimeSpan? itemTimeout, CancellationToken cancellationToken);

    public static PoolChunkRunner Create((MethodInfo Method, object? Target) resolved)
    {
        Type parameter = resolved.Method.GetParameters()[0].ParameterType;
        Type runner = typeof(PoolChunkRunner<,>).MakeGenericType(parameter, resolved.Method.ReturnType);
        return (PoolChunkRunner)Activator.CreateInstance(runner, resolved.Method, resolved.Target)!;
    }
}

internal sealed class PoolChunkRunner<TIn, TOut> : PoolChunkRunner
{
    private readonly Func<TIn, TOut> _work;

    public PoolChunkRunner(MethodInfo method, object? target) => _work = method.CreateDelegate<Func<TIn, TOut>>(target);

    public override async Task<(byte[] Values, ItemFailure[]? Failures)> RunAsync(ProcessPool pool, byte[] items, TimeSpan? itemTimeout, CancellationToken cancellationToken)
    {
        TIn[] arguments;
        int count;
        {
            var reader = new MessagePackReader(items);
            count = reader.ReadArrayHeader();
            arguments = new TIn[count];
            for (int index = 0; index < count; index++)
            {
                ReadOnlySequence<byte> raw = reader.ReadRaw();
                try
                {
                    var one = new MessagePackReader(raw);
                    arguments[index] = Codec<TIn>.Instance.Read(ref one);
                }
                catch (Exception ex)
                {
                    return (Payload.Nulls(count).ToArray(), [ItemFailure.From(index, FailureKinds.Argument, Payload.Unwrap(ex))]);
                }
            }
        }

        TOut[] results;
        try
        {
            results = await pool.MapAsync(_work, arguments, itemTimeout: itemTimeout, cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        catch (RemoteWorkException ex)
        {
            var failure = new ItemFailure
            {
                Index = Math.Max(0, ex.ItemIndex),
                Kind = FailureKinds.Exception,
                Type = ex.RemoteType,
                Message = ex.RemoteMessage,
                StackTrace = ex.RemoteStackTrace,
                Detail = ex.RemoteDetail,
            };
            return (Payload.Nulls(count).ToArray(), [failure]);
        }
        catch (WorkItemTimeoutException ex)
        {
            return (Payload.Nulls(count).ToArray(), [ItemFailure.FromPool(ex, FailureKinds.Timeout, count)]);
        }
        catch (WorkSerializationException ex)
        {
            return (Payload.Nulls(count).ToArray(), [ItemFailure.From(Math.Max(0, ex.ItemIndex), FailureKinds.Result, ex)]);
        }
        catch (WorkerCrashedException ex)
        {
            // A worker process died: on the item when the local pool knows it (a local chunk of one item), otherwise on the
            // local chunk's items (ItemIndex -1, FirstItemIndex–LastItemIndex), which the client reports as the local pool does.
            return (Payload.Nulls(count).ToArray(), [ItemFailure.FromPool(ex, FailureKinds.Crash, count)]);
        }
        catch (ProcessPoolException ex) when (ex is not BrokenProcessPoolException)
        {
            // Another failure of the local pool (e.g. the connection to a worker process broke during a chunk).
            return (Payload.Nulls(count).ToArray(), [ItemFailure.FromPool(ex, FailureKinds.Pool, count)]);
        }

        var buffer = new ArrayBufferWriter<byte>(Math.Max(256, items.Length));
        var writer = new MessagePackWriter(buffer);
        writer.WriteArrayHeader(count);
        for (int i = 0; i < count; i++)
        {
            Codec<TOut>.Instance.Write(ref writer, results[i]);
        }

        writer.Flush();
        return (buffer.WrittenSpan.ToArray(), null);
    }
}
