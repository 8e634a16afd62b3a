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
/// The silo's work threads. Chunks run on dedicated threads, never on the thread pool that Orleans needs for
/// messaging and membership probes: a silo busy with CPU-bound work keeps answering its peers, so it is not
/// declared dead because it is busy. At most <see cref="Workers"/> chunks run at once; the others wait in a queue
/// (and leave it when their call is cancelled).
/// </summary>
public sealed class ChunkExecutor : IDisposable
{
    private readonly BlockingCollection<Job> _queue = new();
    private readonly ConcurrentDictionary<(string Assembly, Guid Mvid, int Token), ClusterChunkRunner> _runners = new();
    private readonly string _silo;
    private readonly ConcurrentDictionary<long, byte> _held = new();

    /// <summary>Starts <paramref name="workers"/> work threads.</summary>
    /// <param name="workers">Chunks run at once; defaults to <see cref="Environment.ProcessorCount"/>.</param>
    /// <param name="silo">The silo's address, reported with each outcome.</param>
    public ChunkExecutor(int? workers, string silo)
    {
        Workers = Math.Max(1, workers ?? Environment.ProcessorCount);
        _silo = silo;
        Info = new SiloInfo { Workers = Workers, ProcessId = Environment.ProcessId, MachineName = Environment.MachineName };
        for (int i = 0; i < Workers; i++)
        {
            new Thread(RunQueue) { IsBackground = true, Name = "GilAnalyzers.Processes.Orleans work " + i }.Start();
        }
    }

    /// <summary>Chunks run at once.</summary>
    public int Workers { get; }

    /// <summary>What this silo offers.</summary>
    public SiloInfo Info { get; }

    /// <summary>Queues the chunk and completes with its outcome (cancelled when <paramref name="cancellationToken"/> fires first).</summary>
    /// <param name="work">The chunk.</param>
    /// <param name="cancellationToken">Stops the chunk: removed from the queue, or stopped between items.</param>
    /// <returns>The outcome.</returns>
    public Task<ChunkOutcome> RunAsync(ChunkWork work, CancellationToken cancellationToken)
    {
        var job = new Job(work, cancellationToken);
        if (cancellationToken.IsCancellationRequested)
        {
            return Task.FromCanceled<ChunkOutcome>(cancellationToken);
        }

        _held[work.CallId] = 0;
        _queue.Add(job);
        return job.Completion.Task;
    }

    /// <summary>For each call id: true while the chunk call is queued or running here.</summary>
    /// <param name="callIds">The ids.</param>
    /// <returns>One flag per id.</returns>
    public bool[] Holds(long[] callIds)
    {
        var held = new bool[callIds.Length];
        for (int i = 0; i < callIds.Length; i++)
        {
            held[i] = _held.ContainsKey(callIds[i]);
        }

        return held;
    }

    /// <summary>Stops the work threads once the queue is empty.</summary>
    public void Dispose() => _queue.CompleteAdding();

    private void RunQueue()
    {
        foreach (Job job in _queue.GetConsumingEnumerable())
        {
            if (job.Cancellation.IsCancellationRequested)
            {
                _held.TryRemove(job.Work.CallId, out _);
                job.Completion.TrySetCanceled(job.Cancellation);
                continue;
            }

            // Released after the outcome is set: the answer is on its way once the chunk is no longer held.
            using var release = new Releaser(_held, job.Work.CallId);
            try
            {
                job.Completion.TrySetResult(Run(job.Work, job.Cancellation));
            }
            catch (OperationCanceledException) when (job.Cancellation.IsCancellationRequested)
            {
                job.Completion.TrySetCanceled(job.Cancellation);
            }
            catch (Exception ex)
            {
                job.Completion.TrySetException(ex);
            }
        }
    }

