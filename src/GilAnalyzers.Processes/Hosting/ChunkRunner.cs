using System;
using System.Buffers;
using System.Collections.Generic;
using System.Reflection;
using MessagePack;

namespace GilAnalyzers.Processes.Hosting;

/// <summary>
/// Runs chunks through one resolved work method. The loop over a chunk's items is here, not generic, so it is
/// compiled once (ahead of time in the ReadyToRun image where there is one); only the per-item step, which has no
/// loop, is generic over the method's types and jitted per worker — quickly, at tier 0.
/// </summary>
internal abstract class ChunkRunner
{
    /// <summary>A runner typed on the method's parameter and return types: a direct delegate call, typed codecs.</summary>
    public static ChunkRunner Create(MethodInfo method, object? target)
    {
        Type parameter = method.GetParameters()[0].ParameterType;
        Type runner = typeof(ChunkRunner<,>).MakeGenericType(parameter, method.ReturnType);
        return (ChunkRunner)Activator.CreateInstance(runner, method, target)!;
    }

    public ChunkResponse Run(ChunkRequest request, ItemWatchdog? watchdog)
    {
        List<ItemError>? errors = null;
        var items = new MessagePackReader(request.Items);
        int count = items.ReadArrayHeader();
        // Rented, and sized for the results, not the items (a chunk of 48 KiB frames that returns numbers used to take a
        // fresh buffer as large as its 1.7 MB of input); it grows when results are large.
        var buffer = new PooledBufferWriter(256 + (count * 16));
        // Each result is written here first (so one that fails to serialise fails only itself), then copied into the
        // answer. Rented, like the answer: a fresh growing buffer cost a 16 MiB result ~64 MiB of new memory (every
        // doubling a new array) in every chunk.
        using var scratch = new PooledBufferWriter(256);
        var writer = new MessagePackWriter(buffer);
        writer.WriteArrayHeader(count);
        for (int index = 0; index < count; index++)
        {
            // Each item is read where it starts, so one that fails to deserialise fails only itself: the reader
            // goes back to the item's start and skips it whole.
            MessagePackReader start = items;
            scratch.ResetWrittenCount();
            Exception? failure = RunItem(ref items, scratch, index, request.ItemTimeoutMilliseconds, watchdog, out string? kind);
            if (failure is null)
            {
                writer.WriteRaw(scratch.WrittenSpan);
                continue;
            }

            if (kind == RemoteErrorKinds.Argument)
            {
                items = start;
                items.Skip();
            }

            (errors ??= new()).Add(new ItemError { Index = index, Error = RemoteError.From(kind!, failure) });
            writer.WriteNil();
        }

        writer.Flush();
        return new ChunkResponse { Values = buffer.WrittenMemory, Errors = errors?.ToArray(), ValuesLease = buffer };
    }

    /// <summary>
    /// Reads one item from <paramref name="items"/>, runs the work on it and writes the result to <paramref name="result"/>;
    /// or returns what failed, with its <paramref name="kind"/> (argument, exception, result).
    /// </summary>
    protected abstract Exception? RunItem(ref MessagePackReader items, PooledBufferWriter result, int index, double? timeoutMilliseconds, ItemWatchdog? watchdog, out string? kind);
}

internal sealed class ChunkRunner<TIn, TOut> : ChunkRunner
{
    private readonly Func<TIn, TOut> _work;

    public ChunkRunner(MethodInfo method, object? target)
    {
        _work = method.CreateDelegate<Func<TIn, TOut>>(target);
    }

    protected override Exception? RunItem(ref MessagePackReader items, PooledBufferWriter result, int index, double? timeoutMilliseconds, ItemWatchdog? watchdog, out string? kind)
    {
        TIn argument;
        try
        {
            argument = Codec<TIn>.Instance.Read(ref items);
        }
        catch (Exception ex)
        {
            kind = RemoteErrorKinds.Argument;
            return Payload.Unwrap(ex);
        }

        TOut value;
        if (timeoutMilliseconds is double timeout)
        {
            watchdog?.Start(index, timeout);
        }

        try
        {
            value = _work(argument);
        }
        catch (Exception ex)
        {
            kind = RemoteErrorKinds.Exception;
            return ex;
        }
        finally
        {
            watchdog?.Stop();
        }

        // Serialised into the caller's scratch space first, so one unserialisable result fails only its own item.
        try
        {
            var writer = new MessagePackWriter(result);
            Codec<TOut>.Instance.Write(ref writer, value);
            writer.Flush();
        }
        catch (Exception ex)
        {
            kind = RemoteErrorKinds.Result;
            return Payload.Unwrap(ex);
        }

        kind = null;
        return null;
    }
}
