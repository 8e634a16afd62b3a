using System;
using System.Buffers;
using System.Collections.Generic;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace GilAnalyzers.Processes.Hosting;

/// <summary>Runs chunks through one resolved work method.</summary>
internal abstract class ChunkRunner
{
    public abstract ChunkResponse Run(ChunkRequest request, ItemWatchdog? watchdog);

    /// <summary>A runner typed on the method's parameter and return types: a direct delegate call, typed JSON contracts.</summary>
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
    private readonly JsonTypeInfo<TIn> _in;
    private readonly JsonTypeInfo<TOut> _out;

    public ChunkRunner(MethodInfo method, object? target)
    {
        _work = method.CreateDelegate<Func<TIn, TOut>>(target);
        _in = (JsonTypeInfo<TIn>)Payload.Options.GetTypeInfo(typeof(TIn));
        _out = (JsonTypeInfo<TOut>)Payload.Options.GetTypeInfo(typeof(TOut));
    }

    public override ChunkResponse Run(ChunkRequest request, ItemWatchdog? watchdog)
    {
        List<ItemError>? errors = null;
        var buffer = new ArrayBufferWriter<byte>(256);
        var scratch = new ArrayBufferWriter<byte>(64);
        using var scratchWriter = new Utf8JsonWriter(scratch);
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { SkipValidation = true }))
        {
            writer.WriteStartArray();
            int i = 0;
            foreach (JsonElement item in request.Items.EnumerateArray())
            {
                int index = i++;
                TIn argument;
                try
                {
                    argument = item.Deserialize(_in)!;
                }
                catch (Exception ex)
                {
                    (errors ??= new()).Add(new ItemError { Index = index, Error = RemoteError.From(RemoteErrorKinds.Argument, ex) });
                    writer.WriteNullValue();
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
                    writer.WriteNullValue();
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
                    scratchWriter.Reset(scratch);
                    JsonSerializer.Serialize(scratchWriter, result, _out);
                    scratchWriter.Flush();
                    writer.WriteRawValue(scratch.WrittenSpan, skipInputValidation: true);
                }
                catch (Exception ex)
                {
                    (errors ??= new()).Add(new ItemError { Index = index, Error = RemoteError.From(RemoteErrorKinds.Result, ex) });
                    writer.WriteNullValue();
                }
            }

            writer.WriteEndArray();
        }

        return new ChunkResponse { Values = Payload.ToElement(buffer), Errors = errors?.ToArray() };
    }
}