    private ChunkOutcome Run(ChunkWork work, CancellationToken cancellationToken)
    {
        ClusterChunkRunner runner;
        try
        {
            WorkRef m = work.Method;
            runner = _runners.GetOrAdd((m.AssemblyName, m.ModuleVersionId, m.MetadataToken), _ => ClusterChunkRunner.Create(WorkResolver.Resolve(m)));
        }
        catch (Exception ex)
        {
            int count = Payload.ArrayLength(work.Items);
            var failures = new ItemFailure[Math.Max(0, count)];
            for (int i = 0; i < failures.Length; i++)
            {
                failures[i] = ItemFailure.From(i, FailureKinds.Resolve, ex);
            }

            return new ChunkOutcome { Values = Payload.Nulls(failures.Length).ToArray(), Failures = failures, ProcessId = Environment.ProcessId, Silo = _silo };
        }

        (byte[] values, ItemFailure[]? errors) = runner.Run(work.Items, cancellationToken);
        return new ChunkOutcome { Values = values, Failures = errors, ProcessId = Environment.ProcessId, Silo = _silo };
    }

    private readonly struct Releaser(ConcurrentDictionary<long, byte> held, long id) : IDisposable
    {
        public void Dispose() => held.TryRemove(id, out _);
    }

    private sealed class Job(ChunkWork work, CancellationToken cancellation)
    {
        public ChunkWork Work { get; } = work;

        public CancellationToken Cancellation { get; } = cancellation;

        public TaskCompletionSource<ChunkOutcome> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
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

/// <summary>Runs chunks through one resolved work method (the local pool's chunk format), checking cancellation between items.</summary>
internal abstract class ClusterChunkRunner
{
    public abstract (byte[] Values, ItemFailure[]? Failures) Run(byte[] items, CancellationToken cancellationToken);

    public static ClusterChunkRunner Create((MethodInfo Method, object? Target) resolved)
    {
        Type parameter = resolved.Method.GetParameters()[0].ParameterType;
        Type runner = typeof(ClusterChunkRunner<,>).MakeGenericType(parameter, resolved.Method.ReturnType);
        return (ClusterChunkRunner)Activator.CreateInstance(runner, resolved.Method, resolved.Target)!;
    }
}

internal sealed class ClusterChunkRunner<TIn, TOut> : ClusterChunkRunner
{
    private readonly Func<TIn, TOut> _work;

    public ClusterChunkRunner(MethodInfo method, object? target) => _work = method.CreateDelegate<Func<TIn, TOut>>(target);

    public override (byte[] Values, ItemFailure[]? Failures) Run(byte[] items, CancellationToken cancellationToken)
    {
        List<ItemFailure>? failures = null;
        var buffer = new ArrayBufferWriter<byte>(Math.Max(256, items.Length));
        var scratch = new ArrayBufferWriter<byte>(64);
        var reader = new MessagePackReader(items);
        int count = reader.ReadArrayHeader();
        var writer = new MessagePackWriter(buffer);
        writer.WriteArrayHeader(count);
        for (int index = 0; index < count; index++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            ReadOnlySequence<byte> raw = reader.ReadRaw();
            TIn argument;
            try
            {
                var one = new MessagePackReader(raw);
                argument = Codec<TIn>.Instance.Read(ref one);
            }
            catch (Exception ex)
            {
                (failures ??= new()).Add(ItemFailure.From(index, FailureKinds.Argument, Payload.Unwrap(ex)));
                writer.WriteNil();
                continue;
            }

            TOut result;
            try
            {
                result = _work(argument);
            }
            catch (Exception ex)
            {
                (failures ??= new()).Add(ItemFailure.From(index, FailureKinds.Exception, ex));
                writer.WriteNil();
                continue;
            }

            try
            {
                scratch.ResetWrittenCount();
                var one = new MessagePackWriter(scratch);
                Codec<TOut>.Instance.Write(ref one, result);
                one.Flush();
                writer.WriteRaw(scratch.WrittenSpan);
            }
            catch (Exception ex)
            {
                (failures ??= new()).Add(ItemFailure.From(index, FailureKinds.Result, Payload.Unwrap(ex)));
                writer.WriteNil();
            }
        }

        writer.Flush();
        return (buffer.WrittenSpan.ToArray(), failures?.ToArray());
    }
}
