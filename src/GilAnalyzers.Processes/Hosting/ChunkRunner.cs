using System;
using System.Buffers;
using System.Collections.Generic;
using System.Reflection;
using MessagePack;

namespace GilAnalyzers.Processes.Hosting;

/// <summary>Runs chunks through one resolved work method.</summary>
internal abstract class ChunkRunner
{
    public abstract ChunkResponse Run(ChunkRequest request, ItemWatchdog? watchdog);

    /// <summary>A runner typed on the method's parameter and return types: a direct delegate call, typed codecs.</summary>
    public static ChunkRunner Create(MethodInfo method, object? target)
    {
        Type parameter = method.GetParameters()[0].ParameterType;
        Type runner = typeof(ChunkRunner<,>).MakeGenericType(parameter, method.ReturnType);
        return (ChunkRunner)Activator.CreateInstance(runner, method, target)!;
    }
}

internal sealed class ChunkRunner<TIn, TOut> : ChunkRunner
{
    private readonly Func<TIn, TOut> _work;

    public ChunkRunner(MethodInfo method, object? target)
    {
        _work = method.CreateDelegate<Func<TIn, TOut>>(target);
    }

    public override ChunkResponse Run(ChunkRequest request, ItemWatchdog? watchdog)
    {
        List<ItemError>? errors = null;
        var buffer = new ArrayBufferWriter<byte>(Math.Max(256, request.Items.Length));
        var scratch = new ArrayBufferWriter<byte>(64);
        var items = new MessagePackReader(request.Items);
        int count = items.ReadArrayHeader();
        var writer = new MessagePackWriter(buffer);
        writer.WriteArrayHeader(count);
        for (int index = 0; index < count; index++)
        {
            // Each item is read from its own bytes, so one that fails to deserialise fails only itself.
            ReadOnlySequence<byte> raw = items.ReadRaw();
            TIn argument;
            try
            {
                var reader = new MessagePackReader(raw);
                argument = Codec<TIn>.Instance.Read(ref reader);
            }
            catch (Exception ex)
            {
                (errors ??= new()).Add(new ItemError { Index = index, Error = RemoteError.From(RemoteErrorKinds.Argument, Payload.Unwrap(ex)) });
                writer.WriteNil();
                continue;
            }

            TOut result;
            if (request.ItemTimeoutMilliseconds is double timeout)
            {
                watchdog?.Start(index, timeout);
            }

            try
            {
                result = _work(argument);
            }
            catch (Exception ex)
            {
                (errors ??= new()).Add(new ItemError { Index = index, Error = RemoteError.From(RemoteErrorKinds.Exception, ex) });
                writer.WriteNil();
                continue;
            }
            finally
            {
                watchdog?.Stop();
            }

            // Serialise into scratch space first, so one unserialisable result fails only its own item.
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
                (errors ??= new()).Add(new ItemError { Index = index, Error = RemoteError.From(RemoteErrorKinds.Result, Payload.Unwrap(ex)) });
                writer.WriteNil();
            }
        }

        writer.Flush();
        return new ChunkResponse { Values = buffer.WrittenMemory, Errors = errors?.ToArray() };
    }
}
